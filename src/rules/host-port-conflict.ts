import { appListeners, collide, fixedHostPorts } from '../core/_host-ports';
import { shownPath } from '../core/_input-names';
import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/**
 * The app's host-network listeners (kube-proxy metrics and healthz, node-cache's health and
 * metrics on every instance) share the node with each other, with the control plane and
 * kubelet, and with the CNI's agents: two on one port and the later one fails to start with
 * EADDRINUSE (a wildcard bind takes the port on every address). A port in the NodePort range
 * can also be handed to a Service, whose rules then take the probe's traffic.
 */
export const HOST_PORT_CONFLICT: CrossComponentRule = {
  id: 'HOST-PORT-CONFLICT',
  description: 'host-network listeners of the app never share a port with each other, the control plane, kubelet, the CNI or NodePorts',
  evaluate(state: AppState): RawFinding[] {
    const plan = state.plan();
    const ours = appListeners(state);
    const fixed = fixedHostPorts(plan);
    const { nodePortMin, nodePortMax, nodePortRange } = plan.profile;
    const out: RawFinding[] = [];
    ours.forEach((l, i) => {
      if (!l.scope) return; // kubeadm's kube-proxy is not ours to move
      const earlier = ours.slice(0, i).find((o) => collide(o, l));
      const clash = earlier ?? fixed.find((f) => collide(f, l));
      const where = earlier?.scope && earlier.scope !== l.scope ? ` of [${shownPath(earlier.scope)}]` : '';
      if (clash) {
        out.push({
          ruleId: this.id,
          severity: FindingSeverity.ERROR,
          scope: l.scope,
          message: `${l.who} listens on port ${l.port}, which ${clash.who}${where} already uses: the later one fails to bind (EADDRINUSE; a wildcard address takes the port on all addresses)`,
          fix: 'move one of them to a free port (kube-proxy: metricsBindAddress/healthzBindAddress; NodeLocalDns: healthPort)',
        });
      } else if (l.port >= nodePortMin && l.port <= nodePortMax) {
        out.push({
          ruleId: this.id,
          severity: FindingSeverity.ERROR,
          scope: l.scope,
          message: `${l.who} listens on port ${l.port}, inside the NodePort range ${nodePortRange}: a Service given that NodePort takes its traffic`,
          fix: 'pick a port outside the NodePort range',
        });
      }
    });
    return out;
  },
};

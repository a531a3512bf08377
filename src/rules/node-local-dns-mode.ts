import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/**
 * node-local-dns binds the kube-dns IP only in kube-proxy iptables mode (its NOTRACK
 * rules bypass the DNAT); in every other data plane it binds the link-local IP alone.
 * A kubeProxyMode stated on NodeLocalDns that disagrees with the app's data plane
 * would wire it for the wrong one, and DNS fails on every node.
 */
export const NODE_LOCAL_DNS_MODE: CrossComponentRule = {
  id: 'NLD-MODE-MISMATCH',
  description: 'NodeLocalDns is wired for the data plane the app configures',
  evaluate(state: AppState): RawFinding[] {
    const out: RawFinding[] = [];
    const ebpf = state.components('cni').find((c) => c.replacesKubeProxyWith);
    const proxy = state.components('kube-proxy')[0];
    for (const nld of state.components('node-local-dns')) {
      if (!nld.explicitMode) continue;
      if (ebpf) {
        out.push({
          ruleId: this.id,
          severity: FindingSeverity.ERROR,
          scope: nld.scope,
          message: `'kubeProxyMode' (${nld.explicitMode}) is set, but [${ebpf.scope.node.path}] replaces kube-proxy with ${ebpf.replacesKubeProxyWith}: node-local-dns is wired for that data plane (link-local IP only)`,
          fix: 'remove kubeProxyMode from NodeLocalDns',
        });
      } else if (proxy && proxy.mode !== nld.explicitMode) {
        out.push({
          ruleId: this.id,
          severity: FindingSeverity.ERROR,
          scope: nld.scope,
          message: `'kubeProxyMode' (${nld.explicitMode}) differs from the mode of [${proxy.scope.node.path}] (${proxy.mode}): node-local-dns would be wired for the wrong data plane and DNS would fail`,
          fix: 'remove kubeProxyMode from NodeLocalDns (it follows the TunedKubeProxy) or make the two agree',
        });
      }
    }
    return out;
  },
};

import { shownProp } from '../core/_input-names';
import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/**
 * NetworkAlerts' kubeProxyMode is a fact for apps without a TunedKubeProxy; one that
 * disagrees with the plan would watch metrics that mode never exports.
 */
export const ALERTS_KUBE_PROXY_MODE: CrossComponentRule = {
  id: 'ALERTS-MODE-MISMATCH',
  description: "NetworkAlerts' kubeProxyMode agrees with the app's data plane",
  evaluate(state: AppState): RawFinding[] {
    const plane = state.plan().dataPlane;
    return state.components('alerts')
      .filter((a) => a.explicitKubeProxyMode !== undefined && plane.decidedBy !== a.scope && a.explicitKubeProxyMode !== plane.mode)
      .map((alerts) => ({
        ruleId: this.id,
        severity: FindingSeverity.ERROR,
        scope: alerts.scope,
        message: `'${shownProp(alerts.scope, 'kubeProxyMode')}' (${alerts.explicitKubeProxyMode}) disagrees with the app's data plane, ${plane.kind === 'ebpf' ? plane.name : `kube-proxy ${plane.mode}`} (${plane.reason}): the mode-specific alerts would watch metrics that are never exported`,
        fix: 'remove kubeProxyMode from NetworkAlerts (it follows the plan)',
      }));
  },
};

import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/**
 * NetworkAlerts' kubeProxyMode is for apps without a TunedKubeProxy: one that
 * disagrees with the app's kube-proxy would watch metrics that mode never exports.
 */
export const ALERTS_KUBE_PROXY_MODE: CrossComponentRule = {
  id: 'ALERTS-MODE-MISMATCH',
  description: "NetworkAlerts' kube-proxy mode is the mode the app's kube-proxy runs",
  evaluate(state: AppState): RawFinding[] {
    const proxy = state.components('kube-proxy')[0];
    if (!proxy) return [];
    return state.components('alerts')
      .filter((a) => a.watches['kube-proxy'] && a.explicitKubeProxyMode !== undefined && a.explicitKubeProxyMode !== proxy.mode)
      .map((alerts) => ({
        ruleId: this.id,
        severity: FindingSeverity.ERROR,
        scope: alerts.scope,
        message: `'kubeProxyMode' (${alerts.explicitKubeProxyMode}) differs from the mode of [${proxy.scope.node.path}] (${proxy.mode}): the mode-specific alerts would watch metrics that kube-proxy never exports`,
        fix: 'remove kubeProxyMode from NetworkAlerts (it follows the TunedKubeProxy)',
      }));
  },
};

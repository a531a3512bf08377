import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/** Under an eBPF kube-proxy replacement no kube-proxy runs: KubeProxyDown would fire forever. */
export const ALERTS_NO_KUBE_PROXY: CrossComponentRule = {
  id: 'ALERTS-NO-KUBE-PROXY',
  description: 'no kube-proxy alerts next to an eBPF kube-proxy replacement',
  evaluate(state: AppState): RawFinding[] {
    const plane = state.plan().dataPlane;
    if (plane.kind !== 'ebpf') return [];
    return state.components('alerts').filter((a) => a.watches['kube-proxy']).map((alerts) => ({
      ruleId: this.id,
      severity: FindingSeverity.ERROR,
      scope: alerts.scope,
      message: `kube-proxy alerts are on, but ${plane.reason}: no kube-proxy runs, so KubeProxyDown would fire forever`,
      fix: "set 'kubeProxyAlerts' to false (or remove the kube-proxy replacement)",
    }));
  },
};

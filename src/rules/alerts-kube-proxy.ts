import { parseHostPort } from '../core/_net';
import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/**
 * kube-proxy alerts need a kube-proxy that Prometheus can scrape: none under an eBPF
 * replacement (KubeProxyDown would fire forever), and not one that serves its metrics
 * on loopback (kube-proxy's own default, 127.0.0.1:10249).
 */
export const ALERTS_KUBE_PROXY: CrossComponentRule = {
  id: 'ALERTS-KUBE-PROXY',
  description: 'kube-proxy alerts only for a kube-proxy that runs and can be scraped',
  evaluate(state: AppState): RawFinding[] {
    const out: RawFinding[] = [];
    const ebpf = state.components('cni').find((c) => c.replacesKubeProxyWith);
    const proxy = state.components('kube-proxy')[0];
    for (const alerts of state.components('alerts').filter((a) => a.watches['kube-proxy'])) {
      if (ebpf) {
        out.push({
          ruleId: 'ALERTS-NO-KUBE-PROXY',
          severity: FindingSeverity.ERROR,
          scope: alerts.scope,
          message: `kube-proxy alerts are on, but [${ebpf.scope.node.path}] replaces kube-proxy with ${ebpf.replacesKubeProxyWith}: KubeProxyDown would fire forever`,
          fix: "set 'kubeProxyAlerts' to false (or remove the kube-proxy replacement)",
        });
      }
      const bind = proxy ? parseHostPort(proxy.metricsBindAddress) : undefined;
      if (proxy && bind && bind.ip.family === 4 && bind.ip.text.startsWith('127.')) {
        out.push({
          ruleId: 'ALERTS-KUBE-PROXY-METRICS',
          severity: FindingSeverity.ERROR,
          scope: alerts.scope,
          message: `[${proxy.scope.node.path}] serves metrics on ${proxy.metricsBindAddress}, loopback only: Prometheus cannot scrape it, so the kube-proxy alerts cannot work`,
          fix: "set the TunedKubeProxy's metricsBindAddress to 0.0.0.0:10249 (its default)",
        });
      }
    }
    return out;
  },
};

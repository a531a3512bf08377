import { shownPath } from '../core/_input-names';
import { parseHostPort } from '../core/_net';
import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/** kube-proxy's own default metrics address is 127.0.0.1:10249, which Prometheus cannot reach. */
export const ALERTS_KUBE_PROXY_METRICS: CrossComponentRule = {
  id: 'ALERTS-KUBE-PROXY-METRICS',
  description: 'kube-proxy alerts only for a kube-proxy that serves metrics beyond loopback',
  evaluate(state: AppState): RawFinding[] {
    const proxy = state.components('kube-proxy')[0];
    const bind = proxy ? parseHostPort(proxy.metricsBindAddress) : undefined;
    if (!proxy || !bind || bind.ip.family !== 4 || !bind.ip.text.startsWith('127.')) return [];
    return state.components('alerts').filter((a) => a.watches['kube-proxy']).map((alerts) => ({
      ruleId: this.id,
      severity: FindingSeverity.ERROR,
      scope: alerts.scope,
      message: `[${shownPath(proxy.scope)}] serves metrics on ${proxy.metricsBindAddress}, loopback only: Prometheus cannot scrape it, so the kube-proxy alerts cannot work`,
      fix: "set the TunedKubeProxy's metricsBindAddress to 0.0.0.0:10249 (its default)",
    }));
  },
};

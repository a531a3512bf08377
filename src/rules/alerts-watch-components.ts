import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

const PROPS = { 'kube-proxy': 'kubeProxyAlerts', 'coredns': 'coreDnsAlerts', 'node-local-dns': 'nodeLocalDnsAlerts' } as const;

/**
 * NetworkAlerts decides what it watches when it is created (that decides which
 * scrape objects exist): a component added afterwards would run unwatched.
 */
export const ALERTS_WATCH_COMPONENTS: CrossComponentRule = {
  id: 'ALERTS-CREATED-TOO-EARLY',
  description: 'every component NetworkAlerts can watch was added before it',
  evaluate(state: AppState): RawFinding[] {
    const out: RawFinding[] = [];
    for (const alerts of state.components('alerts')) {
      for (const group of ['kube-proxy', 'coredns', 'node-local-dns'] as const) {
        if (alerts.explicit[group] || alerts.watches[group] || state.components(group).length === 0) continue;
        out.push({
          ruleId: this.id,
          severity: FindingSeverity.ERROR,
          scope: alerts.scope,
          message: `the app has a ${group} component that was added after NetworkAlerts, so it has no alerts or scrape objects`,
          fix: `create NetworkAlerts after the components it watches, or set '${PROPS[group]}' explicitly`,
        });
      }
    }
    return out;
  },
};

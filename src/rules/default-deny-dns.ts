import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';
import { dnsTargetsOf } from '../policy/_dns-targets';
import { EMPTY_SELECTOR, networkPoliciesIn, PolicyJson, dnsEgressProtocols, selectorKey } from '../policy/_policy-analysis';

/**
 * Default-deny egress breaks DNS unless some policy allows UDP 53 to kube-dns
 * (and to NodeLocal DNSCache's addresses) for every pod of the namespace.
 * A DefaultDenyPolicy with allowDns: false is only valid when another policy
 * in the app does that.
 */
export const DEFAULT_DENY_DNS: CrossComponentRule = {
  id: 'DEFAULT-DENY-DNS',
  description: 'default-deny egress always comes with a DNS allowance',
  evaluate(state: AppState): RawFinding[] {
    const denies = state.components('default-deny').filter((d) => d.deniesEgress && !d.allowsDns);
    if (denies.length === 0) return [];
    const root = denies[0].scope.node.root;
    const policies = networkPoliciesIn(root).map((o) => o.toJson() as PolicyJson);
    const out: RawFinding[] = [];
    for (const d of denies) {
      const targets = dnsTargetsOf(state, d.profile);
      const missing = d.namespaces.filter((ns) => !policies.some((p) => (p.metadata.namespace ?? 'default') === ns
        && selectorKey(p.spec?.podSelector) === EMPTY_SELECTOR && dnsEgressProtocols(p, targets).has('UDP')));
      if (missing.length === 0) continue;
      out.push({
        ruleId: this.id,
        severity: FindingSeverity.ERROR,
        scope: d.scope,
        message: `egress is denied in ${missing.join(', ')} and no policy there allows DNS (UDP 53 to kube-dns${targets.nodeLocalIps.length > 0 ? ` and ${targets.nodeLocalIps.join(', ')}` : ''}) for every pod: name resolution would fail`,
        fix: "set 'allowDns' to true, or add a policy with an empty pod selector allowing UDP and TCP 53 to the kube-dns pods",
      });
    }
    return out;
  },
};

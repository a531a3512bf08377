import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { DnsHopKind, DnsHopVerdict, FindingSeverity } from '../core/report-types';

/** Hops whose failure comes from policies (the listener hop is NLD-MODE-MISMATCH's). */
const POLICY_HOPS = new Set([DnsHopKind.POLICY, DnsHopKind.COREDNS, DnsHopKind.UPSTREAM]);

/**
 * Default deny must keep DNS working: every namespace a DefaultDenyPolicy protects
 * is traced (TuningReport.dnsPath) under the CNI's policy semantics, and a query
 * that a policy blocks on its way (the pod's egress, CoreDNS's ingress or its API
 * watch, CoreDNS's upstreams) fails synthesis at that hop.
 */
export const DEFAULT_DENY_DNS: CrossComponentRule = {
  id: 'DEFAULT-DENY-DNS',
  description: 'every namespace under default deny still resolves names (DNS path trace)',
  evaluate(state: AppState): RawFinding[] {
    const denies = state.components('default-deny');
    if (denies.length === 0) return [];
    const guarding = (ns: string) => denies.find((d) => d.namespaces.includes(ns)) ?? denies[0];
    const out: RawFinding[] = [];
    for (const d of denies) {
      for (const ns of d.namespaces) {
        const hop = state.dnsTrace(ns).hops.find((h) => h.verdict === DnsHopVerdict.FAIL);
        if (!hop || !POLICY_HOPS.has(hop.kind)) continue;
        const owner = hop.kind === DnsHopKind.POLICY ? d : guarding('kube-system');
        out.push({
          ruleId: this.id,
          severity: FindingSeverity.ERROR,
          scope: owner.scope,
          message: `pods in ${ns} cannot resolve names: the DNS path fails at the ${hop.kind} hop (${hop.target}): ${hop.detail}`,
          fix: hop.kind === DnsHopKind.POLICY
            ? "set 'allowDns' to true, or add a policy with an empty pod selector allowing UDP and TCP 53 to the kube-dns pods"
              + ' (and, with NodeLocal DNSCache, to its addresses; under Cilium with a CiliumNetworkPolicy toEntities [host])'
            : 'keep default deny out of kube-system, or allow CoreDNS ingress from every namespace and node, and its egress to the API server and upstreams',
        });
      }
    }
    return out;
  },
};

import {
  byNamespace, covers, DnsTargets, EMPTY_SELECTOR, policiesWithoutDns, policyKey, PolicyJson, selectorKey,
} from './_policy-analysis';
import { cidrContains, cidrsOverlap, parseCidr, parseIp } from '../core/_net';
import { ClusterProfile } from '../core/cluster-profile';
import { FindingSeverity } from '../core/report-types';

/** What every lint rule is given. */
export interface LintContext {
  readonly policies: PolicyJson[];
  readonly profile: ClusterProfile;
  readonly maxPoliciesPerPod: number;
  readonly dns: DnsTargets;
}

export interface LintHit {
  readonly policy: string;
  readonly message: string;
}

export interface LintRule {
  readonly id: string;
  readonly severity: FindingSeverity;
  /** What it checks, one line (README). */
  readonly description: string;
  /** How to fix a finding. */
  readonly fix: string;
  check(ctx: LintContext): LintHit[];
}

/** A list field as a list: manifests linted outside an app may hold a map where the schema has a list (the API server refuses them; the lint must not crash). */
const items = (v: unknown): any[] => (Array.isArray(v) ? v : []);

function* ports(p: PolicyJson): Generator<{ direction: string; port: any }> {
  for (const direction of ['ingress', 'egress']) {
    for (const rule of items(p.spec?.[direction])) {
      for (const port of items(rule?.ports)) yield { direction, port };
    }
  }
}

function* peers(p: PolicyJson): Generator<{ direction: string; peer: any }> {
  for (const [direction, key] of [['ingress', 'from'], ['egress', 'to']]) {
    for (const rule of items(p.spec?.[direction])) {
      for (const peer of items(rule?.[key])) yield { direction, peer };
    }
  }
}

/** The guide's "网络策略性能建议", as checks. */
export const LINT_RULES: readonly LintRule[] = [
  {
    id: 'NP001',
    severity: FindingSeverity.WARNING,
    description: 'too many policies select the same pods (limit per tier: 20 / 10 / 5)',
    fix: 'merge the policies that select these pods into fewer, larger ones (guide: 使用合并策略而非多个小策略)',
    check(ctx) {
      const hits: LintHit[] = [];
      const seen = new Set<string>();
      const inNamespace = byNamespace(ctx.policies);
      for (const p of ctx.policies) {
        const ns = p.metadata.namespace ?? 'default';
        const key = `${ns} ${selectorKey(p.spec?.podSelector)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const applying = inNamespace.get(ns)!.filter((q) => covers(q, p));
        if (applying.length > ctx.maxPoliciesPerPod) {
          const which = selectorKey(p.spec?.podSelector) === EMPTY_SELECTOR ? 'every pod' : `the pods ${policyKey(p)} selects`;
          hits.push({ policy: policyKey(p), message: `${applying.length} policies in '${ns}' apply to ${which}, more than ${ctx.maxPoliciesPerPod}: each one adds data-plane rules for them` });
        }
      }
      return hits;
    },
  },
  {
    id: 'NP002',
    severity: FindingSeverity.WARNING,
    description: '`ipBlock` used for cluster addresses, where a pod or namespace selector would do',
    fix: 'select the pods with podSelector / namespaceSelector; keep ipBlock for addresses outside the cluster (guide: 避免使用 ipBlock)',
    check(ctx) {
      const hits: LintHit[] = [];
      const nodeLocal = ctx.dns.nodeLocalIps.map(parseIp);
      for (const p of ctx.policies) {
        for (const { direction, peer } of peers(p)) {
          const cidr = peer.ipBlock?.cidr ? parseCidr(peer.ipBlock.cidr) : undefined;
          if (!cidr) continue;
          // A /32 on an address node-local-dns answers on is how DNS is allowed with NodeLocal DNSCache.
          const isHost = cidr.prefix === (cidr.family === 4 ? 32 : 128);
          if (isHost && nodeLocal.some((ip) => ip && cidrContains(cidr, ip))) continue;
          const pod = ctx.profile._podCidrs.find((c) => cidrsOverlap(c, cidr) && cidr.prefix >= c.prefix);
          const svc = ctx.profile._serviceCidrs.find((c) => cidrsOverlap(c, cidr) && cidr.prefix >= c.prefix);
          if (pod) {
            hits.push({ policy: policyKey(p), message: `${direction} ipBlock ${peer.ipBlock.cidr} lies in the Pod CIDR ${pod.text}: pod IPs change, and every address becomes a rule` });
          } else if (svc) {
            hits.push({ policy: policyKey(p), message: `${direction} ipBlock ${peer.ipBlock.cidr} lies in the Service CIDR ${svc.text}: Service IPs are rewritten to pod IPs before policies see them, so it never matches` });
          }
        }
      }
      return hits;
    },
  },
  {
    id: 'NP003',
    severity: FindingSeverity.WARNING,
    description: 'port ranges (`endPort`) instead of specific ports',
    fix: 'list the specific ports the workload uses (guide: 指定具体端口而非端口范围)',
    check(ctx) {
      const hits: LintHit[] = [];
      for (const p of ctx.policies) {
        for (const { direction, port } of ports(p)) {
          if (port.endPort !== undefined) {
            hits.push({ policy: policyKey(p), message: `${direction} port range ${port.port}-${port.endPort} opens ${port.endPort - port.port + 1} ports` });
          }
        }
      }
      return hits;
    },
  },
  {
    id: 'NP004',
    severity: FindingSeverity.WARNING,
    description: 'a port without `protocol` (Kubernetes assumes TCP)',
    fix: 'state the protocol of every port; DNS needs both UDP and TCP entries',
    check(ctx) {
      const hits: LintHit[] = [];
      for (const p of ctx.policies) {
        for (const { direction, port } of ports(p)) {
          if (port.protocol === undefined) hits.push({ policy: policyKey(p), message: `${direction} port ${port.port ?? '(all)'} has no protocol, so only TCP is allowed` });
        }
      }
      return hits;
    },
  },
  {
    id: 'NP005',
    severity: FindingSeverity.WARNING,
    description: 'no `policyTypes` (Kubernetes guesses them from the rules)',
    fix: 'list policyTypes explicitly; an egress-only or deny-egress policy does nothing without "Egress"',
    check(ctx) {
      return ctx.policies.filter((p) => !Array.isArray(p.spec?.policyTypes) || p.spec.policyTypes.length === 0)
        .map((p) => ({ policy: policyKey(p), message: 'has no policyTypes: without egress rules it will not restrict egress, whatever was intended' }));
    },
  },
  {
    id: 'NP006',
    severity: FindingSeverity.ERROR,
    description: 'egress is restricted and no policy lets the selected pods reach DNS',
    fix: 'allow UDP and TCP 53 to the kube-dns pods (namespaceSelector kube-system AND podSelector k8s-app=kube-dns), plus NodeLocal DNSCache\'s IP if used; DefaultDenyPolicy does this',
    check(ctx) {
      return policiesWithoutDns(ctx.policies, ctx.dns).map((p) => ({
        policy: policyKey(p),
        message: `restricts egress, and no policy in '${p.metadata.namespace ?? 'default'}' allows UDP 53 to kube-dns${ctx.dns.nodeLocalIps.length > 0 ? ` or ${ctx.dns.nodeLocalIps.join(', ')}` : ''} for its pods: they cannot resolve names`,
      }));
    },
  },
];

import { ApiObject } from 'cdk8s';
import { cidrContains, parseCidr, parseIp } from '../core/_net';
import { byCodePoint } from '../core/_order';

/** A NetworkPolicy as synthesized (plain JSON). */
export interface PolicyJson {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { name?: string; namespace?: string };
  readonly spec?: any;
}

/** `namespace/name` of a policy (namespace `default` when unset). */
export function policyKey(p: PolicyJson): string {
  return `${p.metadata.namespace ?? 'default'}/${p.metadata.name ?? '(unnamed)'}`;
}

/** Whether an API object is a Kubernetes NetworkPolicy. */
export function isNetworkPolicy(obj: ApiObject): boolean {
  return obj.kind === 'NetworkPolicy' && obj.apiVersion === 'networking.k8s.io/v1';
}

/**
 * Policies grouped by namespace, in their order: a policy only ever applies to pods of its own
 * namespace, so per-policy questions look in one group (linear in the app, not quadratic).
 */
export function byNamespace(policies: readonly PolicyJson[]): Map<string, PolicyJson[]> {
  const out = new Map<string, PolicyJson[]>();
  for (const p of policies) {
    const ns = p.metadata.namespace ?? 'default';
    const list = out.get(ns);
    if (list) list.push(p);
    else out.set(ns, [p]);
  }
  return out;
}

/** The policy types as Kubernetes applies them: explicit, or Ingress plus Egress when egress rules exist. */
export function effectivePolicyTypes(p: PolicyJson): string[] {
  const explicit = p.spec?.policyTypes;
  if (Array.isArray(explicit) && explicit.length > 0) return explicit;
  return Array.isArray(p.spec?.egress) && p.spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** Selector keys of the analysis running now (see withSelectorKeys); none outside one. */
let selectorKeys: WeakMap<object, string> | undefined;

/**
 * Runs one analysis with selector keys computed once per selector object: policies of a namespace
 * are compared pairwise. Scoped to the run, because callers may change their manifests between runs.
 */
export function withSelectorKeys<T>(fn: () => T): T {
  const outer = selectorKeys;
  selectorKeys = outer ?? new WeakMap();
  try {
    return fn();
  } finally {
    selectorKeys = outer;
  }
}

/** A canonical text for a label selector, so equal selectors compare equal. */
export function selectorKey(selector: any): string {
  if (!selectorKeys || selector === null || typeof selector !== 'object') return canonicalSelector(selector);
  let key = selectorKeys.get(selector);
  if (key === undefined) {
    key = canonicalSelector(selector);
    selectorKeys.set(selector, key);
  }
  return key;
}

function canonicalSelector(selector: any): string {
  const labels = Object.entries(selector?.matchLabels ?? {}).sort(([a], [b]) => byCodePoint(a, b));
  const exprs = [...(selector?.matchExpressions ?? [])]
    .map((e: any) => `${e.key} ${e.operator} ${[...(e.values ?? [])].sort().join(',')}`)
    .sort();
  return JSON.stringify([labels, exprs]);
}

export const EMPTY_SELECTOR = selectorKey({});

/** Whether a policy's pod selector covers at least the pods another one selects (same or all pods). */
export function covers(candidate: PolicyJson, target: PolicyJson): boolean {
  const c = selectorKey(candidate.spec?.podSelector);
  return c === EMPTY_SELECTOR || c === selectorKey(target.spec?.podSelector);
}

/** What the DNS allowance must reach: kube-dns pods, and the addresses NodeLocal DNSCache answers on. */
export interface DnsTargets {
  readonly dnsServiceIp: string;
  /** Addresses node-local-dns answers on (link-local; and the kube-dns IP in iptables mode). */
  readonly nodeLocalIps: string[];
}

/** The DNS addresses of a target set, parsed once per set (policies are checked against one set many times). */
const TARGET_ADDRESSES = new WeakMap<DnsTargets, NonNullable<ReturnType<typeof parseIp>>[]>();

function targetAddresses(targets: DnsTargets): NonNullable<ReturnType<typeof parseIp>>[] {
  let out = TARGET_ADDRESSES.get(targets);
  if (!out) {
    out = [targets.dnsServiceIp, ...targets.nodeLocalIps].map(parseIp).filter((x): x is NonNullable<typeof x> => x !== undefined);
    TARGET_ADDRESSES.set(targets, out);
  }
  return out;
}

function peerReachesDns(peer: any, targets: DnsTargets): boolean {
  if (peer.ipBlock?.cidr) {
    const cidr = parseCidr(peer.ipBlock.cidr);
    return !!cidr && targetAddresses(targets).some((ip) => cidrContains(cidr, ip));
  }
  const ns = peer.namespaceSelector;
  // Without a namespaceSelector the peer is in the policy's own namespace, never kube-system.
  if (ns === undefined) return false;
  const nsOk = selectorKey(ns) === EMPTY_SELECTOR || ns.matchLabels?.['kubernetes.io/metadata.name'] === 'kube-system'
    || (ns.matchExpressions ?? []).some((e: any) => e.key === 'kubernetes.io/metadata.name' && e.operator === 'In' && (e.values ?? []).includes('kube-system'));
  const pods = peer.podSelector;
  const podsOk = pods === undefined || selectorKey(pods) === EMPTY_SELECTOR || pods.matchLabels?.['k8s-app'] === 'kube-dns';
  return nsOk && podsOk;
}

/** Which DNS protocols (UDP, TCP) an egress rule lets through to DNS. */
function dnsProtocols(rule: any, targets: DnsTargets): Set<string> {
  const out = new Set<string>();
  // a map where the schema has a list (a manifest the API server refuses) counts as no entries: lint, never crash
  const to: any[] = Array.isArray(rule?.to) ? rule.to : [];
  const reaches = to.length === 0 || to.some((peer: any) => peerReachesDns(peer, targets));
  if (!reaches) return out;
  const ports: any[] = Array.isArray(rule?.ports) ? rule.ports : [];
  if (ports.length === 0) return new Set(['UDP', 'TCP']);
  for (const p of ports) {
    const protocol = p.protocol ?? 'TCP';
    const lo = typeof p.port === 'number' ? p.port : p.port === undefined ? 0 : NaN;
    const hi = typeof p.endPort === 'number' ? p.endPort : p.port === undefined ? 65535 : lo;
    if (p.port === 'dns' || p.port === 'dns-tcp' || (lo <= 53 && hi >= 53)) out.add(protocol);
  }
  return out;
}

const EGRESS_PROTOCOLS = new WeakMap<DnsTargets, WeakMap<PolicyJson, ReadonlySet<string>>>();

/**
 * The DNS protocols a policy allows as egress (empty when it does not restrict egress or allows none);
 * computed once per policy and target set: every policy of a namespace is asked about every other.
 */
export function dnsEgressProtocols(p: PolicyJson, targets: DnsTargets): ReadonlySet<string> {
  let byPolicy = EGRESS_PROTOCOLS.get(targets);
  if (!byPolicy) {
    byPolicy = new WeakMap();
    EGRESS_PROTOCOLS.set(targets, byPolicy);
  }
  let out = byPolicy.get(p);
  if (!out) {
    out = egressProtocols(p, targets);
    byPolicy.set(p, out);
  }
  return out;
}

function egressProtocols(p: PolicyJson, targets: DnsTargets): Set<string> {
  const out = new Set<string>();
  if (!effectivePolicyTypes(p).includes('Egress')) return out;
  for (const rule of Array.isArray(p.spec?.egress) ? p.spec.egress : []) {
    for (const proto of dnsProtocols(rule, targets)) out.add(proto);
  }
  return out;
}

/**
 * Egress-restricting policies whose pods no policy lets reach DNS on UDP 53:
 * those pods cannot resolve names. Policies are grouped by namespace.
 */
export function policiesWithoutDns(policies: PolicyJson[], targets: DnsTargets): PolicyJson[] {
  const out: PolicyJson[] = [];
  const inNamespace = byNamespace(policies);
  for (const p of policies) {
    if (!effectivePolicyTypes(p).includes('Egress')) continue;
    const ns = p.metadata.namespace ?? 'default';
    const sameNs = inNamespace.get(ns)!.filter((q) => covers(q, p));
    if (!sameNs.some((q) => dnsEgressProtocols(q, targets).has('UDP'))) out.push(p);
  }
  return out;
}

import { cidrContains, parseCidr, parseIp, ParsedCidr } from '../core/_net';

/*
 * NetworkPolicy verdicts for one flow, under the semantics of the CNI that enforces
 * them (networking.k8s.io/v1 types.go; CiliumNetworkPolicy docs "Layer 3" and "Layer 4").
 * Used by the DNS path trace: is a query from a namespace's pods allowed to reach a
 * listener, and can CoreDNS answer it.
 */

/** Where a flow goes (or comes from). */
export type Endpoint =
  /** Pods: their namespace and labels. */
  | { readonly kind: 'pods'; readonly namespace: string; readonly labels: Readonly<Record<string, string>> }
  /** A node's own addresses (host network: node-local-dns, node IPs); `local` when on the pod's own node. */
  | { readonly kind: 'node'; readonly ips: readonly string[]; readonly local: boolean }
  /**
   * Addresses outside the cluster's pods and nodes (upstream resolvers, an API server
   * VIP), and the Cilium entities that stand for them. With no `ips` (not known here),
   * only rules that allow every address match.
   */
  | { readonly kind: 'external'; readonly ips: readonly string[]; readonly entities: readonly string[] };

/** How the CNI applies policies. */
export interface PolicySemantics {
  /** Cilium: node addresses carry the host/remote-node identity, which CIDR rules never select. */
  readonly hostIdentity: boolean;
  /** Pod CIDRs, to tell whether an ipBlock covers pod addresses. */
  readonly podCidrs: readonly ParsedCidr[];
}

/** A verdict and the policies behind it. */
export interface Verdict {
  readonly allowed: boolean;
  /** The policies that allow the flow, or `[]` when none restricts it. */
  readonly by: string[];
  /** Whether any policy restricts this direction for the selected pods. */
  readonly restricted: boolean;
}

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } | undefined;

/** Whether a label selector selects an object with these labels (an absent selector selects nothing here). */
export function selects(selector: Selector, labels: Readonly<Record<string, string>>): boolean {
  if (!selector || typeof selector !== 'object') return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

function ipBlockMatches(block: any, ep: Endpoint, sem: PolicySemantics): boolean {
  const cidr = parseCidr(block?.cidr);
  if (!cidr) return false;
  const excepts = (block.except ?? []).map(parseCidr).filter((c: ParsedCidr | undefined): c is ParsedCidr => c !== undefined);
  if (ep.kind === 'pods') {
    // The block must cover a whole Pod CIDR (pod IPs are not known ahead).
    return sem.podCidrs.some((p) => p.family === cidr.family && cidr.prefix <= p.prefix
      && cidrContains(cidr, { family: p.family, value: p.network, text: '' })
      && !excepts.some((x: ParsedCidr) => x.family === p.family && cidrContains(p, { family: x.family, value: x.network, text: '' })));
  }
  // Cilium: "CIDR rules do not apply to traffic where both sides ... use an IP belonging to a node".
  if (ep.kind === 'node' && sem.hostIdentity) return false;
  return addressesMatch(cidr, excepts, ep.ips);
}

function addressesMatch(cidr: ParsedCidr, excepts: ParsedCidr[], ips: readonly string[]): boolean {
  if (ips.length === 0) return cidr.prefix === 0 && excepts.length === 0;
  return ips.some((text) => {
    const ip = parseIp(text);
    return !!ip && cidrContains(cidr, ip) && !excepts.some((x) => cidrContains(x, ip));
  });
}

/** A networking.k8s.io/v1 peer. `home` is the policy's namespace. */
function k8sPeerMatches(peer: any, ep: Endpoint, home: string, sem: PolicySemantics): boolean {
  if (!peer || typeof peer !== 'object') return false;
  if (peer.ipBlock) return ipBlockMatches(peer.ipBlock, ep, sem);
  if (ep.kind !== 'pods') return false; // selectors never select the host network
  const nsOk = peer.namespaceSelector === undefined
    ? ep.namespace === home
    : selects(peer.namespaceSelector, { 'kubernetes.io/metadata.name': ep.namespace });
  const podOk = peer.podSelector === undefined || selects(peer.podSelector, ep.labels);
  return nsOk && podOk;
}

/** Whether a k8s port list lets `protocol`/53 through; named ports resolve to `dns` (UDP) and `dns-tcp` (TCP) on DNS pods. */
function k8sPortsAllow(ports: any[] | undefined, protocol: string, portNumber: number, ep: Endpoint): boolean {
  if (!Array.isArray(ports) || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p?.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') {
      if (/^\d+$/.test(p.port)) return Number(p.port) === portNumber;
      return ep.kind === 'pods' && portNumber === 53 && p.port === (protocol === 'UDP' ? 'dns' : 'dns-tcp');
    }
    const hi = typeof p.endPort === 'number' ? p.endPort : p.port;
    return p.port <= portNumber && portNumber <= hi;
  });
}

function policyTypes(p: any): string[] {
  const explicit = p.spec?.policyTypes;
  if (Array.isArray(explicit) && explicit.length > 0) return explicit;
  return Array.isArray(p.spec?.egress) && p.spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

const ENTITIES_FOR_HOST = { local: ['host', 'cluster', 'all'], remote: ['remote-node', 'cluster', 'all'] };

/** Labels as Cilium matches them: plain and `k8s:`-prefixed, plus the namespace label. */
function ciliumLabels(namespace: string, labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = { 'io.kubernetes.pod.namespace': namespace, 'k8s:io.kubernetes.pod.namespace': namespace };
  for (const [k, v] of Object.entries(labels)) {
    out[k] = v;
    out[`k8s:${k}`] = v;
  }
  return out;
}

function mentionsNamespace(sel: any): boolean {
  const keys = [...Object.keys(sel?.matchLabels ?? {}), ...(sel?.matchExpressions ?? []).map((e: any) => e?.key)];
  return keys.some((k) => k === 'io.kubernetes.pod.namespace' || k === 'k8s:io.kubernetes.pod.namespace');
}

/** A CiliumNetworkPolicy egress/ingress rule's peers; `home` is the policy's namespace. */
function ciliumPeerMatches(rule: any, direction: 'egress' | 'ingress', ep: Endpoint, home: string): boolean {
  const entities: string[] = rule[direction === 'egress' ? 'toEntities' : 'fromEntities'] ?? [];
  const endpoints: any[] = rule[direction === 'egress' ? 'toEndpoints' : 'fromEndpoints'] ?? [];
  const cidrs: string[] = [...(rule[direction === 'egress' ? 'toCIDR' : 'fromCIDR'] ?? []),
    ...((rule[direction === 'egress' ? 'toCIDRSet' : 'fromCIDRSet'] ?? []).map((c: any) => c?.cidr))];
  if (entities.length === 0 && endpoints.length === 0 && cidrs.length === 0) return true;
  if (ep.kind === 'node') {
    // Node addresses are the host (local) or remote-node identity; CIDR rules skip them.
    const wanted = ep.local ? ENTITIES_FOR_HOST.local : ENTITIES_FOR_HOST.remote;
    return entities.some((e) => wanted.includes(e));
  }
  if (ep.kind === 'external') {
    if (entities.some((e) => e === 'all' || ep.entities.includes(e))) return true;
    return cidrs.some((c) => {
      const cidr = parseCidr(c);
      return !!cidr && addressesMatch(cidr, [], ep.ips);
    });
  }
  if (entities.some((e) => e === 'cluster' || e === 'all')) return true;
  const labels = ciliumLabels(ep.namespace, ep.labels);
  // A selector without a namespace label selects endpoints of the policy's own namespace.
  return endpoints.some((sel) => (mentionsNamespace(sel) || ep.namespace === home) && selects(sel, labels));
}

function ciliumPortsAllow(toPorts: any[] | undefined, protocol: string, portNumber: number): boolean {
  if (!Array.isArray(toPorts) || toPorts.length === 0) return true;
  return toPorts.some((tp) => {
    const ports: any[] = tp?.ports ?? [];
    if (ports.length === 0) return true;
    return ports.some((p) => (p?.protocol === undefined || p.protocol === 'ANY' || p.protocol === protocol) && String(p?.port) === String(portNumber));
  });
}

function ref(p: any): string {
  return `${p.kind} ${p.metadata?.namespace ?? 'default'}/${p.metadata?.name}`;
}

/**
 * The verdict for `from` pods' traffic in `direction` to/from `peer` on protocol/port.
 * `policies` are the NetworkPolicies and Cilium policies of the namespace whose pods
 * are selected (the source for egress, the destination for ingress).
 */
export function verdict(
  policies: readonly any[], direction: 'egress' | 'ingress', selected: { namespace: string; labels: Readonly<Record<string, string>> },
  peer: Endpoint, protocol: 'UDP' | 'TCP', portNumber: number, sem: PolicySemantics, ciliumAware: boolean,
): Verdict {
  const k8sType = direction === 'egress' ? 'Egress' : 'Ingress';
  let restricted = false;
  const by: string[] = [];
  for (const p of policies) {
    if (p.kind === 'NetworkPolicy') {
      if (!selects(p.spec?.podSelector ?? {}, selected.labels) || !policyTypes(p).includes(k8sType)) continue;
      restricted = true;
      const rules: any[] = p.spec?.[direction] ?? [];
      const key = direction === 'egress' ? 'to' : 'from';
      const ok = rules.some((r) => {
        const peers: any[] = r?.[key] ?? [];
        const peerOk = peers.length === 0 || peers.some((x) => k8sPeerMatches(x, peer, p.metadata?.namespace ?? 'default', sem));
        return peerOk && k8sPortsAllow(r?.ports, protocol, portNumber, peer);
      });
      if (ok) by.push(ref(p));
    } else if (ciliumAware && (p.kind === 'CiliumNetworkPolicy' || p.kind === 'CiliumClusterwideNetworkPolicy')) {
      const home = p.metadata?.namespace;
      if (p.kind === 'CiliumNetworkPolicy' && home !== selected.namespace) continue;
      if (!selects(p.spec?.endpointSelector ?? undefined, ciliumLabels(selected.namespace, selected.labels))) continue;
      const rules: any[] = p.spec?.[direction] ?? [];
      if (rules.length === 0) continue;
      restricted = true;
      const ok = rules.some((r) => ciliumPeerMatches(r, direction, peer, home ?? selected.namespace)
        && ciliumPortsAllow(r?.toPorts, protocol, portNumber));
      if (ok) by.push(ref(p));
    }
  }
  return { allowed: !restricted || by.length > 0, by, restricted };
}

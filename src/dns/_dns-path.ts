import { ApiObject } from 'cdk8s';
import type { NetworkPlan } from '../core/_plan';
import type { AppState } from '../core/_registry';
import { DnsHop, DnsHopKind, DnsHopVerdict, DnsPathTrace } from '../core/report-types';
import { KubeProxyMode } from '../kube-proxy/kube-proxy-mode';
import { Endpoint, PolicySemantics, verdict, Verdict } from '../policy/_policy-eval';

/*
 * The path of a DNS query from a pod of one namespace, hop by hop, from the plan and
 * the policies the app emits (as the API server would hold them):
 *
 *   resolv.conf (kubelet clusterDNS) -> listener (node-local-dns or the kube-dns Service)
 *   -> policy verdict on the pod's egress -> CoreDNS (ingress, its API watch) -> upstream.
 *
 * A pod "of the namespace" has no particular labels: policies that select it are the
 * ones whose selector matches an empty label set (PolicyLint checks labelled pods).
 */

const KUBE_SYSTEM = 'kube-system';
const COREDNS_LABELS = { 'k8s-app': 'kube-dns' };
const COREDNS_PODS: Endpoint = { kind: 'pods', namespace: KUBE_SYSTEM, labels: COREDNS_LABELS };
const COREDNS = { namespace: KUBE_SYSTEM, labels: COREDNS_LABELS };
const POLICY_KINDS = new Set(['NetworkPolicy', 'CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy']);

/** Policies by namespace (cluster-wide ones under ''), built once per synthesis. */
function policiesByNamespace(state: AppState): Map<string, any[]> {
  return state.memo('dns-path:policies', () => {
    const out = new Map<string, any[]>();
    for (const obj of state.apiObjects()) {
      if (!POLICY_KINDS.has(obj.kind) || !isPolicyApi(obj)) continue;
      const json = state.jsonOf(obj);
      const ns = obj.kind === 'CiliumClusterwideNetworkPolicy' ? '' : json.metadata?.namespace ?? 'default';
      const list = out.get(ns) ?? [];
      list.push(json);
      out.set(ns, list);
    }
    return out;
  });
}

function isPolicyApi(obj: ApiObject): boolean {
  return obj.apiVersion === 'networking.k8s.io/v1' || obj.apiVersion === 'cilium.io/v2';
}

/** Traces a DNS query from a pod of `namespace`. */
export function traceDns(state: AppState, namespace: string): DnsPathTrace {
  const plan = state.plan();
  const byNs = policiesByNamespace(state);
  const cluster = byNs.get('') ?? [];
  const inNs = (ns: string) => [...(byNs.get(ns) ?? []), ...cluster];
  const enforced = plan.policy.enforces;
  const sem: PolicySemantics = { hostIdentity: plan.policy.hostIdentity, podCidrs: plan.podCidrs };
  const cilium = plan.policy.hostIdentity;
  const pod = { namespace, labels: {} };
  const hops: DnsHop[] = [];

  // ---- 1. resolv.conf ----
  const nameserver = plan.dns.kubeletClusterDns;
  const extra = state.components('pod-dns').flatMap((p) => p.nameservers);
  hops.push({
    kind: DnsHopKind.RESOLV_CONF,
    target: `nameserver ${nameserver}`,
    verdict: DnsHopVerdict.PASS,
    detail: `pods with dnsPolicy ClusterFirst get kubelet's clusterDNS (${nameserver}) first${extra.length > 0 ? `, then ${extra.join(', ')} from dnsConfig` : ''}`,
    allowedBy: ['kubelet clusterDNS', ...state.components('pod-dns').map((p) => p.scope.node.path)],
  });

  // ---- 2. listener ----
  const nld = plan.dns.nodeLocal;
  const viaNodeLocal = !!nld && nld.listenIps.includes(nameserver);
  if (nld && viaNodeLocal) {
    const broken = nld.bindsDnsServiceIp && !(plan.dataPlane.mode === KubeProxyMode.IPTABLES && !cilium) && nameserver === plan.dns.dnsServiceIp;
    hops.push(broken
      ? {
        kind: DnsHopKind.LISTENER,
        target: `${nameserver}:53 (node-local-dns)`,
        verdict: DnsHopVerdict.FAIL,
        detail: `node-local-dns is wired for kube-proxy iptables (it binds the kube-dns IP ${plan.dns.dnsServiceIp}), but the data plane is ${plan.dataPlane.name}: `
          + (plan.dataPlane.mode === KubeProxyMode.IPVS ? 'IPVS owns that address on kube-ipvs0 and its virtual server takes the queries (KEP-1024: the NOTRACK bypass "will not work in IPVS mode")'
            : 'Service IPs are translated before netfilter, so node-cache\'s NOTRACK rules never see the queries'),
        allowedBy: [],
      }
      : {
        kind: DnsHopKind.LISTENER,
        target: `${nameserver}:53 (node-local-dns)`,
        verdict: DnsHopVerdict.PASS,
        detail: `NodeLocal DNSCache on every node listens on ${nld.listenIps.join(' and ')} (${nld.why})`,
        allowedBy: [nld.scope.node.path],
      });
  } else {
    hops.push({
      kind: DnsHopKind.LISTENER,
      target: `${nameserver}:53 (Service kube-system/kube-dns)`,
      verdict: DnsHopVerdict.PASS,
      detail: `${plan.dataPlane.kind === 'ebpf' ? plan.dataPlane.name : `kube-proxy (${plan.dataPlane.mode})`} sends the kube-dns ClusterIP to a CoreDNS pod`,
      allowedBy: [plan.dataPlane.decidedBy?.node.path ?? `data plane: ${plan.dataPlane.name}`],
    });
  }

  // ---- 3. egress policy from the pod ----
  // What the policy sees: node-local-dns's address on this node (no DNAT: NOTRACK or link-local),
  // or a CoreDNS pod (kube-proxy DNAT and eBPF both translate the ClusterIP before policy).
  const dest: Endpoint = viaNodeLocal ? { kind: 'node', ips: [nameserver], local: true } : COREDNS_PODS;
  hops.push(policyHop(`egress from ${namespace} to ${viaNodeLocal ? `${nameserver} on the node (host network)` : 'kube-system/k8s-app=kube-dns pods'} on 53`,
    plan, inNs(namespace), pod, dest, sem));

  // ---- 4. CoreDNS: reached from the pod, or from node-local-dns on the host network ----
  const corednsName = plan.dns.coreDnsDeployed ? plan.dns.coreDnsScope!.node.path : "kubeadm's CoreDNS (not managed in this app)";
  const fromWhere: Endpoint = viaNodeLocal ? { kind: 'node', ips: [], local: false } : { kind: 'pods', namespace, labels: {} };
  const kubeSystem = inNs(KUBE_SYSTEM);
  const ingress = enforced
    ? both((proto) => verdict(kubeSystem, 'ingress', COREDNS, fromWhere, proto, 53, sem, cilium))
    : NOT_ENFORCED;
  const apiPort = plan.profile.apiServerPort;
  const api = plan.profile.apiServerHost;
  // The API server's endpoints: the profile's address (Cilium also names them kube-apiserver).
  const apiEndpoint: Endpoint = { kind: 'external', ips: api ? [api] : [], entities: ['kube-apiserver', 'world'] };
  const watch = enforced ? verdict(kubeSystem, 'egress', COREDNS, apiEndpoint, 'TCP', apiPort, sem, cilium) : NOT_ENFORCED;
  if (!ingress.allowed) {
    hops.push({
      kind: DnsHopKind.COREDNS,
      target: `${corednsName} (kube-system/k8s-app=kube-dns)`,
      verdict: DnsHopVerdict.FAIL,
      detail: viaNodeLocal
        ? 'kube-system denies ingress to CoreDNS from node addresses: node-local-dns forwards cluster names from the host network (no pod selector matches it)'
        : `kube-system denies ingress to CoreDNS from ${namespace}`,
      allowedBy: [],
    });
  } else if (!watch.allowed) {
    hops.push({
      kind: DnsHopKind.COREDNS,
      target: `${corednsName} (kube-system/k8s-app=kube-dns)`,
      verdict: DnsHopVerdict.FAIL,
      detail: `kube-system denies CoreDNS's egress to the API server (${api ?? 'apiServerHost not set'}:${apiPort}): its kubernetes plugin cannot watch Services and endpoints`,
      allowedBy: [],
    });
  } else {
    hops.push({
      kind: DnsHopKind.COREDNS,
      target: `${corednsName} (kube-system/k8s-app=kube-dns)`,
      verdict: plan.dns.coreDnsDeployed ? DnsHopVerdict.PASS : DnsHopVerdict.ASSUMED,
      detail: `answers ${plan.dns.clusterDomain}${viaNodeLocal ? ` for node-local-dns (forwarded to ${nld!.clusterUpstream === plan.dns.dnsServiceIp ? plan.dns.dnsServiceIp : 'kube-dns-upstream'} over TCP)` : ''}`,
      allowedBy: [...(plan.dns.coreDnsDeployed ? [corednsName] : []), ...ingress.by, ...watch.by],
    });
  }

  // ---- 5. upstream for names outside the cluster ----
  if (viaNodeLocal) {
    hops.push({
      kind: DnsHopKind.UPSTREAM,
      target: "the node's resolvers (__PILLAR__UPSTREAM__SERVERS__)",
      verdict: DnsHopVerdict.ASSUMED,
      detail: 'node-local-dns forwards other names from the host network, where no NetworkPolicy applies',
      allowedBy: [],
    });
  } else {
    const upstream: Endpoint = { kind: 'external', ips: [], entities: ['world'] };
    const out = enforced ? both((proto) => verdict(kubeSystem, 'egress', COREDNS, upstream, proto, 53, sem, cilium)) : NOT_ENFORCED;
    hops.push({
      kind: DnsHopKind.UPSTREAM,
      target: `CoreDNS forward to ${plan.dns.coreDnsUpstreams.join(' ')}`,
      verdict: out.allowed ? (out.restricted ? DnsHopVerdict.PASS : DnsHopVerdict.ASSUMED) : DnsHopVerdict.FAIL,
      detail: out.allowed
        ? (out.restricted ? 'kube-system allows CoreDNS to query its upstreams on 53' : "no policy restricts CoreDNS's egress; the upstreams themselves are outside this app")
        : "kube-system restricts CoreDNS's egress and no policy allows UDP and TCP 53 to its upstreams",
      allowedBy: out.by,
    });
  }

  const failedAt = hops.find((h) => h.verdict === DnsHopVerdict.FAIL);
  return { podNamespace: namespace, resolves: failedAt === undefined, hops, failedAt };
}

const NOT_ENFORCED: Verdict = { allowed: true, by: [], restricted: false };

/** UDP and TCP 53 both (TCP carries truncated answers; node-local-dns forwards with force_tcp). */
function both(check: (proto: 'UDP' | 'TCP') => Verdict): Verdict & { missing?: string } {
  const udp = check('UDP');
  const tcp = check('TCP');
  return {
    allowed: udp.allowed && tcp.allowed,
    restricted: udp.restricted || tcp.restricted,
    by: [...new Set([...udp.by, ...tcp.by])],
    missing: !udp.allowed ? (!tcp.allowed ? 'UDP and TCP' : 'UDP') : !tcp.allowed ? 'TCP' : undefined,
  };
}

function policyHop(
  target: string, plan: NetworkPlan, policies: any[], pod: { namespace: string; labels: Record<string, string> },
  dest: Endpoint, sem: PolicySemantics,
): DnsHop {
  const cilium = sem.hostIdentity;
  if (!plan.policy.enforces) {
    return {
      kind: DnsHopKind.POLICY,
      target,
      verdict: DnsHopVerdict.PASS,
      detail: `${plan.policy.cni} does not enforce NetworkPolicy: nothing is filtered (and nothing is protected)`,
      allowedBy: [`CNI: ${plan.policy.cni}`],
    };
  }
  const v = both((proto) => verdict(policies, 'egress', pod, dest, proto, 53, sem, cilium));
  if (v.allowed) {
    return {
      kind: DnsHopKind.POLICY,
      target,
      verdict: DnsHopVerdict.PASS,
      detail: v.restricted ? `egress is restricted and ${v.by.join(', ')} allow${v.by.length === 1 ? 's' : ''} UDP and TCP 53` : 'no policy restricts egress from these pods',
      allowedBy: v.by,
    };
  }
  const why = cilium && dest.kind === 'node'
    ? `under Cilium the node's addresses (node-local-dns's ${dest.ips.join(', ')}) carry the host identity, which ipBlock rules never select (cilium/cilium#18644): only a CiliumNetworkPolicy toEntities [host] allows them`
    : 'no policy selecting these pods allows it';
  return {
    kind: DnsHopKind.POLICY,
    target,
    verdict: DnsHopVerdict.FAIL,
    detail: `egress is restricted and ${v.missing} 53 ${v.missing === 'UDP and TCP' ? 'are' : 'is'} blocked: ${why}`,
    allowedBy: [],
  };
}

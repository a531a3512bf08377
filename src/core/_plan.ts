import { IConstruct } from 'constructs';
import { CapacityPlan, capacityOf, collides, defaultPodCidr, GUIDE_POD_CIDR } from './_capacity';
import { coreDnsMinor } from './_images';
import { shownPath, shownProp } from './_input-names';
import { ParsedCidr } from './_net';
import type { AppState } from './_registry';
import { TierSettings, tierSettings } from './_tier-table';
import { ClusterProfile } from './cluster-profile';
import { Compatibility, FeatureSupport, KubernetesFeature } from './compatibility';
import { KubernetesVersion } from './kubernetes-version';
import { DecisionSource } from './report-types';
import { ScaleTier } from './scale-tier';
import { CniPlugin } from '../cni/cni-plugin';
import { KubeProxyMode } from '../kube-proxy/kube-proxy-mode';

/*
 * The plan: every decision that more than one component depends on, made once
 * per app from the facts the components registered. Components render from it
 * (lazily, at synthesis), rules check it, the report explains it. Nothing else
 * decides the data plane, the DNS wiring or the conntrack owner.
 */

/** Who implements Service routing on the nodes. */
export interface DataPlanePlan {
  /** kube-proxy, or an eBPF data plane that replaces it. */
  readonly kind: 'kube-proxy' | 'ebpf';
  /** kube-proxy's mode (kind `kube-proxy`). */
  readonly mode?: KubeProxyMode;
  /** The replacement's name (kind `ebpf`), e.g. "Cilium kube-proxy replacement". */
  readonly replacement?: string;
  /** The data plane in one word for messages: the mode or the replacement. */
  readonly name: string;
  readonly source: DecisionSource;
  readonly reason: string;
  /** The component whose setting or presence decided it. */
  readonly decidedBy?: IConstruct;
}

/** How NodeLocal DNSCache is wired into the data plane. */
export interface NodeLocalPlan {
  readonly scope: IConstruct;
  readonly localIp: string;
  /** The data plane node-local-dns is wired for (its own `kubeProxyMode` when set, else the plan's). */
  readonly wiredFor: string;
  /** Only with kube-proxy iptables: NOTRACK rules let node-cache answer on the kube-dns ClusterIP itself. */
  readonly bindsDnsServiceIp: boolean;
  /** Addresses node-cache listens on (`-localip`, Corefile `bind`). */
  readonly listenIps: string[];
  /** Where node-cache forwards the cluster zones: a node-cache placeholder or the kube-dns IP. */
  readonly clusterUpstream: string;
  readonly why: string;
  readonly healthPort: number;
  readonly metricsPort: number;
}

/** The DNS path pods use. */
export interface DnsPlan {
  readonly clusterDomain: string;
  readonly dnsServiceIp: string;
  /** What kubelet `clusterDNS` must be on every node. */
  readonly kubeletClusterDns: string;
  readonly nodeLocal?: NodeLocalPlan;
  /** Zones CoreDNS serves in extra server blocks (NodeLocal forwards them to CoreDNS too). */
  readonly stubZones: string[];
  /** Whether a TunedCoreDns in the app deploys the CoreDNS workload (else kubeadm's is assumed). */
  readonly coreDnsDeployed: boolean;
  readonly coreDnsScope?: IConstruct;
  /** The CoreDNS minor that runs: the deployed image's, else kubeadm's for the Kubernetes version. */
  readonly coreDnsMinor: number;
  /** CoreDNS's upstreams for names outside the cluster. */
  readonly coreDnsUpstreams: string[];
  /** Addresses pods send DNS to and that policies must allow: the kube-dns IP and node-local's listen IPs. */
  readonly nodeLocalIps: string[];
}

/** How NetworkPolicy is enforced. */
export interface PolicyPlan {
  /** The CNI, when the app configures one. */
  readonly cni?: CniPlugin;
  readonly cniScope?: IConstruct;
  /** Whether NetworkPolicy is enforced (unknown CNIs are assumed to enforce it). */
  readonly enforces: boolean;
  /**
   * Cilium: addresses of the local node (node-local-dns's included) carry the
   * `host` identity, which CIDR rules never select (cilium/cilium#18644).
   */
  readonly hostIdentity: boolean;
}

/** Who writes the kernel's conntrack limits. */
export interface ConntrackPlan {
  /** `kube-proxy` (a TunedKubeProxy with conntrack.maxPerCore > 0), else whatever the node has. */
  readonly owner: 'kube-proxy' | 'node';
  /** What the app's kube-proxy writes at every start (0: leaves the key alone); absent without one. */
  readonly kubeProxy?: {
    readonly scope: IConstruct;
    readonly max: number;
    /** How `max` comes about, for messages. */
    readonly maxFrom: string;
    readonly tcpEstablishedSeconds: number;
    readonly tcpCloseWaitSeconds: number;
  };
}

/** Every cross-component decision of one app. */
export interface NetworkPlan {
  readonly profile: ClusterProfile;
  readonly tier: ScaleTier;
  /** The size every IPAM output is checked against. */
  readonly capacity: CapacityPlan;
  /** The Pod CIDRs every component uses: the profile's, or a default wide enough for the planned nodes. */
  readonly podCidrs: ParsedCidr[];
  readonly podCidrFrom: string;
  readonly dataPlane: DataPlanePlan;
  readonly dns: DnsPlan;
  readonly policy: PolicyPlan;
  readonly conntrack: ConntrackPlan;
}

/** node-cache's metrics port (the prometheus plugin in its Corefile). */
const NODE_LOCAL_METRICS_PORT = 9253;

/**
 * The kube-proxy mode a tier gets on a Kubernetes version beside a CNI, when
 * nobody stated one: the tier table's, except
 * - IPVS next to Cilium (without its kube-proxy replacement) breaks pod-to-NodePort
 *   traffic (cilium/cilium#18610): nftables where it is GA, iptables before;
 * - IPVS is deprecated from 1.35 (KEP-5495): nftables (GA since 1.33).
 */
export function defaultKubeProxyMode(
  tier: ScaleTier, settings: TierSettings, version: KubernetesVersion, cni: CniPlugin | undefined,
): { mode: KubeProxyMode; source: DecisionSource; reason: string } {
  const rule = settings.kubeProxy.mode;
  if (rule.value !== KubeProxyMode.IPVS) return { mode: rule.value, source: DecisionSource.TIER, reason: `${tier} tier: ${rule.reason}` };
  const nftablesGa = Compatibility._support(KubernetesFeature.KUBE_PROXY_NFTABLES, version) === FeatureSupport.AVAILABLE;
  if (cni === CniPlugin.CILIUM) {
    const mode = nftablesGa ? KubeProxyMode.NFTABLES : KubeProxyMode.IPTABLES;
    return {
      mode,
      source: DecisionSource.COMPATIBILITY,
      reason: `the ${tier} tier's IPVS breaks pod-to-NodePort traffic beside Cilium without its kube-proxy replacement (cilium/cilium#18610); `
        + (nftablesGa ? `nftables is GA on Kubernetes ${version.version}` : `nftables is not GA on Kubernetes ${version.version}, so iptables`)
        + ' (or turn on Cilium\'s kubeProxyReplacement, which needs the profile\'s apiServerHost)',
    };
  }
  if (Compatibility._support(KubernetesFeature.KUBE_PROXY_IPVS, version) === FeatureSupport.DEPRECATED) {
    return {
      mode: KubeProxyMode.NFTABLES,
      source: DecisionSource.COMPATIBILITY,
      reason: `the ${tier} tier's IPVS is deprecated on Kubernetes ${version.version} (KEP-5495); nftables (GA since 1.33) replaces it`,
    };
  }
  return { mode: rule.value, source: DecisionSource.TIER, reason: `${tier} tier: ${rule.reason}` };
}

/** Builds the plan from the facts registered so far. */
export function buildPlan(state: AppState): NetworkPlan {
  const all = state.allComponents();
  const first = all[0] ?? state.seeded;
  const profile = first?.profile ?? new ClusterProfile();
  const tier = first?.tier ?? ScaleTier.SMALL;
  const cnis = state.components('cni');
  const cni = cnis[0];
  const proxies = state.components('kube-proxy');
  const proxy = proxies[0];

  const dataPlane = decideDataPlane(state, profile, tier);

  // ---- capacity and the Pod CIDR ----
  const capacity = capacityOf(profile, tier);
  let podCidrs = profile._podCidrs;
  let podCidrFrom = "the profile's 'podCidr'";
  if (!profile._podCidrStated) {
    const wide = defaultPodCidr(capacity);
    if (wide !== GUIDE_POD_CIDR && !collides(wide, profile._serviceCidrs)) {
      podCidrs = [wide];
      podCidrFrom = `the guide's 10.244.0.0/16 gives ${2 ** (capacity.nodePrefix4 - 16)} nodes a /${capacity.nodePrefix4} each; ${capacity.nodesFrom} plans for ${capacity.nodes}: its aligned supernet ${wide.text}`;
    } else {
      podCidrFrom = "the guide's 10.244.0.0/16 (the profile states no 'podCidr')";
    }
  }

  // ---- DNS ----
  const nld = state.components('node-local-dns')[0];
  let nodeLocal: NodeLocalPlan | undefined;
  if (nld) {
    const wiredFor = nld.explicitMode ?? dataPlane.name;
    // Cilium translates ClusterIPs in its datapath at the pod's interface even beside
    // kube-proxy (cilium/cilium#16197; Cilium local-redirect-policy docs: the cache "will
    // be bypassed"), so queries to the kube-dns IP never reach node-cache's NOTRACK rules.
    const cilium = cni?.plugin === CniPlugin.CILIUM;
    const binds = wiredFor === KubeProxyMode.IPTABLES && !cilium;
    const why = dataPlane.kind === 'ebpf' && !nld.explicitMode
      ? `${dataPlane.replacement} translates Service IPs before netfilter, so node-cache's iptables NOTRACK bypass does not apply`
      : cilium && wiredFor === KubeProxyMode.IPTABLES
        ? 'Cilium\'s datapath translates the kube-dns ClusterIP at the pod\'s interface before kube-proxy\'s iptables, so node-cache\'s NOTRACK bypass never sees those queries (cilium/cilium#16197)'
        : nld.explicitMode ? `kube-proxy mode ${nld.explicitMode}, as set on [${shownPath(nld.scope)}]`
          : `kube-proxy mode ${dataPlane.mode} (${dataPlane.reason})`;
    nodeLocal = {
      scope: nld.scope,
      localIp: nld.localIp,
      wiredFor,
      bindsDnsServiceIp: binds,
      listenIps: binds ? [nld.localIp, profile.dnsServiceIp] : [nld.localIp],
      // iptables: node-cache fills in the kube-dns-upstream ClusterIP (forwarding to the kube-dns IP it binds would loop).
      clusterUpstream: binds ? '__PILLAR__CLUSTER__DNS__' : profile.dnsServiceIp,
      why,
      healthPort: nld.healthPort,
      metricsPort: NODE_LOCAL_METRICS_PORT,
    };
  }
  const coreDns = state.components('coredns')[0];
  const stubZones = [...new Set(state.components('coredns').flatMap((c) => c.stubZones))];
  const dns: DnsPlan = {
    clusterDomain: profile.clusterDomain,
    dnsServiceIp: profile.dnsServiceIp,
    kubeletClusterDns: nodeLocal && !nodeLocal.bindsDnsServiceIp ? nodeLocal.localIp : profile.dnsServiceIp,
    nodeLocal,
    stubZones,
    coreDnsDeployed: coreDns?.deploys ?? false,
    coreDnsScope: coreDns?.scope,
    coreDnsMinor: coreDns?.coreDnsMinor ?? coreDnsMinor(profile.kubernetesVersion),
    coreDnsUpstreams: coreDns?.upstreams ?? ['/etc/resolv.conf'],
    nodeLocalIps: nodeLocal?.listenIps ?? [],
  };

  // ---- policy ----
  const policy: PolicyPlan = {
    cni: cni?.plugin,
    cniScope: cni?.scope,
    enforces: cni ? cni.enforcesNetworkPolicy : true,
    hostIdentity: cni?.plugin === CniPlugin.CILIUM,
  };

  // ---- conntrack (cmd/kube-proxy/app/conntrack.go: written at every start when it differs) ----
  const kp = dataPlane.kind === 'kube-proxy' ? proxy : undefined;
  const conntrack: ConntrackPlan = {
    owner: kp && kp.effectiveConntrackMax > 0 ? 'kube-proxy' : 'node',
    kubeProxy: kp && {
      scope: kp.scope,
      max: kp.effectiveConntrackMax,
      maxFrom: `max(conntrack.maxPerCore ${kp.conntrackMaxPerCore} × ${kp.profile.cpuCoresPerNode} cores, conntrack.min ${kp.conntrackMin})`,
      tcpEstablishedSeconds: kp.tcpEstablishedTimeoutSeconds,
      tcpCloseWaitSeconds: kp.tcpCloseWaitTimeoutSeconds,
    },
  };

  return { profile, tier, capacity, podCidrs, podCidrFrom, dataPlane, dns, policy, conntrack };
}

/**
 * The data plane, in one order of precedence:
 * 1. a CNI whose eBPF data plane replaces kube-proxy (then no kube-proxy may run);
 * 2. a kube-proxy mode the user stated: TunedKubeProxy's `mode` first, then
 *    NodeLocalDns's or NetworkAlerts' `kubeProxyMode` (for clusters whose
 *    kube-proxy is not managed here), in the order they were added;
 * 3. the tier's mode for the Kubernetes version and the CNI.
 * Every other statement must agree with the result (the *-MODE-MISMATCH rules).
 */
function decideDataPlane(state: AppState, profile: ClusterProfile, planTier: ScaleTier): DataPlanePlan {
  const cnis = state.components('cni');
  const ebpf = cnis.find((c) => c.replacesKubeProxyWith);
  if (ebpf) {
    return {
      kind: 'ebpf',
      replacement: ebpf.replacesKubeProxyWith,
      name: ebpf.replacesKubeProxyWith!,
      source: DecisionSource.COMPATIBILITY,
      reason: `[${shownPath(ebpf.scope)}] enables ${ebpf.replacesKubeProxyWith}, which implements Services in eBPF`,
      decidedBy: ebpf.scope,
    };
  }
  const statements: Array<{ mode: KubeProxyMode; scope: IConstruct; prop: string }> = [
    ...state.components('kube-proxy').filter((k) => k.explicitMode).map((k) => ({ mode: k.explicitMode!, scope: k.scope, prop: 'mode' })),
    ...state.allComponents().flatMap((c) => {
      if (c.kind === 'node-local-dns' && c.explicitMode) return [{ mode: c.explicitMode, scope: c.scope, prop: 'kubeProxyMode' }];
      if (c.kind === 'alerts' && c.explicitKubeProxyMode) return [{ mode: c.explicitKubeProxyMode, scope: c.scope, prop: 'kubeProxyMode' }];
      return [];
    }),
  ];
  if (statements.length > 0) {
    const s = statements[0];
    return {
      kind: 'kube-proxy',
      mode: s.mode,
      name: s.mode,
      source: DecisionSource.OVERRIDE,
      reason: `'${shownProp(s.scope, s.prop)}' set on [${shownPath(s.scope)}]`,
      decidedBy: s.scope,
    };
  }
  const proxy = state.components('kube-proxy')[0];
  const tier = proxy?.tier ?? planTier;
  const chosen = defaultKubeProxyMode(tier, tierSettings(tier), profile.kubernetesVersion, cnis[0]?.plugin);
  return { kind: 'kube-proxy', mode: chosen.mode, name: chosen.mode, source: chosen.source, reason: chosen.reason, decidedBy: proxy?.scope };
}


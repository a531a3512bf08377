import { Duration } from 'cdk8s';
import { goDuration } from './_errors';
import { ScaleTier } from './scale-tier';
import { CalicoEncapsulationMode } from '../cni/calico-encapsulation';
import { CalicoBpfLogLevel, CalicoIpForwarding, CalicoLogSeverity } from '../cni/calico-felix-enums';
import { CiliumLoadBalancerMode, CiliumRoutingMode } from '../cni/cilium-modes';
import { CniPlugin } from '../cni/cni-plugin';
import { FlannelBackend } from '../cni/flannel-backend';
import { IpvsScheduler, KubeProxyMode } from '../kube-proxy/kube-proxy-mode';

/**
 * THE tier table: every per-tier number and choice, each with a one-line reason.
 * Components read it through `tierSettings()`; nothing else hard-codes tier values.
 *
 * Values are the guide's where it gives one. Where a value is version-dependent or
 * unsafe with other components, the table keeps the guide's value and the component
 * records the compatibility rule that changed it (see the explanation report).
 */

/** A tier value and why. */
export interface Rule<T> {
  readonly value: T;
  readonly reason: string;
}

export interface TierSettings {
  /** The size the tier plans for, when the profile does not state it. */
  readonly capacity: {
    readonly nodes: Rule<number>;
    readonly services: Rule<number>;
    readonly maxPodsPerNode: Rule<number>;
    readonly conntrackEntriesPerPod: Rule<number>;
  };
  readonly cni: Rule<CniPlugin>;
  readonly kubeProxy: {
    readonly mode: Rule<KubeProxyMode>;
    readonly syncPeriod: Rule<Duration>;
    readonly minSyncPeriod: Rule<Duration>;
    readonly ipvsScheduler: Rule<IpvsScheduler>;
    readonly strictArp: Rule<boolean>;
    readonly conntrackMaxPerCore: Rule<number>;
    readonly conntrackMin: Rule<number>;
    readonly conntrackTcpEstablishedTimeout: Rule<Duration>;
    readonly conntrackTcpCloseWaitTimeout: Rule<Duration>;
    readonly cpuRequest: Rule<string>;
    readonly memoryRequest: Rule<string>;
    readonly memoryLimit: Rule<string>;
  };
  /** Node sysctls, by key, as the values written to the sysctl file. */
  readonly sysctls: Readonly<Record<string, Rule<string>>>;
  readonly coreDns: {
    readonly cacheTtlSeconds: Rule<number>;
    readonly cacheSuccessCapacity: Rule<number>;
    readonly cacheDenialCapacity: Rule<number>;
    readonly kubernetesTtlSeconds: Rule<number>;
    readonly forwardMaxConcurrent: Rule<number>;
    readonly lameduck: Rule<Duration>;
    readonly replicas: Rule<number>;
    readonly autoscaler: Rule<boolean>;
    readonly autoscalerNodesPerReplica: Rule<number>;
    readonly autoscalerCoresPerReplica: Rule<number>;
    readonly autoscalerNodesPerReplicaBehindNodeLocal: Rule<number>;
    readonly autoscalerCoresPerReplicaBehindNodeLocal: Rule<number>;
    readonly cpuRequest: Rule<string>;
    readonly memoryRequest: Rule<string>;
    readonly memoryLimit: Rule<string>;
  };
  readonly nodeLocalDns: {
    readonly enabled: Rule<boolean>;
    readonly forwardMaxConcurrent: Rule<number>;
    readonly reverseZoneCacheCapacity: Rule<number>;
    readonly secondaryShutdownDelay: Rule<Duration>;
    readonly cpuRequest: Rule<string>;
    readonly memoryRequest: Rule<string>;
    readonly memoryLimit: Rule<string>;
    readonly clusterZoneSuccessCapacity: Rule<number>;
    readonly clusterZoneSuccessTtl: Rule<number>;
    readonly clusterZoneDenialTtl: Rule<number>;
    readonly externalCacheTtl: Rule<number>;
  };
  readonly podDns: {
    readonly ndots: Rule<number>;
    readonly timeoutSeconds: Rule<number>;
    readonly attempts: Rule<number>;
  };
  readonly networkPolicy: {
    readonly maxPoliciesPerPod: Rule<number>;
  };
  readonly service: {
    readonly topologyAwareRouting: Rule<boolean>;
    readonly sessionAffinityTimeoutSeconds: Rule<number>;
  };
  readonly alerts: {
    readonly kubeProxySyncP99Seconds: Rule<number>;
    readonly dnsLatencyP99Seconds: Rule<number>;
    readonly dnsErrorRatio: Rule<number>;
    readonly forDuration: Rule<Duration>;
    readonly downFor: Rule<Duration>;
    readonly forwardLatencyP99Seconds: Rule<number>;
    readonly forwardErrorRatio: Rule<number>;
    readonly conntrackUsageRatio: Rule<number>;
  };
  readonly calico: {
    readonly vxlanMode: Rule<CalicoEncapsulationMode>;
    readonly ipipMode: Rule<CalicoEncapsulationMode>;
    readonly natOutgoing: Rule<boolean>;
    readonly blockSize: Rule<number>;
    readonly bpfEnabled: Rule<boolean>;
    readonly bpfLogLevel: Rule<CalicoBpfLogLevel>;
    readonly ipForwarding: Rule<CalicoIpForwarding>;
    readonly logSeverityScreen: Rule<CalicoLogSeverity>;
  };
  readonly cilium: {
    readonly kubeProxyReplacement: Rule<boolean>;
    readonly routingMode: Rule<CiliumRoutingMode>;
    readonly autoDirectNodeRoutes: Rule<boolean>;
    readonly enableIpv4Masquerade: Rule<boolean>;
    readonly bpfMasquerade: Rule<boolean>;
    readonly bpfTproxy: Rule<boolean>;
    readonly hubble: Rule<boolean>;
    readonly hubbleRelay: Rule<boolean>;
    readonly loadBalancerMode: Rule<CiliumLoadBalancerMode>;
    readonly mapDynamicSizeRatio: Rule<number>;
  };
  readonly flannel: {
    readonly backend: Rule<FlannelBackend>;
  };
}

/** A setting's row: its rule for the small, medium and large tiers. */
type Row<T> = readonly [small: Rule<T>, medium: Rule<T>, large: Rule<T>];

/** The table has TierSettings' shape, with a row where the settings have a rule. */
type Table<S> = { readonly [K in keyof S]: S[K] extends Rule<infer T> ? Row<T> : Table<S[K]> };

/** One value per tier: `[value, reason]` for small, medium and large. */
function tiers<T>(small: readonly [T, string], medium: readonly [T, string], large: readonly [T, string]): Row<T> {
  return [small, medium, large].map(([value, reason]) => ({ value, reason })) as unknown as Row<T>;
}

/** The same value for every tier. */
function all<T>(value: T, reason: string): Row<T> {
  const rule = { value, reason };
  return [rule, rule, rule];
}

const KUBE_PROXY_OOM = 'an OOM-killed kube-proxy stops Service updates';

// One row per setting; the columns are small | medium | large.
const TABLE: Table<TierSettings> = {
  capacity: {
    nodes: tiers(
      [50, 'small tier: up to 50 nodes'],
      [500, 'medium tier: up to 500 nodes'],
      [5000, 'large tier: up to 5,000 nodes, Kubernetes\' documented limit (kubernetes.io "Considerations for large clusters")']),
    services: tiers(
      [999, 'small tier: fewer than 1,000 Services (the guide\'s limit for iptables mode)'],
      [999, 'medium tier: fewer than 1,000 Services (the guide\'s limit for iptables mode)'],
      [10000, 'large tier: 10,000 Services, the Kubernetes scalability threshold']),
    maxPodsPerNode: all(110, 'kubelet maxPods default'),
    conntrackEntriesPerPod: tiers(
      [1024, 'each pod\'s flows through Services and to the outside are tracked on its node'],
      [1024, 'each pod\'s flows through Services and to the outside are tracked on its node'],
      [2048, 'large tier: busy pods behind many Services; each flow through a Service is tracked on the node']),
  },
  cni: tiers(
    [CniPlugin.FLANNEL, 'guide: small clusters use Flannel (simple VXLAN/host-gw)'],
    [CniPlugin.CALICO, 'guide: medium clusters use Calico (BGP/VXLAN, rich NetworkPolicy)'],
    [CniPlugin.CILIUM, 'guide: large or high-performance clusters use Cilium (eBPF)']),
  kubeProxy: {
    mode: tiers(
      [KubeProxyMode.IPTABLES, 'guide: iptables suits fewer than 1,000 Services'],
      [KubeProxyMode.IPTABLES, 'guide: iptables suits fewer than 1,000 Services'],
      [KubeProxyMode.IPVS, 'guide: IPVS for large clusters (O(1) lookup)']),
    syncPeriod: all(Duration.seconds(30), 'guide: full resync every 30s'),
    minSyncPeriod: all(Duration.seconds(1), 'guide: batch endpoint changes for 1s before reprogramming'),
    ipvsScheduler: all(IpvsScheduler.ROUND_ROBIN, 'guide: round robin'),
    strictArp: all(true, 'guide: IPVS strictARP (required by MetalLB L2 and kube-vip ARP)'),
    conntrackMaxPerCore: tiers(
      [32768, 'guide: 32768 per core (kube-proxy default)'],
      [32768, 'guide: 32768 per core (kube-proxy default)'],
      [65536, 'guide large-cluster example: 65536 per core']),
    conntrackMin: tiers(
      [131072, 'guide: at least 131072 (kube-proxy default)'],
      [131072, 'guide: at least 131072 (kube-proxy default)'],
      [524288, 'guide large-cluster example: at least 524288']),
    conntrackTcpEstablishedTimeout: all(Duration.hours(24), 'guide: 24h (kube-proxy default)'),
    conntrackTcpCloseWaitTimeout: all(Duration.hours(1), 'guide: 1h (kube-proxy default)'),
    cpuRequest: tiers(['50m', 'small tier: few Services to program'], ['100m', 'medium tier'], ['200m', 'large tier: thousands of Services per sync']),
    memoryRequest: tiers(['64Mi', 'small tier'], ['128Mi', 'medium tier'], ['256Mi', 'large tier: rule set and endpoint cache grow with Services']),
    memoryLimit: tiers(
      ['256Mi', `generous: ${KUBE_PROXY_OOM}`],
      ['512Mi', `medium tier: generous, ${KUBE_PROXY_OOM}`],
      ['1Gi', `large tier: generous, ${KUBE_PROXY_OOM}`]),
  },
  sysctls: {
    'net.netfilter.nf_conntrack_max': tiers(
      ['262144', 'small tier: a quarter of the guide\'s 1048576 (each entry costs ~300 bytes of kernel memory)'],
      ['524288', 'medium tier: half of the guide\'s 1048576'],
      ['1048576', 'guide: 1048576 conntrack entries']),
    'net.netfilter.nf_conntrack_tcp_timeout_established': all('86400', 'guide: 24h, same as kube-proxy conntrack.tcpEstablishedTimeout'),
    'net.netfilter.nf_conntrack_tcp_timeout_close_wait': all('3600', 'guide: 1h, same as kube-proxy conntrack.tcpCloseWaitTimeout'),
    'net.netfilter.nf_conntrack_tcp_timeout_fin_wait': all('120', 'guide: free conntrack entries of closing connections sooner'),
    'net.netfilter.nf_conntrack_tcp_timeout_time_wait': all('120', 'guide: free conntrack entries of closed connections sooner'),
    'net.core.somaxconn': all('32768', 'guide: deeper accept queue for busy listeners'),
    'net.core.netdev_max_backlog': all('16384', 'guide: absorb packet bursts before the kernel drops them'),
    'net.ipv4.tcp_max_syn_backlog': all('8096', 'guide: more half-open connections under SYN bursts'),
    'net.ipv4.tcp_slow_start_after_idle': all('0', 'guide: keep the congestion window on idle keep-alive connections'),
    'net.ipv4.tcp_tw_reuse': all('1', 'guide: reuse TIME_WAIT sockets for new outgoing connections'),
    'net.ipv4.ip_forward': all('1', 'guide: nodes route pod traffic'),
    'net.bridge.bridge-nf-call-iptables': all('1', 'guide: bridged pod traffic must traverse iptables for Services and policy'),
    'net.ipv4.ip_local_port_range': all('32768 65535', 'guide: more ephemeral ports (1024 65535), kept above 32767 as kubespray keeps it: below are NodePorts and most node daemons\' ports (kubelet, etcd, kube-proxy), which an ephemeral port would take from a restarting daemon'),
    'net.ipv4.tcp_keepalive_time': all('600', 'guide: detect dead peers after 10 minutes instead of 2 hours'),
    'net.ipv4.tcp_keepalive_intvl': all('30', 'guide: probe every 30s once keepalive starts'),
    'net.ipv4.tcp_keepalive_probes': all('10', 'guide: 10 failed probes before the connection is dropped'),
    'fs.file-max': all('2097152', 'guide: file descriptors for many sockets'),
    'fs.inotify.max_user_watches': all('524288', 'guide: kubelet, log agents and config reloaders watch many files'),
    'fs.inotify.max_user_instances': all('8192', 'kubespray: at least 8192 (the guide\'s 512 runs out with many pods that watch files)'),
  },
  coreDns: {
    cacheTtlSeconds: tiers([300, 'guide: cache 300'], [300, 'guide: cache 300'], [600, 'guide large-cluster example: cache 600']),
    cacheSuccessCapacity: tiers([9984, 'guide: success 9984'], [9984, 'guide: success 9984'], [19968, 'guide large-cluster example: success 19968']),
    cacheDenialCapacity: tiers([9984, 'guide: denial 9984'], [9984, 'guide: denial 9984'], [19968, 'guide large-cluster example: denial 19968']),
    kubernetesTtlSeconds: tiers([30, 'guide: ttl 30'], [30, 'guide: ttl 30'], [60, 'guide large-cluster example: ttl 60']),
    forwardMaxConcurrent: all(1000, 'guide: cap in-flight upstream queries (~2 KB each); excess gets REFUSED'),
    lameduck: all(Duration.seconds(5), 'guide: keep answering for 5s while a pod shuts down'),
    replicas: tiers(
      [2, 'kubeadm: two replicas, one may be down'],
      [3, 'medium tier: at least one replica per zone in a three-zone cluster (the autoscaler adds more)'],
      [5, 'large tier: at least five replicas (the autoscaler adds more with the cluster)']),
    autoscaler: tiers(
      [false, 'small tier: kubeadm\'s two replicas serve up to 50 nodes'],
      [true, 'medium tier: CoreDNS scales with the cluster (cluster-proportional-autoscaler, as kubespray and the coredns chart run it)'],
      [true, 'large tier: CoreDNS scales with the cluster (cluster-proportional-autoscaler, as kubespray and the coredns chart run it)']),
    autoscalerNodesPerReplica: all(16, 'Kubernetes dns-horizontal-autoscaler addon, kubespray and the coredns chart: one replica per 16 nodes'),
    autoscalerCoresPerReplica: all(256, 'Kubernetes dns-horizontal-autoscaler addon, kubespray and the coredns chart: one replica per 256 cores'),
    autoscalerNodesPerReplicaBehindNodeLocal: all(64, 'NodeLocal DNSCache answers repeated lookups on each node (cluster answers 30s, NXDOMAIN 5s), so CoreDNS sees only misses: a quarter of the replicas'),
    autoscalerCoresPerReplicaBehindNodeLocal: all(1024, 'behind NodeLocal DNSCache: a quarter of the upstream 256 cores per replica'),
    cpuRequest: tiers(['100m', 'kubeadm request'], ['100m', 'kubeadm request'], ['200m', 'large tier: more queries per replica']),
    memoryRequest: tiers(
      ['70Mi', 'kubeadm request'],
      ['128Mi', 'medium tier: (pods+services)/1000 + 54 MB'],
      ['256Mi', 'large tier: (pods+services)/1000 + 54 MB plus a doubled cache']),
    memoryLimit: tiers(
      ['170Mi', 'kubeadm limit'],
      ['256Mi', 'medium tier: headroom for 15k pods'],
      ['512Mi', 'large tier: headroom for 150k pods and two 19968-entry caches']),
  },
  nodeLocalDns: {
    enabled: all(true, 'guide: deploy NodeLocal DNSCache (avoids conntrack races and the 5s DNS timeouts)'),
    forwardMaxConcurrent: all(1000, 'caps in-flight queries (~2 KB each) so a slow upstream cannot grow node-cache past its memory limit (kubernetes/dns#438)'),
    reverseZoneCacheCapacity: all(1024, 'PTR lookups and stub zones are rare: the smallest cache CoreDNS allows keeps the worst case within the memory limit'),
    secondaryShutdownDelay: all(Duration.seconds(20), 'kubespray\'s nodelocaldns_secondary_skew_seconds (5s) raised to cover an image pull of the restarted primary'),
    cpuRequest: tiers(['25m', 'upstream node-local-dns request'], ['50m', 'medium tier'], ['100m', 'large tier: busy nodes']),
    memoryRequest: tiers(
      ['32Mi', 'small tier: the working set of a lightly used cache'],
      ['64Mi', 'medium tier (kubespray requests 70Mi)'],
      ['96Mi', 'large tier: busy nodes fill their caches']),
    memoryLimit: tiers(
      ['200Mi', 'kubespray nodelocaldns_memory_limit; an OOM kill skips teardown and blackholes the node\'s DNS'],
      ['200Mi', 'kubespray nodelocaldns_memory_limit; an OOM kill skips teardown and blackholes the node\'s DNS'],
      ['256Mi', 'large tier: headroom above every cache full']),
    clusterZoneSuccessCapacity: all(9984, 'upstream node-local-dns: cluster zone positive cache'),
    clusterZoneSuccessTtl: all(30, 'upstream node-local-dns: cache cluster answers up to 30s'),
    clusterZoneDenialTtl: all(5, 'upstream node-local-dns: cache NXDOMAIN of search-path expansions 5s'),
    externalCacheTtl: all(30, 'upstream node-local-dns: cache external answers up to 30s'),
  },
  podDns: {
    ndots: all(2, 'guide: names with 2+ dots are tried as absolute first, saving up to 3 search-path lookups'),
    timeoutSeconds: all(2, 'guide: retry a lost UDP query after 2s instead of 5s'),
    attempts: all(2, 'guide: two tries per nameserver'),
  },
  networkPolicy: {
    maxPoliciesPerPod: tiers(
      [20, 'guide: avoid many policies per pod; small clusters have few rules overall'],
      [10, 'guide: merge small policies'],
      [5, 'guide: every policy per pod multiplies data-plane rules on thousands of nodes']),
  },
  service: {
    topologyAwareRouting: tiers(
      [false, 'small clusters rarely span zones or have 3+ endpoints per zone, which hints need'],
      [true, 'guide: topology-aware routing keeps traffic in its zone'],
      [true, 'guide: topology-aware routing keeps traffic in its zone']),
    sessionAffinityTimeoutSeconds: all(10800, 'guide: 3 hours (Kubernetes default)'),
  },
  alerts: {
    kubeProxySyncP99Seconds: all(1, 'guide: p99 rule sync above 1s'),
    dnsLatencyP99Seconds: all(0.5, 'guide: p99 DNS latency above 0.5s'),
    dnsErrorRatio: all(0.01, 'guide: 1% of answers; counted as SERVFAIL and REFUSED (coredns-mixin), since search-path expansion answers NXDOMAIN all day'),
    forDuration: all(Duration.minutes(10), 'guide: for 10m'),
    downFor: all(Duration.minutes(15), 'kubernetes-mixin and coredns-mixin: a target absent for 15m'),
    forwardLatencyP99Seconds: all(1, 'an upstream answering slower than 1s at p99 makes pods hit their 2s resolver timeout'),
    forwardErrorRatio: all(0.03, 'coredns-mixin: more than 3% SERVFAIL from an upstream'),
    conntrackUsageRatio: tiers(
      [0.8, 'warn at 80% of nf_conntrack_max, before "table full, dropping packet"'],
      [0.8, 'warn at 80% of nf_conntrack_max, before "table full, dropping packet"'],
      [0.75, 'large tier: busy nodes fill the table in bursts; warn earlier']),
  },
  calico: {
    vxlanMode: all(CalicoEncapsulationMode.ALWAYS, 'guide: VXLAN works on any underlay'),
    ipipMode: all(CalicoEncapsulationMode.NEVER, 'guide: IPIP is the alternative; only one encapsulation may be on'),
    natOutgoing: all(true, 'guide: pods reach destinations outside the cluster'),
    blockSize: all(26, 'guide: 64 addresses per node block (Calico default)'),
    bpfEnabled: all(false, 'guide enables eBPF, but it replaces kube-proxy and needs apiServerHost: opt in with bpfEnabled'),
    bpfLogLevel: all(CalicoBpfLogLevel.OFF, 'guide: no per-packet eBPF logging'),
    ipForwarding: all(CalicoIpForwarding.ENABLED, 'guide: Felix enables IP forwarding on the host'),
    logSeverityScreen: all(CalicoLogSeverity.WARNING, 'guide: quieter Felix logs'),
  },
  cilium: {
    kubeProxyReplacement: all(true, 'guide: kubeProxyReplacement strict (today true): Cilium implements Services in eBPF and kube-proxy is not deployed'),
    routingMode: all(CiliumRoutingMode.NATIVE, 'guide `tunnel: disabled` = native routing of the Pod CIDR'),
    autoDirectNodeRoutes: all(true, 'guide: nodes on one L2 segment install routes to each other\'s pod CIDRs (needs the profile\'s nodesShareL2Segment)'),
    enableIpv4Masquerade: all(true, 'guide: masquerade pod traffic leaving the cluster'),
    bpfMasquerade: all(true, 'guide: eBPF masquerading (needs kube-proxy replacement)'),
    bpfTproxy: all(true, 'guide: eBPF TPROXY for L7 proxy redirection (beta)'),
    hubble: all(true, 'guide: Hubble observability'),
    hubbleRelay: all(true, 'guide: Hubble Relay for cluster-wide flow queries'),
    loadBalancerMode: all(CiliumLoadBalancerMode.DSR, 'guide: Direct Server Return (needs kube-proxy replacement and native routing)'),
    mapDynamicSizeRatio: tiers(
      [0.0025, 'Cilium default: 0.25% of node memory for BPF maps'],
      [0.0025, 'Cilium default: 0.25% of node memory for BPF maps'],
      [0.005, 'large tier: 0.5% of node memory for BPF conntrack/NAT maps (default 0.25%)']),
  },
  flannel: {
    backend: all(FlannelBackend.VXLAN, 'Flannel default: works on any network; host-gw needs one L2 segment'),
  },
};

const COLUMN: Readonly<Record<ScaleTier, number>> = { [ScaleTier.SMALL]: 0, [ScaleTier.MEDIUM]: 1, [ScaleTier.LARGE]: 2 };

/** One tier's column of the table, in TierSettings' shape. */
function column(table: object, index: number): unknown {
  return Object.fromEntries(Object.entries(table).map(([key, cell]) => [key, Array.isArray(cell) ? cell[index] : column(cell, index)]));
}

const SETTINGS: Readonly<Record<ScaleTier, TierSettings>> = {
  [ScaleTier.SMALL]: column(TABLE, COLUMN[ScaleTier.SMALL]) as TierSettings,
  [ScaleTier.MEDIUM]: column(TABLE, COLUMN[ScaleTier.MEDIUM]) as TierSettings,
  [ScaleTier.LARGE]: column(TABLE, COLUMN[ScaleTier.LARGE]) as TierSettings,
};

/** The settings for a tier. */
export function tierSettings(tier: ScaleTier): TierSettings {
  const settings = SETTINGS[tier];
  if (!settings) {
    throw new Error(`'tier' (${String(tier)}) must be one of: ${Object.values(ScaleTier).join(', ')}`);
  }
  return settings;
}

/** Tier limits used to pick a tier from the cluster size: the table's planned size; LARGE has no ceiling. */
const limitsOf = (tier: ScaleTier) => (tier === ScaleTier.LARGE
  ? { maxNodes: Number.POSITIVE_INFINITY, maxServices: Number.POSITIVE_INFINITY }
  : { maxNodes: SETTINGS[tier].capacity.nodes.value, maxServices: SETTINGS[tier].capacity.services.value });
export const TIER_LIMITS: Readonly<Record<ScaleTier, { maxNodes: number; maxServices: number }>> = {
  [ScaleTier.SMALL]: limitsOf(ScaleTier.SMALL),
  [ScaleTier.MEDIUM]: limitsOf(ScaleTier.MEDIUM),
  [ScaleTier.LARGE]: limitsOf(ScaleTier.LARGE),
};

/** Renders a table value the way it is written into manifests. */
export function renderTierValue(value: unknown): string {
  if (value instanceof Duration) return goDuration(value);
  return String(value);
}

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

const r = <T>(value: T, reason: string): Rule<T> => ({ value, reason });

/** Rules that are the same for every tier. */
function common(overrides: { sysctlConntrackMax: Rule<string> }) {
  return {
    sysctls: {
      'net.netfilter.nf_conntrack_max': overrides.sysctlConntrackMax,
      'net.netfilter.nf_conntrack_tcp_timeout_established': r('86400', 'guide: 24h, same as kube-proxy conntrack.tcpEstablishedTimeout'),
      'net.netfilter.nf_conntrack_tcp_timeout_close_wait': r('3600', 'guide: 1h, same as kube-proxy conntrack.tcpCloseWaitTimeout'),
      'net.netfilter.nf_conntrack_tcp_timeout_fin_wait': r('120', 'guide: free conntrack entries of closing connections sooner'),
      'net.netfilter.nf_conntrack_tcp_timeout_time_wait': r('120', 'guide: free conntrack entries of closed connections sooner'),
      'net.core.somaxconn': r('32768', 'guide: deeper accept queue for busy listeners'),
      'net.core.netdev_max_backlog': r('16384', 'guide: absorb packet bursts before the kernel drops them'),
      'net.ipv4.tcp_max_syn_backlog': r('8096', 'guide: more half-open connections under SYN bursts'),
      'net.ipv4.tcp_slow_start_after_idle': r('0', 'guide: keep the congestion window on idle keep-alive connections'),
      'net.ipv4.tcp_tw_reuse': r('1', 'guide: reuse TIME_WAIT sockets for new outgoing connections'),
      'net.ipv4.ip_forward': r('1', 'guide: nodes route pod traffic'),
      'net.bridge.bridge-nf-call-iptables': r('1', 'guide: bridged pod traffic must traverse iptables for Services and policy'),
      'net.ipv4.ip_local_port_range': r('32768 65535', 'guide: more ephemeral ports (1024 65535), kept above 32767 as kubespray keeps it: below are NodePorts and most node daemons\' ports (kubelet, etcd, kube-proxy), which an ephemeral port would take from a restarting daemon'),
      'net.ipv4.tcp_keepalive_time': r('600', 'guide: detect dead peers after 10 minutes instead of 2 hours'),
      'net.ipv4.tcp_keepalive_intvl': r('30', 'guide: probe every 30s once keepalive starts'),
      'net.ipv4.tcp_keepalive_probes': r('10', 'guide: 10 failed probes before the connection is dropped'),
      'fs.file-max': r('2097152', 'guide: file descriptors for many sockets'),
      'fs.inotify.max_user_watches': r('524288', 'guide: kubelet, log agents and config reloaders watch many files'),
      'fs.inotify.max_user_instances': r('8192', 'kubespray: at least 8192 (the guide\'s 512 runs out with many pods that watch files)'),
    },
    podDns: {
      ndots: r(2, 'guide: names with 2+ dots are tried as absolute first, saving up to 3 search-path lookups'),
      timeoutSeconds: r(2, 'guide: retry a lost UDP query after 2s instead of 5s'),
      attempts: r(2, 'guide: two tries per nameserver'),
    },
    calico: {
      vxlanMode: r(CalicoEncapsulationMode.ALWAYS, 'guide: VXLAN works on any underlay'),
      ipipMode: r(CalicoEncapsulationMode.NEVER, 'guide: IPIP is the alternative; only one encapsulation may be on'),
      natOutgoing: r(true, 'guide: pods reach destinations outside the cluster'),
      blockSize: r(26, 'guide: 64 addresses per node block (Calico default)'),
      bpfEnabled: r(false, 'guide enables eBPF, but it replaces kube-proxy and needs apiServerHost: opt in with bpfEnabled'),
      bpfLogLevel: r(CalicoBpfLogLevel.OFF, 'guide: no per-packet eBPF logging'),
      ipForwarding: r(CalicoIpForwarding.ENABLED, 'guide: Felix enables IP forwarding on the host'),
      logSeverityScreen: r(CalicoLogSeverity.WARNING, 'guide: quieter Felix logs'),
    },
    cilium: {
      kubeProxyReplacement: r(true, 'guide: kubeProxyReplacement strict (today true): Cilium implements Services in eBPF and kube-proxy is not deployed'),
      routingMode: r(CiliumRoutingMode.NATIVE, 'guide `tunnel: disabled` = native routing of the Pod CIDR'),
      autoDirectNodeRoutes: r(true, 'guide: nodes on one L2 segment install routes to each other\'s pod CIDRs (needs the profile\'s nodesShareL2Segment)'),
      enableIpv4Masquerade: r(true, 'guide: masquerade pod traffic leaving the cluster'),
      bpfMasquerade: r(true, 'guide: eBPF masquerading (needs kube-proxy replacement)'),
      bpfTproxy: r(true, 'guide: eBPF TPROXY for L7 proxy redirection (beta)'),
      hubble: r(true, 'guide: Hubble observability'),
      hubbleRelay: r(true, 'guide: Hubble Relay for cluster-wide flow queries'),
      loadBalancerMode: r(CiliumLoadBalancerMode.DSR, 'guide: Direct Server Return (needs kube-proxy replacement and native routing)'),
    },
    flannel: {
      backend: r(FlannelBackend.VXLAN, 'Flannel default: works on any network; host-gw needs one L2 segment'),
    },
    kubeProxyCommon: {
      syncPeriod: r(Duration.seconds(30), 'guide: full resync every 30s'),
      minSyncPeriod: r(Duration.seconds(1), 'guide: batch endpoint changes for 1s before reprogramming'),
      ipvsScheduler: r(IpvsScheduler.ROUND_ROBIN, 'guide: round robin'),
      strictArp: r(true, 'guide: IPVS strictARP (required by MetalLB L2 and kube-vip ARP)'),
      conntrackTcpEstablishedTimeout: r(Duration.hours(24), 'guide: 24h (kube-proxy default)'),
      conntrackTcpCloseWaitTimeout: r(Duration.hours(1), 'guide: 1h (kube-proxy default)'),
    },
    coreDnsCommon: {
      forwardMaxConcurrent: r(1000, 'guide: cap in-flight upstream queries (~2 KB each); excess gets REFUSED'),
      lameduck: r(Duration.seconds(5), 'guide: keep answering for 5s while a pod shuts down'),
      autoscalerNodesPerReplica: r(16, 'Kubernetes dns-horizontal-autoscaler addon, kubespray and the coredns chart: one replica per 16 nodes'),
      autoscalerCoresPerReplica: r(256, 'Kubernetes dns-horizontal-autoscaler addon, kubespray and the coredns chart: one replica per 256 cores'),
      autoscalerNodesPerReplicaBehindNodeLocal: r(64, 'NodeLocal DNSCache answers repeated lookups on each node (cluster answers 30s, NXDOMAIN 5s), so CoreDNS sees only misses: a quarter of the replicas'),
      autoscalerCoresPerReplicaBehindNodeLocal: r(1024, 'behind NodeLocal DNSCache: a quarter of the upstream 256 cores per replica'),
    },
    nodeLocalCommon: {
      enabled: r(true, 'guide: deploy NodeLocal DNSCache (avoids conntrack races and the 5s DNS timeouts)'),
      clusterZoneSuccessCapacity: r(9984, 'upstream node-local-dns: cluster zone positive cache'),
      clusterZoneSuccessTtl: r(30, 'upstream node-local-dns: cache cluster answers up to 30s'),
      clusterZoneDenialTtl: r(5, 'upstream node-local-dns: cache NXDOMAIN of search-path expansions 5s'),
      externalCacheTtl: r(30, 'upstream node-local-dns: cache external answers up to 30s'),
      forwardMaxConcurrent: r(1000, 'caps in-flight queries (~2 KB each) so a slow upstream cannot grow node-cache past its memory limit (kubernetes/dns#438)'),
      reverseZoneCacheCapacity: r(1024, 'PTR lookups and stub zones are rare: the smallest cache CoreDNS allows keeps the worst case within the memory limit'),
      secondaryShutdownDelay: r(Duration.seconds(20), 'kubespray\'s nodelocaldns_secondary_skew_seconds (5s) raised to cover an image pull of the restarted primary'),
    },
    alertsCommon: {
      kubeProxySyncP99Seconds: r(1, 'guide: p99 rule sync above 1s'),
      dnsLatencyP99Seconds: r(0.5, 'guide: p99 DNS latency above 0.5s'),
      dnsErrorRatio: r(0.01, 'guide: 1% of answers; counted as SERVFAIL and REFUSED (coredns-mixin), since search-path expansion answers NXDOMAIN all day'),
      forDuration: r(Duration.minutes(10), 'guide: for 10m'),
      downFor: r(Duration.minutes(15), 'kubernetes-mixin and coredns-mixin: a target absent for 15m'),
      forwardLatencyP99Seconds: r(1, 'an upstream answering slower than 1s at p99 makes pods hit their 2s resolver timeout'),
      forwardErrorRatio: r(0.03, 'coredns-mixin: more than 3% SERVFAIL from an upstream'),
    },
  };
}

function build(tier: ScaleTier): TierSettings {
  const small = tier === ScaleTier.SMALL;
  const large = tier === ScaleTier.LARGE;
  const c = common({
    sysctlConntrackMax: small
      ? r('262144', 'small tier: a quarter of the guide\'s 1048576 (each entry costs ~300 bytes of kernel memory)')
      : large
        ? r('1048576', 'guide: 1048576 conntrack entries')
        : r('524288', 'medium tier: half of the guide\'s 1048576'),
  });
  return {
    capacity: {
      nodes: small ? r(50, 'small tier: up to 50 nodes') : large
        ? r(5000, 'large tier: up to 5,000 nodes, Kubernetes\' documented limit (kubernetes.io "Considerations for large clusters")')
        : r(500, 'medium tier: up to 500 nodes'),
      services: large ? r(10000, 'large tier: 10,000 Services, the Kubernetes scalability threshold') : r(999, `${tier} tier: fewer than 1,000 Services (the guide's limit for iptables mode)`),
      maxPodsPerNode: r(110, 'kubelet maxPods default'),
      conntrackEntriesPerPod: large
        ? r(2048, 'large tier: busy pods behind many Services; each flow through a Service is tracked on the node')
        : r(1024, 'each pod\'s flows through Services and to the outside are tracked on its node'),
    },
    cni: small
      ? r(CniPlugin.FLANNEL, 'guide: small clusters use Flannel (simple VXLAN/host-gw)')
      : large
        ? r(CniPlugin.CILIUM, 'guide: large or high-performance clusters use Cilium (eBPF)')
        : r(CniPlugin.CALICO, 'guide: medium clusters use Calico (BGP/VXLAN, rich NetworkPolicy)'),
    kubeProxy: {
      mode: large
        ? r(KubeProxyMode.IPVS, 'guide: IPVS for large clusters (O(1) lookup)')
        : r(KubeProxyMode.IPTABLES, 'guide: iptables suits fewer than 1,000 Services'),
      ...c.kubeProxyCommon,
      conntrackMaxPerCore: large
        ? r(65536, 'guide large-cluster example: 65536 per core')
        : r(32768, 'guide: 32768 per core (kube-proxy default)'),
      conntrackMin: large
        ? r(524288, 'guide large-cluster example: at least 524288')
        : r(131072, 'guide: at least 131072 (kube-proxy default)'),
      cpuRequest: small ? r('50m', 'small tier: few Services to program') : large ? r('200m', 'large tier: thousands of Services per sync') : r('100m', 'medium tier'),
      memoryRequest: small ? r('64Mi', 'small tier') : large ? r('256Mi', 'large tier: rule set and endpoint cache grow with Services') : r('128Mi', 'medium tier'),
      memoryLimit: small ? r('256Mi', 'generous: an OOM-killed kube-proxy stops Service updates') : large ? r('1Gi', 'large tier: generous, an OOM-killed kube-proxy stops Service updates') : r('512Mi', 'medium tier: generous, an OOM-killed kube-proxy stops Service updates'),
    },
    sysctls: c.sysctls,
    coreDns: {
      cacheTtlSeconds: large ? r(600, 'guide large-cluster example: cache 600') : r(300, 'guide: cache 300'),
      cacheSuccessCapacity: large ? r(19968, 'guide large-cluster example: success 19968') : r(9984, 'guide: success 9984'),
      cacheDenialCapacity: large ? r(19968, 'guide large-cluster example: denial 19968') : r(9984, 'guide: denial 9984'),
      kubernetesTtlSeconds: large ? r(60, 'guide large-cluster example: ttl 60') : r(30, 'guide: ttl 30'),
      ...c.coreDnsCommon,
      replicas: small
        ? r(2, 'kubeadm: two replicas, one may be down')
        : large ? r(5, 'large tier: at least five replicas (the autoscaler adds more with the cluster)')
          : r(3, 'medium tier: at least one replica per zone in a three-zone cluster (the autoscaler adds more)'),
      autoscaler: small
        ? r(false, 'small tier: kubeadm\'s two replicas serve up to 50 nodes')
        : r(true, `${tier} tier: CoreDNS scales with the cluster (cluster-proportional-autoscaler, as kubespray and the coredns chart run it)`),
      cpuRequest: large ? r('200m', 'large tier: more queries per replica') : r('100m', 'kubeadm request'),
      memoryRequest: small ? r('70Mi', 'kubeadm request') : large ? r('256Mi', 'large tier: (pods+services)/1000 + 54 MB plus a doubled cache') : r('128Mi', 'medium tier: (pods+services)/1000 + 54 MB'),
      memoryLimit: small ? r('170Mi', 'kubeadm limit') : large ? r('512Mi', 'large tier: headroom for 150k pods and two 19968-entry caches') : r('256Mi', 'medium tier: headroom for 15k pods'),
    },
    nodeLocalDns: {
      ...c.nodeLocalCommon,
      cpuRequest: small ? r('25m', 'upstream node-local-dns request') : large ? r('100m', 'large tier: busy nodes') : r('50m', 'medium tier'),
      memoryRequest: small ? r('32Mi', 'small tier: the working set of a lightly used cache') : large ? r('96Mi', 'large tier: busy nodes fill their caches') : r('64Mi', 'medium tier (kubespray requests 70Mi)'),
      memoryLimit: large ? r('256Mi', 'large tier: headroom above every cache full') : r('200Mi', 'kubespray nodelocaldns_memory_limit; an OOM kill skips teardown and blackholes the node\'s DNS'),
    },
    podDns: c.podDns,
    networkPolicy: {
      maxPoliciesPerPod: small
        ? r(20, 'guide: avoid many policies per pod; small clusters have few rules overall')
        : large ? r(5, 'guide: every policy per pod multiplies data-plane rules on thousands of nodes')
          : r(10, 'guide: merge small policies'),
    },
    service: {
      topologyAwareRouting: small
        ? r(false, 'small clusters rarely span zones or have 3+ endpoints per zone, which hints need')
        : r(true, 'guide: topology-aware routing keeps traffic in its zone'),
      sessionAffinityTimeoutSeconds: r(10800, 'guide: 3 hours (Kubernetes default)'),
    },
    alerts: {
      ...c.alertsCommon,
      conntrackUsageRatio: large
        ? r(0.75, 'large tier: busy nodes fill the table in bursts; warn earlier')
        : r(0.8, 'warn at 80% of nf_conntrack_max, before "table full, dropping packet"'),
    },
    calico: c.calico,
    cilium: {
      ...c.cilium,
      mapDynamicSizeRatio: large
        ? r(0.005, 'large tier: 0.5% of node memory for BPF conntrack/NAT maps (default 0.25%)')
        : r(0.0025, 'Cilium default: 0.25% of node memory for BPF maps'),
    },
    flannel: c.flannel,
  };
}

const TABLE: Readonly<Record<ScaleTier, TierSettings>> = {
  [ScaleTier.SMALL]: build(ScaleTier.SMALL),
  [ScaleTier.MEDIUM]: build(ScaleTier.MEDIUM),
  [ScaleTier.LARGE]: build(ScaleTier.LARGE),
};

/** The settings for a tier. */
export function tierSettings(tier: ScaleTier): TierSettings {
  const settings = TABLE[tier];
  if (!settings) {
    throw new Error(`'tier' (${String(tier)}) must be one of: ${Object.values(ScaleTier).join(', ')}`);
  }
  return settings;
}

/** Tier limits used to pick a tier from the cluster size. */
export const TIER_LIMITS: Readonly<Record<ScaleTier, { maxNodes: number; maxServices: number }>> = {
  [ScaleTier.SMALL]: { maxNodes: 50, maxServices: 999 },
  [ScaleTier.MEDIUM]: { maxNodes: 500, maxServices: 999 },
  [ScaleTier.LARGE]: { maxNodes: Number.POSITIVE_INFINITY, maxServices: Number.POSITIVE_INFINITY },
};

/** Renders a table value the way it is written into manifests. */
export function renderTierValue(value: unknown): string {
  if (value instanceof Duration) return goDuration(value);
  return String(value);
}

/*
 * The bad-input catalogue: inputs a user could plausibly write, across every
 * construct, each with the exact error the library gives at synthesis. The
 * README lists them (generated from this file); catalogue.test.ts asserts each
 * message word for word.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AllowPolicy, CalicoEncapsulationMode, CalicoTuning, CiliumLoadBalancerMode, CiliumRoutingMode, CiliumTuning, ClusterProfile, CniPlugin,
  CniRecommendation, Compatibility, Corefile, CorefilePlugin, DefaultDenyPolicy, DnsLookupCost, DnsResolverOption, FlannelTuning, IpvsScheduler,
  KubeProxyMode, KubernetesFeature, KubernetesVersion, NetworkAlerts, NetworkTuning, NodeLocalDns, PodDnsTuning, PodSecurityLevel, PodSysctlTuning,
  PolicyLint, PolicyPeer, RewriteMatch, ScaleTier, ServerBlock, ServiceTuning, SysctlCatalogue, SysctlTuner, TierTable, TrafficDistribution,
  TrafficPolicy, TunedCoreDns, TunedKubeProxy, TuningReport,
} from '../../src';

export interface BadInput {
  /** The construct or function given the input. */
  readonly target: string;
  /** The input, as a user would describe it. */
  readonly input: string;
  /** The kind of mistake (README groups by it). */
  readonly category?: string;
  /** Runs it: constructs and synthesizes a test chart. */
  readonly run: (chart: Chart) => void;
  /** The exact message (every line of it). */
  readonly message: string;
}

const api = () => new ClusterProfile({ apiServerHost: '10.0.0.1' });
const svc = (c: Chart) => new kplus.Service(c, 'svc', { ports: [{ port: 80 }] });
const synth = (c: Chart) => Testing.synth(c);

// Kinds of mistake (README groups by them).
const SYNTAX = 'syntax the consumer parses';
const EQUIVALENCE = 'equivalence, not text';
const COLLIDE = 'addresses and ports that collide';
const SCOPES = 'dangerous scopes';
const MAP_KEYS = 'map keys';
const MESSAGES = 'messages';
/** Entries whose message names Kubernetes 1.28 target it explicitly (the profile's default is newer). */
const V1_28 = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_28 });
const V6 = new ClusterProfile({ serviceCidr: 'fd00:10:96::/108', podCidr: 'fd00:10:244::/56' });
const V6_CILIUM = new ClusterProfile({ serviceCidr: 'fd00:10:96::/108', podCidr: 'fd00:10:244::/104' });
const INGRESS = [{ peers: [PolicyPeer.pods({ role: 'fe' })], ports: [kplus.NetworkPolicyPort.tcp(80)] }];
const stub = (zone: string) => new ServerBlock({ zones: [zone], plugins: [CorefilePlugin.forward({ to: ['10.0.0.53'] })] });

export const BAD_INPUTS: BadInput[] = [
  // ---- ClusterProfile ----
  { target: 'ClusterProfile', input: 'kube-dns IP with an octet over 255', run: () => new ClusterProfile({ dnsServiceIp: '10.96.0.300' }), message: '[ClusterProfile] \'dnsServiceIp\' (10.96.0.300) must be an IPv4 or IPv6 address' },
  { target: 'ClusterProfile', input: 'kube-dns IP outside the Service CIDR', run: () => new ClusterProfile({ dnsServiceIp: '10.200.0.10' }), message: '[ClusterProfile] \'dnsServiceIp\' (10.200.0.10) must lie inside \'serviceCidr\' (10.96.0.0/12)' },
  { target: 'ClusterProfile', input: 'Service CIDR with host bits', run: () => new ClusterProfile({ serviceCidr: '10.96.0.1/12' }), message: '[ClusterProfile] \'serviceCidr\' (10.96.0.1/12) has host bits set: use the network address 10.96.0.0/12 (or /32 for a single address)' },
  { target: 'ClusterProfile', input: 'Pod CIDR overlapping the Service CIDR', run: () => new ClusterProfile({ podCidr: '10.96.0.0/16' }), message: '[ClusterProfile] \'podCidr\' (10.96.0.0/16) must not overlap \'serviceCidr\' (10.96.0.0/12)' },
  { target: 'ClusterProfile', input: 'CIDR prefix over 32', run: () => new ClusterProfile({ podCidr: '10.244.0.0/33' }), message: '[ClusterProfile] \'podCidr\' (10.244.0.0/33) must be an IPv4 or IPv6 CIDR with a prefix length, e.g. 10.96.0.0/12' },
  { target: 'ClusterProfile', input: 'upper-case cluster domain', run: () => new ClusterProfile({ clusterDomain: 'Cluster.Local' }), message: '[ClusterProfile] \'clusterDomain\' (Cluster.Local) must be a lowercase DNS name such as cluster.local (labels of a-z, 0-9 and \'-\', no trailing dot)' },
  { target: 'ClusterProfile', input: 'zero CPU cores per node', run: () => new ClusterProfile({ cpuCoresPerNode: 0 }), message: '[ClusterProfile] \'cpuCoresPerNode\' (0) must be an integer in 1..1024' },
  { target: 'ClusterProfile', input: 'API server port 70000', run: () => new ClusterProfile({ apiServerHost: '10.0.0.1', apiServerPort: 70000 }), message: '[ClusterProfile] \'apiServerPort\' (70000) must be an integer in 1..65535' },
  { target: 'ClusterProfile', input: 'NodePort range reversed', run: () => new ClusterProfile({ nodePortRange: '32767-30000' }), message: '[ClusterProfile] \'nodePortRange\' (32767-30000) must be "low-high" with 1 <= low < high <= 65535, e.g. 30000-32767' },
  { target: 'KubernetesVersion', input: 'an unsupported version', run: () => KubernetesVersion.of('1.27'), message: '[KubernetesVersion] \'version\' (1.27) must be between 1.28 and 1.37, the versions this library knows' },
  // ---- TunedKubeProxy ----
  {
    target: 'TunedKubeProxy',
    input: 'minSyncPeriod longer than syncPeriod',
    run: (c) => new TunedKubeProxy(c, 'KubeProxy', { iptables: { syncPeriod: Duration.seconds(30), minSyncPeriod: Duration.seconds(45) } }),
    message: '[test/KubeProxy] \'iptables.minSyncPeriod\' (45s) must be <= \'iptables.syncPeriod\' (30s)',
  },
  { target: 'TunedKubeProxy', input: 'masqueradeBit 32', run: (c) => new TunedKubeProxy(c, 'KubeProxy', { iptables: { masqueradeBit: 32 } }), message: '[test/KubeProxy] \'iptables.masqueradeBit\' (32) must be an integer in 0..31' },
  { target: 'TunedKubeProxy', input: 'negative conntrack.min', run: (c) => new TunedKubeProxy(c, 'KubeProxy', { conntrack: { min: -5 } }), message: '[test/KubeProxy] \'conntrack.min\' (-5) must be an integer in 0..2147483647' },
  {
    target: 'TunedKubeProxy',
    input: 'an IPVS scheduler kube-proxy does not know',
    run: (c) => new TunedKubeProxy(c, 'KubeProxy', { mode: KubeProxyMode.IPVS, ipvs: { scheduler: 'fastest' as IpvsScheduler } }),
    message: '[test/KubeProxy] \'ipvs.scheduler\' (fastest) must be one of: rr, wrr, lc, wlc, lblc, lblcr, sh, dh, sed, nq',
  },
  { target: 'TunedKubeProxy', input: 'nftables mode on Kubernetes 1.28', run: (c) => new TunedKubeProxy(c, 'KubeProxy', { mode: KubeProxyMode.NFTABLES, profile: V1_28 }), message: '[test/KubeProxy] \'mode\' (nftables) needs Kubernetes 1.29 or newer (kube-proxy nftables mode); the profile targets 1.28' },
  {
    target: 'TunedKubeProxy',
    input: 'nftables mode on 1.30 without opting in',
    run: (c) => new TunedKubeProxy(c, 'KubeProxy', { mode: KubeProxyMode.NFTABLES, profile: new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_30 }) }),
    message: '[test/KubeProxy] \'mode\' (nftables) is pre-GA on Kubernetes 1.30 (alpha: feature gate NFTablesProxyMode, kernel >= 5.13; GA in 1.33): add KubernetesFeature.KUBE_PROXY_NFTABLES to the profile\'s \'optInFeatures\' once feature gate NFTablesProxyMode is enabled',
  },
  {
    target: 'TunedKubeProxy',
    input: 'an excluded CIDR with prefix 33',
    run: (c) => new TunedKubeProxy(c, 'KubeProxy', { mode: KubeProxyMode.IPVS, ipvs: { excludeCidrs: ['10.0.0.0/33'] } }),
    message: '[test/KubeProxy] \'ipvs.excludeCidrs[0]\' (10.0.0.0/33) must be a CIDR such as 10.0.0.0/8',
  },
  { target: 'TunedKubeProxy', input: 'a metrics address without a port', run: (c) => new TunedKubeProxy(c, 'KubeProxy', { metricsBindAddress: '0.0.0.0' }), message: '[test/KubeProxy] \'metricsBindAddress\' (0.0.0.0) must be "ip:port" (for example 0.0.0.0:10249)' },
  { target: 'TunedKubeProxy', input: 'image tag latest', run: (c) => new TunedKubeProxy(c, 'KubeProxy', { deployDaemonSet: true, profile: api(), image: 'registry.k8s.io/kube-proxy:latest' }), message: '[test/KubeProxy] \'image\' (registry.k8s.io/kube-proxy:latest) must be an image reference pinned to a tag other than latest, or to a sha256 digest' },
  { target: 'TunedKubeProxy', input: 'its DaemonSet without the API server address', run: (c) => new TunedKubeProxy(c, 'KubeProxy', { deployDaemonSet: true }), message: '[test/KubeProxy] \'deployDaemonSet\' needs the profile\'s \'apiServerHost\' (kube-proxy\'s kubeconfig must point at the API server directly)' },
  // ---- SysctlTuner / PodSysctlTuning ----
  { target: 'SysctlTuner', input: 'a sysctl key the catalogue does not know', run: (c) => new SysctlTuner(c, 'Sysctls', { sysctls: { 'net.ipv4.tcp_turbo': '1' } }), message: '[test/Sysctls] \'sysctls\' (net.ipv4.tcp_turbo) is not in the sysctl catalogue (SysctlCatalogue.keys()); set \'allowUnknownSysctls\' to emit it anyway' },
  { target: 'SysctlTuner', input: 'shell injection in a key', run: (c) => new SysctlTuner(c, 'Sysctls', { sysctls: { 'net.core.somaxconn; rm -rf /': '1' } }), message: '[test/Sysctls] \'sysctls\' ("net.core.somaxconn; rm -rf /") is not a sysctl key: dot-separated names of letters, digits, \'_\' and \'-\', without spaces, \'=\', \'/\', quotes or comment marks' },
  { target: 'SysctlTuner', input: 'a newline in a value', run: (c) => new SysctlTuner(c, 'Sysctls', { sysctls: { 'net.core.somaxconn': '1024\nkernel.panic = 1' } }), message: '[test/Sysctls] \'sysctls[net.core.somaxconn]\' ("1024\\nkernel.panic = 1") must be letters, digits, \',\', \':\', \'.\', \'-\' or \'_\' separated by single spaces (no newlines, quotes, \'=\' or \'#\')' },
  { target: 'SysctlTuner', input: 'tcp_tw_recycle (removed in Linux 4.12)', run: (c) => new SysctlTuner(c, 'Sysctls', { sysctls: { 'net.ipv4.tcp_tw_recycle': '1' } }), message: '[test/Sysctls] \'sysctls[net.ipv4.tcp_tw_recycle]\' (1) does not exist: it was removed in Linux 4.12 (it broke clients behind NAT); use net.ipv4.tcp_tw_reuse' },
  { target: 'SysctlTuner', input: 'a reversed port range', run: (c) => new SysctlTuner(c, 'Sysctls', { sysctls: { 'net.ipv4.ip_local_port_range': '65535 1024' } }), message: '[test/Sysctls] \'sysctls[net.ipv4.ip_local_port_range]\' ("65535 1024") must be "low high" with 1 <= low < high <= 65535' },
  { target: 'SysctlTuner', input: 'a non-integer somaxconn', run: (c) => new SysctlTuner(c, 'Sysctls', { sysctls: { 'net.core.somaxconn': 'lots' } }), message: '[test/Sysctls] \'sysctls[net.core.somaxconn]\' (lots) must be an integer in 1..2147483647' },
  { target: 'PodSysctlTuning', input: 'an unsafe sysctl without includeUnsafe', run: (c) => new PodSysctlTuning(c, 'PodSysctls', { sysctls: { 'net.core.somaxconn': '4096' }, profile: V1_28 }), message: '[test/PodSysctls] \'sysctls[net.core.somaxconn]\' (4096) is unsafe on Kubernetes 1.28 (never in the kubelet\'s safe set): set \'includeUnsafe\' and list it in the kubelet\'s allowedUnsafeSysctls on the target nodes' },
  // ---- Corefile ----
  { target: 'CorefilePlugin.kubernetes', input: 'ttl 4000', run: () => CorefilePlugin.kubernetes({ ttl: 4000 }), message: '[CorefilePlugin.kubernetes] \'ttl\' (4000) must be an integer in 0..3600' },
  { target: 'CorefilePlugin.cache', input: 'negative success capacity', run: () => CorefilePlugin.cache({ success: { capacity: -1 } }), message: '[CorefilePlugin.cache] \'success.capacity\' (-1) must be an integer in 1024..2147483647' },
  { target: 'CorefilePlugin.custom', input: 'a brace in an argument', run: () => CorefilePlugin.custom('template', ['IN', 'A', '}']), message: '[CorefilePlugin.custom] \'args[2]\' (}) must be one Corefile token: printable characters without spaces, newlines, braces, quotes or comment marks (#, ;)' },
  { target: 'CorefilePlugin.custom', input: 'a newline in an argument', run: () => CorefilePlugin.custom('template', ['IN\nreload']), message: '[CorefilePlugin.custom] \'args[0]\' ("IN\\nreload") must be one Corefile token: printable characters without spaces, newlines, braces, quotes or comment marks (#, ;)' },
  { target: 'CorefilePlugin.custom', input: 'a comment mark in an argument', run: () => CorefilePlugin.custom('template', ['IN', '#', 'A']), message: '[CorefilePlugin.custom] \'args[1]\' (#) must be one Corefile token: printable characters without spaces, newlines, braces, quotes or comment marks (#, ;)' },
  { target: 'CorefilePlugin.custom', input: 'a quote in a block line', run: () => CorefilePlugin.custom('template', ['IN', 'A'], ['answer "x']), message: '[CorefilePlugin.custom] \'blockLines[0][1]\' ("\\"x") must be one Corefile token: printable characters without spaces, newlines, braces, quotes or comment marks (#, ;)' },
  { target: 'CorefilePlugin.custom', input: 'a plugin name that is not one', run: () => CorefilePlugin.custom('my plugin'), message: '[CorefilePlugin.custom] \'name\' ("my plugin") must be a plugin name: lowercase letters, digits and \'_\', at most 63' },
  { target: 'CorefilePlugin.forward', input: 'no destination', run: () => CorefilePlugin.forward({ to: [] }), message: '[CorefilePlugin.forward] \'to\' ([]) must list 1 to 15 upstreams' },
  {
    target: 'ServerBlock',
    input: 'two cache plugins in one block',
    run: () => new ServerBlock({ zones: ['example.org'], plugins: [CorefilePlugin.cache(), CorefilePlugin.cache({ ttl: 10 })] }),
    message: '[ServerBlock example.org:53] \'plugins\' (cache) may appear only once per server block (CoreDNS: "this plugin can only be used once per Server Block")',
  },
  { target: 'ServerBlock', input: 'a zone that is not a DNS name', run: () => new ServerBlock({ zones: ['exa mple.org'] }), message: '[ServerBlock] \'zones[0]\' ("exa mple.org") must be one Corefile token: printable characters without spaces, newlines, braces, quotes or comment marks (#, ;)' },
  // ---- TunedCoreDns / NodeLocalDns / PodDnsTuning ----
  { target: 'TunedCoreDns', input: "systemd-resolved's stub as upstream", run: (c) => new TunedCoreDns(c, 'CoreDns', { upstreamServers: ['127.0.0.53'] }), message: '[test/CoreDns] \'upstreamServers[0]\' (127.0.0.53) must not be a loopback address: CoreDNS would query itself (systemd-resolved\'s 127.0.0.53 belongs in the kubelet\'s resolvConf, not here)' },
  { target: 'TunedCoreDns', input: 'zero replicas', run: (c) => new TunedCoreDns(c, 'CoreDns', { deploy: true, replicas: 0 }), message: '[test/CoreDns] \'replicas\' (0) must be an integer in 1..1000' },
  { target: 'TunedCoreDns', input: 'the autoscaler without the Deployment', run: (c) => new TunedCoreDns(c, 'CoreDns', { autoscaler: true }), message: '[test/CoreDns] \'autoscaler\' needs \'deploy\' (the autoscaler scales the Deployment this construct emits)' },
  { target: 'TunedCoreDns', input: 'cache TTL 0', run: (c) => new TunedCoreDns(c, 'CoreDns', { cacheTtlSeconds: 0 }), message: '[test/CoreDns] \'cacheTtlSeconds\' (0) must be an integer in 1..2147483647' },
  { target: 'NodeLocalDns', input: 'a local IP that is not link-local', run: (c) => new NodeLocalDns(c, 'NodeLocalDns', { localIp: '10.0.0.10' }), message: '[test/NodeLocalDns] \'localIp\' (10.0.0.10) must be a link-local IPv4 address (169.254.0.0/16) or a unique-local IPv6 address (fd00::/8) that no node or Service uses, e.g. 169.254.20.10 or fd00::10 (IPv6 link-local fe80::/10 needs an interface zone, which kubelet clusterDNS cannot give)' },
  { target: 'NodeLocalDns', input: 'health port 70000', run: (c) => new NodeLocalDns(c, 'NodeLocalDns', { healthPort: 70000 }), message: '[test/NodeLocalDns] \'healthPort\' (70000) must be an integer in 1..65535' },
  { target: 'PodDnsTuning', input: 'ndots 16', run: (c) => new PodDnsTuning(c, 'PodDns', { ndots: 16 }), message: '[test/PodDns] \'ndots\' (16) must be an integer in 0..15' },
  { target: 'PodDnsTuning', input: 'timeout 0', run: (c) => new PodDnsTuning(c, 'PodDns', { timeoutSeconds: 0 }), message: '[test/PodDns] \'timeoutSeconds\' (0) must be an integer in 1..30' },
  { target: 'PodDnsTuning', input: 'a misspelt resolver option', run: (c) => new PodDnsTuning(c, 'PodDns', { options: [{ name: 'single-request-reopn' } as DnsResolverOption] }), message: '[test/PodDns] \'options[0].name\' (single-request-reopn) must be a resolv.conf option: ndots, timeout, attempts, rotate, no-check-names, inet6, edns0, single-request, single-request-reopen, no-tld-query, use-vc, no-reload, trust-ad, no-aaaa' },
  { target: 'PodDnsTuning', input: 'four nameservers', run: (c) => new PodDnsTuning(c, 'PodDns', { nameservers: ['1.1.1.1', '1.0.0.1', '8.8.8.8', '8.8.4.4'] }), message: '[test/PodDns] \'nameservers\' ([1.1.1.1, 1.0.0.1, 8.8.8.8, 8.8.4.4]) must list at most 3 (Kubernetes rejects more)' },
  // ---- policies and Services ----
  { target: 'DefaultDenyPolicy', input: 'an upper-case namespace', run: (c) => new DefaultDenyPolicy(c, 'Deny', { namespaces: ['Production'] }), message: '[test/Deny] \'namespaces[0]\' (Production) must be a namespace name (lowercase letters, digits and \'-\', at most 63, alphanumeric at both ends)' },
  { target: 'DefaultDenyPolicy', input: 'no namespace', run: (c) => new DefaultDenyPolicy(c, 'Deny', { namespaces: [] }), message: '[test/Deny] \'namespaces\' ([]) must list at least one namespace' },
  { target: 'DefaultDenyPolicy', input: 'DNS allowance turned off', run: (c) => { new DefaultDenyPolicy(c, 'Deny', { namespaces: ['prod'], allowDns: false }); synth(c); }, message: '[test/Deny] pods in prod cannot resolve names: the DNS path fails at the policy hop (egress from prod to kube-system/k8s-app=kube-dns pods on 53): egress is restricted and UDP and TCP 53 are blocked: no policy selecting these pods allows it [DEFAULT-DENY-DNS] fix: set \'allowDns\' to true, or add a policy with an empty pod selector allowing UDP and TCP 53 to the kube-dns pods (and, with NodeLocal DNSCache, to its addresses; under Cilium with a CiliumNetworkPolicy toEntities [host])' },
  {
    target: 'AllowPolicy',
    input: 'a quote in a label value',
    run: (c) => new AllowPolicy(c, 'allow', { podLabels: { app: 'web"' }, ingress: [{ peers: [PolicyPeer.pods({ role: 'fe' })], ports: [kplus.NetworkPolicyPort.tcp(80)] }] }),
    message: '[test/allow] \'podLabels[app]\' ("web\\"") is not a label value: up to 63 of A-Z a-z 0-9 - _ . (alphanumeric at both ends), or empty',
  },
  { target: 'ServiceTuning', input: 'affinity timeout of two days', run: (c) => new ServiceTuning(c, 'Tuning', { service: svc(c), clientIpAffinity: true, affinityTimeout: Duration.days(2) }), message: '[test/Tuning] \'affinityTimeout\' (48h) must be between 1s and 24h' },
  { target: 'ServiceTuning', input: 'trafficDistribution on Kubernetes 1.28', run: (c) => new ServiceTuning(c, 'Tuning', { service: svc(c), trafficDistribution: TrafficDistribution.PREFER_CLOSE, profile: V1_28 }), message: '[test/Tuning] \'trafficDistribution\' (PreferClose) needs Kubernetes 1.30 or newer (Service trafficDistribution: PreferClose); the profile targets 1.28' },
  // ---- CNI ----
  {
    target: 'CalicoTuning',
    input: 'VXLAN and IPIP both on',
    run: (c) => new CalicoTuning(c, 'Calico', { ipPools: [{ cidr: '10.244.0.0/16', vxlanMode: CalicoEncapsulationMode.ALWAYS, ipipMode: CalicoEncapsulationMode.ALWAYS }] }),
    message: '[test/Calico] \'ipPools[0].ipipMode\' (Always) cannot be enabled together with vxlanMode (Always): ipipMode and vxlanMode cannot both be enabled',
  },
  { target: 'CalicoTuning', input: 'blockSize 19', run: (c) => new CalicoTuning(c, 'Calico', { ipPools: [{ cidr: '10.244.0.0/16', blockSize: 19 }] }), message: '[test/Calico] \'ipPools[0].blockSize\' (19) must be an integer in 20..32' },
  { target: 'CalicoTuning', input: 'a link-local pool', run: (c) => new CalicoTuning(c, 'Calico', { ipPools: [{ cidr: '169.254.0.0/16' }] }), message: '[test/Calico] \'ipPools[0].cidr\' (169.254.0.0/16) must not overlap link-local space (169.254.0.0/16)' },
  { target: 'CalicoTuning', input: 'unprivileged BPF turned on without opting in', run: (c) => new CalicoTuning(c, 'Calico', { bpfDisableUnprivileged: false }), message: '[test/Calico] \'bpfDisableUnprivileged\' (false) lets unprivileged users load BPF programs (a security downgrade): set \'allowUnprivilegedBpf\' to accept it' },
  { target: 'CiliumTuning', input: 'DSR without kube-proxy replacement', run: (c) => new CiliumTuning(c, 'Cilium', { loadBalancerMode: CiliumLoadBalancerMode.DSR }), message: '[test/Cilium] \'loadBalancerMode\' (dsr) needs kubeProxyReplacement (DSR is done by the eBPF NodePort datapath)' },
  { target: 'CiliumTuning', input: 'Hubble UI without relay', run: (c) => new CiliumTuning(c, 'Cilium', { hubbleRelay: false, hubbleUi: true }), message: '[test/Cilium] \'hubbleUi\' (true) needs \'hubbleRelay\' (the chart: Hubble UI requires hubble.relay.enabled=true)' },
  { target: 'CiliumTuning', input: 'chart 1.15', run: (c) => new CiliumTuning(c, 'Cilium', { chartVersion: '1.15.0' }), message: '[test/Cilium] \'chartVersion\' (1.15.0) must be a Cilium chart version 1.16.0 or newer (x.y.z): older charts use the removed kubeProxyReplacement and tunnel values' },
  { target: 'CiliumTuning', input: 'kube-proxy replacement without the API server address', run: (c) => new CiliumTuning(c, 'Cilium', { kubeProxyReplacement: true }), message: '[test/Cilium] \'kubeProxyReplacement\' (true) needs the profile\'s \'apiServerHost\' (k8sServiceHost): without kube-proxy, the agent cannot reach the API through the \'kubernetes\' Service' },
  { target: 'FlannelTuning', input: 'an invalid namespace', run: (c) => new FlannelTuning(c, 'Flannel', { flannelNamespace: 'kube_flannel' }), message: '[test/Flannel] \'flannelNamespace\' (kube_flannel) must be a namespace name (lowercase letters, digits and \'-\', at most 63, alphanumeric at both ends)' },
  // ---- alerts and the facade ----
  { target: 'NetworkAlerts', input: 'error ratio 0', run: (c) => new NetworkAlerts(c, 'Alerts', { dnsErrorRatio: 0 }), message: '[test/Alerts] \'dnsErrorRatio\' (0) must be > 0 and <= 1 (0 fires on any single error)' },
  { target: 'NetworkAlerts', input: 'a quote in the node-exporter job', run: (c) => new NetworkAlerts(c, 'Alerts', { nodeExporterJob: 'node"}' }), message: '[test/Alerts] \'nodeExporterJob\' ("node\\"}") must be a job label value (letters, digits, _ . : / -)' },
  { target: 'NetworkTuning', input: 'a component with its own tier', run: (c) => new NetworkTuning(c, 'tuning', { profile: api(), coreDns: { tier: ScaleTier.LARGE } as any }), message: '[test/tuning] \'coreDns.tier\' is not a property of TunedCoreDnsOptions: the parent decides the tier once for every component' },
  { target: 'NetworkTuning', input: 'options for a CNI that was not chosen', run: (c) => new NetworkTuning(c, 'tuning', { profile: api(), cniPlugin: CniPlugin.FLANNEL, calico: {} }), message: '[test/tuning] \'calico\' (<set>) must be unset: the CNI is flannel (\'cniPlugin\'); set \'cniPlugin\' to calico to configure it' },
  // ---- cross-component ----
  {
    target: 'TunedKubeProxy + SysctlTuner',
    input: 'two owners of nf_conntrack_max',
    run: (c) => {
      new TunedKubeProxy(c, 'KubeProxy');
      new SysctlTuner(c, 'Sysctls', { sysctls: { 'net.netfilter.nf_conntrack_max': '2000000' } });
      synth(c);
    },
    message: '[test/Sysctls] \'sysctls[net.netfilter.nf_conntrack_max]\' (2000000) conflicts with [test/KubeProxy], which writes 262144 (max(conntrack.maxPerCore 32768 × 8 cores, conntrack.min 131072)) at every start and overwrites other values [CONNTRACK-OWNERSHIP] fix: set the kube-proxy\'s conntrack.maxPerCore to 0 so the tuner owns the key, or remove the key from the tuner\'s \'sysctls\'',
  },
  {
    target: 'CalicoTuning + CiliumTuning',
    input: 'two CNIs in one cluster',
    run: (c) => {
      new CalicoTuning(c, 'Calico');
      new CiliumTuning(c, 'Cilium');
      synth(c);
    },
    message: '[test/Cilium] cilium is configured, but [test/Calico] already configures calico: a cluster runs one CNI plugin [CNI-EXCLUSIVE] fix: keep the CNI component of the plugin the cluster runs and remove the other',
  },
  {
    target: 'CiliumTuning + TunedKubeProxy',
    input: 'kube-proxy next to Cilium kube-proxy replacement',
    run: (c) => {
      new CiliumTuning(c, 'Cilium', { profile: api(), kubeProxyReplacement: true });
      new TunedKubeProxy(c, 'KubeProxy', { profile: api() });
      synth(c);
    },
    message: '[test/KubeProxy] kube-proxy is configured, but [test/Cilium] enables Cilium kube-proxy replacement, which implements Services in eBPF: both would program Service routing and fight (Calico even deletes kube-proxy\'s rules) [EBPF-REPLACES-KUBE-PROXY] fix: remove TunedKubeProxy (and the kube-proxy DaemonSet from the cluster: kubeadm --skip-phases=addon/kube-proxy), or turn the eBPF kube-proxy replacement off',
  },
  {
    target: 'TunedKubeProxy + NodeLocalDns',
    input: 'node-local-dns wired for another kube-proxy mode',
    run: (c) => {
      new TunedKubeProxy(c, 'KubeProxy', { mode: KubeProxyMode.IPVS });
      new NodeLocalDns(c, 'NodeLocalDns', { kubeProxyMode: KubeProxyMode.IPTABLES });
      synth(c);
    },
    message: '[test/NodeLocalDns] \'kubeProxyMode\' (iptables) disagrees with the app\'s data plane, kube-proxy ipvs (\'mode\' set on [test/KubeProxy]): node-local-dns would be wired for the wrong data plane and DNS would fail [NLD-MODE-MISMATCH] fix: remove kubeProxyMode from NodeLocalDns (it follows the plan) or make the two agree',
  },
  {
    target: 'TunedKubeProxy + TunedKubeProxy',
    input: 'two kube-proxy configurations in one app',
    run: (c) => {
      new TunedKubeProxy(c, 'A');
      new TunedKubeProxy(c, 'B');
      synth(c);
    },
    message: '[test/B] a second kube-proxy component: [test/A] already emits the kube-proxy ConfigMap (and DaemonSet), and both would write the same objects [SINGLE-INSTANCE] fix: keep one kube-proxy component per app (one cluster per app)',
  },
  // ---- types at runtime: what JavaScript and Python callers (and YAML-driven pipelines) pass ----
  {
    target: 'TunedKubeProxy',
    category: 'types at runtime',
    input: 'syncPeriod as the string \'30s\'',
    run: (c) => new TunedKubeProxy(c, 'KubeProxy', { iptables: { syncPeriod: '30s' as any } }),
    message: '[test/KubeProxy] \'iptables.syncPeriod\' (30s) must be a Duration (for example Duration.seconds(30)), not a string',
  },
  {
    target: 'TunedKubeProxy',
    category: 'types at runtime',
    input: 'deployDaemonSet as the string \'false\'',
    run: (c) => new TunedKubeProxy(c, 'KubeProxy', { deployDaemonSet: 'false' as any }),
    message: '[test/KubeProxy] \'deployDaemonSet\' (false) must be true or false, not a string',
  },
  {
    target: 'TunedKubeProxy',
    category: 'types at runtime',
    input: 'conntrack.maxPerCore NaN',
    run: (c) => new TunedKubeProxy(c, 'KubeProxy', { conntrack: { maxPerCore: NaN } }),
    message: '[test/KubeProxy] \'conntrack.maxPerCore\' (NaN) must be a finite number',
  },
  {
    target: 'TunedKubeProxy',
    category: 'types at runtime',
    input: 'a misspelt property',
    run: (c) => new TunedKubeProxy(c, 'KubeProxy', { deployDaemonset: true } as any),
    message: '[test/KubeProxy] \'deployDaemonset\' is not a property of TunedKubeProxyProps (did you mean \'deployDaemonSet\'?)',
  },
  {
    target: 'TunedKubeProxy',
    category: 'types at runtime',
    input: 'props as a string',
    run: (c) => new TunedKubeProxy(c, 'KubeProxy', 'large' as any),
    message: '[test/KubeProxy] \'props\' (large) must be an object of TunedKubeProxyProps properties, not a string',
  },
  {
    target: 'TunedKubeProxy',
    category: 'types at runtime',
    input: 'ipvs.excludeCidrs as one string',
    run: (c) => new TunedKubeProxy(c, 'KubeProxy', { ipvs: { excludeCidrs: '10.0.0.0/8' as any } }),
    message: '[test/KubeProxy] \'ipvs.excludeCidrs\' (10.0.0.0/8) must be a list, not a string',
  },
  {
    target: 'TunedCoreDns',
    category: 'types at runtime',
    input: 'upstreamServers with a null entry',
    run: (c) => new TunedCoreDns(c, 'CoreDns', { upstreamServers: ['1.1.1.1', null as any] }),
    message: '[test/CoreDns] \'upstreamServers[1]\' (null) must not be null or undefined',
  },
  {
    target: 'TunedCoreDns',
    category: 'types at runtime',
    input: 'cacheTtlSeconds Infinity',
    run: (c) => new TunedCoreDns(c, 'CoreDns', { cacheTtlSeconds: Infinity }),
    message: '[test/CoreDns] \'cacheTtlSeconds\' (Infinity) must be a finite number',
  },
  {
    target: 'TunedCoreDns',
    category: 'types at runtime',
    input: 'profile as a plain object',
    run: (c) => new TunedCoreDns(c, 'CoreDns', { profile: { clusterDomain: 'cluster.local' } as any }),
    message: '[test/CoreDns] \'profile\' ({"clusterDomain":"cluster.local"}) must be a ClusterProfile, not an object',
  },
  {
    target: 'TunedCoreDns',
    category: 'types at runtime',
    input: 'an empty upstream',
    run: (c) => new TunedCoreDns(c, 'CoreDns', { upstreamServers: [''] }),
    message: '[test/CoreDns] \'upstreamServers[0]\' ("") must be one Corefile token: printable characters without spaces, newlines, braces, quotes or comment marks (#, ;)',
  },
  {
    target: 'TunedCoreDns',
    category: 'types at runtime',
    input: 'forwardMaxConcurrent 0',
    run: (c) => new TunedCoreDns(c, 'CoreDns', { forwardMaxConcurrent: 0 }),
    message: '[test/CoreDns] \'forwardMaxConcurrent\' (0) must be an integer in 1..2147483647',
  },
  {
    target: 'DefaultDenyPolicy',
    category: 'types at runtime',
    input: 'apiServerCidrs with a number',
    run: (c) => new DefaultDenyPolicy(c, 'Deny', { namespaces: ['a'], allowApiServer: true, apiServerCidrs: [10] as any }),
    message: '[test/Deny] \'apiServerCidrs[0]\' (10) must be a string, not a number',
  },
  {
    target: 'NodeLocalDns',
    category: 'types at runtime',
    input: 'localIp as a number',
    run: (c) => new NodeLocalDns(c, 'NodeLocalDns', { localIp: 169254 as any }),
    message: '[test/NodeLocalDns] \'localIp\' (169254) must be a string, not a number',
  },
  {
    target: 'NodeLocalDns',
    category: 'types at runtime',
    input: 'healthPort as a string',
    run: (c) => new NodeLocalDns(c, 'NodeLocalDns', { healthPort: '8080' as any }),
    message: '[test/NodeLocalDns] \'healthPort\' (8080) must be a number, not a string',
  },
  {
    target: 'SysctlTuner',
    category: 'types at runtime',
    input: 'sysctls with a __proto__ key (from JSON)',
    run: (c) => new SysctlTuner(c, 'Sysctls', { sysctls: JSON.parse('{"__proto__": "1"}') }),
    message: '[test/Sysctls] \'sysctls.__proto__\' is not allowed as a key (it would replace the object\'s prototype)',
  },
  {
    target: 'SysctlTuner',
    category: 'types at runtime',
    input: 'a sysctl value as a number',
    run: (c) => new SysctlTuner(c, 'Sysctls', { sysctls: { 'net.core.somaxconn': 65535 as any } }),
    message: '[test/Sysctls] \'sysctls[net.core.somaxconn]\' (65535) must be a string, not a number',
  },
  {
    target: 'SysctlTuner',
    category: 'types at runtime',
    input: 'reapplyInterval in seconds as a number',
    run: (c) => new SysctlTuner(c, 'Sysctls', { reapplyInterval: 300 as any }),
    message: '[test/Sysctls] \'reapplyInterval\' (300) must be a Duration (for example Duration.seconds(30)), not a number',
  },
  {
    target: 'PodSysctlTuning',
    category: 'types at runtime',
    input: 'appliesTo a plain object',
    run: (c) => new PodSysctlTuning(c, 'PodSysctls', { appliesTo: { kind: 'Deployment' } as any }),
    message: '[test/PodSysctls] \'appliesTo\' ({"kind":"Deployment"}) must be a construct (an App, a Chart or a construct in one), not an object',
  },
  {
    target: 'DefaultDenyPolicy',
    category: 'types at runtime',
    input: 'namespaces as one string',
    run: (c) => new DefaultDenyPolicy(c, 'Deny', { namespaces: 'production' as any }),
    message: '[test/Deny] \'namespaces\' (production) must be a list, not a string',
  },
  {
    target: 'DefaultDenyPolicy',
    category: 'types at runtime',
    input: 'namespaces missing (null)',
    run: (c) => new DefaultDenyPolicy(c, 'Deny', { namespaces: null as any }),
    message: '[test/Deny] \'namespaces\' is required (DefaultDenyPolicyProps)',
  },
  {
    target: 'DefaultDenyPolicy',
    category: 'types at runtime',
    input: 'createNamespaces as the string "yes"',
    run: (c) => new DefaultDenyPolicy(c, 'Deny', { namespaces: ['a'], createNamespaces: 'yes' as any }),
    message: '[test/Deny] \'createNamespaces\' (yes) must be true or false, not a string',
  },
  {
    target: 'AllowPolicy',
    category: 'types at runtime',
    input: 'podLabels with a number value',
    run: (c) => new AllowPolicy(c, 'Allow', { podLabels: { tier: 1 as any } }),
    message: '[test/Allow] \'podLabels.tier\' (1) must be a string, not a number',
  },
  {
    target: 'AllowPolicy',
    category: 'types at runtime',
    input: 'ingress as one rule, not a list',
    run: (c) => new AllowPolicy(c, 'Allow', { podLabels: { app: 'a' }, ingress: { peers: [] } as any }),
    message: '[test/Allow] \'ingress\' ({"peers":[]}) must be a list, not an object',
  },
  {
    target: 'ServiceTuning',
    category: 'types at runtime',
    input: 'service as a plain object',
    run: (c) => new ServiceTuning(c, 'Svc', { service: { name: 'web' } as any }),
    message: '[test/Svc] \'service\' ({"name":"web"}) must be a construct (an App, a Chart or a construct in one), not an object',
  },
  {
    target: 'ServiceTuning',
    category: 'types at runtime',
    input: 'affinityTimeout as a number',
    run: (c) => new ServiceTuning(c, 'Svc', { service: new kplus.Service(c, 's', { ports: [{ port: 80 }] }), clientIpAffinity: true, affinityTimeout: 3600 as any }),
    message: '[test/Svc] \'affinityTimeout\' (3600) must be a Duration (for example Duration.seconds(30)), not a number',
  },
  {
    target: 'NetworkAlerts',
    category: 'types at runtime',
    input: 'dnsErrorRatio as the string "1%"',
    run: (c) => new NetworkAlerts(c, 'Alerts', { dnsErrorRatio: '1%' as any }),
    message: '[test/Alerts] \'dnsErrorRatio\' (1%) must be a number, not a string',
  },
  {
    target: 'NetworkAlerts',
    category: 'types at runtime',
    input: 'selectorLabels as a list',
    run: (c) => new NetworkAlerts(c, 'Alerts', { selectorLabels: ['release=kps'] as any }),
    message: '[test/Alerts] \'selectorLabels\' ([release=kps]) must be a map of names to values, not a list',
  },
  {
    target: 'NetworkAlerts',
    category: 'types at runtime',
    input: 'language as "zh"',
    run: (c) => new NetworkAlerts(c, 'Alerts', { language: 'zh' as any }),
    message: '[test/Alerts] \'language\' (zh) must be one of: en, zh-CN',
  },
  {
    target: 'NetworkTuning',
    category: 'types at runtime',
    input: 'tier as "LARGE" (the enum name, not its value)',
    run: (c) => new NetworkTuning(c, 'Tuning', { tier: 'LARGE' as any }),
    message: '[test/Tuning] \'tier\' (LARGE) must be one of: small, medium, large',
  },
  {
    target: 'NetworkTuning',
    category: 'types at runtime',
    input: 'kubeProxy.iptables.minSyncPeriod as a number',
    run: (c) => new NetworkTuning(c, 'Tuning', { kubeProxy: { iptables: { minSyncPeriod: 1 as any } } }),
    message: '[test/Tuning] \'kubeProxy.iptables.minSyncPeriod\' (1) must be a Duration (for example Duration.seconds(30)), not a number',
  },
  {
    target: 'NetworkTuning',
    category: 'types at runtime',
    input: 'services as one Service, not a list',
    run: (c) => new NetworkTuning(c, 'Tuning', { services: new kplus.Service(c, 's', { ports: [{ port: 80 }] }) as any }),
    message: '[test/Tuning] \'services\' (<Service test/s>) must be a list, not a construct',
  },
  {
    target: 'NetworkTuning',
    category: 'types at runtime',
    input: 'a misspelt component option',
    run: (c) => new NetworkTuning(c, 'Tuning', { coredns: {} } as any),
    message: '[test/Tuning] \'coredns\' is not a property of NetworkTuningProps (did you mean \'coreDns\'?)',
  },
  {
    target: 'CalicoTuning',
    category: 'types at runtime',
    input: 'ipPools[0] without cidr',
    run: (c) => new CalicoTuning(c, 'Calico', { ipPools: [{ blockSize: 26 } as any] }),
    message: '[test/Calico] \'ipPools[0].cidr\' is required (CalicoIpPoolOptions)',
  },
  {
    target: 'CalicoTuning',
    category: 'types at runtime',
    input: 'ipPools[0].natOutgoing as "true"',
    run: (c) => new CalicoTuning(c, 'Calico', { ipPools: [{ cidr: '10.244.0.0/16', natOutgoing: 'true' as any }] }),
    message: '[test/Calico] \'ipPools[0].natOutgoing\' (true) must be true or false, not a string',
  },
  {
    target: 'CiliumTuning',
    category: 'types at runtime',
    input: 'hubbleMetrics as one string',
    run: (c) => new CiliumTuning(c, 'Cilium', { hubbleMetrics: 'dns,drop' as any }),
    message: '[test/Cilium] \'hubbleMetrics\' (dns,drop) must be a list, not a string',
  },
  {
    target: 'FlannelTuning',
    category: 'types at runtime',
    input: 'backend as "VXLAN" (upper case)',
    run: (c) => new FlannelTuning(c, 'Flannel', { backend: 'VXLAN' as any }),
    message: '[test/Flannel] \'backend\' (VXLAN) must be one of: vxlan, host-gw',
  },
  {
    target: 'PodDnsTuning',
    category: 'types at runtime',
    input: 'ndots as the string "2"',
    run: (c) => new PodDnsTuning(c, 'PodDns', { ndots: '2' as any }),
    message: '[test/PodDns] \'ndots\' (2) must be a number, not a string',
  },
  {
    target: 'ClusterProfile',
    category: 'types at runtime',
    input: 'podCidr as a list',
    run: () => new ClusterProfile({ podCidr: ['10.244.0.0/16'] as any }),
    message: '[ClusterProfile] \'podCidr\' ([10.244.0.0/16]) must be a string, not a list',
  },
  {
    target: 'ClusterProfile',
    category: 'types at runtime',
    input: 'kubernetesVersion as the string "1.30"',
    run: () => new ClusterProfile({ kubernetesVersion: '1.30' as any }),
    message: '[ClusterProfile] \'kubernetesVersion\' (1.30) must be a KubernetesVersion, not a string',
  },
  {
    target: 'ClusterProfile',
    category: 'types at runtime',
    input: 'nodes as 5e3 written "5000"',
    run: () => new ClusterProfile({ nodes: '5000' as any }),
    message: '[ClusterProfile] \'nodes\' (5000) must be a number, not a string',
  },
  {
    target: 'ServerBlock',
    category: 'types at runtime',
    input: 'zones as one string',
    run: () => new ServerBlock({ zones: 'corp.example' as any }),
    message: '[ServerBlock] \'zones\' (corp.example) must be a list, not a string',
  },
  {
    target: 'ServerBlock',
    category: 'types at runtime',
    input: 'plugins with a plain object',
    run: () => new ServerBlock({ zones: ['corp.example'], plugins: [{ name: 'forward' } as any] }),
    message: '[ServerBlock] \'plugins[0]\' ({"name":"forward"}) must be a CorefilePlugin, not an object',
  },
  {
    target: 'Corefile',
    category: 'types at runtime',
    input: 'a server block as a plain object',
    run: () => new Corefile({ zones: ['.'] } as any),
    message: '[Corefile] \'blocks[0]\' ({"zones":["."]}) must be a ServerBlock, not an object',
  },
  {
    target: 'CorefilePlugin.forward',
    category: 'types at runtime',
    input: 'to as one string',
    run: () => CorefilePlugin.forward({ to: '8.8.8.8' as any }),
    message: '[CorefilePlugin.forward] \'to\' (8.8.8.8) must be a list, not a string',
  },
  {
    target: 'CorefilePlugin.forward',
    category: 'types at runtime',
    input: 'a misspelt option',
    run: () => CorefilePlugin.forward({ to: ['8.8.8.8'], maxConcurent: 10 } as any),
    message: '[CorefilePlugin.forward] \'maxConcurent\' is not a property of ForwardOptions (did you mean \'maxConcurrent\'?)',
  },
  {
    target: 'CorefilePlugin.cache',
    category: 'types at runtime',
    input: 'ttl as the string "30"',
    run: () => CorefilePlugin.cache({ ttl: '30' as any }),
    message: '[CorefilePlugin.cache] \'ttl\' (30) must be a number, not a string',
  },
  {
    target: 'CorefilePlugin.log',
    category: 'types at runtime',
    input: 'a class the log plugin does not know',
    run: () => CorefilePlugin.log('all' as any, 'warnings' as any),
    message: '[CorefilePlugin.log] \'classes[1]\' (warnings) must be one of: all, success, denial, error',
  },
  {
    target: 'PolicyPeer.ipBlock',
    category: 'types at runtime',
    input: 'cidr as a number',
    run: () => PolicyPeer.ipBlock(10 as any),
    message: '[PolicyPeer.ipBlock] \'cidr\' (10) must be a string, not a number',
  },
  {
    target: 'PolicyPeer.namespaces',
    category: 'types at runtime',
    input: 'a null namespace',
    run: () => PolicyPeer.namespaces('a', null as any),
    message: '[PolicyPeer.namespaces] \'names[1]\' (null) must not be null or undefined',
  },
  {
    target: 'CniRecommendation.recommend',
    category: 'types at runtime',
    input: 'requirements missing',
    run: () => (CniRecommendation as any).recommend(),
    message: '[CniRecommendation.recommend] \'requirements\' is required',
  },
  {
    target: 'CniRecommendation.recommend',
    category: 'types at runtime',
    input: 'networkPolicy as "true"',
    run: () => CniRecommendation.recommend({ tier: ScaleTier.SMALL, networkPolicy: 'true' as any }),
    message: '[CniRecommendation.recommend] \'networkPolicy\' (true) must be true or false, not a string',
  },
  {
    target: 'TierTable.rows',
    category: 'types at runtime',
    input: 'a tier given by name',
    run: () => TierTable.rows('Large' as any),
    message: '[TierTable.rows] \'tier\' (Large) must be one of: small, medium, large',
  },
  {
    target: 'TierTable.tierFor',
    category: 'types at runtime',
    input: 'nodes as a string',
    run: () => TierTable.tierFor({ nodes: '600' as any, services: 100 }),
    message: '[TierTable.tierFor] \'nodes\' (600) must be a number, not a string',
  },
  {
    target: 'DnsLookupCost.estimate',
    category: 'types at runtime',
    input: 'ndots as NaN',
    run: () => DnsLookupCost.estimate({ name: 'web', ndots: NaN }),
    message: '[DnsLookupCost.estimate] \'ndots\' (NaN) must be a finite number',
  },
  {
    target: 'KubernetesVersion.of',
    category: 'types at runtime',
    input: 'a number',
    run: () => KubernetesVersion.of(1.3 as any),
    message: '[KubernetesVersion.of] \'version\' (1.3) must be a string, not a number',
  },
  {
    target: 'Compatibility.support',
    category: 'types at runtime',
    input: 'a version string, not a KubernetesVersion',
    run: () => Compatibility.support(KubernetesFeature.KUBE_PROXY_NFTABLES, '1.30' as any),
    message: '[Compatibility.support] \'version\' (1.30) must be a KubernetesVersion, not a string',
  },
  {
    target: 'SysctlCatalogue.isPodSafe',
    category: 'types at runtime',
    input: 'a version string',
    run: () => SysctlCatalogue.isPodSafe('net.ipv4.tcp_syncookies', '1.30' as any),
    message: '[SysctlCatalogue.isPodSafe] \'version\' (1.30) must be a KubernetesVersion, not a string',
  },
  {
    target: 'NetworkAlerts.catalogue',
    category: 'types at runtime',
    input: 'an unknown language',
    run: () => NetworkAlerts.catalogue(ScaleTier.SMALL, 'fr' as any),
    message: '[NetworkAlerts.catalogue] \'language\' (fr) must be one of: en, zh-CN',
  },
  {
    target: 'TuningReport.of',
    category: 'types at runtime',
    input: 'a plain object',
    run: () => TuningReport.of({} as any),
    message: '[TuningReport.of] \'scope\' ({}) must be a construct (an App, a Chart or a construct in one), not an object',
  },
  {
    target: 'TuningReport.dnsPath',
    category: 'types at runtime',
    input: 'a namespace as a number',
    run: () => TuningReport.of(Testing.chart()).dnsPath(7 as any),
    message: '[TuningReport.dnsPath] \'podNamespace\' (7) must be a string, not a number',
  },
  {
    target: 'PolicyLint.lint',
    category: 'types at runtime',
    input: 'manifests as one object, not a list',
    run: () => PolicyLint.lint({ kind: 'NetworkPolicy' } as any),
    message: '[PolicyLint.lint] \'manifests\' ({"kind":"NetworkPolicy"}) must be a list, not an object',
  },
  // ---- numbers the consumer parses: Go's strconv.Atoi, int32 sysctls, time.Duration ----
  {
    target: 'TunedCoreDns',
    category: 'numbers the consumer parses',
    input: 'cacheTtlSeconds 1e21 (JavaScript would print 1e+21, CoreDNS Atoi rejects it)',
    run: (c) => new TunedCoreDns(c, 'CoreDns', { cacheTtlSeconds: 1e21 }),
    message: '[test/CoreDns] \'cacheTtlSeconds\' (1e+21) must be an integer in 1..2147483647',
  },
  {
    target: 'TunedCoreDns',
    category: 'numbers the consumer parses',
    input: 'cacheSuccessCapacity above 2^31-1',
    run: (c) => new TunedCoreDns(c, 'CoreDns', { cacheSuccessCapacity: 2 ** 31 }),
    message: '[test/CoreDns] \'cacheSuccessCapacity\' (2147483648) must be an integer in 1024..2147483647',
  },
  {
    target: 'TunedCoreDns',
    category: 'numbers the consumer parses',
    input: 'forwardMaxConcurrent 2^40',
    run: (c) => new TunedCoreDns(c, 'CoreDns', { forwardMaxConcurrent: 2 ** 40 }),
    message: '[test/CoreDns] \'forwardMaxConcurrent\' (1099511627776) must be an integer in 1..2147483647',
  },
  {
    target: 'CorefilePlugin.cache',
    category: 'numbers the consumer parses',
    input: 'a prefetch amount of 1e21',
    run: () => CorefilePlugin.cache({ prefetch: { amount: 1e21 } }),
    message: '[CorefilePlugin.cache] \'prefetch.amount\' (1e+21) must be an integer in 1..2147483647',
  },
  {
    target: 'CorefilePlugin.cache',
    category: 'numbers the consumer parses',
    input: 'success capacity 3e9',
    run: () => CorefilePlugin.cache({ success: { capacity: 3e9 } }),
    message: '[CorefilePlugin.cache] \'success.capacity\' (3000000000) must be an integer in 1024..2147483647',
  },
  {
    target: 'CorefilePlugin.forward',
    category: 'numbers the consumer parses',
    input: 'maxFails 5e9',
    run: () => CorefilePlugin.forward({ to: ['1.1.1.1'], maxFails: 5e9 }),
    message: '[CorefilePlugin.forward] \'maxFails\' (5000000000) must be an integer in 0..2147483647',
  },
  {
    target: 'CorefilePlugin.forward',
    category: 'numbers the consumer parses',
    input: 'expire longer than a Go time.Duration holds',
    run: () => CorefilePlugin.forward({ to: ['1.1.1.1'], expire: Duration.days(200000) }),
    message: '[CorefilePlugin.forward] \'expire\' (17280000000000ms) must fit a Go time.Duration (at most about 292 years)',
  },
  {
    target: 'TunedKubeProxy',
    category: 'numbers the consumer parses',
    input: 'conntrack.maxPerCore × 64 cores above int32',
    run: (c) => new TunedKubeProxy(c, 'KubeProxy', { profile: new ClusterProfile({ cpuCoresPerNode: 64 }), conntrack: { maxPerCore: 40000000 } }),
    message: '[test/KubeProxy] \'conntrack.maxPerCore\' (40000000) × the profile\'s 64 CPU cores is 2560000000: nf_conntrack_max is a 32-bit int (<= 2147483647)',
  },
  {
    target: 'TunedKubeProxy',
    category: 'numbers the consumer parses',
    input: 'conntrack.maxPerCore 2^31',
    run: (c) => new TunedKubeProxy(c, 'KubeProxy', { conntrack: { maxPerCore: 2 ** 31 } }),
    message: '[test/KubeProxy] \'conntrack.maxPerCore\' (2147483648) must be an integer in 0..2147483647',
  },
  {
    target: 'TunedKubeProxy',
    category: 'numbers the consumer parses',
    input: 'a syncPeriod of 300 years',
    run: (c) => new TunedKubeProxy(c, 'KubeProxy', { iptables: { syncPeriod: Duration.days(365 * 300) } }),
    message: '[test/KubeProxy] \'iptables.syncPeriod\' (9460800000000ms) must fit a Go time.Duration (at most about 292 years)',
  },
  {
    target: 'TunedKubeProxy',
    category: 'numbers the consumer parses',
    input: 'a fractional masqueradeBit',
    run: (c) => new TunedKubeProxy(c, 'KubeProxy', { iptables: { masqueradeBit: 14.5 } }),
    message: '[test/KubeProxy] \'iptables.masqueradeBit\' (14.5) must be an integer in 0..31',
  },
  {
    target: 'SysctlTuner',
    category: 'numbers the consumer parses',
    input: 'somaxconn above int32',
    run: (c) => new SysctlTuner(c, 'Sysctls', { sysctls: { 'net.core.somaxconn': '4294967296' } }),
    message: '[test/Sysctls] \'sysctls[net.core.somaxconn]\' (4294967296) must be an integer in 1..2147483647',
  },
  {
    target: 'SysctlTuner',
    category: 'numbers the consumer parses',
    input: 'a sysctl value in exponent form',
    run: (c) => new SysctlTuner(c, 'Sysctls', { sysctls: { 'net.core.somaxconn': '1e5' } }),
    message: '[test/Sysctls] \'sysctls[net.core.somaxconn]\' (1e5) must be an integer in 1..2147483647',
  },
  {
    target: 'PodDnsTuning',
    category: 'numbers the consumer parses',
    input: 'ndots 2.5',
    run: (c) => new PodDnsTuning(c, 'PodDns', { ndots: 2.5 }),
    message: '[test/PodDns] \'ndots\' (2.5) must be an integer in 0..15',
  },
  {
    target: 'NetworkAlerts',
    category: 'numbers the consumer parses',
    input: 'forDuration of 1.5 seconds in fractional milliseconds',
    run: (c) => new NetworkAlerts(c, 'Alerts', { forDuration: Duration.millis(1.5) }),
    message: '[test/Alerts] \'forDuration\' (1.5ms) must be a whole number of milliseconds',
  },
  {
    target: 'ClusterProfile',
    category: 'numbers the consumer parses',
    input: 'nodes 5000.5',
    run: () => new ClusterProfile({ nodes: 5000.5 }),
    message: '[ClusterProfile] \'nodes\' (5000.5) must be an integer in 1..100000',
  },
  {
    target: 'ClusterProfile',
    category: 'numbers the consumer parses',
    input: 'cpuCoresPerNode -1',
    run: () => new ClusterProfile({ cpuCoresPerNode: -1 }),
    message: '[ClusterProfile] \'cpuCoresPerNode\' (-1) must be an integer in 1..1024',
  },
  // ---- syntax the consumer parses ----
  { target: 'CorefilePlugin.rewriteName', category: SYNTAX, input: 'a lookahead in a regex (Go RE2 has none)', run: () => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '(?=foo)bar', replacement: 'x' }), message: '[CorefilePlugin.rewriteName] \'pattern\' ("(?=foo)bar") must be a Go (RE2) regular expression, as CoreDNS compiles it: invalid or unsupported Perl syntax: (?= (Go has no lookahead or lookbehind)' },
  { target: 'CorefilePlugin.rewriteName', category: SYNTAX, input: 'a lookbehind in a regex', run: () => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '(?<!a)b', replacement: 'x' }), message: '[CorefilePlugin.rewriteName] \'pattern\' ("(?<!a)b") must be a Go (RE2) regular expression, as CoreDNS compiles it: invalid or unsupported Perl syntax: (?<! (Go has no lookahead or lookbehind)' },
  { target: 'CorefilePlugin.rewriteName', category: SYNTAX, input: 'a backreference in a regex', run: () => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '(a)\\1', replacement: 'x' }), message: '[CorefilePlugin.rewriteName] \'pattern\' ("(a)\\\\1") must be a Go (RE2) regular expression, as CoreDNS compiles it: invalid escape sequence: \\1 (Go has no backreferences)' },
  { target: 'CorefilePlugin.rewriteName', category: SYNTAX, input: 'a JavaScript-style named group (?<n>...)', run: () => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '(?<host>.*)\\.old', replacement: '{1}.new' }), message: '[CorefilePlugin.rewriteName] \'pattern\' ("(?<host>.*)\\\\.old") must be a Go (RE2) regular expression, as CoreDNS compiles it: invalid or unsupported Perl syntax: (?< (write named groups as (?P<name>...), which every CoreDNS build accepts)' },
  { target: 'CorefilePlugin.rewriteName', category: SYNTAX, input: 'a stacked repetition a**', run: () => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: 'a**', replacement: 'x' }), message: '[CorefilePlugin.rewriteName] \'pattern\' (a**) must be a Go (RE2) regular expression, as CoreDNS compiles it: invalid nested repetition operator: *' },
  { target: 'CorefilePlugin.rewriteName', category: SYNTAX, input: 'a repeat count over 1000', run: () => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '[a-z]{1,1001}', replacement: 'x' }), message: '[CorefilePlugin.rewriteName] \'pattern\' ([a-z]{1,1001}) must be a Go (RE2) regular expression, as CoreDNS compiles it: invalid repeat count: {1,1001}' },
  { target: 'CorefilePlugin.rewriteName', category: SYNTAX, input: 'an unclosed group', run: () => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '(.*\\.old', replacement: 'x' }), message: '[CorefilePlugin.rewriteName] \'pattern\' ("(.*\\\\.old") must be a Go (RE2) regular expression, as CoreDNS compiles it: missing closing ): unbalanced parenthesis' },
  { target: 'CorefilePlugin.rewriteName', category: SYNTAX, input: 'an escape Go does not know (\\y)', run: () => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '\\y', replacement: 'x' }), message: '[CorefilePlugin.rewriteName] \'pattern\' (\\y) must be a Go (RE2) regular expression, as CoreDNS compiles it: invalid escape sequence: \\y' },
  { target: 'CorefilePlugin.rewriteName', category: SYNTAX, input: 'a Unicode class Go does not know', run: () => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '\\p{Foo}+', replacement: 'x' }), message: '[CorefilePlugin.rewriteName] \'pattern\' (\\p{Foo}+) must be a Go (RE2) regular expression, as CoreDNS compiles it: invalid character class range: \\p{Foo}' },
  { target: 'CorefilePlugin.rewriteName', category: SYNTAX, input: 'a reversed class range', run: () => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '[z-a]', replacement: 'x' }), message: '[CorefilePlugin.rewriteName] \'pattern\' ([z-a]) must be a Go (RE2) regular expression, as CoreDNS compiles it: invalid character class range: z-a' },
  { target: 'CorefilePlugin.rewriteName', category: SYNTAX, input: 'replacement {2} with one capture group', run: () => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '(.*)\\.old', replacement: '{2}.new' }), message: '[CorefilePlugin.rewriteName] \'replacement\' ({2}.new) refers to group {2}, but \'pattern\' has 1 capture group (CoreDNS would leave the reference in the name)' },
  { target: 'CorefilePlugin.rewriteName', category: SYNTAX, input: 'replacement $1 (CoreDNS substitutes {1})', run: () => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '(.*)\\.old', replacement: '$1.new' }), message: '[CorefilePlugin.rewriteName] \'replacement\' ($1.new) refers to a group as $n: CoreDNS substitutes {n} ({1}, {2}, ...) and would keep "$1" in the name' },
  { target: 'CorefilePlugin.rewriteName', category: SYNTAX, input: 'an environment reference {$HOME} in the replacement', run: () => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '(.*)', replacement: '{$HOME}' }), message: '[CorefilePlugin.rewriteName] \'replacement\' ({$HOME}) must be one Corefile token: printable characters without spaces, quotes, comment marks (#, ;), environment references ({$NAME}, {%NAME%}) or a lone brace' },
  { target: 'CorefilePlugin.rewriteName', category: SYNTAX, input: 'braces that are not a group reference', run: () => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '(.*)', replacement: '{host}.new' }), message: '[CorefilePlugin.rewriteName] \'replacement\' ({host}.new) may hold braces only in group references {0}..{n}' },
  { target: 'CorefilePlugin.rewriteName', category: SYNTAX, input: 'a lone brace as the pattern (a Corefile block)', run: () => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '{', replacement: 'x' }), message: '[CorefilePlugin.rewriteName] \'pattern\' ({) must be one Corefile token: printable characters without spaces, quotes, comment marks (#, ;), environment references ({$NAME}, {%NAME%}) or a lone brace' },
  { target: 'CorefilePlugin.rewriteName', category: SYNTAX, input: 'a group reference in a suffix rewrite', run: () => CorefilePlugin.rewriteName({ match: RewriteMatch.SUFFIX, pattern: '.old', replacement: '{1}.new' }), message: '[CorefilePlugin.rewriteName] \'replacement\' ({1}.new) must be one Corefile token: printable characters without spaces, newlines, braces, quotes or comment marks (#, ;)' },
  { target: 'CorefilePlugin.custom', category: SYNTAX, input: 'a comment mark inside an argument', run: () => CorefilePlugin.custom('k8s_external', ['example.org#x']), message: '[CorefilePlugin.custom] \'args[0]\' (example.org#x) must be one Corefile token: printable characters without spaces, newlines, braces, quotes or comment marks (#, ;)' },
  { target: 'CalicoTuning', category: SYNTAX, input: 'an upper-case pool name', run: (c) => new CalicoTuning(c, 'Calico', { ipPools: [{ cidr: '10.244.0.0/16', name: 'Pool-A' }] }), message: '[test/Calico] \'ipPools[0].name\' (Pool-A) must be a lowercase DNS name' },
  { target: 'AllowPolicy', category: SYNTAX, input: 'a policy name with an underscore', run: (c) => new AllowPolicy(c, 'Allow', { policyNamespace: 'prod', name: 'allow_web', podLabels: { app: 'web' }, ingress: INGRESS }), message: '[test/Allow] \'name\' (allow_web) must be a lowercase DNS name' },
  { target: 'NetworkAlerts', category: SYNTAX, input: 'a monitoring namespace of 64 characters', run: (c) => new NetworkAlerts(c, 'Alerts', { monitoringNamespace: 'a'.repeat(64) }), message: '[test/Alerts] \'monitoringNamespace\' (aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa) must be a namespace name (lowercase letters, digits and \'-\', at most 63, alphanumeric at both ends)' },
  { target: 'AllowPolicy', category: SYNTAX, input: 'a label key with a space', run: (c) => new AllowPolicy(c, 'Allow', { policyNamespace: 'prod', podLabels: { 'app name': 'web' }, ingress: INGRESS }), message: '[test/Allow] \'podLabels\' ("app name") is not a label key: an optional DNS prefix and \'/\', then up to 63 of A-Z a-z 0-9 - _ . (alphanumeric at both ends)' },
  { target: 'NetworkAlerts', category: SYNTAX, input: 'a label value of 64 characters', run: (c) => new NetworkAlerts(c, 'Alerts', { selectorLabels: { release: 'r'.repeat(64) } }), message: '[test/Alerts] \'selectorLabels[release]\' (rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr) is not a label value: up to 63 of A-Z a-z 0-9 - _ . (alphanumeric at both ends), or empty' },
  { target: 'SysctlTuner', category: SYNTAX, input: 'a node selector key starting with a dash', run: (c) => new SysctlTuner(c, 'Sysctls', { nodeSelector: { '-pool': 'a' } }), message: '[test/Sysctls] \'nodeSelector\' (-pool) is not a label key: an optional DNS prefix and \'/\', then up to 63 of A-Z a-z 0-9 - _ . (alphanumeric at both ends)' },
  // ---- equivalence, not text ----
  { target: 'TunedCoreDns', category: EQUIVALENCE, input: 'the kube-dns IPv6 address written out in full, with a port', run: (c) => new TunedCoreDns(c, 'CoreDns', { profile: V6, upstreamServers: ['[fd00:10:96:0:0:0:0:a]:53'] }), message: '[test/CoreDns] \'upstreamServers[0]\' ([fd00:10:96:0:0:0:0:a]:53) must not be the kube-dns IP (fd00:10:96::a): CoreDNS would forward to itself' },
  { target: 'TunedCoreDns', category: EQUIVALENCE, input: 'the kube-dns IPv6 address zero-padded', run: (c) => new TunedCoreDns(c, 'CoreDns', { profile: V6, upstreamServers: ['fd00:10:96::000a'] }), message: '[test/CoreDns] \'upstreamServers[0]\' (fd00:10:96::000a) must not be the kube-dns IP (fd00:10:96::a): CoreDNS would forward to itself' },
  { target: 'TunedCoreDns', category: EQUIVALENCE, input: 'the kube-dns IPv6 address in upper case', run: (c) => new TunedCoreDns(c, 'CoreDns', { profile: V6, upstreamServers: ['FD00:10:96::A'] }), message: '[test/CoreDns] \'upstreamServers[0]\' (FD00:10:96::A) must not be the kube-dns IP (fd00:10:96::a): CoreDNS would forward to itself' },
  { target: 'TunedCoreDns', category: EQUIVALENCE, input: 'the kube-dns IP as IPv4-mapped IPv6', run: (c) => new TunedCoreDns(c, 'CoreDns', { upstreamServers: ['::ffff:10.96.0.10'] }), message: '[test/CoreDns] \'upstreamServers[0]\' (::ffff:10.96.0.10) must not be the kube-dns IP (10.96.0.10): CoreDNS would forward to itself' },
  { target: 'TunedCoreDns', category: EQUIVALENCE, input: 'the kube-dns IP as bracketed IPv4-mapped IPv6 with a port', run: (c) => new TunedCoreDns(c, 'CoreDns', { upstreamServers: ['[::ffff:a60:a]:53'] }), message: '[test/CoreDns] \'upstreamServers[0]\' ([::ffff:a60:a]:53) must not be the kube-dns IP (10.96.0.10): CoreDNS would forward to itself' },
  { target: 'TunedCoreDns', category: EQUIVALENCE, input: 'loopback written out in full', run: (c) => new TunedCoreDns(c, 'CoreDns', { upstreamServers: ['[0:0:0:0:0:0:0:1]:53'] }), message: '[test/CoreDns] \'upstreamServers[0]\' ([0:0:0:0:0:0:0:1]:53) must not be a loopback address: CoreDNS would query itself (systemd-resolved\'s 127.0.0.53 belongs in the kubelet\'s resolvConf, not here)' },
  { target: 'TunedCoreDns', category: EQUIVALENCE, input: 'IPv4 loopback as IPv4-mapped IPv6', run: (c) => new TunedCoreDns(c, 'CoreDns', { upstreamServers: ['::ffff:127.0.0.1'] }), message: '[test/CoreDns] \'upstreamServers[0]\' (::ffff:127.0.0.1) must not be a loopback address: CoreDNS would query itself (systemd-resolved\'s 127.0.0.53 belongs in the kubelet\'s resolvConf, not here)' },
  { target: 'TunedCoreDns', category: EQUIVALENCE, input: 'the unspecified address as upstream', run: (c) => new TunedCoreDns(c, 'CoreDns', { upstreamServers: ['0.0.0.0'] }), message: '[test/CoreDns] \'upstreamServers[0]\' (0.0.0.0) must not be the unspecified address (0.0.0.0 or ::): the query would go to the local host' },
  { target: 'ServerBlock', category: EQUIVALENCE, input: 'one zone twice, in two spellings', run: () => new ServerBlock({ zones: ['example.com', 'EXAMPLE.com.'] }), message: '[ServerBlock] \'zones[1]\' (EXAMPLE.com.) repeats \'zones[0]\' (example.com): CoreDNS compares zones in lower case with a trailing dot' },
  {
    target: 'Corefile',
    category: EQUIVALENCE,
    input: 'two blocks for one zone, differing in case and trailing dot',
    run: () => new Corefile(new ServerBlock({ zones: ['example.com'] }), new ServerBlock({ zones: ['Example.COM.'] })),
    message: '[Corefile] \'zones\' (Example.COM.:53) is already served by another server block as example.com:53 (CoreDNS compares zones in lower case with a trailing dot)',
  },
  { target: 'TunedCoreDns', category: EQUIVALENCE, input: 'a stub block for the cluster domain', run: (c) => { new TunedCoreDns(c, 'CoreDns', { serverBlocks: [stub('Cluster.Local.')] }); synth(c); }, message: '[test/CoreDns] \'serverBlocks\' (Cluster.Local.:53) would take Cluster.Local. from the kubernetes plugin of the main block (CoreDNS serves a name from the most specific zone): Service and pod names would stop resolving; use a zone outside cluster.local, or give the block its own kubernetes plugin' },
  { target: 'TunedCoreDns', category: EQUIVALENCE, input: 'a stub block below the cluster domain', run: (c) => { new TunedCoreDns(c, 'CoreDns', { serverBlocks: [stub('svc.cluster.local')] }); synth(c); }, message: '[test/CoreDns] \'serverBlocks\' (svc.cluster.local:53) would take svc.cluster.local from the kubernetes plugin of the main block (CoreDNS serves a name from the most specific zone): Service and pod names would stop resolving; use a zone outside cluster.local, or give the block its own kubernetes plugin' },
  { target: 'TunedCoreDns', category: EQUIVALENCE, input: 'a stub block for all of in-addr.arpa', run: (c) => { new TunedCoreDns(c, 'CoreDns', { serverBlocks: [stub('in-addr.arpa.')] }); synth(c); }, message: '[test/CoreDns] \'serverBlocks\' (in-addr.arpa.:53) covers 10.244.0.0/16, whose reverse lookups the main block\'s kubernetes plugin answers (CoreDNS serves a name from the most specific zone): they would stop resolving; serve a narrower reverse zone outside the cluster\'s Pod and Service CIDRs, or give the block its own kubernetes plugin' },
  { target: 'CalicoTuning', category: EQUIVALENCE, input: 'two pools that overlap', run: (c) => new CalicoTuning(c, 'Calico', { ipPools: [{ cidr: '10.244.0.0/16' }, { cidr: '10.244.128.0/17', name: 'p2' }] }), message: '[test/Calico] \'ipPools[1].cidr\' (10.244.128.0/17) overlaps \'ipPools[0].cidr\' (10.244.0.0/16): pools must not share addresses' },
  { target: 'CalicoTuning', category: EQUIVALENCE, input: 'one CIDR under two pool names', run: (c) => new CalicoTuning(c, 'Calico', { ipPools: [{ cidr: '10.244.0.0/16', name: 'a' }, { cidr: '10.244.0.0/16', name: 'b' }] }), message: '[test/Calico] \'ipPools[1].cidr\' (10.244.0.0/16) overlaps \'ipPools[0].cidr\' (10.244.0.0/16): pools must not share addresses' },
  { target: 'CalicoTuning', category: EQUIVALENCE, input: 'a pool inside the Service CIDR', run: (c) => new CalicoTuning(c, 'Calico', { ipPools: [{ cidr: '10.96.0.0/16' }] }), message: '[test/Calico] \'ipPools[0].cidr\' (10.96.0.0/16) overlaps the profile\'s Service CIDR (10.96.0.0/12): a pod could get a ClusterIP that kube-proxy rewrites' },
  {
    target: 'CiliumTuning',
    category: EQUIVALENCE,
    input: 'a native-routing CIDR that misses the Pod CIDR',
    run: (c) => new CiliumTuning(c, 'Cilium', { routingMode: CiliumRoutingMode.NATIVE, ipv4NativeRoutingCidr: '192.168.0.0/16' }),
    message: '[test/Cilium] \'ipv4NativeRoutingCidr\' (192.168.0.0/16) must contain the Pod CIDR (10.244.0.0/16): Cilium masquerades pod traffic to addresses outside it, so pods on other nodes would see node addresses',
  },
  {
    target: 'CiliumTuning',
    category: EQUIVALENCE,
    input: 'a native-routing CIDR smaller than the Pod CIDR',
    run: (c) => new CiliumTuning(c, 'Cilium', { routingMode: CiliumRoutingMode.NATIVE, ipv4NativeRoutingCidr: '10.244.0.0/24' }),
    message: '[test/Cilium] \'ipv4NativeRoutingCidr\' (10.244.0.0/24) must contain the Pod CIDR (10.244.0.0/16): Cilium masquerades pod traffic to addresses outside it, so pods on other nodes would see node addresses',
  },
  {
    target: 'CiliumTuning',
    category: EQUIVALENCE,
    input: 'an IPv4 native-routing CIDR on an IPv6-only cluster',
    run: (c) => new CiliumTuning(c, 'Cilium', { profile: V6_CILIUM, routingMode: CiliumRoutingMode.NATIVE, ipv4NativeRoutingCidr: '10.0.0.0/8' }),
    message: '[test/Cilium] \'ipv4NativeRoutingCidr\' (10.0.0.0/8) needs an IPv4 Pod CIDR to route, but the profile\'s podCidr (fd00:10:244::/104) has none',
  },
  { target: 'ClusterProfile', category: EQUIVALENCE, input: 'IPv4 Services with IPv6 pods', run: () => new ClusterProfile({ serviceCidr: '10.96.0.0/12', podCidr: 'fd00:10:244::/56' }), message: '[ClusterProfile] \'podCidr\' (fd00:10:244::/56) is IPv6 but \'serviceCidr\' (10.96.0.0/12) is IPv4: a Service range of IPv4 needs pods of that family (dual-stack lists one IPv4 and one IPv6 CIDR in each)' },
  { target: 'ClusterProfile', category: EQUIVALENCE, input: 'IPv6 Services with the default (IPv4) Pod CIDR', run: () => new ClusterProfile({ serviceCidr: 'fd00:10:96::/108' }), message: '[ClusterProfile] \'podCidr\' must be set: its default (10.244.0.0/16) is IPv4 but \'serviceCidr\' (fd00:10:96::/108) is IPv6, and a Service range of IPv6 needs pods of that family (dual-stack lists one IPv4 and one IPv6 CIDR in each)' },
  { target: 'ClusterProfile', category: EQUIVALENCE, input: 'dual-stack Services with IPv4-only pods', run: () => new ClusterProfile({ serviceCidr: '10.96.0.0/12,fd00:10:96::/108', podCidr: '10.244.0.0/16' }), message: '[ClusterProfile] \'podCidr\' (10.244.0.0/16) is IPv4 but \'serviceCidr\' (10.96.0.0/12,fd00:10:96::/108) is IPv4 and IPv6: a Service range of IPv6 needs pods of that family (dual-stack lists one IPv4 and one IPv6 CIDR in each)' },
  {
    target: 'Corefile',
    category: EQUIVALENCE,
    input: 'one zone twice on one bind address, spelled two ways',
    run: () => new Corefile(
      new ServerBlock({ zones: ['corp.example'], plugins: [CorefilePlugin.bind('FD00::1')] }),
      new ServerBlock({ zones: ['corp.example'], plugins: [CorefilePlugin.bind('fd00:0:0:0:0:0:0:1')] })),
    message: '[Corefile] \'zones\' (corp.example:53) is already served by another server block, on a bind address both blocks listen on',
  },
  // ---- addresses and ports that collide ----
  { target: 'NodeLocalDns', category: COLLIDE, input: 'the cloud metadata address as localIp', run: (c) => new NodeLocalDns(c, 'NodeLocalDns', { localIp: '169.254.169.254' }), message: '[test/NodeLocalDns] \'localIp\' (169.254.169.254) is the cloud instance-metadata address (AWS, GCP, Azure, OpenStack): node-cache adds it to a dummy interface on every node and would take it over; use 169.254.20.10' },
  { target: 'NodeLocalDns', category: COLLIDE, input: "AWS's VPC resolver address as localIp", run: (c) => new NodeLocalDns(c, 'NodeLocalDns', { localIp: '169.254.169.253' }), message: '[test/NodeLocalDns] \'localIp\' (169.254.169.253) is AWS\'s VPC DNS resolver address: node-cache adds it to a dummy interface on every node and would take it over; use 169.254.20.10' },
  { target: 'NodeLocalDns', category: COLLIDE, input: "an address in AWS ECS's task-metadata range", run: (c) => new NodeLocalDns(c, 'NodeLocalDns', { localIp: '169.254.170.2' }), message: '[test/NodeLocalDns] \'localIp\' (169.254.170.2) is AWS ECS\'s task-metadata range: node-cache adds it to a dummy interface on every node and would take it over; use 169.254.20.10' },
  { target: 'NodeLocalDns', category: COLLIDE, input: "a localIp in RFC 3927's reserved first /24", run: (c) => new NodeLocalDns(c, 'NodeLocalDns', { localIp: '169.254.0.5' }), message: '[test/NodeLocalDns] \'localIp\' (169.254.0.5) is in 169.254.0.0/24, which RFC 3927 reserves: node-cache adds it to a dummy interface on every node and would take it over; use 169.254.20.10' },
  { target: 'NodeLocalDns', category: COLLIDE, input: 'a localIp inside the Service CIDR', run: (c) => new NodeLocalDns(c, 'NodeLocalDns', { localIp: '10.96.0.53' }), message: '[test/NodeLocalDns] \'localIp\' (10.96.0.53) is inside the profile\'s Service CIDR (10.96.0.0/12): an address a pod or Service may get' },
  { target: 'NodeLocalDns', category: COLLIDE, input: 'a localIp inside the Pod CIDR', run: (c) => new NodeLocalDns(c, 'NodeLocalDns', { localIp: '10.244.3.3' }), message: '[test/NodeLocalDns] \'localIp\' (10.244.3.3) is inside the profile\'s Pod CIDR (10.244.0.0/16): an address a pod or Service may get' },
  { target: 'ClusterProfile', category: COLLIDE, input: 'a link-local Pod CIDR', run: () => new ClusterProfile({ podCidr: '169.254.0.0/16' }), message: '[ClusterProfile] \'podCidr\' (169.254.0.0/16) must not overlap link-local space (169.254.0.0/16): cloud metadata and NodeLocal DNSCache live there' },
  { target: 'ClusterProfile', category: COLLIDE, input: 'a link-local IPv6 Service CIDR', run: () => new ClusterProfile({ serviceCidr: 'fe80::/108', podCidr: 'fd00:10:244::/56' }), message: '[ClusterProfile] \'serviceCidr\' (fe80::/108) must not overlap link-local space (fe80::/10): cloud metadata and NodeLocal DNSCache live there' },
  { target: 'ClusterProfile', category: COLLIDE, input: "apiServerHost as the 'kubernetes' ClusterIP", run: () => new ClusterProfile({ apiServerHost: '10.96.0.1' }), message: '[ClusterProfile] \'apiServerHost\' (10.96.0.1) is inside \'serviceCidr\' (10.96.0.0/12), a ClusterIP: give the API server\'s own address (a control-plane node, or its load balancer), which works before kube-proxy or the CNI has programmed any Service' },
  { target: 'ClusterProfile', category: COLLIDE, input: 'apiServerHost as a Service DNS name', run: () => new ClusterProfile({ apiServerHost: 'kubernetes.default.svc' }), message: '[ClusterProfile] \'apiServerHost\' (kubernetes.default.svc) is a cluster DNS name: it resolves through CoreDNS, which cannot start before kube-proxy or the CNI reach the API server; give the API server\'s own address or an external name' },
  { target: 'ClusterProfile', category: COLLIDE, input: 'apiServerHost inside the cluster domain', run: () => new ClusterProfile({ apiServerHost: 'api.cluster.local' }), message: '[ClusterProfile] \'apiServerHost\' (api.cluster.local) is a cluster DNS name: it resolves through CoreDNS, which cannot start before kube-proxy or the CNI reach the API server; give the API server\'s own address or an external name' },
  { target: 'ClusterProfile', category: COLLIDE, input: 'apiServerHost as the unspecified address', run: () => new ClusterProfile({ apiServerHost: '0.0.0.0' }), message: '[ClusterProfile] \'apiServerHost\' (0.0.0.0) must be an address to dial, not the unspecified address' },
  {
    target: 'NodeLocalDns + TunedKubeProxy',
    category: COLLIDE,
    input: "node-cache health on kube-proxy's metrics port",
    run: (c) => { new TunedKubeProxy(c, 'KubeProxy', { profile: api() }); new NodeLocalDns(c, 'NodeLocalDns', { profile: api(), healthPort: 10249 }); synth(c); },
    message: '[test/NodeLocalDns] node-local-dns health (169.254.20.10) listens on port 10249, which kube-proxy metrics (0.0.0.0:10249) of [test/KubeProxy] already uses: the later one fails to bind (EADDRINUSE; a wildcard address takes the port on all addresses) [HOST-PORT-CONFLICT] fix: move one of them to a free port (kube-proxy: metricsBindAddress/healthzBindAddress; NodeLocalDns: healthPort)',
  },
  {
    target: 'NodeLocalDns + TunedKubeProxy',
    category: COLLIDE,
    input: "node-cache health on kube-proxy's healthz port under IPVS",
    run: (c) => { new TunedKubeProxy(c, 'KubeProxy', { profile: api(), mode: KubeProxyMode.IPVS }); new NodeLocalDns(c, 'NodeLocalDns', { profile: api(), healthPort: 10256 }); synth(c); },
    message: '[test/NodeLocalDns] node-local-dns health (169.254.20.10) listens on port 10256, which kube-proxy healthz (0.0.0.0:10256) of [test/KubeProxy] already uses: the later one fails to bind (EADDRINUSE; a wildcard address takes the port on all addresses) [HOST-PORT-CONFLICT] fix: move one of them to a free port (kube-proxy: metricsBindAddress/healthzBindAddress; NodeLocalDns: healthPort)',
  },
  {
    target: 'TunedKubeProxy',
    category: COLLIDE,
    input: 'healthz and metrics on one port',
    run: (c) => { new TunedKubeProxy(c, 'KubeProxy', { healthzBindAddress: '0.0.0.0:10249' }); synth(c); },
    message: '[test/KubeProxy] kube-proxy healthz (0.0.0.0:10249) listens on port 10249, which kube-proxy metrics (0.0.0.0:10249) already uses: the later one fails to bind (EADDRINUSE; a wildcard address takes the port on all addresses) [HOST-PORT-CONFLICT] fix: move one of them to a free port (kube-proxy: metricsBindAddress/healthzBindAddress; NodeLocalDns: healthPort)',
  },
  {
    target: 'TunedKubeProxy',
    category: COLLIDE,
    input: "metrics on kubelet's port",
    run: (c) => { new TunedKubeProxy(c, 'KubeProxy', { metricsBindAddress: '0.0.0.0:10250' }); synth(c); },
    message: '[test/KubeProxy] kube-proxy metrics (0.0.0.0:10250) listens on port 10250, which kubelet already uses: the later one fails to bind (EADDRINUSE; a wildcard address takes the port on all addresses) [HOST-PORT-CONFLICT] fix: move one of them to a free port (kube-proxy: metricsBindAddress/healthzBindAddress; NodeLocalDns: healthPort)',
  },
  {
    target: 'TunedKubeProxy + CiliumTuning',
    category: COLLIDE,
    input: "healthz on the Cilium agent's metrics port",
    run: (c) => { new CiliumTuning(c, 'Cilium'); new TunedKubeProxy(c, 'KubeProxy', { healthzBindAddress: '0.0.0.0:9962' }); synth(c); },
    message: '[test/KubeProxy] kube-proxy healthz (0.0.0.0:9962) listens on port 9962, which Cilium agent metrics already uses: the later one fails to bind (EADDRINUSE; a wildcard address takes the port on all addresses) [HOST-PORT-CONFLICT] fix: move one of them to a free port (kube-proxy: metricsBindAddress/healthzBindAddress; NodeLocalDns: healthPort)',
  },
  {
    target: 'NetworkTuning',
    category: COLLIDE,
    input: "kube-proxy metrics on every address at Calico Felix's (loopback) health port",
    run: (c) => { new NetworkTuning(c, 'Tuning', { profile: api(), cniPlugin: CniPlugin.CALICO, kubeProxy: { metricsBindAddress: '0.0.0.0:9099' } }); synth(c); },
    message: '[test/Tuning/KubeProxy] kube-proxy metrics (0.0.0.0:9099) listens on port 9099, which Calico Felix health already uses: the later one fails to bind (EADDRINUSE; a wildcard address takes the port on all addresses) [HOST-PORT-CONFLICT] fix: move one of them to a free port (kube-proxy: metricsBindAddress/healthzBindAddress; NodeLocalDns: healthPort)',
  },
  {
    target: 'NetworkTuning',
    category: COLLIDE,
    input: "node-cache health on etcd's client port",
    run: (c) => { new NetworkTuning(c, 'Tuning', { profile: api(), nodeLocalDns: { healthPort: 2379 } }); synth(c); },
    message: '[test/Tuning/NodeLocalDns] node-local-dns health (169.254.20.10) listens on port 2379, which etcd client (control-plane nodes) already uses: the later one fails to bind (EADDRINUSE; a wildcard address takes the port on all addresses) [HOST-PORT-CONFLICT] fix: move one of them to a free port (kube-proxy: metricsBindAddress/healthzBindAddress; NodeLocalDns: healthPort)',
  },
  { target: 'NodeLocalDns', category: COLLIDE, input: 'a health port inside the NodePort range', run: (c) => { new NodeLocalDns(c, 'NodeLocalDns', { healthPort: 30080 }); synth(c); }, message: '[test/NodeLocalDns] node-local-dns health (169.254.20.10) listens on port 30080, inside the NodePort range 30000-32767: a Service given that NodePort takes its traffic [HOST-PORT-CONFLICT] fix: pick a port outside the NodePort range' },
  // ---- dangerous scopes ----
  { target: 'DefaultDenyPolicy', category: SCOPES, input: 'default deny in kube-system without opting in', run: (c) => new DefaultDenyPolicy(c, 'Deny', { namespaces: ['prod', 'kube-system'] }), message: '[test/Deny] \'namespaces[1]\' (kube-system) runs the cluster\'s own agents (CoreDNS, kube-proxy, the CNI): default deny there cuts CoreDNS off from pods, nodes, the API server and its upstreams unless policies of your own allow them; set \'protectSystemNamespaces\' to true to do it anyway' },
  { target: 'DefaultDenyPolicy', category: SCOPES, input: "default deny in Calico's calico-system", run: (c) => new DefaultDenyPolicy(c, 'Deny', { namespaces: ['calico-system'] }), message: '[test/Deny] \'namespaces[0]\' (calico-system) runs the cluster\'s own agents (CoreDNS, kube-proxy, the CNI): default deny there cuts CoreDNS off from pods, nodes, the API server and its upstreams unless policies of your own allow them; set \'protectSystemNamespaces\' to true to do it anyway' },
  { target: 'DefaultDenyPolicy', category: SCOPES, input: "default deny in the tigera-operator's namespace", run: (c) => new DefaultDenyPolicy(c, 'Deny', { namespaces: ['tigera-operator'] }), message: '[test/Deny] \'namespaces[0]\' (tigera-operator) runs the cluster\'s own agents (CoreDNS, kube-proxy, the CNI): default deny there cuts CoreDNS off from pods, nodes, the API server and its upstreams unless policies of your own allow them; set \'protectSystemNamespaces\' to true to do it anyway' },
  { target: 'NetworkTuning', category: SCOPES, input: 'defaultDeny over kube-system', run: (c) => new NetworkTuning(c, 'Tuning', { defaultDeny: { namespaces: ['kube-system'] } }), message: '[test/Tuning/DefaultDeny] \'namespaces[0]\' (kube-system) runs the cluster\'s own agents (CoreDNS, kube-proxy, the CNI): default deny there cuts CoreDNS off from pods, nodes, the API server and its upstreams unless policies of your own allow them; set \'protectSystemNamespaces\' to true to do it anyway' },
  {
    target: 'DefaultDenyPolicy',
    category: SCOPES,
    input: 'kube-system created with Pod Security restricted',
    run: (c) => new DefaultDenyPolicy(c, 'Deny', { namespaces: ['kube-system'], protectSystemNamespaces: true, createNamespaces: true, podSecurityLevel: PodSecurityLevel.RESTRICTED }),
    message: '[test/Deny] \'podSecurityLevel\' (restricted) would refuse the privileged node agents in kube-system: system namespaces stay \'privileged\'',
  },
  {
    target: 'ServiceTuning',
    category: SCOPES,
    input: 'two tunings of one Service with different affinity timeouts',
    run: (c) => { const s = svc(c); new ServiceTuning(c, 'A', { service: s, clientIpAffinity: true, affinityTimeout: Duration.hours(1) }); new ServiceTuning(c, 'B', { service: s, clientIpAffinity: true, affinityTimeout: Duration.hours(2) }); },
    message: '[test/B] \'service\' (test-svc-c84d0ccf) is tuned by [test/A] too, with sessionAffinity ClientIP (3600s) there and ClientIP (7200s) here: two ServiceTunings of one Service must agree',
  },
  {
    target: 'ServiceTuning',
    category: SCOPES,
    input: 'two tunings of one Service, affinity on and off',
    run: (c) => { const s = svc(c); new ServiceTuning(c, 'A', { service: s, clientIpAffinity: true }); new ServiceTuning(c, 'B', { service: s, clientIpAffinity: false }); },
    message: '[test/B] \'service\' (test-svc-c84d0ccf) is tuned by [test/A] too, with sessionAffinity ClientIP (10800s) there and None here: two ServiceTunings of one Service must agree',
  },
  {
    target: 'ServiceTuning',
    category: SCOPES,
    input: 'two tunings of one Service, internalTrafficPolicy Local and Cluster',
    run: (c) => { const s = svc(c); new ServiceTuning(c, 'A', { service: s, internalTrafficPolicy: TrafficPolicy.LOCAL }); new ServiceTuning(c, 'B', { service: s, internalTrafficPolicy: TrafficPolicy.CLUSTER }); },
    message: '[test/B] \'service\' (test-svc-c84d0ccf) is tuned by [test/A] too, with internalTrafficPolicy Local there and Cluster here: two ServiceTunings of one Service must agree',
  },
  {
    target: 'ServiceTuning',
    category: SCOPES,
    input: 'two tunings of one NodePort Service, externalTrafficPolicy Local and Cluster',
    run: (c) => {
      const s = new kplus.Service(c, 'np', { type: kplus.ServiceType.NODE_PORT, ports: [{ port: 80 }] });
      new ServiceTuning(c, 'A', { service: s, externalTrafficPolicy: TrafficPolicy.LOCAL }); new ServiceTuning(c, 'B', { service: s, externalTrafficPolicy: TrafficPolicy.CLUSTER });
    },
    message: '[test/B] \'service\' (test-np-c871c550) is tuned by [test/A] too, with externalTrafficPolicy Local there and Cluster here: two ServiceTunings of one Service must agree',
  },
  {
    target: 'ServiceTuning',
    category: SCOPES,
    input: 'two tunings of one Service, PreferSameZone and topology routing turned off',
    run: (c) => {
      const s = svc(c); const p = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_35 });
      new ServiceTuning(c, 'A', { service: s, profile: p, trafficDistribution: TrafficDistribution.PREFER_SAME_ZONE }); new ServiceTuning(c, 'B', { service: s, profile: p, topologyAwareRouting: false });
    },
    message: '[test/B] \'service\' (test-svc-c84d0ccf) is tuned by [test/A] too, with trafficDistribution PreferSameZone there and none (topologyAwareRouting false) here: two ServiceTunings of one Service must agree',
  },
  { target: 'NetworkAlerts', category: SCOPES, input: "selectorLabels changing the library's managed-by label", run: (c) => new NetworkAlerts(c, 'Alerts', { selectorLabels: { 'app.kubernetes.io/managed-by': 'Helm', 'release': 'kps' } }), message: '[test/Alerts] \'selectorLabels[app.kubernetes.io/managed-by]\' (Helm) is set by the library to cdk8s-network-tuning on the same object: leave it out, or give that value' },
  { target: 'NetworkAlerts', category: SCOPES, input: "dashboardLabels changing the library's managed-by label", run: (c) => new NetworkAlerts(c, 'Alerts', { dashboardLabels: { 'app.kubernetes.io/managed-by': 'grafana' } }), message: '[test/Alerts] \'dashboardLabels[app.kubernetes.io/managed-by]\' (grafana) is set by the library to cdk8s-network-tuning on the same object: leave it out, or give that value' },
  { target: 'SysctlTuner', category: SCOPES, input: 'a Windows node selector on the Linux tuner', run: (c) => new SysctlTuner(c, 'Sysctls', { nodeSelector: { 'kubernetes.io/os': 'windows' } }), message: '[test/Sysctls] \'nodeSelector[kubernetes.io/os]\' (windows) is set by the library to linux on the same object: leave it out, or give that value' },
  // ---- map keys ----
  { target: 'SysctlTuner', category: MAP_KEYS, input: "a node selector key 'constructor'", run: (c) => new SysctlTuner(c, 'Sysctls', { nodeSelector: { constructor: 'x' } as any }), message: '[test/Sysctls] \'nodeSelector\' (constructor) is a label key cdk8s cannot serialize (it reads \'constructor\' as the object\'s class); use a prefixed key such as example.com/constructor' },
  { target: 'AllowPolicy', category: MAP_KEYS, input: "a pod label key 'constructor'", run: (c) => new AllowPolicy(c, 'Allow', { policyNamespace: 'prod', podLabels: { constructor: 'x' } as any, ingress: INGRESS }), message: '[test/Allow] \'podLabels\' (constructor) is a label key cdk8s cannot serialize (it reads \'constructor\' as the object\'s class); use a prefixed key such as example.com/constructor' },
  { target: 'PolicyPeer.pods', category: MAP_KEYS, input: "a label key 'constructor'", run: () => PolicyPeer.pods({ constructor: 'x' } as any), message: '[PolicyPeer.pods] \'labels\' (constructor) is a label key cdk8s cannot serialize (it reads \'constructor\' as the object\'s class); use a prefixed key such as example.com/constructor' },
  { target: 'NetworkAlerts', category: MAP_KEYS, input: "a selector label key 'constructor'", run: (c) => new NetworkAlerts(c, 'Alerts', { selectorLabels: { constructor: 'x' } as any }), message: '[test/Alerts] \'selectorLabels\' (constructor) is a label key cdk8s cannot serialize (it reads \'constructor\' as the object\'s class); use a prefixed key such as example.com/constructor' },
  { target: 'SysctlTuner', category: MAP_KEYS, input: "a sysctl key 'hasOwnProperty'", run: (c) => new SysctlTuner(c, 'Sysctls', { sysctls: { hasOwnProperty: '1' } as any }), message: '[test/Sysctls] \'sysctls\' (hasOwnProperty) is not a sysctl key: dot-separated names of letters, digits, \'_\' and \'-\', without spaces, \'=\', \'/\', quotes or comment marks' },
  { target: 'PodSysctlTuning', category: MAP_KEYS, input: "a pod sysctl key 'toString'", run: (c) => new PodSysctlTuning(c, 'PodSysctls', { sysctls: { toString: '1' } as any, profile: V1_28 }), message: '[test/PodSysctls] \'sysctls\' (toString) is not a sysctl key: dot-separated names of letters, digits, \'_\' and \'-\', without spaces, \'=\', \'/\', quotes or comment marks\n[test/PodSysctls] \'sysctls[toString]\' (1) is unsafe on Kubernetes 1.28 (never in the kubelet\'s safe set): set \'includeUnsafe\' and list it in the kubelet\'s allowedUnsafeSysctls on the target nodes' },
  // ---- messages ----
  { target: 'TunedKubeProxy', category: MESSAGES, input: 'a property name of 100,000 characters', run: (c) => new TunedKubeProxy(c, 'KubeProxy', { ['m'.repeat(100000)]: 1 } as any), message: '[test/KubeProxy] \'mmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmmm… (100000 characters)\' is not a property of TunedKubeProxyProps' },
  { target: 'TunedKubeProxy', category: MESSAGES, input: 'a property name with a newline', run: (c) => new TunedKubeProxy(c, 'KubeProxy', { 'mode\nx': 'iptables' } as any), message: '[test/KubeProxy] \'mode\\nx\' is not a property of TunedKubeProxyProps (did you mean \'mode\'?)' },
  { target: 'TunedCoreDns', category: MESSAGES, input: 'extraPlugins as one plugin, not a list', run: (c) => new TunedCoreDns(c, 'CoreDns', { extraPlugins: CorefilePlugin.log() as any }), message: '[test/CoreDns] \'extraPlugins\' (<CorefilePlugin log>) must be a list, not an object' },
  { target: 'TunedCoreDns', category: MESSAGES, input: 'serverBlocks as one block, not a list', run: (c) => new TunedCoreDns(c, 'CoreDns', { serverBlocks: stub('corp.example') as any }), message: '[test/CoreDns] \'serverBlocks\' (<ServerBlock>) must be a list, not an object' },
  { target: 'ClusterProfile', category: MESSAGES, input: 'a nodeResolvConf path of 5,000 characters', run: () => new ClusterProfile({ nodeResolvConf: `/${'d'.repeat(4999)}` }), message: '[ClusterProfile] \'nodeResolvConf\' (/dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd… (5000 characters)) must be an absolute file path such as /run/systemd/resolve/resolv.conf' },
];

/** The library's message for an input: construction or synthesis, without cdk8s's validation header. */
export function messageOf(input: BadInput): string | undefined {
  const chart = Testing.chart();
  try {
    input.run(chart);
    Testing.synth(chart);
  } catch (e) {
    const text = (e as Error).message;
    const header = 'Validation failed with the following errors:\n';
    return text.startsWith(header) ? text.slice(header.length).split('\n').map((l) => l.trim()).join('\n') : text;
  }
  return undefined;
}

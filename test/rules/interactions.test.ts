/*
 * One test per item of ../shared/reference/interactions.md ("cross-component
 * interactions a correct synthesizer must get right"), in its order, each with
 * the components added one by one to one app. The component suites test the
 * details; this file shows that every item is enforced.
 */
import { ApiObject, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import {
  CalicoEncapsulationMode, CalicoNftablesMode, CalicoTuning, CiliumLoadBalancerMode, CiliumTuning, ClusterProfile, DefaultDenyPolicy,
  FlannelTuning, KubeProxyMode, KubernetesVersion, NetworkAlerts, NodeLocalDns, PodDnsTuning, PodSysctlTuning, ServiceTuning, SysctlTuner,
  CniPlugin, NetworkTuning, TrafficDistribution, TunedCoreDns, TunedKubeProxy, TuningReport,
} from '../../src';
import { ofKind, only, synthValid } from '../util';

const profile = new ClusterProfile({ apiServerHost: '10.0.0.1' });
const chart = () => Testing.chart();
const warnings = (c: Chart) => TuningReport.of(c).warnings.map((w) => w.ruleId);
const args = (objs: any[]) => only(objs, 'DaemonSet', 'node-local-dns').spec.template.spec.containers[0].args as string[];

test('1. NodeLocal DNSCache follows the kube-proxy mode', () => {
  const iptables = chart();
  new TunedKubeProxy(iptables, 'KubeProxy', { profile, mode: KubeProxyMode.IPTABLES });
  const a = new NodeLocalDns(iptables, 'NodeLocalDns', { profile });
  const objsA = synthValid(iptables);
  expect(args(objsA)).toEqual(expect.arrayContaining(['-localip', '169.254.20.10,10.96.0.10', '-upstreamsvc', 'kube-dns-upstream']));
  expect(only(objsA, 'ConfigMap', 'node-local-dns').data.Corefile).toContain('bind 169.254.20.10 10.96.0.10');
  expect(YAML.parse(a.kubeletConfigYaml()).clusterDNS).toEqual(['10.96.0.10']);

  const ipvs = chart();
  new TunedKubeProxy(ipvs, 'KubeProxy', { profile, mode: KubeProxyMode.IPVS });
  const b = new NodeLocalDns(ipvs, 'NodeLocalDns', { profile });
  const objsB = synthValid(ipvs);
  expect(args(objsB)[args(objsB).indexOf('-localip') + 1]).toBe('169.254.20.10');
  expect(YAML.parse(b.kubeletConfigYaml()).clusterDNS).toEqual(['169.254.20.10']);

  const wrong = chart();
  new TunedKubeProxy(wrong, 'KubeProxy', { profile, mode: KubeProxyMode.IPVS });
  new NodeLocalDns(wrong, 'NodeLocalDns', { profile, kubeProxyMode: KubeProxyMode.IPTABLES });
  expect(() => Testing.synth(wrong)).toThrow(/NLD-MODE-MISMATCH/);
});

test('2. kubelet clusterDNS is an address something serves', () => {
  const c = chart();
  new CiliumTuning(c, 'Cilium', { profile, kubeProxyReplacement: true });
  const nld = new NodeLocalDns(c, 'NodeLocalDns', { profile });
  synthValid(c);
  expect(YAML.parse(nld.kubeletConfigYaml()).clusterDNS).toEqual([nld.localIp]); // node-cache binds only the local IP here
  expect(() => new PodDnsTuning(chart(), 'PodDns', { nameservers: ['10.0.0.53', '10.0.0.54', '10.0.0.55', '10.0.0.56'] })).toThrow(/at most 3/);
});

test('3. the node-local upstream Service exists before the DaemonSet, and service links stay on', () => {
  const c = chart();
  new NodeLocalDns(c, 'NodeLocalDns', { profile });
  const objs = synthValid(c);
  const names = objs.map((o) => `${o.kind}/${o.metadata.name}`);
  expect(names.indexOf('Service/kube-dns-upstream')).toBeLessThan(names.indexOf('DaemonSet/node-local-dns'));
  expect(only(objs, 'DaemonSet').spec.template.spec.enableServiceLinks).not.toBe(false);
});

test('4. default-deny egress keeps DNS: kube-dns pods, the node-local IP and (iptables mode) the kube-dns IP', () => {
  const c = chart();
  new TunedKubeProxy(c, 'KubeProxy', { profile, mode: KubeProxyMode.IPTABLES });
  new NodeLocalDns(c, 'NodeLocalDns', { profile });
  new DefaultDenyPolicy(c, 'Deny', { profile, namespaces: ['prod'] });
  const dns = only(synthValid(c), 'NetworkPolicy', 'allow-dns-egress');
  const peers = dns.spec.egress.flatMap((r: any) => r.to);
  expect(peers).toContainEqual({
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  });
  expect(peers.filter((p: any) => p.ipBlock).map((p: any) => p.ipBlock.cidr).sort()).toEqual(['10.96.0.10/32', '169.254.20.10/32']);

  const broken = chart();
  new DefaultDenyPolicy(broken, 'Deny', { profile, namespaces: ['prod'], allowDns: false });
  expect(() => Testing.synth(broken)).toThrow(/DEFAULT-DENY-DNS/);
});

test('5. deny-egress policies list Egress, and UDP 53 is explicit', () => {
  const c = chart();
  new DefaultDenyPolicy(c, 'Deny', { profile, namespaces: ['prod'] });
  const objs = synthValid(c);
  expect(only(objs, 'NetworkPolicy', 'default-deny-all').spec.policyTypes).toEqual(['Ingress', 'Egress']);
  const ports = only(objs, 'NetworkPolicy', 'allow-dns-egress').spec.egress[0].ports;
  expect(ports).toEqual(expect.arrayContaining([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]));
});

test('6. strictARP belongs to IPVS: a warning elsewhere, not emitted as a fix', () => {
  const c = chart();
  new TunedKubeProxy(c, 'KubeProxy', { profile, mode: KubeProxyMode.IPTABLES, ipvs: { strictArp: true } });
  synthValid(c);
  expect(warnings(c)).toEqual(expect.arrayContaining(['KP-STRICTARP-NOT-IPVS']));
});

test('7. Cilium kube-proxy replacement: no kube-proxy, no kube-proxy alerts, k8sServiceHost set, node-local link-local only', () => {
  const c = chart();
  const cilium = new CiliumTuning(c, 'Cilium', { profile, kubeProxyReplacement: true });
  const alerts = new NetworkAlerts(c, 'Alerts', { profile });
  synthValid(c);
  expect(YAML.parse(cilium.valuesYaml)).toMatchObject({ kubeProxyReplacement: true, k8sServiceHost: '10.0.0.1', k8sServicePort: 6443 });
  expect(alerts.alertNames().filter((a) => a.startsWith('KubeProxy'))).toEqual([]);
  const withProxy = chart();
  new CiliumTuning(withProxy, 'Cilium', { profile, kubeProxyReplacement: true });
  new TunedKubeProxy(withProxy, 'KubeProxy', { profile });
  expect(() => Testing.synth(withProxy)).toThrow(/EBPF-REPLACES-KUBE-PROXY/);
  expect(() => new CiliumTuning(chart(), 'Cilium', { kubeProxyReplacement: true })).toThrow(/apiServerHost/);
});

test('8. Calico eBPF: kube-proxy refused, kubernetes-services-endpoint emitted', () => {
  const c = chart();
  new CalicoTuning(c, 'Calico', { profile, bpfEnabled: true });
  expect(only(synthValid(c), 'ConfigMap', 'kubernetes-services-endpoint').data).toEqual({ KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '6443' });
  new TunedKubeProxy(c, 'KubeProxy', { profile });
  expect(() => Testing.synth(c)).toThrow(/EBPF-REPLACES-KUBE-PROXY/);
});

test('9. one CNI per cluster; Calico nftablesMode follows kube-proxy', () => {
  const c = chart();
  new CalicoTuning(c, 'Calico', { profile });
  new FlannelTuning(c, 'Flannel', { profile });
  expect(() => Testing.synth(c)).toThrow(/CNI-EXCLUSIVE/);
  const nft = chart();
  const v133 = new ClusterProfile({ apiServerHost: '10.0.0.1', kubernetesVersion: KubernetesVersion.V1_33 });
  new TunedKubeProxy(nft, 'KubeProxy', { profile: v133, mode: KubeProxyMode.NFTABLES });
  new CalicoTuning(nft, 'Calico', { profile: v133, nftablesMode: CalicoNftablesMode.DISABLED });
  synthValid(nft);
  expect(warnings(nft)).toContain('CALICO-NFTABLES');
});

test('10. conntrack has one owner', () => {
  const c = chart();
  new TunedKubeProxy(c, 'KubeProxy', { profile });
  new SysctlTuner(c, 'Sysctls', { profile, sysctls: { 'net.netfilter.nf_conntrack_max': '2000000' } });
  expect(() => Testing.synth(c)).toThrow(/CONNTRACK-OWNERSHIP/);
  const owned = chart();
  new TunedKubeProxy(owned, 'KubeProxy', { profile, conntrack: { maxPerCore: 0 } });
  new SysctlTuner(owned, 'Sysctls', { profile, sysctls: { 'net.netfilter.nf_conntrack_max': '2000000' } });
  expect(() => synthValid(owned)).not.toThrow();
});

test('11. namespaced sysctls set on the host do not reach pods: a warning unless pods get them too', () => {
  const c = chart();
  new SysctlTuner(c, 'Sysctls', { profile, sysctls: { 'net.ipv4.tcp_tw_reuse': '1' } });
  synthValid(c);
  const w = TuningReport.of(c).warnings.find((f) => f.ruleId === 'SYSCTL-NAMESPACED-HOST-ONLY')!;
  expect(w.message).toBe("'sysctls' sets net.ipv4.tcp_tw_reuse on the host; these are per network namespace, so pods keep their own defaults");
  const fixed = chart();
  new SysctlTuner(fixed, 'Sysctls', { profile, sysctls: { 'net.ipv4.tcp_tw_reuse': '1' } });
  new PodSysctlTuning(fixed, 'PodSysctls', { profile, includeUnsafe: true, sysctls: { 'net.ipv4.tcp_tw_reuse': '1' } });
  synthValid(fixed);
  expect(warnings(fixed)).not.toContain('SYSCTL-NAMESPACED-HOST-ONLY');
});

test('12. a widened ephemeral port range reserves the NodePort range', () => {
  const c = chart();
  new SysctlTuner(c, 'Sysctls', { profile, sysctls: { 'net.ipv4.ip_local_port_range': '1024 65535' } });
  const conf = only(synthValid(c), 'ConfigMap', 'network-sysctl-tuner').data['99-kubernetes-network.conf'];
  expect(conf).toContain('net.ipv4.ip_local_port_range = 1024 65535');
  expect(conf).toMatch(/net.ipv4.ip_local_reserved_ports = .*30000-32767/);
  // The preset keeps the range above the NodePorts.
  const preset = chart();
  new SysctlTuner(preset, 'Sysctls', { profile });
  expect(only(synthValid(preset), 'ConfigMap', 'network-sysctl-tuner').data['99-kubernetes-network.conf']).toContain('net.ipv4.ip_local_port_range = 32768 65535');
});

test('13. kube-proxy metrics: 0.0.0.0:10249, a job="kube-proxy" target, mode-specific metric names', () => {
  const c = chart();
  const proxy = new TunedKubeProxy(c, 'KubeProxy', { profile, mode: KubeProxyMode.IPVS });
  const alerts = new NetworkAlerts(c, 'Alerts', { profile });
  const objs = synthValid(c);
  expect(YAML.parse(proxy.configYaml).metricsBindAddress).toBe('0.0.0.0:10249');
  expect(only(objs, 'Service', 'kube-proxy-metrics').metadata.labels['k8s-app']).toBe('kube-proxy');
  const exprs = alerts.ruleGroups().flatMap((g) => g.rules).map((r: any) => r.expr).join('\n');
  expect(exprs).not.toContain('kubeproxy_sync_proxy_rules_iptables_total');
  expect(exprs).not.toContain('nftables');
  const loopback = chart();
  new TunedKubeProxy(loopback, 'KubeProxy', { profile, metricsBindAddress: '127.0.0.1:10249' });
  new NetworkAlerts(loopback, 'Alerts', { profile });
  expect(() => Testing.synth(loopback)).toThrow(/ALERTS-KUBE-PROXY-METRICS/);
});

test('14. CoreDNS metrics: coredns_proxy_* for forward from CoreDNS 1.11; NodeLocal DNSCache on 9253 under its own job', () => {
  const c = chart();
  const v129 = new ClusterProfile({ apiServerHost: '10.0.0.1', kubernetesVersion: KubernetesVersion.V1_29 });
  new TunedCoreDns(c, 'CoreDns', { profile: v129 });
  new NodeLocalDns(c, 'NodeLocalDns', { profile: v129 });
  const alerts = new NetworkAlerts(c, 'Alerts', { profile: v129 });
  const objs = synthValid(c);
  const exprs = alerts.ruleGroups().flatMap((g) => g.rules).map((r: any) => r.expr).join('\n');
  expect(exprs).toContain('coredns_proxy_request_duration_seconds_bucket{job="kube-dns",proxy_name="forward"}');
  expect(exprs).not.toMatch(/coredns_forward_(request|responses)/);
  expect(only(objs, 'Service', 'node-local-dns').spec.ports[0]).toMatchObject({ name: 'metrics', port: 9253 });
  expect(exprs).toContain('up{job="node-local-dns"}');
});

test('15. minSyncPeriod <= syncPeriod in the active mode\'s section', () => {
  expect(() => new TunedKubeProxy(chart(), 'KubeProxy', {
    profile, mode: KubeProxyMode.IPVS, ipvs: { syncPeriod: Duration.seconds(30), minSyncPeriod: Duration.seconds(45) },
  })).toThrow("'ipvs.minSyncPeriod' (45s) must be <= 'ipvs.syncPeriod' (30s)");
});

test('16. never both trafficDistribution and the topology annotation', () => {
  const c = chart();
  const v133 = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_33 });
  const svc = new kplus.Service(c, 'svc', { ports: [{ port: 80 }], metadata: { annotations: { 'service.kubernetes.io/topology-mode': 'Auto' } } });
  new ServiceTuning(c, 'Tuning', { service: svc, profile: v133, trafficDistribution: TrafficDistribution.PREFER_CLOSE });
  expect(() => Testing.synth(c)).toThrow(/SVC-CONFLICT/);
});

test('17. sessionAffinity timeout only with ClientIP, 1..86400', () => {
  const svc = (c: Chart) => new kplus.Service(c, 'svc', { ports: [{ port: 80 }] });
  const c = chart();
  expect(() => new ServiceTuning(c, 'Tuning', { service: svc(c), clientIpAffinity: true, affinityTimeout: Duration.days(2) })).toThrow(/affinityTimeout/);
  const ok = chart();
  new ServiceTuning(ok, 'Tuning', { service: svc(ok), affinityTimeout: Duration.hours(1) });
  synthValid(ok);
  expect(warnings(ok)).toContain('SVC-AFFINITY-WITHOUT-CLIENTIP');
  expect(only(ok.toJson(), 'Service').spec.sessionAffinityConfig).toBeUndefined();
});

test('18. no DNS loops: CoreDNS and node-cache use dnsPolicy Default; loopback or kube-dns upstreams are refused', () => {
  const c = chart();
  new TunedCoreDns(c, 'CoreDns', { profile, deploy: true });
  new NodeLocalDns(c, 'NodeLocalDns', { profile });
  const objs = synthValid(c);
  expect(only(objs, 'Deployment', 'coredns').spec.template.spec.dnsPolicy).toBe('Default');
  expect(only(objs, 'DaemonSet', 'node-local-dns').spec.template.spec.dnsPolicy).toBe('Default');
  expect(() => new TunedCoreDns(chart(), 'CoreDns', { upstreamServers: ['127.0.0.53'] })).toThrow(
    "[test/CoreDns] 'upstreamServers[0]' (127.0.0.53) must not be a loopback address: CoreDNS would query itself");
  expect(() => new TunedCoreDns(chart(), 'CoreDns', { upstreamServers: ['8.8.8.8', 'dns://10.96.0.10:53'] })).toThrow(
    "[test/CoreDns] 'upstreamServers[1]' (dns://10.96.0.10:53) must not be the kube-dns IP (10.96.0.10): CoreDNS would forward to itself");
});

test('19. cache layering: node-cache caches the cluster zone briefly; CoreDNS can leave it to node-cache', () => {
  const c = chart();
  new TunedCoreDns(c, 'CoreDns', { profile, disableClusterZoneCache: true });
  new NodeLocalDns(c, 'NodeLocalDns', { profile });
  const objs = synthValid(c);
  const nodeCache = only(objs, 'ConfigMap', 'node-local-dns').data.Corefile;
  expect(nodeCache).toMatch(/cluster\.local:53 \{[^}]*cache \{\s*success 9984 30\s*denial 9984 5\s*\}/);
  expect(only(objs, 'ConfigMap', 'coredns').data.Corefile).toContain('disable success cluster.local');
});

test('20. Cilium DSR needs native routing and kube-proxy replacement', () => {
  const l2 = new ClusterProfile({ apiServerHost: '10.0.0.1', nodesShareL2Segment: true });
  expect(() => new CiliumTuning(chart(), 'Cilium', { profile: l2, kubeProxyReplacement: false, loadBalancerMode: CiliumLoadBalancerMode.DSR })).toThrow(/needs kubeProxyReplacement/);
  expect(() => new CiliumTuning(chart(), 'Cilium', { profile, loadBalancerMode: CiliumLoadBalancerMode.DSR })).toThrow(/needs routingMode native/);
  expect(() => new CiliumTuning(chart(), 'Cilium', { profile: l2, loadBalancerMode: CiliumLoadBalancerMode.DSR })).not.toThrow();
});

test('21. Calico IPPool: not both VXLAN and IPIP', () => {
  expect(() => new CalicoTuning(chart(), 'Calico', {
    profile, ipPools: [{ cidr: '10.244.0.0/16', vxlanMode: CalicoEncapsulationMode.ALWAYS, ipipMode: CalicoEncapsulationMode.ALWAYS }],
  })).toThrow(/vxlanMode|ipipMode/);
});

test('22. Pod Security: node components need kube-system to stay privileged', () => {
  const c = chart();
  new NodeLocalDns(c, 'NodeLocalDns', { profile });
  new ApiObject(c, 'ns', {
    apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
  });
  expect(() => Testing.synth(c)).toThrow(
    "[test/NodeLocalDns] runs privileged pods in kube-system, but [test/ns] labels it 'pod-security.kubernetes.io/enforce: baseline': the API server would refuse them [PSA-PRIVILEGED]");
  const ok = chart();
  new NodeLocalDns(ok, 'NodeLocalDns', { profile });
  expect(ofKind(synthValid(ok), 'Namespace')).toEqual([]);
});

test('errors from several rules are listed at once', () => {
  const c = chart();
  new CalicoTuning(c, 'Calico', { profile, bpfEnabled: true });
  new FlannelTuning(c, 'Flannel', { profile });
  new TunedKubeProxy(c, 'KubeProxy', { profile });
  new DefaultDenyPolicy(c, 'Deny', { profile, namespaces: ['prod'], allowDns: false });
  let message = '';
  try {
    Testing.synth(c);
  } catch (e) {
    message = (e as Error).message;
  }
  for (const id of ['CNI-EXCLUSIVE', 'EBPF-REPLACES-KUBE-PROXY', 'DEFAULT-DENY-DNS']) expect(message).toContain(`[${id}]`);
});

describe('HOST-PORT-CONFLICT: host-network listeners never share a port', () => {
  const synthOf = (build: (c: Chart) => void) => () => {
    const c = chart();
    build(c);
    return Testing.synth(c);
  };

  test('node-cache health on kube-proxy metrics or healthz (and loopback-only daemons left alone)', () => {
    expect(synthOf((c) => {
      new TunedKubeProxy(c, 'K', { profile });
      new NodeLocalDns(c, 'N', { profile, healthPort: 10249 });
    })).toThrow('[test/N] node-local-dns health (169.254.20.10) listens on port 10249, which kube-proxy metrics (0.0.0.0:10249) of [test/K] already uses: the later one fails to bind');
    const ipvs = synthOf((c) => {
      new TunedKubeProxy(c, 'K', { profile, mode: KubeProxyMode.IPVS });
      new NodeLocalDns(c, 'N', { profile, healthPort: 10256 });
    });
    expect(ipvs).toThrow('node-local-dns health (169.254.20.10) listens on port 10256, which kube-proxy healthz (0.0.0.0:10256) of [test/K]');
    // kubeadm binds kube-controller-manager to 127.0.0.1:10257: the HA secondary's 169.254.20.10:10257 does not clash
    expect(ipvs).not.toThrow(/kube-controller-manager/);
  });

  test("kube-proxy's own two endpoints, and ports of kubelet or the CNI", () => {
    expect(synthOf((c) => new TunedKubeProxy(c, 'K', { profile, healthzBindAddress: '0.0.0.0:10249' })))
      .toThrow('kube-proxy healthz (0.0.0.0:10249) listens on port 10249, which kube-proxy metrics (0.0.0.0:10249) already uses');
    expect(synthOf((c) => new TunedKubeProxy(c, 'K', { profile, metricsBindAddress: '0.0.0.0:10250' }))).toThrow('which kubelet already uses');
    // Felix health listens on localhost: node-cache on the link-local IP shares the port, a wildcard bind does not
    expect(synthOf((c) => new NetworkTuning(c, 'T', { profile, cniPlugin: CniPlugin.CALICO, nodeLocalDns: { healthPort: 9099 } }))).not.toThrow();
    expect(synthOf((c) => new NetworkTuning(c, 'T', { profile, cniPlugin: CniPlugin.CALICO, kubeProxy: { metricsBindAddress: '0.0.0.0:9099' } })))
      .toThrow('kube-proxy metrics (0.0.0.0:9099) listens on port 9099, which Calico Felix health already uses');
    // UDP tunnel ports never clash with TCP listeners
    expect(synthOf((c) => new NetworkTuning(c, 'T', { profile, cniPlugin: CniPlugin.CALICO, nodeLocalDns: { healthPort: 4789 } }))).not.toThrow();
  });

  test('a port inside the NodePort range', () => {
    expect(synthOf((c) => new NodeLocalDns(c, 'N', { profile, healthPort: 30080 })))
      .toThrow('node-local-dns health (169.254.20.10) listens on port 30080, inside the NodePort range 30000-32767');
  });

  test('different addresses on one port are fine: kubeadm kube-proxy metrics stay on 127.0.0.1', () => {
    expect(synthOf((c) => new NodeLocalDns(c, 'N', { profile, healthPort: 10249 }))).not.toThrow();
    expect(synthOf((c) => {
      new TunedKubeProxy(c, 'K', { profile, metricsBindAddress: '127.0.0.1:10249', healthzBindAddress: '0.0.0.0:10256' });
      new NodeLocalDns(c, 'N', { profile, healthPort: 10249 });
    })).not.toThrow();
  });
});

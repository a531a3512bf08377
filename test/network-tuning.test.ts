import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import {
  CalicoEncapsulationMode, CniPlugin, ClusterProfile, DecisionSource, KubeProxyMode, KubernetesVersion, NetworkComponent, NetworkTuning,
  NetworkTuningProps, ScaleTier, TunedKubeProxy,
} from '../src';
import { ofKind, only, synthValid } from './util';

const API = '10.0.0.1';

function render(props: NetworkTuningProps = {}, more?: (chart: Chart) => void) {
  const chart = Testing.chart();
  const tuning = new NetworkTuning(chart, 'tuning', { profile: new ClusterProfile({ apiServerHost: API }), ...props });
  more?.(chart);
  const objs = synthValid(chart);
  const kinds = objs.map((o) => `${o.kind}/${o.metadata.name}`);
  const proxyConfig = () => YAML.parse(only(objs, 'ConfigMap', 'kube-proxy').data['config.conf']);
  return { chart, tuning, objs, kinds, proxyConfig };
}

describe('NetworkTuning: the whole guide from one tier', () => {
  test('LARGE with Calico reproduces the guide\'s large-cluster example: IPVS, conntrack 65536/524288, CoreDNS cache 600/19968, ttl 60', () => {
    // the guide's example is Kubernetes 1.28 (IPVS is deprecated from 1.35, where LARGE moves to nftables)
    const profile = new ClusterProfile({ apiServerHost: API, kubernetesVersion: KubernetesVersion.V1_28 });
    const { objs, proxyConfig } = render({ tier: ScaleTier.LARGE, cniPlugin: CniPlugin.CALICO, profile });
    expect(proxyConfig()).toMatchObject({ mode: 'ipvs', conntrack: { maxPerCore: 65536, min: 524288 }, ipvs: { scheduler: 'rr' } });
    const corefile = only(objs, 'ConfigMap', 'coredns').data.Corefile;
    expect(corefile).toContain('cache 600 {\n        success 19968\n        denial 19968\n        disable success cluster.local\n        disable denial cluster.local\n    }');
    expect(corefile).toContain('ttl 60');
  });

  test('LARGE with Cilium (the guide\'s choice): kube-proxy replacement when the API server is known, else kube-proxy beside it without IPVS', () => {
    const { tuning, objs, kinds } = render({ tier: ScaleTier.LARGE });
    expect(tuning.cniPlugin).toBe(CniPlugin.CILIUM);
    expect(objs.filter((o) => o.kind === 'HelmRelease')).toEqual([]); // Flux objects only when asked for
    expect(YAML.parse(tuning.cilium!.valuesYaml)).toMatchObject({ kubeProxyReplacement: true, k8sServiceHost: API });
    expect(tuning.kubeProxy).toBeUndefined();
    expect(kinds.filter((k) => k.includes('kube-proxy'))).toEqual([]);
    // No API server address: Cilium cannot replace kube-proxy, which then runs in nftables mode where it is GA
    // (IPVS beside Cilium breaks pod-to-NodePort traffic, cilium/cilium#18610), iptables before.
    for (const [version, mode] of [[KubernetesVersion.V1_28, KubeProxyMode.IPTABLES], [KubernetesVersion.V1_33, KubeProxyMode.NFTABLES]] as const) {
      const chart = Testing.chart();
      const t = new NetworkTuning(chart, 'tuning', { tier: ScaleTier.LARGE, profile: new ClusterProfile({ kubernetesVersion: version }) });
      const out = synthValid(chart);
      expect(YAML.parse(t.cilium!.valuesYaml).kubeProxyReplacement).toBe(false);
      expect(YAML.parse(only(out, 'ConfigMap', 'kube-proxy').data['config.conf']).mode).toBe(mode);
      expect(t.report().decisions.find((d) => d.path === 'test/tuning/KubeProxy' && d.setting === 'mode')!.reason).toMatch(/cilium\/cilium#18610/);
    }
  });

  test('every component of the tier is emitted: CNI, kube-proxy, sysctls, CoreDNS, NodeLocal DNS, alerts and scrape objects', () => {
    const { kinds } = render({ tier: ScaleTier.MEDIUM });
    expect(kinds).toEqual(expect.arrayContaining([
      'FelixConfiguration/default', 'IPPool/default-ipv4-ippool', 'ConfigMap/kube-proxy', 'DaemonSet/network-sysctl-tuner', 'ConfigMap/coredns',
      'DaemonSet/node-local-dns', 'Service/kube-dns-upstream', 'PrometheusRule/network-tuning-alerts', 'ServiceMonitor/coredns', 'ServiceMonitor/kube-proxy',
      'ServiceMonitor/node-local-dns',
    ]));
  });

  test('LARGE on 1.35 moves to nftables (IPVS is deprecated), and NodeLocal DNS and the alerts follow', () => {
    const chart = Testing.chart();
    const profile = new ClusterProfile({ apiServerHost: API, kubernetesVersion: KubernetesVersion.V1_35 });
    const tuning = new NetworkTuning(chart, 'tuning', { tier: ScaleTier.LARGE, profile, cniPlugin: CniPlugin.CALICO });
    const objs = synthValid(chart);
    expect(tuning.kubeProxy!.mode).toBe(KubeProxyMode.NFTABLES);
    expect(only(objs, 'DaemonSet', 'node-local-dns').spec.template.spec.containers[0].args[1]).toBe('169.254.20.10');
    expect(tuning.alerts!.alertNames()).toContain('KubeProxyNftablesSyncFailing');
    expect(tuning.alerts!.alertNames()).not.toContain('KubeProxyRulesSyncFailing');
  });

  test('SMALL: Flannel and iptables; asking for default deny makes it Calico (Flannel does not enforce policies)', () => {
    const small = render({ tier: ScaleTier.SMALL });
    expect(small.tuning.cniPlugin).toBe(CniPlugin.FLANNEL);
    expect(small.proxyConfig().mode).toBe('iptables');
    const denied = render({ tier: ScaleTier.SMALL, defaultDeny: { namespaces: ['prod'] } });
    expect(denied.tuning.cniPlugin).toBe(CniPlugin.CALICO);
    expect(denied.tuning.cniReasons.join(' ')).toMatch(/Flannel does not enforce/);
    expect(denied.kinds).toEqual(expect.arrayContaining(['NetworkPolicy/default-deny-all', 'NetworkPolicy/allow-dns-egress']));
  });
});

describe('NetworkTuning: one source of truth', () => {
  test('the cluster domain, kube-dns IP and node-local IP reach every component', () => {
    const profile = new ClusterProfile({
      apiServerHost: API, clusterDomain: 'corp.internal', serviceCidr: '10.100.0.0/16', dnsServiceIp: '10.100.0.10', podCidr: '172.20.0.0/16',
    });
    const chart = Testing.chart();
    const tuning = new NetworkTuning(chart, 'tuning', {
      tier: ScaleTier.MEDIUM, profile, nodeLocalDns: { localIp: '169.254.25.10' }, defaultDeny: { namespaces: ['prod'] },
    });
    const objs = synthValid(chart);
    expect(only(objs, 'ConfigMap', 'coredns').data.Corefile).toContain('kubernetes corp.internal in-addr.arpa ip6.arpa');
    expect(only(objs, 'DaemonSet', 'node-local-dns').spec.template.spec.containers[0].args[1]).toBe('169.254.25.10,10.100.0.10');
    expect(only(objs, 'ConfigMap', 'node-local-dns').data.Corefile).toContain('corp.internal:53');
    const dnsPolicy = only(objs, 'NetworkPolicy', 'allow-dns-egress');
    const blocks = dnsPolicy.spec.egress.flatMap((r: any) => r.to).filter((p: any) => p.ipBlock).map((p: any) => p.ipBlock.cidr);
    expect(blocks.sort()).toEqual(['10.100.0.10/32', '169.254.25.10/32']);
    expect(YAML.parse(only(objs, 'ConfigMap', 'kube-proxy').data['config.conf']).clusterCIDR).toBe('172.20.0.0/16');
    expect(only(objs, 'IPPool').spec.cidr).toBe('172.20.0.0/16');
    expect(YAML.parse(tuning.kubeletConfigYaml())).toMatchObject({ clusterDNS: ['10.100.0.10'], clusterDomain: 'corp.internal' });
  });

  test('Cilium kube-proxy replacement: no kube-proxy, no kube-proxy alerts, NodeLocal DNS on its link-local IP only', () => {
    const { tuning, kinds, objs } = render({ tier: ScaleTier.LARGE, cilium: { kubeProxyReplacement: true } });
    expect(tuning.kubeProxy).toBeUndefined();
    expect(kinds.filter((k) => k.includes('kube-proxy'))).toEqual([]);
    expect(tuning.alerts!.alertNames().filter((a) => a.startsWith('KubeProxy'))).toEqual([]);
    expect(only(objs, 'DaemonSet', 'node-local-dns').spec.template.spec.containers[0].args[1]).toBe('169.254.20.10');
    expect(YAML.parse(tuning.kubeletConfigYaml()).clusterDNS).toEqual(['169.254.20.10']);
    const decision = tuning.report().decisions.find((d) => d.path === 'test/tuning' && d.setting === 'kubeProxy')!;
    expect(decision).toMatchObject({ value: 'not deployed', source: DecisionSource.COMPATIBILITY });
  });

  test('Calico eBPF: kube-proxy left out the same way', () => {
    const { tuning, kinds } = render({ tier: ScaleTier.MEDIUM, calico: { bpfEnabled: true } });
    expect(tuning.kubeProxy).toBeUndefined();
    expect(kinds).toContain('ConfigMap/kubernetes-services-endpoint');
  });

  test('pod DNS defaults reach the app\'s workloads in other charts, not the library\'s own', () => {
    const { chart, objs } = render({ tier: ScaleTier.MEDIUM }, (c) => {
      new kplus.Deployment(c, 'web', { containers: [{ image: 'nginx:1.27', securityContext: { user: 1000 } }] });
    });
    expect(chart).toBeDefined();
    const web = ofKind(objs, 'Deployment').find((d) => d.metadata.name !== 'coredns' && !d.metadata.name.includes('autoscaler'))!;
    expect(web.spec.template.spec.dnsConfig.options).toEqual([{ name: 'ndots', value: '2' }, { name: 'timeout', value: '2' }, { name: 'attempts', value: '2' }]);
    expect(only(objs, 'DaemonSet', 'node-local-dns').spec.template.spec.dnsConfig).toBeUndefined();
  });

  test('Services listed get the tier\'s Service defaults', () => {
    const app = Testing.app();
    const apps = new Chart(app, 'apps');
    const web = new kplus.Deployment(apps, 'web', { replicas: 6, containers: [{ image: 'nginx:1.27', portNumber: 80, securityContext: { user: 1000 } }] });
    const service = web.exposeViaService({ name: 'web' });
    const tuning = new NetworkTuning(new Chart(app, 'tuning'), 'tuning', {
      tier: ScaleTier.MEDIUM, profile: new ClusterProfile({ apiServerHost: API }), services: [service],
    });
    app.synth();
    expect(tuning.serviceTunings).toHaveLength(1);
    const svc = apps.toJson().find((o: any) => o.kind === 'Service');
    // the default version (1.36) has trafficDistribution: PreferSameZone (GA in 1.35), so no topology-mode annotation
    expect(svc.spec.trafficDistribution).toBe('PreferSameZone');
    expect(svc.metadata.annotations?.['service.kubernetes.io/topology-mode']).toBeUndefined();
  });
});

describe('NetworkTuning: overrides and opt-outs', () => {
  test('per-component overrides reach the component', () => {
    const { proxyConfig, objs } = render({
      tier: ScaleTier.MEDIUM,
      kubeProxy: { mode: KubeProxyMode.IPVS },
      coreDns: { cacheTtlSeconds: 120 },
      calico: { ipPools: [{ cidr: '10.244.0.0/16', vxlanMode: CalicoEncapsulationMode.ALWAYS }] },
    });
    expect(proxyConfig().mode).toBe('ipvs');
    expect(only(objs, 'ConfigMap', 'coredns').data.Corefile).toContain('cache 120');
    expect(only(objs, 'IPPool').spec.vxlanMode).toBe('Always');
  });

  test('skip leaves components out', () => {
    const skip = [NetworkComponent.NODE_LOCAL_DNS, NetworkComponent.ALERTS, NetworkComponent.CNI, NetworkComponent.SYSCTLS];
    const { tuning, kinds } = render({ skip });
    expect(tuning.nodeLocalDns).toBeUndefined();
    expect(tuning.alerts).toBeUndefined();
    expect(kinds.filter((k) => /node-local|PrometheusRule|flannel|sysctl/.test(k))).toEqual([]);
    expect(kinds).toContain('ConfigMap/kube-proxy');
    expect(tuning.cniPlugin).toBe(CniPlugin.FLANNEL); // still decided: other components read it
  });

  test.each<[string, NetworkTuningProps, string]>([
    // TypeScript refuses these (the components' Options have no tier or profile); JavaScript callers get:
    ['a component with its own tier', { tier: ScaleTier.SMALL, kubeProxy: { tier: ScaleTier.LARGE } as any },
      "[test/tuning] 'kubeProxy.tier' is not a property of TunedKubeProxyOptions: the parent decides the tier once for every component"],
    ['a component with its own profile', { coreDns: { profile: new ClusterProfile() } as any },
      "[test/tuning] 'coreDns.profile' is not a property of TunedCoreDnsOptions: the parent decides the profile once for every component"],
    ['settings for another CNI', { tier: ScaleTier.SMALL, cilium: {} },
      "[test/tuning] 'cilium' (<set>) must be unset: the CNI is flannel (the small tier's recommendation); set 'cniPlugin' to cilium to configure it"],
    ['settings for a skipped component', { skip: [NetworkComponent.COREDNS], coreDns: { deploy: true } },
      "[test/tuning] 'coreDns' (<set>) must be unset: 'skip' leaves out coredns"],
    ['kube-proxy settings under a replacement', { tier: ScaleTier.LARGE, cilium: { kubeProxyReplacement: true }, kubeProxy: { deployDaemonSet: true } },
      "[test/tuning] 'kubeProxy' (<set>) must be unset: Cilium kube-proxy replacement replaces kube-proxy (or turn the replacement off)"],
    ['an unknown component to skip', { skip: ['istio' as NetworkComponent] },
      "[test/tuning] 'skip[0]' (istio) must be one of: cni, kube-proxy, sysctls, coredns, node-local-dns, pod-dns, alerts"],
  ])('%s is refused', (_name, props, message) => {
    const chart = Testing.chart();
    expect(() => new NetworkTuning(chart, 'tuning', { profile: new ClusterProfile({ apiServerHost: API }), ...props })).toThrow(message);
  });

  test('mixing NetworkTuning with components added one by one: the app\'s rules see both', () => {
    const chart = Testing.chart();
    new NetworkTuning(chart, 'tuning', { profile: new ClusterProfile({ apiServerHost: API }) });
    new TunedKubeProxy(chart, 'ExtraKubeProxy', { profile: new ClusterProfile({ apiServerHost: API }) });
    expect(() => Testing.synth(chart)).toThrow(/SINGLE-INSTANCE/);
  });
});

describe('NetworkTuning: the explanation report', () => {
  test('every tuned value says whether the tier, an override or a compatibility rule decided it', () => {
    const { tuning } = render({ tier: ScaleTier.LARGE, cniPlugin: CniPlugin.CALICO, coreDns: { cacheTtlSeconds: 900 } });
    const decisions = tuning.report().decisions;
    const find = (path: string, setting: string) => decisions.find((d) => d.path === path && d.setting === setting);
    expect(find('test/tuning', 'cni')).toMatchObject({ value: 'calico', source: DecisionSource.OVERRIDE });
    expect(find('test/tuning/KubeProxy', 'conntrack.maxPerCore')).toMatchObject({ value: '65536', source: DecisionSource.TIER });
    expect(find('test/tuning/CoreDns', 'cache.ttl')?.source ?? find('test/tuning/CoreDns', 'cacheTtlSeconds')?.source).toBe(DecisionSource.OVERRIDE);
    expect(find('test/tuning/NodeLocalDns', '-localip')).toMatchObject({ value: '169.254.20.10' });
    expect(decisions.length).toBeGreaterThan(40);
    const markdown = tuning.report().toMarkdown();
    expect(markdown).toContain('| `test/tuning/KubeProxy` | `conntrack.maxPerCore` | `65536` | tier |');
  });
});

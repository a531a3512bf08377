import { Testing } from 'cdk8s';
import {
  CalicoNftablesMode, CalicoTuning, CiliumTuning, ClusterProfile, DefaultDenyPolicy, FlannelTuning, KubeProxyMode, KubernetesVersion,
  NodeLocalDns, ScaleTier, TunedKubeProxy, TuningReport,
} from '../../src';
import { only, synthValid } from '../util';

const API = new ClusterProfile({ apiServerHost: '10.0.0.100' });

describe('CNI cross-component rules', () => {
  test('one CNI per app', () => {
    const chart = Testing.chart();
    new CalicoTuning(chart, 'Calico');
    new CiliumTuning(chart, 'Cilium');
    expect(() => Testing.synth(chart)).toThrow('[test/Cilium] cilium is configured, but [test/Calico] already configures calico: a cluster runs one CNI plugin [CNI-EXCLUSIVE]');
  });

  test('Calico eBPF and kube-proxy: an error with the reason', () => {
    const chart = Testing.chart();
    new CalicoTuning(chart, 'Calico', { bpfEnabled: true, profile: API });
    new TunedKubeProxy(chart, 'KubeProxy', { profile: API });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/KubeProxy\] kube-proxy is configured, but \[test\/Calico\] enables Calico eBPF \(bpfEnabled\), which implements Services in eBPF.*\[EBPF-REPLACES-KUBE-PROXY\]/);
  });

  test('Cilium kube-proxy replacement and kube-proxy: an error', () => {
    const chart = Testing.chart();
    new CiliumTuning(chart, 'Cilium', { kubeProxyReplacement: true, profile: API });
    new TunedKubeProxy(chart, 'KubeProxy', { profile: API });
    expect(() => Testing.synth(chart)).toThrow(/enables Cilium kube-proxy replacement/);
  });

  test('Cilium without replacement keeps kube-proxy, never in IPVS mode (cilium/cilium#18610)', () => {
    const api128 = new ClusterProfile({ apiServerHost: '10.0.0.100', kubernetesVersion: KubernetesVersion.V1_28 });
    const chart = Testing.chart();
    new CiliumTuning(chart, 'Cilium', { profile: api128, kubeProxyReplacement: false });
    const kp = new TunedKubeProxy(chart, 'KubeProxy', { profile: api128, tier: ScaleTier.LARGE });
    expect(() => synthValid(chart)).not.toThrow();
    expect(kp.mode).toBe(KubeProxyMode.IPTABLES); // 1.28: nftables is not GA yet
    const ipvs = Testing.chart();
    new CiliumTuning(ipvs, 'Cilium', { profile: api128, kubeProxyReplacement: false });
    new TunedKubeProxy(ipvs, 'KubeProxy', { profile: api128, mode: KubeProxyMode.IPVS });
    expect(() => Testing.synth(ipvs)).toThrow("[test/KubeProxy] kube-proxy runs in IPVS mode ('mode' set on [test/KubeProxy]) beside Cilium: pod-to-NodePort traffic to other nodes breaks (cilium/cilium#18610) [CILIUM-KUBE-PROXY-IPVS] "
      + "fix: turn on Cilium's kubeProxyReplacement (it needs the profile's apiServerHost), or run kube-proxy in nftables mode (GA in 1.33) or iptables mode");
  });

  test('NodeLocal DNS under an eBPF data plane binds only its link-local IP, and the DNS policy follows', () => {
    const chart = Testing.chart();
    new CiliumTuning(chart, 'Cilium', { kubeProxyReplacement: true, profile: API });
    const nld = new NodeLocalDns(chart, 'NodeLocalDns', { profile: API });
    new DefaultDenyPolicy(chart, 'Deny', { namespaces: ['prod'], profile: API });
    const objs = synthValid(chart);
    expect(only(objs, 'DaemonSet', 'node-local-dns').spec.template.spec.containers[0].args.slice(0, 2)).toEqual(['-localip', '169.254.20.10']);
    expect(nld.kubeletClusterDns()).toBe('169.254.20.10');
    expect(only(objs, 'NetworkPolicy', 'allow-dns-egress').spec.egress[0].to.map((p: any) => p.ipBlock?.cidr)).toEqual([undefined, '169.254.20.10/32']);
    // Cilium: the host-network cache is the host entity, which the ipBlock above never selects.
    expect(only(objs, 'CiliumNetworkPolicy', 'allow-node-local-dns-egress').spec).toEqual({
      endpointSelector: {},
      egress: [{ toEntities: ['host'], toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }] }] }],
    });
    const d = TuningReport.of(chart).decisions.find((x) => x.setting === '-localip')!;
    expect(d.reason).toMatch(/^Cilium kube-proxy replacement translates Service IPs before netfilter/);
  });

  test('a stated kube-proxy mode under an eBPF data plane is refused', () => {
    const chart = Testing.chart();
    new CalicoTuning(chart, 'Calico', { bpfEnabled: true, profile: API });
    new NodeLocalDns(chart, 'NodeLocalDns', { profile: API, kubeProxyMode: KubeProxyMode.IPTABLES });
    expect(() => Testing.synth(chart)).toThrow(/'kubeProxyMode' \(iptables\) is set, but \[test\/Calico\] enables Calico eBPF \(bpfEnabled\), which implements Services in eBPF: no kube-proxy runs/);
  });

  test('Flannel with NetworkPolicies: a warning, they would be ignored', () => {
    const chart = Testing.chart();
    new FlannelTuning(chart, 'Flannel');
    new DefaultDenyPolicy(chart, 'Deny', { namespaces: ['prod'] });
    Testing.synth(chart);
    const w = TuningReport.of(chart).warnings.find((x) => x.ruleId === 'CNI-POLICY-UNENFORCED')!;
    expect(w.message).toBe('flannel does not enforce NetworkPolicy, and the app has 2 NetworkPolicy object(s): they would be accepted and silently ignored');
  });

  test('Calico nftablesMode against kube-proxy\'s mode', () => {
    const chart = Testing.chart();
    const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_33 });
    new CalicoTuning(chart, 'Calico', { profile, nftablesMode: CalicoNftablesMode.ENABLED });
    new TunedKubeProxy(chart, 'KubeProxy', { profile });
    Testing.synth(chart);
    expect(TuningReport.of(chart).warnings.map((w) => w.ruleId)).toContain('CALICO-NFTABLES');

    const ok = Testing.chart();
    new CalicoTuning(ok, 'Calico', { profile, nftablesMode: CalicoNftablesMode.ENABLED });
    new TunedKubeProxy(ok, 'KubeProxy', { profile, mode: KubeProxyMode.NFTABLES });
    Testing.synth(ok);
    expect(TuningReport.of(ok).warnings.map((w) => w.ruleId)).not.toContain('CALICO-NFTABLES');
  });
});

/*
 * The DNS path from a default-denied namespace, through every combination the library
 * emits: tier x CNI (Flannel, Calico iptables, Calico eBPF, Cilium beside kube-proxy,
 * Cilium kube-proxy replacement) x kube-proxy mode x NodeLocal DNSCache on/off x
 * Kubernetes 1.28 / 1.33 / newest. Each must synthesize and resolve; planted faults
 * must be reported at the hop where they break.
 */
import { ApiObject, Chart, Testing } from 'cdk8s';
import {
  CalicoTuning, CiliumTuning, ClusterProfile, CniPlugin, DefaultDenyPolicy, DnsHopKind, DnsHopVerdict, KubeProxyMode, KubernetesVersion,
  NetworkComponent, NetworkTuning, NetworkTuningProps, NodeLocalDns, ScaleTier, TunedKubeProxy, TuningReport,
} from '../../src';
import { synthValid } from '../util';

type Cni = 'flannel' | 'calico' | 'calico-ebpf' | 'cilium' | 'cilium-kpr';
const CNIS: Cni[] = ['flannel', 'calico', 'calico-ebpf', 'cilium', 'cilium-kpr'];
const VERSIONS = [KubernetesVersion.V1_28, KubernetesVersion.V1_33, KubernetesVersion.NEWEST];

/** The kube-proxy modes a CNI runs with on a version (none under an eBPF replacement; never IPVS beside Cilium). */
function modes(cni: Cni, version: KubernetesVersion): Array<KubeProxyMode | undefined> {
  if (cni === 'calico-ebpf' || cni === 'cilium-kpr') return [undefined];
  const all = [KubeProxyMode.IPTABLES, KubeProxyMode.IPVS, ...(version.minor >= 33 ? [KubeProxyMode.NFTABLES] : [])];
  return cni === 'cilium' ? all.filter((m) => m !== KubeProxyMode.IPVS) : all;
}

function props(tier: ScaleTier, cni: Cni, mode: KubeProxyMode | undefined, nodeLocal: boolean, version: KubernetesVersion): NetworkTuningProps {
  return {
    tier,
    profile: new ClusterProfile({ kubernetesVersion: version, apiServerHost: '10.0.0.1' }),
    cniPlugin: cni === 'flannel' ? CniPlugin.FLANNEL : cni.startsWith('calico') ? CniPlugin.CALICO : CniPlugin.CILIUM,
    calico: cni.startsWith('calico') ? { bpfEnabled: cni === 'calico-ebpf' } : undefined,
    cilium: cni.startsWith('cilium') ? { kubeProxyReplacement: cni === 'cilium-kpr' } : undefined,
    kubeProxy: mode ? { mode } : undefined,
    skip: nodeLocal ? [] : [NetworkComponent.NODE_LOCAL_DNS],
    defaultDeny: { namespaces: ['prod'] },
  };
}

const CASES: Array<[string, NetworkTuningProps, Cni, boolean]> = [];
for (const tier of Object.values(ScaleTier)) {
  for (const version of VERSIONS) {
    for (const cni of CNIS) {
      for (const mode of modes(cni, version)) {
        for (const nodeLocal of [true, false]) {
          CASES.push([`${tier} ${version.version} ${cni} ${mode ?? 'ebpf'} ${nodeLocal ? 'node-local' : 'no-node-local'}`, props(tier, cni, mode, nodeLocal, version), cni, nodeLocal]);
        }
      }
    }
  }
}

describe('every emitted combination resolves names from a default-denied namespace', () => {
  test('the matrix covers every CNI, mode and version', () => {
    expect(CASES.length).toBe(3 * 2 * (7 + 10 + 10));
  });

  test.each(CASES)('%s', (_name, p, cni, nodeLocal) => {
    const chart = Testing.chart();
    new NetworkTuning(chart, 'tuning', p);
    Testing.synth(chart); // every rule passes, DEFAULT-DENY-DNS included (schemas: the component suites)
    const report = TuningReport.of(chart);
    for (const ns of ['prod', 'default']) {
      const trace = report.dnsPath(ns);
      expect({ ns, failedAt: trace.failedAt }).toEqual({ ns, failedAt: undefined });
      expect(trace.hops.map((h) => h.kind)).toEqual([
        DnsHopKind.RESOLV_CONF, DnsHopKind.LISTENER, DnsHopKind.POLICY, DnsHopKind.COREDNS, DnsHopKind.UPSTREAM,
      ]);
    }
    const policy = report.dnsPath('prod').hops[2];
    if (cni === 'flannel') {
      expect(policy.detail).toMatch(/flannel does not enforce NetworkPolicy/);
    } else if (nodeLocal && cni.startsWith('cilium')) {
      expect(policy.allowedBy).toContain('CiliumNetworkPolicy prod/allow-node-local-dns-egress');
    } else {
      expect(policy.allowedBy).toContain('NetworkPolicy prod/allow-dns-egress');
    }
    expect(report.dnsPath('prod').hops[1].target).toMatch(nodeLocal ? /\(node-local-dns\)$/ : /Service kube-system\/kube-dns/);
    expect(report.toMarkdown()).toContain('### prod: resolves');
  });
});

describe('planted faults are reported at the failing hop', () => {
  const profile = new ClusterProfile({ apiServerHost: '10.0.0.1' });

  test('default deny without any DNS allowance: the policy hop', () => {
    const chart = Testing.chart();
    new DefaultDenyPolicy(chart, 'Deny', { profile, namespaces: ['prod'], allowDns: false });
    expect(() => Testing.synth(chart)).toThrow(/\[DEFAULT-DENY-DNS\]/);
    const trace = TuningReport.of(chart).dnsPath('prod');
    expect(trace.resolves).toBe(false);
    expect(trace.failedAt).toMatchObject({ kind: DnsHopKind.POLICY, verdict: DnsHopVerdict.FAIL, allowedBy: [] });
    expect(trace.failedAt!.detail).toBe('egress is restricted and UDP and TCP 53 are blocked: no policy selecting these pods allows it');
    // Other namespaces are not denied and still resolve.
    expect(TuningReport.of(chart).dnsPath('default').resolves).toBe(true);
  });

  test('IPVS with node-local-dns wired to answer on the kube-dns IP: the listener hop', () => {
    const chart = Testing.chart();
    new TunedKubeProxy(chart, 'KubeProxy', { profile, mode: KubeProxyMode.IPVS });
    new NodeLocalDns(chart, 'NodeLocalDns', { profile, kubeProxyMode: KubeProxyMode.IPTABLES });
    expect(() => Testing.synth(chart)).toThrow(/\[NLD-MODE-MISMATCH\]/);
    const trace = TuningReport.of(chart).dnsPath('prod');
    expect(trace.failedAt!.kind).toBe(DnsHopKind.LISTENER);
    expect(trace.failedAt!.target).toBe('10.96.0.10:53 (node-local-dns)');
    expect(trace.failedAt!.detail).toMatch(/IPVS owns that address on kube-ipvs0/);
  });

  test('Cilium with only an ipBlock for the node-local IP: the policy hop (host identity); the same policy works under Calico', () => {
    const build = (cni: 'cilium' | 'calico') => {
      const chart = Testing.chart();
      if (cni === 'cilium') new CiliumTuning(chart, 'Cni', { profile });
      else new CalicoTuning(chart, 'Cni', { profile });
      new NodeLocalDns(chart, 'NodeLocalDns', { profile });
      new DefaultDenyPolicy(chart, 'Deny', { profile, namespaces: ['prod'], allowDns: false });
      new ApiObject(chart, 'OwnDns', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'own-dns', namespace: 'prod' },
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          // Both addresses node-local-dns may answer on (the kube-dns IP in kube-proxy iptables mode).
          egress: [{ to: [{ ipBlock: { cidr: '169.254.20.10/32' } }, { ipBlock: { cidr: '10.96.0.10/32' } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
        },
      });
      return chart;
    };
    const cilium = build('cilium');
    expect(() => Testing.synth(cilium)).toThrow(/pods in prod cannot resolve names: the DNS path fails at the policy hop .*host identity.*\[DEFAULT-DENY-DNS\]/);
    const trace = TuningReport.of(cilium).dnsPath('prod');
    expect(trace.failedAt!.kind).toBe(DnsHopKind.POLICY);
    expect(trace.failedAt!.detail).toMatch(/cilium\/cilium#18644/);
    const calico = build('calico');
    expect(() => synthValid(calico)).not.toThrow();
    expect(TuningReport.of(calico).dnsPath('prod').hops[2].allowedBy).toEqual(['NetworkPolicy prod/own-dns']);
  });

  test('default deny in kube-system with NodeLocal DNSCache: CoreDNS refuses the node addresses node-local-dns forwards from', () => {
    const chart = Testing.chart();
    new NodeLocalDns(chart, 'NodeLocalDns', { profile });
    new DefaultDenyPolicy(chart, 'Deny', { profile, namespaces: ['kube-system'], protectSystemNamespaces: true, allowApiServer: true });
    expect(() => Testing.synth(chart)).toThrow(/\[DEFAULT-DENY-DNS\]/);
    const trace = TuningReport.of(chart).dnsPath('default');
    expect(trace.failedAt).toMatchObject({ kind: DnsHopKind.COREDNS });
    expect(trace.failedAt!.detail).toMatch(/denies ingress to CoreDNS from node addresses/);
  });

  test('the report lists each traced namespace with its verdict', () => {
    const chart = new Chart(Testing.app(), 'c');
    new DefaultDenyPolicy(chart, 'Deny', { profile, namespaces: ['prod'], allowDns: false });
    expect(() => Testing.synth(chart)).toThrow();
    const md = TuningReport.of(chart).toMarkdown();
    expect(md).toContain('### prod: fails at policy');
    expect(md).toContain('### default: resolves');
  });
});

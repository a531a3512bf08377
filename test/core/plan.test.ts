/*
 * The plan: each cross-component fact decided once, in one order of precedence, and
 * read by every component that renders from it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  CalicoTuning, CiliumTuning, ClusterProfile, DecisionSource, KubeProxyMode, KubernetesVersion, NetworkAlerts, NodeLocalDns, ScaleTier,
  SysctlTuner, TunedKubeProxy, TuningReport,
} from '../../src';
import { AppState } from '../../src/core/_registry';
import { only } from '../util';

const API = new ClusterProfile({ apiServerHost: '10.0.0.1' });
const plan = (chart: any) => AppState.of(chart).plan();

describe('the data plane is decided once', () => {
  test('an eBPF replacement wins over everything', () => {
    const chart = Testing.chart();
    new CalicoTuning(chart, 'Calico', { profile: API, bpfEnabled: true });
    expect(plan(chart).dataPlane).toMatchObject({ kind: 'ebpf', replacement: 'Calico eBPF (bpfEnabled)', source: DecisionSource.COMPATIBILITY });
  });

  test('then a stated mode: TunedKubeProxy first, then NodeLocalDns or NetworkAlerts in the order added', () => {
    const chart = Testing.chart();
    new NodeLocalDns(chart, 'NodeLocalDns', { kubeProxyMode: KubeProxyMode.IPVS, highAvailability: true });
    new NetworkAlerts(chart, 'Alerts', { kubeProxyMode: KubeProxyMode.IPTABLES, kubeProxyAlerts: true });
    expect(plan(chart).dataPlane).toMatchObject({ mode: KubeProxyMode.IPVS, source: DecisionSource.OVERRIDE, reason: "'kubeProxyMode' set on [test/NodeLocalDns]" });
    new TunedKubeProxy(chart, 'KubeProxy', { mode: KubeProxyMode.IPTABLES });
    expect(plan(chart).dataPlane).toMatchObject({ mode: KubeProxyMode.IPTABLES, reason: "'mode' set on [test/KubeProxy]" });
    // Every statement that disagrees is an error naming the plan.
    expect(() => Testing.synth(chart)).toThrow(/\[test\/NodeLocalDns\] 'kubeProxyMode' \(ipvs\) disagrees with the app's data plane, kube-proxy iptables/);
  });

  test('then the tier for the version and the CNI', () => {
    const at = (tier: ScaleTier, version: KubernetesVersion, cilium: boolean) => {
      const chart = Testing.chart();
      const profile = new ClusterProfile({ kubernetesVersion: version });
      if (cilium) new CiliumTuning(chart, 'Cilium', { profile, tier });
      new TunedKubeProxy(chart, 'KubeProxy', { profile, tier });
      return plan(chart).dataPlane.mode;
    };
    expect(at(ScaleTier.SMALL, KubernetesVersion.V1_28, false)).toBe(KubeProxyMode.IPTABLES);
    expect(at(ScaleTier.LARGE, KubernetesVersion.V1_28, false)).toBe(KubeProxyMode.IPVS);
    expect(at(ScaleTier.LARGE, KubernetesVersion.V1_35, false)).toBe(KubeProxyMode.NFTABLES); // IPVS deprecated (KEP-5495)
    expect(at(ScaleTier.LARGE, KubernetesVersion.V1_28, true)).toBe(KubeProxyMode.IPTABLES); // beside Cilium: never IPVS
    expect(at(ScaleTier.LARGE, KubernetesVersion.V1_33, true)).toBe(KubeProxyMode.NFTABLES);
  });

  test('TunedKubeProxy, NodeLocalDns and NetworkAlerts render the same mode, in any construction order', () => {
    const chart = Testing.chart();
    const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_33, apiServerHost: '10.0.0.1' });
    new CiliumTuning(chart, 'Cilium', { profile, tier: ScaleTier.LARGE, kubeProxyReplacement: false });
    const alerts = new NetworkAlerts(chart, 'Alerts', { profile, tier: ScaleTier.LARGE, kubeProxyAlerts: true, nodeLocalDnsAlerts: false });
    const nld = new NodeLocalDns(chart, 'NodeLocalDns', { profile, tier: ScaleTier.LARGE });
    const kp = new TunedKubeProxy(chart, 'KubeProxy', { profile, tier: ScaleTier.LARGE });
    const objs = Testing.synth(chart);
    expect(kp.mode).toBe(KubeProxyMode.NFTABLES);
    expect(YAML.parse(only(objs, 'ConfigMap', 'kube-proxy').data['config.conf']).mode).toBe('nftables');
    expect(alerts.alertNames()).toContain('KubeProxyNftablesSyncFailing');
    expect(nld.kubeletClusterDns()).toBe('169.254.20.10');
    expect(TuningReport.of(chart).decisions.find((d) => d.path === 'test/KubeProxy' && d.setting === 'mode')!.reason).toMatch(/cilium\/cilium#18610/);
  });
});

describe('the DNS wiring is decided once', () => {
  test('node-local-dns binds the kube-dns IP only with kube-proxy iptables and a CNI that does not translate ClusterIPs itself', () => {
    const wiring = (cni: 'none' | 'calico' | 'cilium', mode: KubeProxyMode) => {
      const chart = Testing.chart();
      if (cni === 'calico') new CalicoTuning(chart, 'Cni', { profile: API });
      if (cni === 'cilium') new CiliumTuning(chart, 'Cni', { profile: API, kubeProxyReplacement: false });
      new TunedKubeProxy(chart, 'KubeProxy', { profile: API, mode });
      new NodeLocalDns(chart, 'NodeLocalDns', { profile: API });
      const p = plan(chart);
      return [p.dns.nodeLocal!.listenIps.join(','), p.dns.kubeletClusterDns];
    };
    expect(wiring('none', KubeProxyMode.IPTABLES)).toEqual(['169.254.20.10,10.96.0.10', '10.96.0.10']);
    expect(wiring('calico', KubeProxyMode.IPTABLES)).toEqual(['169.254.20.10,10.96.0.10', '10.96.0.10']);
    expect(wiring('calico', KubeProxyMode.IPVS)).toEqual(['169.254.20.10', '169.254.20.10']);
    // Cilium's datapath translates the kube-dns ClusterIP at the pod before kube-proxy's iptables (cilium/cilium#16197).
    expect(wiring('cilium', KubeProxyMode.IPTABLES)).toEqual(['169.254.20.10', '169.254.20.10']);
  });

  test('conntrack has one owner: kube-proxy when it writes the table size, the node otherwise', () => {
    const chart = Testing.chart();
    new TunedKubeProxy(chart, 'KubeProxy', { profile: API });
    expect(plan(chart).conntrack).toMatchObject({ owner: 'kube-proxy', kubeProxy: { max: 262144, maxFrom: 'max(conntrack.maxPerCore 32768 × 8 cores, conntrack.min 131072)' } });
    const off = Testing.chart();
    new TunedKubeProxy(off, 'KubeProxy', { profile: API, conntrack: { maxPerCore: 0 } });
    new SysctlTuner(off, 'Sysctls', { profile: API });
    expect(plan(off).conntrack).toMatchObject({ owner: 'node', kubeProxy: { max: 0 } });
    // Under an eBPF replacement no kube-proxy writes anything.
    const ebpf = Testing.chart();
    new CiliumTuning(ebpf, 'Cilium', { profile: API, kubeProxyReplacement: true });
    new SysctlTuner(ebpf, 'Sysctls', { profile: API });
    expect(plan(ebpf).conntrack).toEqual({ owner: 'node', kubeProxy: undefined });
  });
});

describe('core is the ground floor', () => {
  const core = path.join(__dirname, '..', '..', 'src', 'core');
  const imports = (file: string) => [...fs.readFileSync(file, 'utf8').matchAll(/^import (type )?[^;]*? from '([^']+)';/gm)].map((m) => ({ type: !!m[1], from: m[2] }));

  test('it imports no component and no rule: only enums and types from outside core', () => {
    const outside: string[] = [];
    for (const file of fs.readdirSync(core).filter((f) => f.endsWith('.ts'))) {
      for (const imp of imports(path.join(core, file))) {
        if (!imp.from.startsWith('..') || imp.type) continue;
        const target = path.resolve(core, `${imp.from}.ts`);
        const text = fs.readFileSync(target, 'utf8');
        // An enum file: no classes, no functions, no imports of its own.
        if (/\bclass\b|\bfunction\b|^import /m.test(text)) outside.push(`${file} -> ${imp.from}`);
      }
    }
    expect(outside).toEqual([]);
  });
});

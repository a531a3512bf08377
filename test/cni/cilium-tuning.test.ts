import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  CiliumDatapathMode, CiliumLoadBalancerMode, CiliumRoutingMode, CiliumTunnelProtocol, CiliumTuning, CiliumTuningProps, ClusterProfile,
  DecisionSource, ScaleTier, TuningReport,
} from '../../src';
import { only, synthValid } from '../util';

const API = new ClusterProfile({ apiServerHost: '10.0.0.100' });
const L2 = new ClusterProfile({ apiServerHost: '10.0.0.100', nodesShareL2Segment: true });
const CHART_PATHS = new Set<string>(JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cilium-1.20.0-value-paths.json'), 'utf8')).paths);

function render(props: CiliumTuningProps = {}) {
  const chart = Testing.chart();
  const cilium = new CiliumTuning(chart, 'Cilium', props);
  const objs = synthValid(chart);
  return { chart, cilium, objs, values: YAML.parse(cilium.valuesYaml) };
}
const fails = (props: CiliumTuningProps, message: string) => expect(() => new CiliumTuning(Testing.chart(), 'Cilium', props)).toThrow(message);

function keyPaths(o: any, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => {
    const p = prefix ? `${prefix}.${k}` : k;
    return v && typeof v === 'object' && !Array.isArray(v) ? [p, ...keyPaths(v, p)] : [p];
  });
}

describe('CiliumTuning values', () => {
  test('LARGE on one L2 segment: the guide\'s Cilium snippet in today\'s keys', () => {
    const { values } = render({ tier: ScaleTier.LARGE, profile: L2 });
    expect(values).toEqual({
      kubeProxyReplacement: true, // the guide's `strict`
      k8sServiceHost: '10.0.0.100',
      k8sServicePort: 6443,
      routingMode: 'native', // the guide's `tunnel: disabled`
      ipv4NativeRoutingCIDR: '10.224.0.0/11', // 10.244.0.0/16 widened for 5,000 nodes at /24 each
      autoDirectNodeRoutes: true,
      enableIPv4Masquerade: true,
      ipam: { mode: 'cluster-pool', operator: { clusterPoolIPv4PodCIDRList: ['10.224.0.0/11'], clusterPoolIPv4MaskSize: 24 } },
      bpf: { masquerade: true, tproxy: true, mapDynamicSizeRatio: 0.005 },
      hubble: { enabled: true, relay: { enabled: true }, ui: { enabled: false } },
      loadBalancer: { mode: 'dsr', serviceTopology: true },
    });
  });

  test('nodes not known to share an L2 segment: VXLAN tunnelling, no direct routes, SNAT (DSR needs native routing or Geneve)', () => {
    const { values, chart } = render({ tier: ScaleTier.LARGE, profile: API });
    expect(values).toMatchObject({ kubeProxyReplacement: true, routingMode: 'tunnel', tunnelProtocol: 'vxlan', loadBalancer: { mode: 'snat' } });
    expect(values.autoDirectNodeRoutes).toBeUndefined();
    expect(values.ipv4NativeRoutingCIDR).toBeUndefined();
    expect(TuningReport.of(chart).decisions.find((d) => d.setting === 'routingMode')).toMatchObject({ value: 'tunnel', source: DecisionSource.COMPATIBILITY });
    // Native routing stated without the L2 fact: routes are the underlay's job; direct routes asked for anyway warn.
    const native = render({ profile: API, routingMode: CiliumRoutingMode.NATIVE });
    expect(native.values.autoDirectNodeRoutes).toBe(false);
    const direct = render({ profile: API, routingMode: CiliumRoutingMode.NATIVE, autoDirectNodeRoutes: true });
    expect(direct.values.autoDirectNodeRoutes).toBe(true);
    expect(TuningReport.of(direct.chart).warnings.map((w) => w.ruleId)).toEqual(['CILIUM-DIRECT-ROUTES-L2']);
  });

  test('every emitted key is a value the Cilium 1.20 chart reads', () => {
    for (const props of [
      {
        tier: ScaleTier.LARGE,
        profile: L2,
        kubeProxyReplacement: true,
        hubbleUi: true,
        hubbleMetrics: ['dns', 'drop'],
        localRedirectPolicies: true,
        bpfCtTcpMax: 524288,
        bpfCtAnyMax: 262144,
        bpfLbMapMax: 65536,
        bpfPolicyMapMax: 16384,
        datapathMode: CiliumDatapathMode.VETH,
      },
      {
        routingMode: CiliumRoutingMode.TUNNEL,
        tunnelProtocol: CiliumTunnelProtocol.GENEVE,
        profile: API,
        kubeProxyReplacement: true,
        loadBalancerMode: CiliumLoadBalancerMode.DSR,
      },
      { profile: new ClusterProfile({ podCidr: '10.244.0.0/16,fd00:10:244::/104', serviceCidr: '10.96.0.0/12,fd00:10:96::/108' }) },
    ]) {
      const unknown = keyPaths(render(props).values).filter((p) => !CHART_PATHS.has(p));
      expect(unknown).toEqual([]);
    }
  });

  test('without the API server\'s address there is no kube-proxy replacement, and the KPR-only features are turned off, with reasons', () => {
    const { values, chart } = render({ tier: ScaleTier.LARGE });
    expect(values.kubeProxyReplacement).toBe(false);
    expect(TuningReport.of(chart).decisions.find((x) => x.setting === 'kubeProxyReplacement')).toMatchObject({ value: 'false', source: DecisionSource.COMPATIBILITY });
    expect(values.k8sServiceHost).toBeUndefined();
    expect(values.bpf.masquerade).toBe(false);
    expect(values.loadBalancer).toEqual({ mode: 'snat', serviceTopology: false });
    const d = TuningReport.of(chart).decisions.find((x) => x.setting === 'loadBalancer.mode')!;
    expect(d).toMatchObject({ value: 'snat', source: DecisionSource.COMPATIBILITY });
    expect(d.reason).toMatch(/needs kubeProxyReplacement/);
  });

  test('tunnel routing: tunnel protocol instead of native CIDR; DSR through Geneve', () => {
    const { values } = render({
      routingMode: CiliumRoutingMode.TUNNEL, tunnelProtocol: CiliumTunnelProtocol.GENEVE, profile: API, kubeProxyReplacement: true,
    });
    expect(values).toMatchObject({ routingMode: 'tunnel', tunnelProtocol: 'geneve' });
    expect(values.ipv4NativeRoutingCIDR).toBeUndefined();
    expect(values.autoDirectNodeRoutes).toBeUndefined();
    expect(values.loadBalancer).toMatchObject({ mode: 'dsr', dsrDispatch: 'geneve' });
  });

  test('the Pod CIDR of the profile, not Cilium\'s 10.0.0.0/8', () => {
    const { values } = render({ profile: new ClusterProfile({ podCidr: '172.16.0.0/16', serviceCidr: '10.96.0.0/12', nodesShareL2Segment: true }) });
    expect(values.ipam.operator.clusterPoolIPv4PodCIDRList).toEqual(['172.16.0.0/16']);
    expect(values.ipv4NativeRoutingCIDR).toBe('172.16.0.0/16');
  });
});

describe('CiliumTuning refuses what the chart refuses', () => {
  test('DSR without kube-proxy replacement, or in a VXLAN tunnel', () => {
    fails({ loadBalancerMode: CiliumLoadBalancerMode.DSR }, "[test/Cilium] 'loadBalancerMode' (dsr) needs kubeProxyReplacement");
    fails({ loadBalancerMode: CiliumLoadBalancerMode.HYBRID, kubeProxyReplacement: true, profile: API, routingMode: CiliumRoutingMode.TUNNEL },
      "'loadBalancerMode' (hybrid) needs routingMode native, or a Geneve tunnel with dsrDispatch geneve");
  });

  test('eBPF masquerading without kube-proxy replacement', () => {
    fails({ bpfMasquerade: true }, "'bpfMasquerade' (true) needs kubeProxyReplacement (eBPF masquerading runs in the eBPF NodePort datapath)");
  });

  test('relay without Hubble, UI without relay', () => {
    fails({ hubble: false, hubbleRelay: true }, "'hubbleRelay' (true) needs 'hubble' (the chart: relay requires hubble.enabled=true)");
    fails({ hubbleRelay: false, hubbleUi: true }, "'hubbleUi' (true) needs 'hubbleRelay' (the chart: Hubble UI requires hubble.relay.enabled=true)");
  });

  test('TPROXY with netkit, direct routes with tunnels', () => {
    fails({ bpfTproxy: true, datapathMode: CiliumDatapathMode.NETKIT }, "'bpfTproxy' (true) cannot be combined with bpf.datapathMode netkit");
    expect(render({ datapathMode: CiliumDatapathMode.NETKIT_L2 }).values.bpf.tproxy).toBe(false);
    fails({ routingMode: CiliumRoutingMode.TUNNEL, autoDirectNodeRoutes: true }, "'autoDirectNodeRoutes' (true) needs routingMode 'native'");
  });

  test('kube-proxy replacement needs the API server; old charts and bad sizes are refused', () => {
    fails({ kubeProxyReplacement: true }, "'kubeProxyReplacement' (true) needs the profile's 'apiServerHost' (k8sServiceHost)");
    fails({ chartVersion: '1.15.7' }, "'chartVersion' (1.15.7) must be a Cilium chart version 1.16.0 or newer");
    fails({ mapDynamicSizeRatio: 2 }, "'mapDynamicSizeRatio' (2) must be a number with 0 < ratio <= 1");
    fails({ bpfCtTcpMax: 33554432 }, "'bpfCtTcpMax' (33554432) must be an integer in 1024..16777216");
    fails({ hubbleMetrics: ['dns query'] }, "'hubbleMetrics[0]' (\"dns query\") must be a Hubble metric name");
  });
});

describe('CiliumTuning GitOps output', () => {
  test('a values ConfigMap, a Flux HelmRepository and a HelmRelease that reads it (schema-valid)', () => {
    const { objs, cilium } = render({ tier: ScaleTier.LARGE, chartVersion: '1.20.2', helmRelease: true });
    expect(objs.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'ConfigMap/flux-system/cilium-values', 'HelmRepository/flux-system/cilium', 'HelmRelease/flux-system/cilium',
    ]);
    expect(only(objs, 'ConfigMap').data['values.yaml']).toBe(cilium.valuesYaml);
    const release = only(objs, 'HelmRelease');
    expect(release.spec.chart.spec).toEqual({ chart: 'cilium', version: '1.20.2', sourceRef: { kind: 'HelmRepository', name: 'cilium', namespace: 'flux-system' } });
    expect(release.spec.targetNamespace).toBe('kube-system');
    expect(release.spec.valuesFrom).toEqual([{ kind: 'ConfigMap', name: 'cilium-values', valuesKey: 'values.yaml' }]);
    expect(only(objs, 'HelmRepository').spec.url).toBe('https://helm.cilium.io/');
  });

  test('values only by default and when Flux is not used: Flux objects need its CRDs in the cluster', () => {
    for (const props of [{}, { helmRelease: false }]) {
      const { objs, cilium } = render(props);
      expect(objs).toEqual([]);
      expect(YAML.parse(cilium.valuesYaml).ipam.mode).toBe('cluster-pool');
    }
  });
});

describe('CiliumTuning extraValues', () => {
  test('keys this construct does not set reach the chart as given, and are listed in the report', () => {
    const { chart, values } = render({
      profile: API,
      extraValues: { operator: { replicas: 1 }, bpf: { monitorAggregation: 'maximum' }, hubble: { relay: { replicas: 2 } }, resources: { requests: { cpu: '500m' } } },
    });
    expect(values.operator).toEqual({ replicas: 1 });
    expect(values.resources).toEqual({ requests: { cpu: '500m' } });
    // merged into the tuned maps, key by key, as Helm coalesces values files
    expect(values.bpf).toMatchObject({ monitorAggregation: 'maximum', masquerade: expect.any(Boolean) });
    expect(values.hubble.relay).toEqual({ enabled: expect.any(Boolean), replicas: 2 });
    expect(TuningReport.of(chart).decisions.find((d) => d.setting === 'extraValues')).toMatchObject({
      value: 'bpf.monitorAggregation, hubble.relay.replicas, operator, resources', source: DecisionSource.OVERRIDE,
    });
    expect(TuningReport.of(chart).warnings.map((w) => w.ruleId)).not.toContain('CILIUM-EXTRA-VALUE-OVERRIDDEN');
  });

  test('a tuned key keeps its value, with a warning naming the property that sets it', () => {
    const { chart, values } = render({
      profile: API,
      kubeProxyReplacement: true,
      extraValues: { kubeProxyReplacement: false, bpf: { masquerade: true }, ipam: { mode: 'kubernetes' }, routingMode: 'native' },
    });
    expect([values.kubeProxyReplacement, values.ipam.mode, values.routingMode]).toEqual([true, 'cluster-pool', 'tunnel']);
    const overridden = TuningReport.of(chart).warnings.filter((w) => w.ruleId === 'CILIUM-EXTRA-VALUE-OVERRIDDEN');
    expect(overridden.map((w) => [w.message.split(' is a value')[0], w.fix])).toEqual([
      ["'extraValues.kubeProxyReplacement' (false)", "set it with 'kubeProxyReplacement'"],
      ["'extraValues.routingMode' (\"native\")", "set it with 'routingMode'"],
      ["'extraValues.ipam.mode' (\"kubernetes\")", "set it with the profile's 'podCidrs' and 'maxPodsPerNode'"],
      ...(values.bpf.masquerade === true ? [] : [["'extraValues.bpf.masquerade' (true)", "set it with 'bpfMasquerade'"]]),
    ]);
  });

  test.each([
    ['a function', { hook: () => 1 }, "'extraValues.hook' (<function>) must be JSON (an object, list, string, number, boolean or null), not function"],
    ['a class instance', { when: new Date(0) }, "'extraValues.when'"],
    ['a non-finite number', { operator: { replicas: Infinity } }, "'extraValues.operator.replicas' (Infinity) must be a finite number (Helm values are YAML)"],
    ['undefined', { operator: undefined }, "'extraValues.operator' (undefined) must be a JSON value (undefined is not one: leave the key out)"],
    ['a list', [1], "'extraValues' ([1]) must be an object of Helm values (a values.yaml document)"],
    ['a prototype key', JSON.parse('{"__proto__": {"x": 1}}'), "'extraValues.__proto__' is not allowed as a key"],
    // a key a typed property sets, where the tuned values omit it: checked only through the property
    ['a property\'s key the tuned values omit', { bpf: { datapathMode: 'netkit' } }, "'extraValues.bpf.datapathMode' is set by 'datapathMode', which checks it against the other values: use that instead"],
    ['a range the property checks', { bpf: { ctTcpMax: 10 } }, "'extraValues.bpf.ctTcpMax' is set by 'bpfCtTcpMax'"],
    ['a key the plan assumes', { policyEnforcementMode: 'never' }, "'extraValues.policyEnforcementMode' cannot be set here: the DNS path traces and default deny assume Cilium enforces NetworkPolicies"],
    ['IPv6 without an IPv6 Pod CIDR', { ipv6: { enabled: true } }, "'extraValues.ipv6.enabled' cannot be set here: the profile's Pod CIDRs decide IPv6"],
  ])('refused: %s', (_name, extraValues, message) => {
    fails({ profile: API, extraValues: extraValues as any }, message);
  });
});

/*
 * Capacity is checked, not assumed: every IPAM output holds the nodes, pods and
 * Services the tier (or the profile) plans for, and the defaults are derived to fit.
 */
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  CalicoTuning, CiliumTuning, ClusterProfile, CniPlugin, FlannelTuning, NetworkTuning, ScaleTier, TunedKubeProxy, TuningReport,
} from '../../src';
import { only } from '../util';

describe('Pod CIDRs hold every planned node', () => {
  test('Cilium cluster-pool: the tier\'s 5,000 nodes do not fit a /16 at /24 each, with the numbers', () => {
    const profile = new ClusterProfile({ podCidr: '10.244.0.0/16', apiServerHost: '10.0.0.1' });
    expect(() => new CiliumTuning(Testing.chart(), 'Cilium', { tier: ScaleTier.LARGE, profile })).toThrow(
      "[test/Cilium] 'podCidr' (10.244.0.0/16) with /24 per node fits 256 nodes; the large tier (set the profile's 'nodes' to plan for fewer) plans for 5000: "
      + "use a /11 or larger, or a smaller per-node block (fewer 'maxPodsPerNode')");
    // The profile plans for 200 nodes: the /16 fits.
    const fewer = new ClusterProfile({ podCidr: '10.244.0.0/16', apiServerHost: '10.0.0.1', nodes: 200 });
    expect(() => new CiliumTuning(Testing.chart(), 'Cilium', { tier: ScaleTier.LARGE, profile: fewer })).not.toThrow();
    // 250 pods per node need a /23 each: twice the pods, so terminating pods do not starve new ones.
    const dense = new ClusterProfile({ podCidr: '10.128.0.0/10', apiServerHost: '10.0.0.1', maxPodsPerNode: 250 });
    const chart = Testing.chart();
    const cilium = new CiliumTuning(chart, 'Cilium', { tier: ScaleTier.LARGE, profile: dense });
    expect(YAML.parse(cilium.valuesYaml).ipam.operator).toEqual({ clusterPoolIPv4PodCIDRList: ['10.128.0.0/10'], clusterPoolIPv4MaskSize: 23 });
  });

  test('Cilium IPv6 pools span at most 16 bits of node blocks (pkg/ipam/cidrset)', () => {
    const profile = new ClusterProfile({ podCidr: '10.244.0.0/16,fd00:10:244::/56', serviceCidr: '10.96.0.0/12,fd00:10:96::/108' });
    expect(() => new CiliumTuning(Testing.chart(), 'Cilium', { profile })).toThrow(
      "'podCidr' (fd00:10:244::/56) is too large for Cilium's cluster-pool: with /120 per node it may span at most 16 more bits (use a /104 or longer)");
  });

  test('Calico: the pools hold every pod, and a default block size shrinks so each node gets a block', () => {
    const small = new ClusterProfile({ podCidr: '10.244.0.0/18', nodes: 200 });
    expect(() => new CalicoTuning(Testing.chart(), 'Calico', { profile: small })).toThrow(
      "'podCidr' (10.244.0.0/18) holds 16384 IPv4 addresses; 200 nodes × 110 pods need 22000 (the profile's 'nodes'): use a /17 or larger");
    const chart = Testing.chart();
    const many = new ClusterProfile({ podCidr: '10.244.0.0/16', nodes: 2000, maxPodsPerNode: 30 });
    new CalicoTuning(chart, 'Calico', { profile: many });
    const pool = only(Testing.synth(chart), 'IPPool');
    expect(pool.spec.blockSize).toBe(27); // 1024 blocks of /26 for 2000 nodes: /27 gives 2048
    expect(TuningReport.of(chart).decisions.find((d) => d.setting === 'ipPool[default-ipv4-ippool].blockSize')!.reason)
      .toBe("a /26 block per node gives 10.244.0.0/16 1024 blocks for 2000 planned nodes (the profile's 'nodes'): /27 gives each node one");
    // Pools given explicitly are checked as given.
    expect(() => new CalicoTuning(Testing.chart(), 'Calico', { profile: small, ipPools: [{ cidr: '10.244.0.0/18' }] })).toThrow("'ipPools' (10.244.0.0/18) holds 16384");
  });

  test('Flannel: kube-controller-manager\'s per-node subnets must cover every node', () => {
    const profile = new ClusterProfile({ podCidr: '10.244.0.0/20' });
    expect(() => new FlannelTuning(Testing.chart(), 'Flannel', { profile })).toThrow(
      "'podCidr' (10.244.0.0/20) with /24 per node fits 16 nodes; the small tier (set the profile's 'nodes' to plan for fewer) plans for 50: use a /18 or larger");
    const chart = Testing.chart();
    new FlannelTuning(chart, 'Flannel', {});
    Testing.synth(chart);
    expect(TuningReport.of(chart).decisions.find((d) => d.setting === 'kube-controller-manager --node-cidr-mask-size-ipv4')).toMatchObject({ value: '24' });
  });

  test.each([
    [ScaleTier.SMALL, '10.244.0.0/16'], [ScaleTier.MEDIUM, '10.244.0.0/15'], [ScaleTier.LARGE, '10.224.0.0/11'],
  ])('no podCidr stated: %s gets %s, and every component uses it', (tier, cidr) => {
    for (const cni of Object.values(CniPlugin)) {
      const chart = Testing.chart();
      const tuning = new NetworkTuning(chart, 'tuning', { tier, cniPlugin: cni, profile: new ClusterProfile({ apiServerHost: '10.0.0.1' }) });
      const objs = Testing.synth(chart);
      // Cilium's values are a Helm values file (in the manifests only with helmRelease)
      const text = JSON.stringify(objs) + (tuning.cilium?.valuesYaml ?? '');
      expect({ cni, cidr: text.includes(cidr) }).toEqual({ cni, cidr: true });
      if (cidr !== '10.244.0.0/16') expect({ cni, guide: text.includes('10.244.0.0/16') }).toEqual({ cni, guide: false });
      const kp = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'kube-proxy');
      if (kp) expect(YAML.parse(kp.data['config.conf']).clusterCIDR).toBe(cidr);
    }
  });
});

describe('the Service CIDR and the conntrack table hold the tier\'s load', () => {
  test('a Service CIDR smaller than the planned Services fails synthesis with the numbers', () => {
    const chart = Testing.chart();
    new TunedKubeProxy(chart, 'KubeProxy', { tier: ScaleTier.LARGE, profile: new ClusterProfile({ serviceCidr: '10.96.0.0/20' }) });
    expect(() => Testing.synth(chart)).toThrow(
      "[test/KubeProxy] 'serviceCidr' (10.96.0.0/20) holds 4093 Services; the large tier (set the profile's 'services' to plan for fewer) plans for 10000 [SERVICE-CIDR-CAPACITY] fix: use a /18 or larger Service CIDR, or plan for fewer Services");
    const fewer = Testing.chart();
    new TunedKubeProxy(fewer, 'KubeProxy', { tier: ScaleTier.LARGE, profile: new ClusterProfile({ serviceCidr: '10.96.0.0/20', services: 3000 }) });
    expect(() => Testing.synth(fewer)).not.toThrow();
  });

  test('a conntrack table below the tier\'s tracked flows is a warning', () => {
    const chart = Testing.chart();
    new TunedKubeProxy(chart, 'KubeProxy', { tier: ScaleTier.LARGE, conntrack: { maxPerCore: 1024, min: 65536 } });
    Testing.synth(chart);
    const w = TuningReport.of(chart).warnings.find((f) => f.ruleId === 'CONNTRACK-CAPACITY')!;
    expect(w.message).toBe('nf_conntrack_max is 65536 (kube-proxy writes max(conntrack.maxPerCore 1024 × 8 cores, conntrack.min 65536)); '
      + 'the nodes are planned for 225280 tracked flows (110 pods per node × 2048 tracked flows each (large tier)): a full table drops new connections');
    for (const tier of Object.values(ScaleTier)) {
      const defaults = Testing.chart();
      new TunedKubeProxy(defaults, 'KubeProxy', { tier, profile: new ClusterProfile({ cpuCoresPerNode: 1 }) });
      Testing.synth(defaults);
      expect({ tier, warnings: TuningReport.of(defaults).warnings.filter((x) => x.ruleId === 'CONNTRACK-CAPACITY') }).toEqual({ tier, warnings: [] });
    }
  });
});

/*
 * The compatibility matrix, row by row and cell by cell: the expected support is
 * written out here (not read from the library), and each cell is exercised
 * through the construct that emits the feature — refused cells throw, opt-in
 * cells throw until the profile opts in, warned cells synthesize with a
 * deprecation warning, allowed cells synthesize cleanly.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ClusterProfile, Compatibility, FeatureSupport, KubeProxyMode, KubernetesFeature, KubernetesVersion, ServiceTuning, TrafficDistribution,
  TunedKubeProxy, TuningReport,
} from '../../src';
import { synthValid } from '../util';

type Cell = 'refused' | 'opt-in' | 'allowed' | 'warned';
const R: Cell = 'refused';
const O: Cell = 'opt-in';
const A: Cell = 'allowed';
const W: Cell = 'warned';

const VERSIONS = ['1.28', '1.29', '1.30', '1.31', '1.32', '1.33', '1.34', '1.35', '1.36', '1.37'];

/** The published matrix (README "Compatibility matrix"). */
const MATRIX: Record<KubernetesFeature, Cell[]> = {
  [KubernetesFeature.KUBE_PROXY_NFTABLES]: [R, O, O, O, O, A, A, A, A, A],
  [KubernetesFeature.KUBE_PROXY_IPVS]: [A, A, A, A, A, A, A, W, W, W],
  [KubernetesFeature.KUBE_PROXY_CONNTRACK_UDP]: [R, A, A, A, A, A, A, A, A, A],
  [KubernetesFeature.TRAFFIC_DISTRIBUTION]: [R, R, O, O, O, A, A, W, W, W],
  [KubernetesFeature.TRAFFIC_DISTRIBUTION_PREFER_SAME]: [R, R, R, R, R, O, O, A, A, A],
  [KubernetesFeature.TOPOLOGY_MODE_ANNOTATION]: [A, A, A, A, A, A, A, A, A, A],
  [KubernetesFeature.ENDPOINT_SLICE]: [A, A, A, A, A, A, A, A, A, A],
};

const SUPPORT: Record<FeatureSupport, Cell> = {
  [FeatureSupport.UNAVAILABLE]: 'refused',
  [FeatureSupport.OPT_IN]: 'opt-in',
  [FeatureSupport.AVAILABLE]: 'allowed',
  [FeatureSupport.DEPRECATED]: 'warned',
};

/** Builds the construct that uses a feature on a version; returns the chart. */
const USES: Record<KubernetesFeature, (chart: Chart, profile: ClusterProfile) => void> = {
  [KubernetesFeature.KUBE_PROXY_NFTABLES]: (c, profile) => new TunedKubeProxy(c, 'KubeProxy', { profile, mode: KubeProxyMode.NFTABLES }),
  [KubernetesFeature.KUBE_PROXY_IPVS]: (c, profile) => new TunedKubeProxy(c, 'KubeProxy', { profile, mode: KubeProxyMode.IPVS }),
  [KubernetesFeature.KUBE_PROXY_CONNTRACK_UDP]: (c, profile) => new TunedKubeProxy(c, 'KubeProxy', {
    profile, mode: KubeProxyMode.IPTABLES, conntrack: { udpTimeout: Duration.seconds(30) },
  }),
  [KubernetesFeature.TRAFFIC_DISTRIBUTION]: (c, profile) => new ServiceTuning(c, 'Tuning', {
    profile, service: new kplus.Service(c, 'svc', { ports: [{ port: 80 }] }), trafficDistribution: TrafficDistribution.PREFER_CLOSE,
  }),
  [KubernetesFeature.TRAFFIC_DISTRIBUTION_PREFER_SAME]: (c, profile) => new ServiceTuning(c, 'Tuning', {
    profile, service: new kplus.Service(c, 'svc', { ports: [{ port: 80 }] }), trafficDistribution: TrafficDistribution.PREFER_SAME_ZONE,
  }),
  // A Service that carries the annotation itself, tuned without topology routing: kept on every version.
  [KubernetesFeature.TOPOLOGY_MODE_ANNOTATION]: (c, profile) => new ServiceTuning(c, 'Tuning', {
    profile,
    service: new kplus.Service(c, 'svc', { ports: [{ port: 80 }], metadata: { annotations: { 'service.kubernetes.io/topology-mode': 'Auto' } } }),
    topologyAwareRouting: false,
  }),
  [KubernetesFeature.ENDPOINT_SLICE]: (c, profile) => new ServiceTuning(c, 'Tuning', {
    profile, service: new kplus.Service(c, 'svc', { ports: [{ port: 80 }] }),
  }),
};

const cells = Object.values(KubernetesFeature).flatMap((feature) => VERSIONS.map((v, i) => [feature, v, MATRIX[feature][i]] as const));

test('the matrix covers every feature and every version the library knows', () => {
  expect(KubernetesVersion.all().map((v) => v.version)).toEqual(VERSIONS);
  expect(Object.keys(MATRIX).sort()).toEqual(Object.values(KubernetesFeature).sort());
});

describe.each(cells)('%s on %s: %s', (feature, version, expected) => {
  const v = KubernetesVersion.of(version);
  const build = (optIn: boolean) => {
    const chart = Testing.chart();
    const profile = new ClusterProfile({ kubernetesVersion: v, apiServerHost: '10.0.0.1', optInFeatures: optIn ? [feature] : [] });
    USES[feature](chart, profile);
    return chart;
  };
  const deprecation = (chart: Chart) => TuningReport.of(chart).warnings.filter((w) => w.ruleId.startsWith('DEPRECATED-'));

  test('the library says so', () => {
    expect(SUPPORT[Compatibility.support(feature, v)]).toBe(expected);
  });

  test('the construct behaves so', () => {
    switch (expected) {
      case 'refused':
        expect(() => synthValid(build(false))).toThrow(new RegExp(`needs Kubernetes 1\\.\\d+ or newer .*the profile targets ${version.replace('.', '\\.')}`));
        break;
      case 'opt-in':
        expect(() => build(false)).toThrow(/is pre-GA on Kubernetes .*add KubernetesFeature\.\w+ to the profile's 'optInFeatures'/);
        expect(deprecation(((c) => (synthValid(c), c))(build(true)))).toEqual([]);
        break;
      case 'warned': {
        const chart = build(false);
        synthValid(chart);
        expect(deprecation(chart).map((w) => w.message.includes(`deprecated on Kubernetes ${version}`))).toEqual([true]);
        break;
      }
      default: {
        const chart = build(false);
        synthValid(chart);
        expect(deprecation(chart)).toEqual([]);
      }
    }
  });
});

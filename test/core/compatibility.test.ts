import { Compatibility, FeatureSupport, KubernetesFeature, KubernetesVersion } from '../../src';

const v = (s: string) => KubernetesVersion.of(s);

describe('compatibility matrix', () => {
  test('nftables: refused before 1.29, opt-in while alpha/beta, GA from 1.33', () => {
    const f = KubernetesFeature.KUBE_PROXY_NFTABLES;
    expect(Compatibility.support(f, v('1.28'))).toBe(FeatureSupport.UNAVAILABLE);
    expect(Compatibility.support(f, v('1.29'))).toBe(FeatureSupport.OPT_IN);
    expect(Compatibility.support(f, v('1.32'))).toBe(FeatureSupport.OPT_IN);
    expect(Compatibility.support(f, v('1.33'))).toBe(FeatureSupport.AVAILABLE);
    expect(Compatibility.featureGate(f)).toBe('NFTablesProxyMode');
    expect(Compatibility.introducedIn(f)).toBe('1.29');
    expect(Compatibility.generallyAvailableIn(f)).toBe('1.33');
  });

  test('IPVS is deprecated from 1.35', () => {
    expect(Compatibility.support(KubernetesFeature.KUBE_PROXY_IPVS, v('1.34'))).toBe(FeatureSupport.AVAILABLE);
    expect(Compatibility.support(KubernetesFeature.KUBE_PROXY_IPVS, v('1.35'))).toBe(FeatureSupport.DEPRECATED);
  });

  test('trafficDistribution: field from 1.30, GA 1.33; PreferSame* GA 1.35', () => {
    expect(Compatibility.support(KubernetesFeature.TRAFFIC_DISTRIBUTION, v('1.29'))).toBe(FeatureSupport.UNAVAILABLE);
    expect(Compatibility.support(KubernetesFeature.TRAFFIC_DISTRIBUTION, v('1.30'))).toBe(FeatureSupport.OPT_IN);
    expect(Compatibility.support(KubernetesFeature.TRAFFIC_DISTRIBUTION, v('1.33'))).toBe(FeatureSupport.AVAILABLE);
    expect(Compatibility.support(KubernetesFeature.TRAFFIC_DISTRIBUTION, v('1.35'))).toBe(FeatureSupport.DEPRECATED);
    expect(Compatibility.support(KubernetesFeature.TRAFFIC_DISTRIBUTION_PREFER_SAME, v('1.34'))).toBe(FeatureSupport.OPT_IN);
    expect(Compatibility.support(KubernetesFeature.TRAFFIC_DISTRIBUTION_PREFER_SAME, v('1.35'))).toBe(FeatureSupport.AVAILABLE);
  });

  test('EndpointSlice is available on every known version', () => {
    for (const version of KubernetesVersion.all()) {
      expect(Compatibility.support(KubernetesFeature.ENDPOINT_SLICE, version)).toBe(FeatureSupport.AVAILABLE);
    }
  });

  test('the matrix has one cell per feature and version, each with a note', () => {
    const matrix = Compatibility.matrix();
    expect(matrix).toHaveLength(Object.values(KubernetesFeature).length * KubernetesVersion.all().length);
    for (const cell of matrix) {
      expect(cell.note.length).toBeGreaterThan(3);
      expect(cell.title.length).toBeGreaterThan(3);
    }
  });
});

import { ApiObject, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ClusterProfile, KubernetesFeature, KubernetesVersion, ScaleTier, ServiceTuning, ServiceTuningProps, TrafficDistribution,
  TrafficPolicy, TuningReport,
} from '../../src';
import { only, synthValid } from '../util';

const v = (version: KubernetesVersion, optInFeatures: KubernetesFeature[] = []) => new ClusterProfile({ kubernetesVersion: version, optInFeatures });

/** A raw Service in front of a raw Deployment with `replicas` pods (or a DaemonSet). */
interface SetupOptions {
  readonly replicas?: number;
  readonly daemon?: boolean;
  readonly type?: string;
  readonly annotations?: any;
  readonly spec?: any;
}

function setup(props: Partial<ServiceTuningProps> = {}, opts: SetupOptions = {}) {
  const chart = Testing.chart();
  const labels = { app: 'web' };
  new ApiObject(chart, 'workload', {
    apiVersion: 'apps/v1',
    kind: opts.daemon ? 'DaemonSet' : 'Deployment',
    metadata: { name: 'web' },
    spec: { ...(opts.daemon ? {} : { replicas: opts.replicas ?? 9 }), selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
  });
  const service = new ApiObject(chart, 'svc', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', ...(opts.annotations ? { annotations: opts.annotations } : {}) },
    spec: { selector: labels, ports: [{ port: 80 }], ...(opts.type ? { type: opts.type } : {}), ...(opts.spec ?? {}) },
  });
  new ServiceTuning(chart, 'Tuning', { service, ...props });
  return chart;
}
const svcOf = (chart: any) => only(synthValid(chart), 'Service');
const warnings = (chart: any) => { Testing.synth(chart); return TuningReport.of(chart).warnings.map((w) => w.ruleId); };

describe('ServiceTuning topology', () => {
  test('1.28: the guide\'s topology-mode: Auto annotation (no trafficDistribution there)', () => {
    const svc = svcOf(setup({ tier: ScaleTier.LARGE, profile: v(KubernetesVersion.V1_28) }));
    expect(svc.metadata.annotations).toEqual({ 'service.kubernetes.io/topology-mode': 'Auto' });
    expect(svc.spec.trafficDistribution).toBeUndefined();
  });

  test('1.33-1.34: trafficDistribution PreferClose instead, never both', () => {
    const svc = svcOf(setup({ tier: ScaleTier.LARGE, profile: v(KubernetesVersion.V1_33) }));
    expect(svc.spec.trafficDistribution).toBe('PreferClose');
    expect(svc.metadata.annotations).toBeUndefined();
  });

  test('1.35+: PreferSameZone (PreferClose is its deprecated alias)', () => {
    expect(svcOf(setup({ tier: ScaleTier.MEDIUM, profile: v(KubernetesVersion.V1_35) })).spec.trafficDistribution).toBe('PreferSameZone');
  });

  test('1.30-1.32: the field only with the opt-in; the annotation otherwise', () => {
    expect(svcOf(setup({ tier: ScaleTier.LARGE, profile: v(KubernetesVersion.V1_31) })).metadata.annotations).toEqual({ 'service.kubernetes.io/topology-mode': 'Auto' });
    expect(svcOf(setup({ tier: ScaleTier.LARGE, profile: v(KubernetesVersion.V1_31, [KubernetesFeature.TRAFFIC_DISTRIBUTION]) })).spec.trafficDistribution).toBe('PreferClose');
  });

  test('SMALL leaves topology alone; topologyAwareRouting turns it on', () => {
    // on 1.28, where topology-aware routing is the guide's annotation
    expect(svcOf(setup({ profile: v(KubernetesVersion.V1_28) })).metadata.annotations).toBeUndefined();
    expect(svcOf(setup({ topologyAwareRouting: true, profile: v(KubernetesVersion.V1_28) })).metadata.annotations).toEqual({ 'service.kubernetes.io/topology-mode': 'Auto' });
  });

  test('an explicit trafficDistribution is checked against the version', () => {
    expect(() => setup({ trafficDistribution: TrafficDistribution.PREFER_SAME_NODE, profile: v(KubernetesVersion.V1_32) })).toThrow(
      "[test/Tuning] 'trafficDistribution' (PreferSameNode) needs Kubernetes 1.33 or newer");
    expect(svcOf(setup({ trafficDistribution: TrafficDistribution.PREFER_SAME_NODE, profile: v(KubernetesVersion.V1_35) })).spec.trafficDistribution).toBe('PreferSameNode');
    const chart = setup({ trafficDistribution: TrafficDistribution.PREFER_CLOSE, profile: v(KubernetesVersion.V1_36) });
    expect(warnings(chart)).toContain('DEPRECATED-TRAFFIC-DISTRIBUTION');
  });

  test('a Service that already has the annotation cannot also get the field (and vice versa)', () => {
    const chart = setup({ tier: ScaleTier.LARGE, profile: v(KubernetesVersion.V1_33) }, { annotations: { 'service.kubernetes.io/topology-mode': 'Auto' } });
    expect(() => Testing.synth(chart)).toThrow(/\[test\/Tuning\] the Service already has the service.kubernetes.io\/topology-mode annotation, which would override trafficDistribution \(KEP-4444\): never set both \[SVC-CONFLICT\]/);
    // 1.28: LARGE adds the annotation, next to the Service's own field
    const chart2 = setup({ tier: ScaleTier.LARGE, profile: v(KubernetesVersion.V1_28) }, { spec: { trafficDistribution: 'PreferClose' } });
    expect(() => Testing.synth(chart2)).toThrow(/the Service already sets trafficDistribution \(PreferClose\)/);
  });

  test('a Service\'s own trafficDistribution is kept over the tier\'s; a different stated one is a conflict', () => {
    const v136 = v(KubernetesVersion.V1_36);
    // the tier would write PreferSameZone: the Service's PreferSameNode stays, and the report says why
    const own = setup({ tier: ScaleTier.LARGE, profile: v136 }, { spec: { trafficDistribution: 'PreferSameNode' } });
    expect(svcOf(own).spec.trafficDistribution).toBe('PreferSameNode');
    expect(TuningReport.of(own).decisions.find((d) => d.path === 'test/Tuning' && d.setting === 'trafficDistribution'))
      .toMatchObject({ value: 'PreferSameNode', source: 'override', reason: 'the Service sets it itself (the tier default yields)' });
    // PreferClose is PreferSameZone's alias: agreement, nothing changes
    expect(svcOf(setup({ tier: ScaleTier.LARGE, profile: v136 }, { spec: { trafficDistribution: 'PreferClose' } })).spec.trafficDistribution).toBe('PreferClose');
    // stated by the caller and different from the Service's own: refused, never replaced silently
    const stated = setup({ profile: v136, trafficDistribution: TrafficDistribution.PREFER_SAME_ZONE }, { spec: { trafficDistribution: 'PreferSameNode' } });
    expect(() => Testing.synth(stated)).toThrow("the Service already sets trafficDistribution (PreferSameNode); 'trafficDistribution' (PreferSameZone) would replace it: state it in one place [SVC-CONFLICT]");
  });

  test('two ServiceTunings of one Service: a stated trafficDistribution wins over the other\'s tier default, in either order', () => {
    for (const statedFirst of [true, false]) {
      const stated = { trafficDistribution: TrafficDistribution.PREFER_SAME_NODE };
      const chart = setup({ tier: ScaleTier.LARGE, profile: v(KubernetesVersion.V1_36), ...(statedFirst ? stated : {}) });
      const service = chart.node.findChild('svc');
      new ServiceTuning(chart, 'Second', { service, tier: ScaleTier.LARGE, profile: v(KubernetesVersion.V1_36), ...(statedFirst ? {} : stated) });
      expect({ statedFirst, value: svcOf(chart).spec.trafficDistribution }).toEqual({ statedFirst, value: 'PreferSameNode' });
    }
  });

  test('a stated topologyAwareRouting false wins over another tuning\'s tier default, in either order', () => {
    for (const statedFirst of [true, false]) {
      const off = { topologyAwareRouting: false };
      const chart = setup({ tier: ScaleTier.LARGE, profile: v(KubernetesVersion.V1_36), ...(statedFirst ? off : {}) });
      const second = { service: chart.node.findChild('svc'), tier: ScaleTier.LARGE, profile: v(KubernetesVersion.V1_36) };
      new ServiceTuning(chart, 'Second', { ...second, ...(statedFirst ? {} : off) });
      const svc = svcOf(chart);
      expect({ statedFirst, field: svc.spec.trafficDistribution, annotations: svc.metadata.annotations })
        .toEqual({ statedFirst, field: undefined, annotations: undefined });
    }
  });

  test('too few endpoints per zone for hints is a warning', () => {
    // 1.28 (topology hints through the annotation): 3 endpoints per zone
    const v128 = v(KubernetesVersion.V1_28);
    expect(warnings(setup({ tier: ScaleTier.LARGE, profile: v128 }, { replicas: 4 }))).toEqual(['SVC-HINTS-FEW-ENDPOINTS']);
    expect(warnings(setup({ tier: ScaleTier.LARGE, profile: v128 }, { replicas: 9 }))).toEqual([]);
    expect(warnings(setup({ tier: ScaleTier.LARGE, zones: 2, profile: v128 }, { replicas: 6 }))).toEqual([]);
    expect(warnings(setup({ tier: ScaleTier.LARGE, profile: v(KubernetesVersion.V1_33) }, { replicas: 2 }))).toEqual(['SVC-HINTS-FEW-ENDPOINTS']);
  });

  test('pods outside the app: no endpoint count is guessed; expectedEndpoints states it', () => {
    // 1.28 (topology hints through the annotation): 3 endpoints per zone
    const v128 = v(KubernetesVersion.V1_28);
    const external = (props: Partial<ServiceTuningProps> = {}) => {
      const chart = Testing.chart();
      // a Service in front of pods another chart or a Helm release runs
      const service = new ApiObject(chart, 'svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { selector: { app: 'api' }, ports: [{ port: 80 }] } });
      new ServiceTuning(chart, 'Tuning', { service, tier: ScaleTier.LARGE, profile: v128, ...props });
      return chart;
    };
    expect(warnings(external())).toEqual([]);
    expect(warnings(external({ expectedEndpoints: 12 }))).toEqual([]);
    const few = external({ expectedEndpoints: 4 });
    Testing.synth(few);
    expect(TuningReport.of(few).warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^default\/api has 4 endpoint\(s\) for 3 zones/)]);
    // it overrides the replicas counted in the app, too
    expect(warnings(setup({ tier: ScaleTier.LARGE, expectedEndpoints: 9, profile: v128 }, { replicas: 4 }))).toEqual([]);
    expect(() => external({ expectedEndpoints: -1 })).toThrow("[test/Tuning] 'expectedEndpoints' (-1) must be an integer");
    expect(() => external({ expectedEndpoints: 2.5 })).toThrow("'expectedEndpoints' (2.5) must be an integer");
  });
});

describe('ServiceTuning traffic policies and affinity', () => {
  test('ClientIP affinity with the guide\'s 3 hours, or a set timeout', () => {
    expect(svcOf(setup({ clientIpAffinity: true })).spec).toMatchObject({ sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } });
    const halfHour = svcOf(setup({ clientIpAffinity: true, affinityTimeout: Duration.minutes(30) }));
    expect(halfHour.spec.sessionAffinityConfig.clientIP.timeoutSeconds).toBe(1800);
  });

  test('timeout is 1..86400 whole seconds', () => {
    expect(() => setup({ clientIpAffinity: true, affinityTimeout: Duration.days(2) })).toThrow("[test/Tuning] 'affinityTimeout' (48h) must be between 1s and 24h");
    expect(() => setup({ clientIpAffinity: true, affinityTimeout: Duration.millis(1500) })).toThrow("'affinityTimeout' (1s500ms) must be a whole number of seconds");
  });

  test('affinity settings without ClientIP are a warning and are not emitted', () => {
    const chart = setup({ affinityTimeout: Duration.hours(1) });
    expect(svcOf(chart).spec.sessionAffinityConfig).toBeUndefined();
    expect(warnings(chart)).toEqual(['SVC-AFFINITY-WITHOUT-CLIENTIP']);
  });

  test('internalTrafficPolicy Local: fine for a DaemonSet, a black-hole warning otherwise', () => {
    expect(svcOf(setup({ internalTrafficPolicy: TrafficPolicy.LOCAL })).spec.internalTrafficPolicy).toBe('Local');
    expect(warnings(setup({ internalTrafficPolicy: TrafficPolicy.LOCAL }))).toEqual(['SVC-LOCAL-BLACKHOLE']);
    expect(warnings(setup({ internalTrafficPolicy: TrafficPolicy.LOCAL }, { daemon: true }))).toEqual([]);
  });

  test('externalTrafficPolicy only for NodePort and LoadBalancer', () => {
    expect(svcOf(setup({ externalTrafficPolicy: TrafficPolicy.LOCAL }, { type: 'LoadBalancer', daemon: true })).spec.externalTrafficPolicy).toBe('Local');
    expect(() => Testing.synth(setup({ externalTrafficPolicy: TrafficPolicy.LOCAL }))).toThrow("'externalTrafficPolicy' only applies to NodePort and LoadBalancer Services; this one is ClusterIP");
  });

  test('works on a cdk8s-plus Service, counting its Deployment\'s replicas', () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'web', { replicas: 2, containers: [{ image: 'nginx:1.27', portNumber: 80 }] });
    const service = deployment.exposeViaService();
    new ServiceTuning(chart, 'Tuning', { service, tier: ScaleTier.LARGE, clientIpAffinity: true });
    const svc = only(synthValid(chart), 'Service');
    // the default version (1.36): trafficDistribution PreferSameZone (GA in 1.35), not the annotation
    expect(svc.spec.trafficDistribution).toBe('PreferSameZone');
    expect(svc.metadata.annotations).toBeUndefined();
    expect(svc.spec.sessionAffinity).toBe('ClientIP');
    expect(TuningReport.of(chart).warnings.map((w) => w.ruleId)).toEqual(['SVC-HINTS-FEW-ENDPOINTS']);
  });

  test('refuses what is not a Service, and checks enums', () => {
    const chart = Testing.chart();
    const cm = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    expect(() => new ServiceTuning(chart, 'T', { service: cm })).toThrow("[test/T] 'service' (test/cm) must be a Service: a cdk8s-plus Service or a v1/Service ApiObject");
    expect(() => setup({ internalTrafficPolicy: 'Node' as TrafficPolicy })).toThrow("'internalTrafficPolicy' (Node) must be one of: Cluster, Local");
    expect(() => setup({ zones: 0 })).toThrow("'zones' (0) must be an integer in 1..100");
  });

  test('the report records that the version serves EndpointSlices', () => {
    const chart = setup();
    Testing.synth(chart);
    expect(TuningReport.of(chart).decisions.find((d) => d.setting === 'EndpointSlice')!.reason).toMatch(/^GA since 1.21, so Kubernetes 1.36 serves it/); // the default version
  });
});

describe('two ServiceTunings of one Service', () => {
  test('tier defaults are not compared, and PreferClose agrees with PreferSameZone', () => {
    const chart = Testing.chart();
    const svc = new kplus.Service(chart, 'svc', { ports: [{ port: 80 }] });
    const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_35 });
    new ServiceTuning(chart, 'A', { service: svc, profile, tier: ScaleTier.LARGE, internalTrafficPolicy: TrafficPolicy.CLUSTER });
    new ServiceTuning(chart, 'B', { service: svc, profile, tier: ScaleTier.LARGE, trafficDistribution: TrafficDistribution.PREFER_CLOSE });
    new ServiceTuning(chart, 'C', { service: svc, profile, tier: ScaleTier.LARGE, trafficDistribution: TrafficDistribution.PREFER_SAME_ZONE });
    expect(only(Testing.synth(chart), 'Service').spec.internalTrafficPolicy).toBe('Cluster');
  });
  test('settings both set must agree', () => {
    const chart = Testing.chart();
    const svc = new kplus.Service(chart, 'svc', { ports: [{ port: 80 }] });
    new ServiceTuning(chart, 'A', { service: svc, clientIpAffinity: true });
    expect(() => new ServiceTuning(chart, 'B', { service: svc, clientIpAffinity: false })).toThrow('with sessionAffinity ClientIP (10800s) there and None here');
  });
});

import { Testing } from 'cdk8s';
import * as kplus28 from 'cdk8s-plus-28';
import * as kplus34 from 'cdk8s-plus-34';
import { ClusterProfile, KubernetesVersion, NetworkTuning, NetworkTuningProps, PodSysctlTuning, PolicyLint, ScaleTier, ServiceTuning, ServiceTuningProps, TuningReport } from '../src';
import { only, synthValid } from './util';

/*
 * Users build their apps with whichever cdk8s-plus line matches their cluster: the library's
 * constructs read the ApiObjects those write (through cdk8s, one per app), not cdk8s-plus-28's
 * classes, so Services, Deployments and policies from a 3x line are tuned and linted alike.
 */
const LINES = [['cdk8s-plus-28', kplus28], ['cdk8s-plus-34', kplus34]] as const;

// (the two lines' types are distinct classes: each is used through its own module)
function app(kplus: any) {
  const chart = Testing.chart();
  const web = new kplus.Deployment(chart, 'web', { replicas: 6, containers: [{ image: 'nginx:1.27', portNumber: 80, securityContext: { user: 1000 } }] });
  const service = web.exposeViaService({ ports: [{ port: 80 }] });
  const policy = new kplus.NetworkPolicy(chart, 'web-egress', { selector: web, egress: { default: kplus.NetworkPolicyTrafficDefault.DENY } });
  return { chart, web, service, policy };
}

describe.each(LINES)('objects from %s', (_line, kplus) => {
  test('NetworkTuning tunes its Services and workloads: trafficDistribution from the Deployment\'s replicas, pod DNS', () => {
    const { chart, service } = app(kplus);
    const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_36, apiServerHost: '10.0.0.1' });
    new NetworkTuning(chart, 'tuning', { tier: ScaleTier.MEDIUM, profile, services: [service] });
    new PodSysctlTuning(chart, 'sysctls', { tier: ScaleTier.MEDIUM, profile });
    const objs = synthValid(chart);
    const svc = only(objs, 'Service', service.name);
    expect(svc.spec.trafficDistribution).toBe('PreferSameZone');
    const pod = only(objs, 'Deployment').spec.template.spec;
    expect(pod.dnsConfig.options).toEqual([{ name: 'ndots', value: '2' }, { name: 'timeout', value: '2' }, { name: 'attempts', value: '2' }]);
    expect(pod.securityContext.sysctls.map((s: any) => s.name)).toContain('net.ipv4.ip_local_port_range');
    // 6 replicas back the Service: no warning about too few endpoints for hints
    expect(TuningReport.of(chart).warnings.map((w) => w.ruleId)).not.toContain('SVC-HINTS-FEW-ENDPOINTS');
  });

  test('ServiceTuning takes the Service itself; PolicyLint reads its NetworkPolicy', () => {
    const { chart, service } = app(kplus);
    const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_33 });
    new ServiceTuning(chart, 'svc', { service, tier: ScaleTier.LARGE, profile });
    const lint = new PolicyLint(chart, 'lint', { failOnErrors: false, profile });
    const objs = synthValid(chart);
    expect(only(objs, 'Service', service.name).spec.trafficDistribution).toBe('PreferClose');
    // egress denied without a DNS allowance: the lint's error rule sees the cdk8s-plus policy
    expect(lint.findings().map((f) => f.ruleId)).toContain('NP006');
  });
});

test('the props types take a 3x line\'s Service and workloads as they are (no casts in TypeScript)', () => {
  const chart = Testing.chart();
  const service = new kplus34.Service(chart, 'svc', { ports: [{ port: 80 }] });
  const props: ServiceTuningProps = { service };
  const tuning: NetworkTuningProps = { services: [service], podDns: { appliesTo: chart } };
  expect([props.service, tuning.services![0]]).toEqual([service, service]);
});

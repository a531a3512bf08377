import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PodDnsTuning, PodDnsTuningProps, ScaleTier, TunedCoreDns, TuningReport } from '../../src';
import { only, synthValid } from '../util';

const container = { name: 'c', image: 'busybox:1.36' };
const template = (extra: object = {}) => ({ metadata: { labels: { app: 'x' } }, spec: { containers: [container], ...extra } });
const selector = { matchLabels: { app: 'x' } };

/** One raw object of every workload kind. */
function everyKind(chart: Chart) {
  new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod' }, spec: { containers: [container] } });
  new ApiObject(chart, 'deploy', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'deploy' }, spec: { selector, template: template() } });
  new ApiObject(chart, 'sts', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'sts' }, spec: { selector, serviceName: 'sts', template: template() } });
  new ApiObject(chart, 'ds', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { selector, template: template() } });
  new ApiObject(chart, 'rs', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { selector, template: template() } });
  new ApiObject(chart, 'job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'job' }, spec: { template: template({ restartPolicy: 'Never' }) } });
  new ApiObject(chart, 'cron', {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'cron' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: template({ restartPolicy: 'Never' }) } } },
  });
}

const podSpecs = (objs: any[]): Record<string, any> => Object.fromEntries(objs.map((o) => [o.kind,
  o.kind === 'Pod' ? o.spec : o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec]));

describe('PodDnsTuning', () => {
  test('the guide\'s ndots 2, timeout 2, attempts 2 reach every workload kind', () => {
    const chart = Testing.chart();
    everyKind(chart);
    new PodDnsTuning(chart, 'PodDns');
    const specs = podSpecs(synthValid(chart));
    expect(Object.keys(specs).sort()).toEqual(['CronJob', 'DaemonSet', 'Deployment', 'Job', 'Pod', 'ReplicaSet', 'StatefulSet']);
    for (const spec of Object.values(specs)) {
      expect(spec.dnsConfig).toEqual({ options: [{ name: 'ndots', value: '2' }, { name: 'timeout', value: '2' }, { name: 'attempts', value: '2' }] });
    }
  });

  test('cdk8s-plus workloads, created before or after the tuning', () => {
    const chart = Testing.chart();
    new PodDnsTuning(chart, 'PodDns', { tier: ScaleTier.LARGE });
    new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx:1.27', portNumber: 80 }] });
    new kplus.StatefulSet(chart, 'db', { containers: [{ image: 'postgres:16', portNumber: 5432 }] });
    const objs = synthValid(chart);
    for (const kind of ['Deployment', 'StatefulSet']) {
      expect(only(objs, kind).spec.template.spec.dnsConfig.options).toContainEqual({ name: 'ndots', value: '2' });
    }
  });

  test('a workload\'s own options, nameservers and searches are kept unless overrideExisting', () => {
    const build = (props: PodDnsTuningProps) => {
      const chart = Testing.chart();
      new ApiObject(chart, 'pod', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'pod' },
        spec: { containers: [container], dnsConfig: { nameservers: ['10.0.0.53'], searches: ['corp.example.com'], options: [{ name: 'ndots', value: '1' }, { name: 'edns0' }] } },
      });
      new PodDnsTuning(chart, 'PodDns', props);
      return only(synthValid(chart), 'Pod').spec.dnsConfig;
    };
    expect(build({})).toEqual({
      nameservers: ['10.0.0.53'],
      searches: ['corp.example.com'],
      options: [{ name: 'ndots', value: '1' }, { name: 'edns0' }, { name: 'timeout', value: '2' }, { name: 'attempts', value: '2' }],
    });
    expect(build({ overrideExisting: true, ndots: 3 }).options).toContainEqual({ name: 'ndots', value: '3' });
  });

  test('extra options, searches and nameservers', () => {
    const chart = Testing.chart();
    everyKind(chart);
    new PodDnsTuning(chart, 'PodDns', {
      ndots: 1,
      timeoutSeconds: 1,
      attempts: 3,
      options: [{ name: 'single-request-reopen' }, { name: 'use-vc' }],
      searches: ['svc.example.com'],
      nameservers: ['10.0.0.53'],
    });
    expect(podSpecs(synthValid(chart)).Pod.dnsConfig).toEqual({
      options: [{ name: 'ndots', value: '1' }, { name: 'timeout', value: '1' }, { name: 'attempts', value: '3' }, { name: 'single-request-reopen' }, { name: 'use-vc' }],
      nameservers: ['10.0.0.53'],
      searches: ['svc.example.com'],
    });
  });

  test('leaves the library\'s own components alone', () => {
    const chart = Testing.chart();
    new TunedCoreDns(chart, 'CoreDns', { deploy: true });
    new PodDnsTuning(chart, 'PodDns');
    expect(only(synthValid(chart), 'Deployment', 'coredns').spec.template.spec.dnsConfig).toBeUndefined();
  });

  test('values are checked against what glibc honours', () => {
    const fails = (props: PodDnsTuningProps, message: string) => expect(() => new PodDnsTuning(Testing.chart(), 'PodDns', props)).toThrow(message);
    fails({ ndots: 16 }, "[test/PodDns] 'ndots' (16) must be an integer in 0..15");
    fails({ timeoutSeconds: 0 }, "'timeoutSeconds' (0) must be an integer in 1..30");
    fails({ attempts: 6 }, "'attempts' (6) must be an integer in 1..5");
    fails({ options: [{ name: 'ndots', value: '3' }] }, "'options[0].name' (ndots) is set with the 'ndots' property");
    fails({ options: [{ name: 'turbo' }] }, "'options[0].name' (turbo) must be a resolv.conf option");
    fails({ options: [{ name: 'rotate', value: '1' }] }, "'options[0].value' (1) must be unset: 'rotate' takes no value");
    fails({ nameservers: ['dns.example.com'] }, "'nameservers[0]' (dns.example.com) must be an IPv4 or IPv6 address");
    fails({ nameservers: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'] }, "'nameservers' ([10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4]) must list at most 3");
    fails({ searches: ['Corp.Example'] }, "'searches[0]' (Corp.Example) must be a lowercase DNS name");
  });

  test('limits are checked together with what a workload already has', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'pod', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pod' },
      spec: { containers: [container], dnsConfig: { nameservers: ['10.0.0.1', '10.0.0.2'] } },
    });
    new PodDnsTuning(chart, 'PodDns', { nameservers: ['10.0.0.3', '10.0.0.4'] });
    expect(() => Testing.synth(chart)).toThrow("[test/PodDns] 'nameservers' ([10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4]) with the ones Pod/pod sets, exceed 3, the most a pod may have");

    const chart2 = Testing.chart();
    new ApiObject(chart2, 'pod', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pod' },
      spec: { containers: [container], dnsConfig: { searches: Array.from({ length: 28 }, (_, i) => `s${i}.example.com`) } },
    });
    new PodDnsTuning(chart2, 'PodDns', { searches: ['a.example.com', 'b.example.com'] });
    expect(() => Testing.synth(chart2)).toThrow("'searches' (30) with the ones Pod/pod sets and the cluster's 3, exceed 32 search domains");
  });

  test('more than 2 extra nameservers is a warning (the cluster DNS comes first)', () => {
    const chart = Testing.chart();
    new PodDnsTuning(chart, 'PodDns', { nameservers: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] });
    expect(TuningReport.of(chart).warnings.map((w) => w.ruleId)).toEqual(['POD-DNS-NAMESERVERS']);
  });
});

import { ApiObject, App, Chart, Lazy, Testing } from 'cdk8s';
import { ClusterProfile, ScaleTier, ServiceTuning } from '../../src';
import { AppState } from '../../src/core/_registry';

/*
 * Linear synthesis (#16): one evaluation per cdk8s synthesis call, however many charts
 * validate the app, and every object serialized once even when the library's checks read it.
 */

/** A Deployment and a Service selecting it; `serialized` counts how often the Deployment is serialized. */
function workloadWithService(chart: Chart, i: number, counter: { serialized: number }): ApiObject {
  new ApiObject(chart, `deploy-${i}`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `web-${i}`, namespace: 'apps' },
    spec: {
      replicas: Lazy.any({ produce: () => { counter.serialized++; return 3; } }),
      selector: { matchLabels: { app: `web-${i}` } },
      template: { metadata: { labels: { app: `web-${i}` } }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } },
    },
  });
  return new ApiObject(chart, `svc-${i}`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `web-${i}`, namespace: 'apps' },
    spec: { selector: { app: `web-${i}` }, ports: [{ port: 80 }] },
  });
}

describe('one evaluation and one serialization per synthesis', () => {
  test('an app of three charts is evaluated once per synthYaml, and again by the next one', () => {
    const app = new App();
    const charts = [new Chart(app, 'a'), new Chart(app, 'b'), new Chart(app, 'c')];
    const counter = { serialized: 0 };
    const svc = workloadWithService(charts[0], 0, counter);
    new ServiceTuning(charts[1], 'tune', { service: svc, clientIpAffinity: true, profile: new ClusterProfile(), tier: ScaleTier.SMALL });
    let prepares = 0;
    AppState.of(charts[2]).register({ kind: 'generic', scope: charts[2], profile: new ClusterProfile(), tier: ScaleTier.SMALL }, () => { prepares++; });
    app.synthYaml();
    expect(prepares).toBe(1);
    app.synthYaml();
    expect(prepares).toBe(2);
  });

  test('a workload the checks read is serialized once per synthesis, with 50 Services tuned', () => {
    const chart = Testing.chart();
    const counters = Array.from({ length: 50 }, () => ({ serialized: 0 }));
    const services = counters.map((c, i) => workloadWithService(chart, i, c));
    services.forEach((s, i) => new ServiceTuning(chart, `tune-${i}`, { service: s, clientIpAffinity: true }));
    const objs = Testing.synth(chart);
    expect(counters.map((c) => c.serialized)).toEqual(counters.map(() => 1));
    // the tuning reached every Service, and the checks saw each Service's workload (3 replicas: no warning)
    expect(objs.filter((o) => o.kind === 'Service').every((o) => o.spec.sessionAffinity === 'ClientIP')).toBe(true);
  });

  test('nothing is kept past the synthesis call: a change after it shows in the next one', () => {
    const chart = Testing.chart();
    const counter = { serialized: 0 };
    const svc = workloadWithService(chart, 0, counter);
    new ServiceTuning(chart, 'tune', { service: svc, clientIpAffinity: true });
    Testing.synth(chart);
    svc.metadata.addLabel('team', 'web');
    const service = Testing.synth(chart).find((o) => o.kind === 'Service');
    expect(service.metadata.labels).toEqual({ team: 'web' });
    expect(service.spec.sessionAffinity).toBe('ClientIP');
    expect(counter.serialized).toBe(2);
  });
});

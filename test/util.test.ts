import { ApiObject, Testing } from 'cdk8s';
import { assertValid, schemaErrors, synthValid } from './util';

describe('schema helper', () => {
  test('accepts a valid object', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } });
    expect(synthValid(chart)).toHaveLength(1);
  });

  test('reports a type error with the object and field', () => {
    const errors = schemaErrors({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 1 } } as any);
    expect(errors).toEqual([expect.stringContaining('ConfigMap/x')]);
    expect(errors[0]).toMatch(/data\/a must be string/);
  });

  test('reports an enum violation', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }], sessionAffinity: 'Sticky' } };
    expect(() => assertValid([svc as any])).toThrow(/sessionAffinity must be equal to one of the allowed values/);
  });

  test('fails the synthesis of a chart that emits an invalid object', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'ds', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'x' }, spec: { selector: 'all' } });
    expect(() => synthValid(chart)).toThrow(/DaemonSet\/x/);
  });

  test('validates Flux and Prometheus Operator resources against their CRD models', () => {
    const rule = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r' }, spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: '10m' }] }] } };
    expect(schemaErrors(rule as any)).toEqual([]);
    const badFor = { ...rule, spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'up == 0', for: '1.5m' }] }] } };
    expect(schemaErrors(badFor as any)).toEqual([expect.stringMatching(/^PrometheusRule\/r: .*for must match pattern/)]);
    const hr = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'h' }, spec: { interval: 'soon', chart: { spec: { chart: 'c', sourceRef: { kind: 'HelmRepository', name: 'r' } } } } };
    expect(() => assertValid([hr as any])).toThrow(/HelmRelease\/h: .*interval must match pattern/);
  });

  test('a field a CRD does not declare is an error (the API server would silently prune it): the guide\'s Calico typo', () => {
    const felix = (spec: object) => ({ apiVersion: 'projectcalico.org/v3', kind: 'FelixConfiguration', metadata: { name: 'default' }, spec });
    expect(schemaErrors(felix({ bpfEnabled: true, bpfDisableUnprivileged: true }) as any)).toEqual([]);
    expect(schemaErrors(felix({ bpfEnabled: true, bpfDisableUnprivilegedBPF: false }) as any)).toEqual([
      'FelixConfiguration/default: /spec must NOT have additional properties (bpfDisableUnprivilegedBPF)',
    ]);
    expect(schemaErrors(felix({ bpfLogLevel: 'Verbose' }) as any)[0]).toMatch(/bpfLogLevel must match pattern/);
  });

  test('refuses kinds it has no schema for, instead of passing them', () => {
    expect(() => schemaErrors({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } } as any))
      .toThrow(/no schema known for example.com\/v1 Widget/);
  });
});

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

  test('refuses kinds it has no schema for, instead of passing them', () => {
    expect(() => schemaErrors({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } } as any))
      .toThrow(/no schema known for example.com\/v1 Widget/);
  });
});

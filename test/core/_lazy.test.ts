import { ApiObject, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { lazyValue } from '../../src/core/_lazy';

describe('values rendered at serialization', () => {
  test('a failing producer names the construct and the field, keeping the cause', () => {
    const chart = Testing.chart();
    const owner = new Construct(chart, 'Owner');
    const cause = new Error('[Corefile] \'zones\' (corp.example:53) is already served by another server block');
    new ApiObject(chart, 'Other', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { Corefile: lazyValue(owner, 'ConfigMap data[Corefile]', () => { throw cause; }) } });
    let thrown: unknown;
    try {
      Testing.synth(chart);
    } catch (e) {
      thrown = e;
    }
    expect(String((thrown as Error).message)).toContain("[test/Owner] rendering 'ConfigMap data[Corefile]' failed:\n[Corefile] 'zones' (corp.example:53) is already served by another server block");
  });

  test('a producer that works renders its value', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'Cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: lazyValue(chart, 'data[a]', () => 'b') } });
    expect(Testing.synth(chart)[0].data).toEqual({ a: 'b' });
  });
});

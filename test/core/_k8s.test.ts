import { ApiObject, Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { hashOf, plainObject } from '../../src/core/_k8s';

describe('hashOf (config-hash annotations)', () => {
  test('16 hex digits, the same for the same text, different for any one-character change', () => {
    const base = 'cache 30\nforward . /etc/resolv.conf\n';
    expect(hashOf(base)).toMatch(/^[0-9a-f]{16}$/);
    expect(hashOf(base)).toBe(hashOf(`${base}`));
    for (let i = 0; i < base.length; i++) {
      const changed = base.slice(0, i) + String.fromCharCode(base.charCodeAt(i) + 1) + base.slice(i + 1);
      expect(hashOf(changed)).not.toBe(hashOf(base));
    }
    expect(hashOf('')).toMatch(/^[0-9a-f]{16}$/);
  });

  test('no collisions over 20,000 similar configurations (the change a rollout must notice)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20000; i++) seen.add(hashOf(`conntrack:\n  maxPerCore: ${i}\n`));
    expect(seen.size).toBe(20000);
  });
});

describe('plainObject', () => {
  test('writes what a cdk8s-plus L1 writes for the same JSON-shaped props', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const spec = { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ protocol: 'UDP', port: 53 }] }] };
    const plain = plainObject(chart, 'plain', 'networking.k8s.io/v1', 'NetworkPolicy', { name: 'a', namespace: 'n' }, { spec });
    const l1 = new k8s.KubeNetworkPolicy(chart, 'l1', { metadata: { name: 'a', namespace: 'n' }, spec: { ...spec, egress: [{ ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }] }] } });
    expect(plain).toBeInstanceOf(ApiObject);
    expect(JSON.stringify(plain.toJson())).toBe(JSON.stringify(l1.toJson()));
  });
});

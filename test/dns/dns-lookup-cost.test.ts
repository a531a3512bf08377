import { DnsLookupCost } from '../../src';

describe('DnsLookupCost', () => {
  test.each([
    // name, ndots, names tried, answered by
    ['api.example.com', 5, 4, 'api.example.com.'],
    ['api.example.com', 2, 1, 'api.example.com.'],
    ['my-svc', 5, 1, 'my-svc.default.svc.cluster.local.'],
    ['my-svc', 2, 1, 'my-svc.default.svc.cluster.local.'],
    ['my-svc.other-ns', 5, 2, 'my-svc.other-ns.svc.cluster.local.'],
    ['my-svc.other-ns', 2, 2, 'my-svc.other-ns.svc.cluster.local.'],
    ['my-svc.other-ns', 1, 3, 'my-svc.other-ns.svc.cluster.local.'],
    ['my-svc.other-ns.svc.cluster.local', 5, 4, 'my-svc.other-ns.svc.cluster.local.'],
    ['my-svc.other-ns.svc.cluster.local', 2, 1, 'my-svc.other-ns.svc.cluster.local.'],
    ['api.example.com.', 5, 1, 'api.example.com.'],
  ])('%s at ndots %i tries %i name(s)', (name, ndots, tried, answeredBy) => {
    const e = DnsLookupCost.estimate({ name: name as string, ndots: ndots as number });
    expect(e.names).toHaveLength(tried as number);
    expect(e.answeredBy).toBe(answeredBy);
    expect(e.queries).toBe((tried as number) * 2);
  });

  test('the search list order, node searches and A-only resolvers', () => {
    const e = DnsLookupCost.estimate({ name: 'api.example.com', ndots: 5, podNamespace: 'shop', extraSearches: ['ec2.internal'], queryAaaa: false });
    expect(e.names).toEqual([
      'api.example.com.shop.svc.cluster.local.', 'api.example.com.svc.cluster.local.', 'api.example.com.cluster.local.',
      'api.example.com.ec2.internal.', 'api.example.com.',
    ]);
    expect(e.queries).toBe(5);
  });

  test('a two-label external name can be declared external', () => {
    expect(DnsLookupCost.estimate({ name: 'example.com', ndots: 1, external: true }).answeredBy).toBe('example.com.');
    // undeclared, a two-label name reads as Service 'example' in namespace 'com'
    expect(DnsLookupCost.estimate({ name: 'example.com', ndots: 1 }).answeredBy).toBe('example.com.svc.cluster.local.');
  });

  test('refuses bad input', () => {
    expect(() => DnsLookupCost.estimate({ name: 'a b', ndots: 2 })).toThrow("[DnsLookupCost] 'name' (\"a b\") must be a lowercase DNS name");
    expect(() => DnsLookupCost.estimate({ name: 'a', ndots: 20 })).toThrow("'ndots' (20) must be an integer in 0..15");
  });
});

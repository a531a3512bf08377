import { BAD_INPUTS, messageOf } from './catalogue';

test('the catalogue has at least 230 bad inputs across every construct and public function', () => {
  expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(230);
  const targets = new Set(BAD_INPUTS.flatMap((b) => b.target.split(' + ')).map((t) => t.split('.')[0]));
  expect([...targets].sort()).toEqual([
    'AllowPolicy', 'CalicoTuning', 'CiliumTuning', 'ClusterProfile', 'CniRecommendation', 'Compatibility', 'Corefile', 'CorefilePlugin',
    'DefaultDenyPolicy', 'DnsLookupCost', 'FlannelTuning', 'KubernetesVersion', 'NetworkAlerts', 'NetworkTuning', 'NodeLocalDns', 'PodDnsTuning',
    'PodSysctlTuning', 'PolicyLint', 'PolicyPeer', 'ServerBlock', 'ServiceTuning', 'SysctlCatalogue', 'SysctlTuner', 'TierTable', 'TunedCoreDns',
    'TunedKubeProxy', 'TuningReport',
  ]);
  // Each kind of mistake the library guards against has its cases, and the README groups by kind.
  const count = (category: string) => BAD_INPUTS.filter((b) => b.category === category).length;
  expect({
    'types at runtime': count('types at runtime') >= 60,
    'numbers the consumer parses': count('numbers the consumer parses') >= 15,
    'syntax the consumer parses': count('syntax the consumer parses') >= 20,
    'equivalence, not text': count('equivalence, not text') >= 20,
    'addresses and ports that collide': count('addresses and ports that collide') >= 20,
    'dangerous scopes': count('dangerous scopes') >= 10,
    'map keys': count('map keys') >= 5,
    'messages': count('messages') >= 5,
  }).toEqual({
    'types at runtime': true,
    'numbers the consumer parses': true,
    'syntax the consumer parses': true,
    'equivalence, not text': true,
    'addresses and ports that collide': true,
    'dangerous scopes': true,
    'map keys': true,
    'messages': true,
  });
});

describe.each(BAD_INPUTS.map((b) => [`${b.target}: ${b.input}`, b] as const))('%s', (_name, bad) => {
  test('fails with exactly the catalogued message', () => {
    expect(messageOf(bad)).toBe(bad.message);
  });

  test('the message is in the library\'s style: [path] the property or rule, the value, what is allowed', () => {
    for (const line of bad.message.split('\n')) {
      expect(line).toMatch(/^\[[^\]]+\] (('[^']+'( \(.+\))? .+)|(.+ \[[A-Z]+(-[A-Z]+)+\] fix: .+))$/);
    }
  });
});

import { BAD_INPUTS, messageOf } from './catalogue';

test('the catalogue has at least 130 bad inputs across every construct and public function', () => {
  expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(130);
  const targets = new Set(BAD_INPUTS.flatMap((b) => b.target.split(' + ')).map((t) => t.split('.')[0]));
  expect([...targets].sort()).toEqual([
    'AllowPolicy', 'CalicoTuning', 'CiliumTuning', 'ClusterProfile', 'CniRecommendation', 'Compatibility', 'Corefile', 'CorefilePlugin',
    'DefaultDenyPolicy', 'DnsLookupCost', 'FlannelTuning', 'KubernetesVersion', 'NetworkAlerts', 'NetworkTuning', 'NodeLocalDns', 'PodDnsTuning',
    'PodSysctlTuning', 'PolicyLint', 'PolicyPeer', 'ServerBlock', 'ServiceTuning', 'SysctlCatalogue', 'SysctlTuner', 'TierTable', 'TunedCoreDns',
    'TunedKubeProxy', 'TuningReport',
  ]);
  // Every types-at-runtime case names the category, so the README groups them.
  expect(BAD_INPUTS.filter((b) => b.category === 'types at runtime').length).toBeGreaterThanOrEqual(60);
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

import { CniPlugin, CniRecommendation, ScaleTier } from '../../src';

describe('CniRecommendation', () => {
  test('the guide\'s summary: Flannel small, Calico medium, Cilium large', () => {
    expect(CniRecommendation.recommend({ tier: ScaleTier.SMALL }).plugin).toBe(CniPlugin.FLANNEL);
    expect(CniRecommendation.recommend({ tier: ScaleTier.MEDIUM }).plugin).toBe(CniPlugin.CALICO);
    expect(CniRecommendation.recommend({ tier: ScaleTier.LARGE }).plugin).toBe(CniPlugin.CILIUM);
  });

  test('reasons cite the guide; alternatives name the others and say Weave is archived', () => {
    const choice = CniRecommendation.recommend({ tier: ScaleTier.MEDIUM });
    expect(choice.reasons).toEqual(['medium tier: guide: medium clusters use Calico (BGP/VXLAN, rich NetworkPolicy)']);
    expect(choice.alternatives.map((a) => a.split(':')[0])).toEqual(['flannel', 'cilium', 'weave']);
    expect(choice.alternatives[2]).toMatch(/archived upstream/);
  });

  test('policies must be enforced: not Flannel', () => {
    const choice = CniRecommendation.recommend({ tier: ScaleTier.SMALL, networkPolicy: true });
    expect(choice.plugin).toBe(CniPlugin.CALICO);
    expect(choice.reasons[1]).toMatch(/Flannel does not enforce them/);
  });

  test('high performance: Cilium at any tier', () => {
    expect(CniRecommendation.recommend({ tier: ScaleTier.SMALL, highPerformance: true }).plugin).toBe(CniPlugin.CILIUM);
  });

  test('refuses an unknown tier', () => {
    expect(() => CniRecommendation.recommend({ tier: 'huge' as ScaleTier })).toThrow("[CniRecommendation.recommend] 'tier' (huge) must be one of: small, medium, large");
  });
});

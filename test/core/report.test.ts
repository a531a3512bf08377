import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { ClusterProfile, DecisionSource, FindingSeverity, ScaleTier, TuningReport } from '../../src';
import { AppState } from '../../src/core/_registry';

/** A minimal component, registered the way every construct of the library registers. */
function fakeComponent(scope: Construct, id: string, profile: ClusterProfile): Construct {
  const c = new Construct(scope, id);
  AppState.of(c).register({ kind: 'generic', scope: c, profile, tier: ScaleTier.SMALL });
  return c;
}

describe('registry and report', () => {
  test('components with different profiles fail synthesis, naming both and the difference', () => {
    const chart = Testing.chart();
    fakeComponent(chart, 'A', new ClusterProfile());
    fakeComponent(chart, 'B', new ClusterProfile({ clusterDomain: 'corp.local' }));
    expect(() => Testing.synth(chart)).toThrow(
      "[test/B] 'profile' differs from the one used by [test/A] (clusterDomain: corp.local vs cluster.local): the two components would describe different clusters [PROFILE-CONSISTENCY]");
  });

  test('equal profiles (even distinct objects) are consistent', () => {
    const chart = Testing.chart();
    fakeComponent(chart, 'A', new ClusterProfile());
    fakeComponent(chart, 'B', new ClusterProfile());
    expect(() => Testing.synth(chart)).not.toThrow();
    expect(TuningReport.of(chart).check()).toEqual([]);
  });

  test('check() reports findings without throwing', () => {
    const chart = Testing.chart();
    fakeComponent(chart, 'A', new ClusterProfile());
    fakeComponent(chart, 'B', new ClusterProfile({ cpuCoresPerNode: 64 }));
    const findings = TuningReport.of(chart).check();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'PROFILE-CONSISTENCY', severity: FindingSeverity.ERROR, path: 'test/B' });
  });

  test('decisions are recorded once per setting, the last one winning', () => {
    const chart = Testing.chart();
    const c = fakeComponent(chart, 'A', new ClusterProfile());
    const state = AppState.of(c);
    state.decide(c, 'mode', 'iptables', DecisionSource.TIER, 'small tier');
    state.decide(c, 'mode', 'ipvs', DecisionSource.OVERRIDE, 'set by the user');
    expect(TuningReport.of(chart).decisions).toEqual([
      { path: 'test/A', setting: 'mode', value: 'ipvs', source: DecisionSource.OVERRIDE, reason: 'set by the user' },
    ]);
  });

  test('warnings are listed, printed once per synthesis run and can be promoted to errors', () => {
    const chart = Testing.chart();
    const c = fakeComponent(chart, 'A', new ClusterProfile());
    AppState.of(c).warn(c, 'TEST-WARN', 'risky but valid', 'do the safe thing');
    expect(TuningReport.of(chart).warnings).toEqual([
      { ruleId: 'TEST-WARN', severity: FindingSeverity.WARNING, path: 'test/A', message: 'risky but valid', fix: 'do the safe thing' },
    ]);

    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const previous = process.env.CDK8S_NETWORK_TUNING_WARNINGS;
    try {
      process.env.CDK8S_NETWORK_TUNING_WARNINGS = 'print';
      Testing.synth(chart);
      Testing.synth(chart);
      expect(write).toHaveBeenCalledTimes(1);
      expect(write).toHaveBeenCalledWith('[test/A] warning TEST-WARN: risky but valid (fix: do the safe thing)\n');

      process.env.CDK8S_NETWORK_TUNING_WARNINGS = 'error';
      expect(() => Testing.synth(chart)).toThrow('[test/A] (warning treated as error) risky but valid [TEST-WARN] fix: do the safe thing');

      // A typo is an error, not a silent fallback to printing.
      process.env.CDK8S_NETWORK_TUNING_WARNINGS = 'errors';
      expect(() => Testing.synth(chart)).toThrow("[environment] 'CDK8S_NETWORK_TUNING_WARNINGS' (errors) must be one of: print, silent, error");
      process.env.CDK8S_NETWORK_TUNING_WARNINGS = 'SILENT';
      expect(() => Testing.synth(chart)).not.toThrow();
    } finally {
      process.env.CDK8S_NETWORK_TUNING_WARNINGS = previous;
      write.mockRestore();
    }
  });
});

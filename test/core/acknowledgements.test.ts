import { ApiObject, Chart, Testing } from 'cdk8s';
import { Acknowledgements, ClusterProfile, FindingSeverity, KubernetesVersion, ScaleTier, ServiceTuning, TuningReport } from '../../src';

/** A Service with 2 pods behind it, tuned for topology (LARGE): SVC-HINTS-FEW-ENDPOINTS. */
function fewEndpoints(chart: Chart, name: string): ServiceTuning {
  const labels = { app: name };
  new ApiObject(chart, `${name}-deploy`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name, image: 'nginx:1.27' }] } } },
  });
  const service = new ApiObject(chart, `${name}-svc`, { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: labels, ports: [{ port: 80 }] } });
  return new ServiceTuning(chart, `${name}-tuning`, { service, tier: ScaleTier.LARGE });
}

function withWarnings<T>(mode: string, fn: () => T): T {
  const previous = process.env.CDK8S_NETWORK_TUNING_WARNINGS;
  process.env.CDK8S_NETWORK_TUNING_WARNINGS = mode;
  try {
    return fn();
  } finally {
    process.env.CDK8S_NETWORK_TUNING_WARNINGS = previous;
  }
}

describe('Acknowledgements', () => {
  test('an acknowledged warning is not printed, does not fail under =error, and is listed with its reason', () => {
    const chart = Testing.chart();
    const batch = fewEndpoints(chart, 'batch');
    fewEndpoints(chart, 'web');
    Acknowledgements.acknowledge(batch, 'SVC-HINTS-FEW-ENDPOINTS', 'batch runs 2 replicas on purpose');

    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      withWarnings('print', () => Testing.synth(chart));
      const printed = write.mock.calls.map((c) => String(c[0]));
      expect(printed).toEqual([expect.stringMatching(/^\[test\/web-tuning\] warning SVC-HINTS-FEW-ENDPOINTS: default\/web has 2 endpoint/)]);
    } finally {
      write.mockRestore();
    }
    // the other one still fails a strict run; acknowledged, neither does
    expect(() => withWarnings('error', () => Testing.synth(chart))).toThrow(/\[test\/web-tuning\] \(warning treated as error\) default\/web has 2/);
    Acknowledgements.acknowledge(chart, 'SVC-HINTS-FEW-ENDPOINTS', 'two-replica Services are accepted in this chart');
    expect(() => withWarnings('error', () => Testing.synth(chart))).not.toThrow();

    const report = TuningReport.of(chart);
    expect(report.warnings).toEqual([]);
    // the closest acknowledgement up the path gives the reason
    expect(report.acknowledgedWarnings.map((w) => [w.path, w.acknowledgement])).toEqual([
      ['test/batch-tuning', 'batch runs 2 replicas on purpose'],
      ['test/web-tuning', 'two-replica Services are accepted in this chart'],
    ]);
    expect(report.acknowledgements).toEqual([
      { path: 'test', ruleId: 'SVC-HINTS-FEW-ENDPOINTS', reason: 'two-replica Services are accepted in this chart', warnings: 1 },
      { path: 'test/batch-tuning', ruleId: 'SVC-HINTS-FEW-ENDPOINTS', reason: 'batch runs 2 replicas on purpose', warnings: 1 },
    ]);
    const md = report.toMarkdown();
    expect(md).toContain('## Warnings\n\nNone.');
    expect(md).toContain('## Acknowledged warnings\n\n- **SVC-HINTS-FEW-ENDPOINTS** `test/batch-tuning`: default/batch has 2 endpoint(s)');
    expect(md).toContain('Acknowledged: batch runs 2 replicas on purpose');
  });

  test('errors cannot be acknowledged; acknowledgements that match nothing are listed for cleanup', () => {
    const chart = Testing.chart();
    const service = new ApiObject(chart, 'svc', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }], trafficDistribution: 'PreferClose' },
    });
    // LARGE on 1.28 adds the topology-mode annotation next to the Service's own trafficDistribution
    const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_28 });
    const tuning = new ServiceTuning(chart, 'Tuning', { service, tier: ScaleTier.LARGE, profile });
    Acknowledgements.acknowledge(tuning, 'SVC-CONFLICT', 'we know');
    Acknowledgements.acknowledge(chart, 'NP001', 'left over from an older chart');
    const findings = TuningReport.of(chart).check();
    const errors = findings.filter((f) => f.severity === FindingSeverity.ERROR);
    expect(errors.map((e) => [e.ruleId, e.acknowledgement])).toEqual([['SVC-CONFLICT', undefined]]);
    expect(() => Testing.synth(chart)).toThrow(/\[SVC-CONFLICT\]/);
    expect(TuningReport.of(chart).acknowledgements.map((a) => `${a.ruleId} ${a.warnings}`)).toEqual(['NP001 0', 'SVC-CONFLICT 0']);
    expect(TuningReport.of(chart).toMarkdown()).toContain('Acknowledgements that matched no warning (the warning is gone, or the rule id or construct is wrong):\n\n- **NP001** on `test`: left over from an older chart');
  });

  test('every finding is construct metadata on its construct, once however often the app is synthesized', () => {
    const chart = Testing.chart();
    const tuning = fewEndpoints(chart, 'web');
    Testing.synth(chart);
    Testing.synth(chart);
    const entries = tuning.node.metadata.filter((m) => m.type === 'cdk8s-network-tuning:warning');
    expect(entries.map((m) => m.data.ruleId)).toEqual(['SVC-HINTS-FEW-ENDPOINTS']);
    // the default version (1.36) routes by trafficDistribution: PreferSameZone, so the fix is about that field
    expect(entries[0].data.fix).toMatch(/^run at least one replica per zone \(topology spread constraints\), or drop trafficDistribution$/);
  });

  test('bad input names the argument, the value and the rule (from any language)', () => {
    const chart = Testing.chart();
    expect(() => Acknowledgements.acknowledge(chart, 'svc-hints', 'why')).toThrow(
      "[Acknowledgements.acknowledge] 'ruleId' (svc-hints) must be a rule id: upper-case letters and digits in words joined by hyphens (for example NP001 or SVC-HINTS-FEW-ENDPOINTS)");
    expect(() => Acknowledgements.acknowledge(chart, 'NP001', '  ')).toThrow(
      "[Acknowledgements.acknowledge] 'reason' (\"  \") must say why the warning is accepted (it is listed in the report)");
    expect(() => Acknowledgements.acknowledge({} as any, 'NP001', 'why')).toThrow(/\[Acknowledgements\.acknowledge\] 'scope' .*must be a construct/);
    expect(() => Acknowledgements.acknowledge(chart, undefined as any, 'why')).toThrow(/'ruleId' is required/);
  });
});

import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AllowPolicy, DefaultDenyPolicy, FindingSeverity, NodeLocalDns, PolicyLint, PolicyPeer, ScaleTier, TuningReport } from '../../src';

const np = (name: string, spec: any, namespace = 'prod') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
const ids = (manifests: any[], options = {}) => PolicyLint.lint(manifests, options).map((f) => `${f.ruleId} ${f.policy}`);

describe('PolicyLint rules', () => {
  test('NP001: too many policies select the same pods (tier threshold)', () => {
    const policies = Array.from({ length: 6 }, (_, i) => np(`p${i}`, { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [] }));
    expect(ids(policies, { tier: ScaleTier.LARGE })).toEqual(['NP001 prod/p0']);
    expect(ids(policies, { tier: ScaleTier.SMALL })).toEqual([]);
    // policies for all pods count for every selector
    const mixed = [...policies.slice(0, 3), ...Array.from({ length: 3 }, (_, i) => np(`all${i}`, { podSelector: {}, policyTypes: ['Ingress'] }))];
    expect(ids(mixed, { tier: ScaleTier.LARGE })).toEqual(['NP001 prod/p0']);
  });

  test('NP002: ipBlock on pod or Service addresses; external and NodeLocal DNS addresses are fine', () => {
    const spec = (cidr: string) => ({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr } }], ports: [{ port: 53, protocol: 'UDP' }] }] });
    const findings = PolicyLint.lint([np('pods', spec('10.244.3.0/24')), np('svc', spec('10.96.5.0/24')), np('ext', spec('203.0.113.0/24')), np('nld', spec('169.254.20.10/32'))],
      { nodeLocalDnsIps: ['169.254.20.10'] }).filter((f) => f.ruleId === 'NP002');
    expect(findings.map((f) => f.policy)).toEqual(['prod/pods', 'prod/svc']);
    expect(findings[0].message).toBe('egress ipBlock 10.244.3.0/24 lies in the Pod CIDR 10.244.0.0/16: pod IPs change, and every address becomes a rule');
    expect(findings[1].message).toMatch(/Service IPs are rewritten to pod IPs before policies see them, so it never matches/);
  });

  test('NP003: port ranges; NP004: ports without protocol', () => {
    const f = ids([np('range', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 8000, endPort: 8100, protocol: 'TCP' }] }] }),
      np('proto', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 53 }] }] })]);
    expect(f).toEqual(['NP003 prod/range', 'NP004 prod/proto']);
  });

  test('NP005: policyTypes missing', () => {
    expect(ids([np('implicit', { podSelector: {}, ingress: [{}] })])).toEqual(['NP005 prod/implicit']);
  });

  test('NP006: egress restricted without DNS is an error; an allowance for all pods (UDP 53 to kube-dns) clears it', () => {
    const deny = np('deny', { podSelector: {}, policyTypes: ['Egress'] });
    const findings = PolicyLint.lint([deny]);
    expect(findings).toEqual([expect.objectContaining({ ruleId: 'NP006', severity: FindingSeverity.ERROR, policy: 'prod/deny' })]);
    const kubeDns = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };
    const dns = np('dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [kubeDns], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] }] });
    expect(ids([deny, dns])).toEqual([]);
    // TCP only is not enough; an allowance in another namespace does not count; a narrower selector does not cover all pods
    const tcpOnly = np('dns', { ...dns.spec, egress: [{ to: [kubeDns], ports: [{ port: 53, protocol: 'TCP' }] }] });
    expect(ids([deny, tcpOnly]).filter((x) => x.startsWith('NP006'))).toEqual(['NP006 prod/deny', 'NP006 prod/dns']);
    expect(ids([deny, np('dns', dns.spec, 'other')]).filter((x) => x.startsWith('NP006'))).toEqual(['NP006 prod/deny']);
    // two separate peers (all of kube-system OR kube-dns pods here) still reach DNS, but a podSelector alone stays in 'prod'
    const podOnly = np('dns', { ...dns.spec, egress: [{ to: [{ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }] }] });
    expect(ids([deny, podOnly]).filter((x) => x.startsWith('NP006'))).toContain('NP006 prod/deny');
  });

  test('manifests changed between two lint calls are linted as they are now (no state kept across calls)', () => {
    const deny = np('deny', { podSelector: {}, policyTypes: ['Egress'] });
    const dns = np('dns', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] });
    // the DNS allowance covers only app=web pods: the deny's pods stay without DNS
    expect(ids([deny, dns]).filter((x) => x.startsWith('NP006'))).toEqual(['NP006 prod/deny']);
    // the same selector object, now empty: the allowance covers every pod
    delete dns.spec.podSelector.matchLabels;
    expect(ids([deny, dns]).filter((x) => x.startsWith('NP006'))).toEqual([]);
    // the same rule object, now TCP only
    dns.spec.egress[0].ports[0].protocol = 'TCP';
    expect(ids([deny, dns]).filter((x) => x.startsWith('NP006'))).toEqual(['NP006 prod/deny', 'NP006 prod/dns']);
  });

  test('every rule has an id, a severity, a description and a fix', () => {
    const rules = PolicyLint.rules();
    expect(rules.map((r) => r.id)).toEqual(['NP001', 'NP002', 'NP003', 'NP004', 'NP005', 'NP006']);
    for (const r of rules) {
      expect(r.description.length).toBeGreaterThan(10);
      expect(r.fix.length).toBeGreaterThan(10);
    }
    expect(rules.find((r) => r.id === 'NP006')!.severity).toBe(FindingSeverity.ERROR);
  });
});

describe('PolicyLint in an app', () => {
  test('lints raw, cdk8s-plus and library policies; warnings are reported, the report is readable', () => {
    const chart = Testing.chart();
    new DefaultDenyPolicy(chart, 'Deny', { namespaces: ['prod'] });
    new AllowPolicy(chart, 'Allow', { name: 'allow-web', policyNamespace: 'prod', podLabels: { app: 'web' }, ingress: [{ peers: [PolicyPeer.pods({ role: 'lb' })], ports: [kplus.NetworkPolicyPort.tcpRange(8000, 8080)] }] });
    new ApiObject(chart, 'raw', np('raw', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 9090 }] }] }));
    const lint = new PolicyLint(chart, 'Lint');
    Testing.synth(chart);
    expect(lint.findings().map((f) => `${f.ruleId} ${f.policy}`)).toEqual(['NP003 prod/allow-web', 'NP004 prod/raw', 'NP005 prod/raw']);
    expect(TuningReport.of(chart).warnings.filter((w) => w.ruleId.startsWith('NP')).map((w) => w.ruleId)).toEqual(['NP003', 'NP004', 'NP005']);
    const report = lint.report();
    expect(report.split('\n')[0]).toBe('NetworkPolicy lint: 0 error(s), 3 warning(s)');
    expect(report).toContain('WARNING NP004 prod/raw\n  ingress port 9090 has no protocol, so only TCP is allowed\n  fix: state the protocol of every port');
  });

  test('a namespace under default deny without DNS is reported once, at the hop that fails (DEFAULT-DENY-DNS), not again as NP006', () => {
    const chart = Testing.chart();
    new DefaultDenyPolicy(chart, 'Deny', { namespaces: ['prod'], allowDns: false });
    // a policy for some pods only: the namespace trace does not cover it, NP006 does
    new ApiObject(chart, 'web', np('web-egress', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 443, protocol: 'TCP' }] }] }));
    new PolicyLint(chart, 'Lint', { failOnErrors: false });
    const findings = TuningReport.of(chart).check();
    const dns = findings.filter((f) => f.ruleId === 'DEFAULT-DENY-DNS' || f.ruleId === 'NP006').map((f) => `${f.ruleId} ${f.path} ${f.message.split(':')[0]}`).sort();
    expect(dns).toEqual([
      'DEFAULT-DENY-DNS test/Deny pods in prod cannot resolve names',
      'NP006 test/Lint prod/web-egress',
    ]);
  });

  test('the library\'s DNS allowance with NodeLocal DNS passes NP002 and NP006', () => {
    const chart = Testing.chart();
    new NodeLocalDns(chart, 'NodeLocalDns');
    new DefaultDenyPolicy(chart, 'Deny', { namespaces: ['prod', 'shop'] });
    const lint = new PolicyLint(chart, 'Lint');
    Testing.synth(chart);
    expect(lint.findings()).toEqual([]);
    expect(lint.report()).toBe('NetworkPolicy lint: no findings.\n');
  });

  test('errors fail synthesis unless failOnErrors is false', () => {
    const build = (failOnErrors?: boolean) => {
      const chart = Testing.chart();
      new ApiObject(chart, 'deny', np('deny', { podSelector: {}, policyTypes: ['Egress'] }));
      new PolicyLint(chart, 'Lint', { failOnErrors });
      return chart;
    };
    expect(() => Testing.synth(build())).toThrow('[test/Lint] prod/deny: restricts egress, and no policy in \'prod\' allows UDP 53 to kube-dns for its pods: they cannot resolve names [NP006]');
    const lenient = build(false);
    expect(() => Testing.synth(lenient)).not.toThrow();
    expect(TuningReport.of(lenient).warnings.map((w) => w.ruleId)).toEqual(['NP006']);
  });

  test('appliesTo limits the scope to one chart', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    new ApiObject(a, 'deny', np('deny', { podSelector: {}, policyTypes: ['Egress'] }));
    new ApiObject(b, 'ok', np('ok', { podSelector: {}, policyTypes: ['Ingress'] }));
    const lint = new PolicyLint(b, 'Lint', { appliesTo: b });
    expect(lint.findings()).toEqual([]);
  });
});

describe('PolicyLint.lint over manifests from outside an app', () => {
  test('a NetworkPolicy without metadata is linted as default/(unnamed), not a crash; other kinds are ignored', () => {
    const findings = PolicyLint.lint([
      { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
    ]);
    expect(findings.length).toBeGreaterThan(0);
    expect(new Set(findings.map((f) => f.policy))).toEqual(new Set(['default/(unnamed)']));
  });
});

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLUSTERS, writeCluster } from '../../examples/clusters';
import { main } from '../../src/cli/_main';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'audit-'));

function run(args: string[], stdin = '') {
  let stdout = '';
  let stderr = '';
  const status = main(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, stdin: () => stdin });
  return { status, stdout, stderr };
}

const manifest = (docs: object[]) => docs.map((d) => JSON.stringify(d)).join('\n---\n');
const policy = (name: string, spec: object) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'shop' }, spec });
const DENY_EGRESS = policy('deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
const corefile = (text: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: text } });

describe('audit', () => {
  test('the library\'s own example output passes: each cluster audited alone, no finding', () => {
    const dir = tmp();
    for (const [name, build] of Object.entries(CLUSTERS)) {
      writeCluster(build, path.join(dir, name));
      // the large cluster's profile states what no manifest holds: its nodes share an L2 segment
      const r = run(['audit', path.join(dir, name), '--format', 'json', ...(name === 'large' ? ['--nodes-share-l2-segment'] : [])]);
      const result = JSON.parse(r.stdout);
      expect({ name, status: r.status, findings: result.findings }).toEqual({ name, status: 0, findings: [] });
      expect(result.objects).toBeGreaterThan(20);
      // each example resembles the tier it was built for, and deviates from none of its values
      if (name !== 'custom') expect({ name, resembles: result.tiers.resembles, deviations: result.tiers.deviations }).toEqual({ name, resembles: name, deviations: [] });
    }
  });

  test('a planted policy fault is named with its rule, object, file and line; exit 1', () => {
    const file = path.join(tmp(), 'policies.yaml');
    fs.writeFileSync(file, manifest([policy('web', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] }), DENY_EGRESS]));
    const r = run(['audit', file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`ERROR NP006 NetworkPolicy/shop/deny-egress (${file}:3)`);
    expect(r.stdout).toMatch(/\n\d+ objects, 1 errors, \d+ warnings\n$/);
  });

  test('a Corefile CoreDNS would refuse is an error on the coredns ConfigMap, with the Corefile line', () => {
    const r = run(['audit', '-', '--format', 'json'], manifest([corefile('.:53 {\n    errors\n}\n.:53 {\n    errors\n}\n')]));
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).findings).toEqual([expect.objectContaining({
      ruleId: 'COREDNS-COREFILE',
      object: 'ConfigMap/kube-system/coredns',
      file: '(stdin)',
      line: 1,
      message: "data.Corefile: line 4: 'zones' (.:53) is already served by another server block",
    })]);
    expect(run(['audit', '-'], manifest([corefile('.:53 {\n    errors\n    forward . /etc/resolv.conf\n}\n')])).status).toBe(0);
  });

  test('kinds the library tunes but this audit does not check yet are named, never skipped silently', () => {
    const monitor = { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'coredns', namespace: 'monitoring' }, spec: {} };
    const r = run(['audit', '-', '--format', 'json'], manifest([monitor, { apiVersion: 'v1', kind: 'List', items: [DENY_EGRESS] }]));
    expect(JSON.parse(r.stdout)).toMatchObject({ notAudited: ['ServiceMonitor/monitoring/coredns'], objects: 2 });
    expect(run(['audit', '-'], manifest([monitor])).stdout).toContain('not audited yet: ServiceMonitor/monitoring/coredns');
  });

  test('--fail-on warning fails on warnings too; markdown lists every finding', () => {
    // an ipBlock for the Pod CIDR where a selector would do: a warning (NP002)
    const text = manifest([policy('cidr', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '10.244.0.0/16' } }] }] })]);
    const warned = run(['audit', '-', '--format', 'json'], text);
    const ids = JSON.parse(warned.stdout).findings.map((f: any) => `${f.severity} ${f.ruleId}`);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.every((i: string) => i.startsWith('warning'))).toBe(true);
    expect(warned.status).toBe(0);
    expect(run(['audit', '-', '--fail-on', 'warning'], text).status).toBe(1);
    const md = run(['audit', '-', '--format', 'markdown'], text).stdout;
    expect(md.split('\n').filter((l) => l.startsWith('| warning |'))).toHaveLength(ids.length);
  });

  test.each([
    [['audit'], "'paths' are required: files or folders of manifests, or - for stdin"],
    [['audit', '/nonexistent'], "'path' (/nonexistent) does not exist"],
    [['audit', '-', '--format', 'html'], "'--format' (html) must be one of: text, markdown, json, sarif"],
    [['audit', '-', '--nodes', '0'], "'--nodes' (0) must be a whole number >= 1"],
    [['audit', '-', '--cpu-cores-per-node', '2.5'], "'--cpu-cores-per-node' (2.5) must be a whole number >= 1"],
  ])('bad usage exits 2: %j', (args, message) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });

  test('colour only on a terminal (the bin passes process.stdout.isTTY)', () => {
    const text = manifest([DENY_EGRESS]);
    const io = (isTty: boolean) => {
      let stdout = '';
      const status = main(['audit', '-'], { stdout: (t) => { stdout += t; }, stderr: () => undefined, stdin: () => text, isTty });
      return { status, stdout };
    };
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/;
    expect(io(false)).toEqual({ status: 1, stdout: expect.not.stringMatching(ansi) });
    expect(io(true).stdout).toMatch(ansi);
    expect(fs.readFileSync(path.join(__dirname, '..', '..', 'bin', 'cdk8s-network-tuning'), 'utf8')).toContain('isTty: process.stdout.isTTY === true');
  });
});

/*
 * Prometheus's own tooling over the emitted rules: `promtool check rules` on every
 * variant, and `promtool test rules` on the unit tests in this folder (each alert
 * firing on broken series and silent on healthy ones). .ci/run installs promtool
 * (Debian's prometheus package) and sets REQUIRE_PROMTOOL=1; without promtool on a
 * developer machine these tests are skipped, never passed.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ruleFiles, VARIANTS } from './variants';

function hasPromtool(): boolean {
  return spawnSync('promtool', ['--version']).status === 0;
}

const available = hasPromtool();
if (!available && process.env.REQUIRE_PROMTOOL) {
  throw new Error('REQUIRE_PROMTOOL is set but promtool is not on PATH (apt-get install prometheus)');
}
const maybe = available ? describe : describe.skip;

const UNIT_TESTS = fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.yaml')).sort();

maybe('promtool', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'network-alerts-'));
    for (const [name, text] of Object.entries(ruleFiles())) fs.writeFileSync(path.join(dir, name), text);
    for (const f of UNIT_TESTS) fs.copyFileSync(path.join(__dirname, f), path.join(dir, f));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test.each(Object.keys(VARIANTS))('promtool check rules: %s', (name) => {
    const out = execFileSync('promtool', ['check', 'rules', path.join(dir, `${name}.yaml`)], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });

  test('every variant has a unit test file', () => {
    expect(UNIT_TESTS).toEqual(Object.keys(VARIANTS).map((n) => `${n}.test.yaml`).sort());
  });

  test.each(UNIT_TESTS)('promtool test rules: %s', (file) => {
    const run = spawnSync('promtool', ['test', 'rules', file], { cwd: dir, encoding: 'utf8' });
    expect({ status: run.status, output: run.stdout + run.stderr }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  test('every alert of small-iptables is tested firing and silent', () => {
    const rules = fs.readFileSync(path.join(dir, 'small-iptables.yaml'), 'utf8');
    const tests = fs.readFileSync(path.join(__dirname, 'small-iptables.test.yaml'), 'utf8');
    const alerts = [...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    expect(alerts.length).toBeGreaterThan(10);
    const [broken, healthy] = tests.split('- name: healthy cluster');
    for (const a of alerts) {
      expect({ a, firing: new RegExp(`alertname: ${a}\\s+exp_alerts:\\s+- exp_labels`).test(broken) }).toEqual({ a, firing: true });
      expect({ a, silent: healthy.includes(`alertname: ${a}, exp_alerts: [] }`) }).toEqual({ a, silent: true });
    }
  });

  test('the unit tests can fail: a wrong expectation is reported', () => {
    const broken = fs.readFileSync(path.join(dir, 'medium-nftables.test.yaml'), 'utf8').replace('instance: n1 }', 'instance: n2 }');
    fs.writeFileSync(path.join(dir, 'wrong.test.yaml'), broken);
    const run = spawnSync('promtool', ['test', 'rules', 'wrong.test.yaml'], { cwd: dir, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stdout + run.stderr).toContain('KubeProxyNftablesSyncFailing');
  });
});

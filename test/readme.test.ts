import * as fs from 'fs';
import * as path from 'path';
import { renderSections, SECTIONS } from '../scripts/readme-tables';
import { CROSS_COMPONENT_RULES } from '../src/rules/_all';

const read = (file: string) => fs.readFileSync(path.join(__dirname, '..', file), 'utf8');

describe.each(['README.md', 'README.zh-CN.md'])('%s', (file) => {
  test('generated tables match the code (run `npx projen readme` to refresh)', () => {
    const doc = read(file);
    expect(renderSections(doc, file)).toBe(doc);
  });

  test('every generated section is present and not empty', () => {
    const doc = read(file);
    for (const name of Object.keys(SECTIONS)) {
      const body = doc.split(`<!-- BEGIN ${name} -->`)[1]?.split(`<!-- END ${name} -->`)[0] ?? '';
      expect(body.trim().split('\n').length).toBeGreaterThan(2);
    }
  });

  test('gives the same main-job and test commands as the English README', () => {
    const english = read('README.md');
    const command = (marker: string) => english.split(`<!-- ${marker} -->`)[1].split('```')[1].replace(/^sh\n/, '').trim();
    expect(command('main-job-command')).toBe('npm ci && npm run example');
    expect(command('test-command')).toBe('npm ci && npm test');
    const doc = read(file);
    expect(doc).toContain('```sh\nnpm ci && npm run example\n```');
    expect(doc).toContain('```sh\nnpm ci && npm test\n```');
  });
});

test('the tier table lists every setting with its values', () => {
  const table = SECTIONS['tier-table']('en');
  expect(table).toContain('| `kubeProxy.mode` | `iptables` | `iptables` | `ipvs` |');
  expect(table).toContain('| `coreDns.cacheTtlSeconds` | `300` | `300` | `600` |');
});

test('the compatibility matrix has a row per feature and a column per version', () => {
  const lines = SECTIONS['compatibility-matrix']('en').split('\n');
  expect(lines[0]).toBe('| Feature | 1.28 | 1.29 | 1.30 | 1.31 | 1.32 | 1.33 | 1.34 | 1.35 | 1.36 | 1.37 |');
  expect(lines).toContain('| kube-proxy nftables mode | refused | opt-in | opt-in | opt-in | opt-in | allowed | allowed | allowed | allowed | allowed |');
  expect(lines).toContain('| kube-proxy ipvs mode | allowed | allowed | allowed | allowed | allowed | allowed | allowed | warned | warned | warned |');
});

test('the alert table lists every alert with its thresholds per tier, in each README\'s language', () => {
  const en = SECTIONS['alert-table']('en');
  const zh = SECTIONS['alert-table']('zh');
  expect(en.split('\n')).toHaveLength(2 + 24);
  expect(en).toContain('| KubeProxySyncSlow (guide) | kube-proxy |');
  expect(en).toContain('p99 > 1s, for 10m (every tier)');
  expect(en).toContain('small: usage > 80%, for 5m<br>medium: usage > 80%, for 5m<br>large: usage > 75%, for 5m');
  expect(zh).toContain('| kube-proxy 规则同步过慢 |');
});

test('every cross-component rule is listed in both READMEs', () => {
  for (const file of ['README.md', 'README.zh-CN.md']) {
    const doc = read(file);
    expect({ file, missing: CROSS_COMPONENT_RULES.map((r) => r.id).filter((id) => !doc.includes(`| \`${id}\` |`)) }).toEqual({ file, missing: [] });
  }
});

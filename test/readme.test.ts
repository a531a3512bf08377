import * as fs from 'fs';
import * as path from 'path';
import { renderSections, SECTIONS, sectionsIn } from '../scripts/readme-tables';
import { documents } from '../scripts/update-readme';
import { CROSS_COMPONENT_RULES } from '../src/rules/_all';

const root = path.join(__dirname, '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const isZh = (file: string) => file.includes('zh-CN');

describe.each(documents())('%s', (file) => {
  test('generated tables match the code (run `npx projen readme` to refresh)', () => {
    const doc = read(file);
    expect(renderSections(doc, file)).toBe(doc);
  });

  test('every relative link reaches a file, and every #anchor a heading there', () => {
    const doc = read(file);
    const broken: string[] = [];
    for (const m of doc.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/.test(target)) continue;
      const [rel, anchor] = target.split('#');
      const full = rel ? path.join(path.dirname(path.join(root, file)), rel) : path.join(root, file);
      if (!fs.existsSync(full)) {
        broken.push(target);
        continue;
      }
      if (anchor && full.endsWith('.md') && !anchorsOf(fs.readFileSync(full, 'utf8')).has(anchor)) broken.push(target);
    }
    expect(broken).toEqual([]);
  });
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as dashes. */
function anchorsOf(doc: string): Set<string> {
  const out = new Set<string>();
  let fence = false;
  for (const line of doc.split('\n')) {
    if (line.startsWith('```')) fence = !fence;
    const m = !fence && /^#+ (.*)$/.exec(line);
    if (m) out.add(m[1].trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-'));
    for (const a of line.matchAll(/<a id="([^"]+)"><\/a>/g)) out.add(a[1]);
  }
  return out;
}

test.each(['en', 'zh'])('every generated table appears once in the %s docs', (lang) => {
  const docs = documents().filter((f) => (lang === 'zh') === isZh(f));
  for (const name of Object.keys(SECTIONS)) {
    const holders = docs.filter((f) => sectionsIn(read(f)).includes(name));
    expect({ name, holders: holders.length }).toEqual({ name, holders: 1 });
  }
});

test.each(['en', 'zh'])('every construct has an option table in the %s docs, from its Options (or Props) struct', (lang) => {
  const tables = documents().filter((f) => (lang === 'zh') === isZh(f)).flatMap((f) => sectionsIn(read(f)));
  const constructs = ['NetworkTuning', 'TunedKubeProxy', 'SysctlTuner', 'PodSysctlTuning', 'TunedCoreDns', 'NodeLocalDns', 'PodDnsTuning',
    'DefaultDenyPolicy', 'AllowPolicy', 'PolicyLint', 'ServiceTuning', 'CalicoTuning', 'CiliumTuning', 'FlannelTuning', 'NetworkAlerts', 'ClusterProfile'];
  const missing = constructs.filter((c) => !tables.includes(`options:${c}Options`) && !tables.includes(`options:${c}Props`));
  expect(missing).toEqual([]);
});

describe.each(['README.md', 'README.zh-CN.md'])('%s', (file) => {
  test('gives the same main-job and test commands as the English README', () => {
    const english = read('README.md');
    const command = (marker: string) => english.split(`<!-- ${marker} -->`)[1].split('```')[1].replace(/^sh\n/, '').trim();
    expect(command('main-job-command')).toBe('npm ci && npm run example');
    expect(command('test-command')).toBe('npm ci && npm test');
    const doc = read(file);
    expect(doc).toContain('```sh\nnpm ci && npm run example\n```');
    expect(doc).toContain('```sh\nnpm ci && npm test\n```');
  });

  test('links every docs page of its language', () => {
    const doc = read(file);
    const pages = documents().filter((f) => f.startsWith('docs/') && isZh(f) === isZh(file) && !f.endsWith('benchmarks.md'));
    expect(pages.filter((p) => !doc.includes(`](${p})`))).toEqual([]);
  });

  test('keeps the guide-fidelity table', () => {
    expect(read(file)).toMatch(/\n\| (Guide|指南) \| /);
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

test('the alert table lists every alert with its thresholds per tier, in each language', () => {
  const en = SECTIONS['alert-table']('en');
  const zh = SECTIONS['alert-table']('zh');
  expect(en.split('\n')).toHaveLength(2 + 24);
  expect(en).toContain('| KubeProxySyncSlow (guide) | kube-proxy |');
  expect(en).toContain('p99 > 1s, for 10m (every tier)');
  expect(en).toContain('small: usage > 80%, for 5m<br>medium: usage > 80%, for 5m<br>large: usage > 75%, for 5m');
  expect(zh).toContain('| kube-proxy 规则同步过慢 |');
});

test('every cross-component rule is listed in the rules page of each language', () => {
  for (const file of ['docs/rules.md', 'docs/zh-CN/rules.md']) {
    const doc = read(file);
    expect({ file, missing: CROSS_COMPONENT_RULES.map((r) => r.id).filter((id) => !doc.includes(`| \`${id}\` |`)) }).toEqual({ file, missing: [] });
  }
});

test('option tables show each property\'s type and default, from the source', () => {
  const doc = read('docs/kube-proxy.md');
  expect(doc).toContain("| `deployDaemonSet` | `boolean` | false (only the ConfigMap, for a kubeadm cluster's existing kube-proxy) |");
  expect(doc).toContain('| `resources` | `kplus.ContainerResources` | the tier\'s requests and memory limit, no CPU limit (as kubeadm) |');
});

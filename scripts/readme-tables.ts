/**
 * Markdown tables rendered from the library's own data, kept in the READMEs and the docs pages
 * (docs/, docs/zh-CN/) between `<!-- BEGIN name -->` / `<!-- END name -->` markers.
 * `npx projen readme` rewrites them; test/readme.test.ts fails when they are stale.
 */
import * as path from 'path';
import {
  AlertLanguage, Compatibility, DnsLookupCost, FeatureSupport, KubernetesFeature, KubernetesVersion, NetworkAlerts, PolicyLint, ScaleTier,
  SysctlCatalogue, TierTable,
} from '../src';
import { optionTable } from './option-tables';
import { audit, readManifests } from '../src/cli/_audit';
import { renderAudit } from '../src/cli/_audit-report';
import { CRD_SOURCES } from '../src/core/_prerequisites';
import { BAD_INPUTS } from '../test/bad-inputs/catalogue';

const esc = (s: string) => s.replace(/\|/g, '\\|');

/** Every tier setting: value per tier and the reason (the large tier's, where they differ). */
export function tierTable(): string {
  const tiers = [ScaleTier.SMALL, ScaleTier.MEDIUM, ScaleTier.LARGE];
  const rows = TierTable.settings().map((setting) => {
    const values = tiers.map((t) => `\`${TierTable.value(t, setting)}\``);
    const reasons = [...new Set(tiers.map((t) => TierTable.reason(t, setting)))];
    return `| \`${esc(setting)}\` | ${values.join(' | ')} | ${esc(reasons.join(' / '))} |`;
  });
  return ['| Setting | small | medium | large | Why |', '|---|---|---|---|---|', ...rows].join('\n');
}

const SYMBOL: Record<FeatureSupport, string> = {
  [FeatureSupport.UNAVAILABLE]: 'refused',
  [FeatureSupport.OPT_IN]: 'opt-in',
  [FeatureSupport.AVAILABLE]: 'allowed',
  [FeatureSupport.DEPRECATED]: 'warned',
};

/** Feature × Kubernetes version: allowed, opt-in, warned or refused. */
export function compatibilityMatrix(): string {
  const versions = KubernetesVersion.all();
  const header = `| Feature | ${versions.map((v) => v.version).join(' | ')} |`;
  const sep = `|---|${versions.map(() => '---').join('|')}|`;
  const rows = Object.values(KubernetesFeature).map((f) => {
    const cells = versions.map((v) => SYMBOL[Compatibility.support(f, v)]);
    return `| ${esc(Compatibility.describe(f, KubernetesVersion.NEWEST).title)} | ${cells.join(' | ')} |`;
  });
  return [header, sep, ...rows].join('\n');
}

/** The sysctl catalogue: scope and the version from which pods may set each key. */
export function sysctlCatalogue(): string {
  const rows = SysctlCatalogue.keys().map((key) => {
    const info = SysctlCatalogue.lookup(key)!;
    return `| \`${key}\` | ${info.scope} | ${info.podSafeSince ?? 'never (unsafe)'} | ${esc(info.description)} |`;
  });
  return ['| Key | Scope | Safe for pods from | What it does |', '|---|---|---|---|', ...rows].join('\n');
}

/** Queries per lookup (A + AAAA) for typical names at ndots 5 (Kubernetes' default), 2 (the guide's) and 1. */
export function ndotsTable(): string {
  const names: Array<[string, string]> = [
    ['my-svc', 'a Service in the pod\'s namespace'],
    ['my-svc.other-ns', 'a Service in another namespace'],
    ['my-svc.other-ns.svc.cluster.local', 'a Service, fully qualified without the dot'],
    ['api.example.com', 'an external name'],
    ['api.example.com.', 'an external name with a trailing dot'],
  ];
  const ndots = [5, 2, 1];
  const rows = names.map(([name, what]) => {
    const cells = ndots.map((n) => {
      const e = DnsLookupCost.estimate({ name, ndots: n });
      return `${e.queries}${e.answeredBy ? '' : ' (fails)'}`;
    });
    return `| \`${name}\` | ${what} | ${cells.join(' | ')} |`;
  });
  return ['| Name looked up | What it is | ndots 5 | ndots 2 | ndots 1 |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** The NetworkPolicy lint rules. */
export function lintRules(): string {
  const rows = PolicyLint.rules().map((r) => `| ${r.id} | ${r.severity} | ${esc(r.description)} | ${esc(r.fix)} |`);
  return ['| Rule | Severity | Finds | Fix |', '|---|---|---|---|', ...rows].join('\n');
}

/** Every alert NetworkAlerts can emit: expression, threshold and `for` per tier, meaning (in the README's language). */
export function alertTable(lang: 'en' | 'zh'): string {
  const tiers = [ScaleTier.SMALL, ScaleTier.MEDIUM, ScaleTier.LARGE];
  const language = lang === 'zh' ? AlertLanguage.CHINESE : AlertLanguage.ENGLISH;
  const perTier = tiers.map((t) => NetworkAlerts.catalogue(t, language, KubernetesVersion.V1_29));
  const rows = perTier[0].map((a, i) => {
    const cells = perTier.map((c) => `${esc(c[i].threshold)}, for ${c[i].forDuration}`);
    const same = cells.every((c) => c === cells[0]);
    const modes = a.kubeProxyModes ? ` (${a.kubeProxyModes.join(', ')})` : '';
    const name = `${a.alert}${a.fromGuide ? (lang === 'zh' ? '（指南）' : ' (guide)') : ''}`;
    const thresholds = same ? `${cells[0]} (${lang === 'zh' ? '各规模相同' : 'every tier'})` : tiers.map((t, k) => `${t}: ${cells[k]}`).join('<br>');
    return `| ${name} | ${a.component}${modes} | \`${esc(a.expr)}\` | ${thresholds} | ${esc(a.summary)} |`;
  });
  const header = lang === 'zh' ? '| 告警 | 组件 | 表达式（small 规模，CoreDNS 1.11+） | 阈值与持续时间 | 含义 |' : '| Alert | Component | Expression (small tier, CoreDNS 1.11+) | Threshold and `for` | Meaning |';
  return [header, '|---|---|---|---|---|', ...rows].join('\n');
}

const DEFAULT_CATEGORY = 'values and rules';
const CATEGORY_ZH: Record<string, string> = {
  'values and rules': '取值与规则',
  'types at runtime': '运行时类型',
  'numbers the consumer parses': '使用方解析的数值',
  'syntax the consumer parses': '使用方解析的语法',
  'equivalence, not text': '按等价而非文本比较',
  'addresses and ports that collide': '地址与端口冲突',
  'dangerous scopes': '危险的作用范围',
  'map keys': '映射键',
  'messages': '报错信息本身',
};

/** The bad-input catalogue: what was given and the exact message (test/bad-inputs/catalogue.ts). */
export function badInputs(lang: 'en' | 'zh'): string {
  const header = lang === 'zh' ? '| 构造 | 类别 | 输入 | 报错（原文） |' : '| Construct | Kind | Input | Message (exact) |';
  const code = (m: string) => `\`${esc(m).replace(/\n/g, '` `')}\``;
  const category = (c: string | undefined) => (lang === 'zh' ? CATEGORY_ZH[c ?? DEFAULT_CATEGORY] : c ?? DEFAULT_CATEGORY);
  const rows = BAD_INPUTS.map((b, i) => `| ${i + 1}. ${esc(b.target)} | ${category(b.category)} | ${esc(b.input)} | ${code(b.message)} |`);
  return [header, '|---|---|---|---|', ...rows].join('\n');
}

const INSTALLED_BY_ZH: Record<string, string> = {
  'monitoring.coreos.com': 'Prometheus Operator（kube-prometheus-stack 会安装其 CRD）',
  'projectcalico.org': 'Calico：其 projectcalico.org/v3 CRD（3.32+），旧版本则需 Calico API server（crd.projectcalico.org/v1 是其存储，不供 kubectl 使用）',
  'operator.tigera.io': 'tigera-operator（其清单或 Helm chart 会安装该 CRD）',
  'cilium.io': 'Cilium 本身：它就是 CNI，须最先安装（用 helm/cilium-values.yaml 或 valuesYaml 执行 helm install；operator 启动时注册 CRD），之后由 HelmRelease 保持同步',
  'helm.toolkit.fluxcd.io': 'Flux（flux install 或 flux bootstrap）',
  'source.toolkit.fluxcd.io': 'Flux（flux install 或 flux bootstrap）',
};

/** The CRDs the library's output can need before it applies, and what installs them. */
export function prerequisiteTable(lang: 'en' | 'zh'): string {
  const rows = Object.entries(CRD_SOURCES).map(([group, src]) => {
    const by = lang === 'zh' ? INSTALLED_BY_ZH[group] : src.installedBy;
    if (by === undefined) throw new Error(`no Chinese text for CRD group ${group}`);
    return `| \`${group}\` | ${src.kinds.join(', ')} | ${esc(by)} |`;
  });
  const header = lang === 'zh' ? '| API 组 | 种类 | 由谁安装 |' : '| API group | Kinds | Installed by |';
  return [header, '|---|---|---|', ...rows].join('\n');
}

/** Every generated section, by marker name; each renders in the README's language. */
/**
 * What `cdk8s-network-tuning audit examples/audit/drifted-cluster` prints: a kubeadm cluster whose kube-proxy was
 * moved to IPVS while node-local-dns stayed wired for iptables, and a namespace whose policies block DNS.
 */
export function auditExample(): string {
  const root = path.join(__dirname, '..');
  const dir = path.join(root, 'examples', 'audit', 'drifted-cluster');
  // paths as a user in the repository's root types them
  const inputs = readManifests([dir], () => '').map((i) => ({ ...i, file: path.relative(root, i.file).split(path.sep).join('/') }));
  return ['```', '$ npx cdk8s-network-tuning audit examples/audit/drifted-cluster', renderAudit(audit(inputs), 'text', false).trimEnd(), '```'].join('\n');
}

export const SECTIONS: Record<string, (lang: 'en' | 'zh') => string> = {
  'audit-example': auditExample,
  'alert-table': alertTable,
  'bad-inputs': badInputs,
  'tier-table': tierTable,
  'compatibility-matrix': compatibilityMatrix,
  'sysctl-catalogue': sysctlCatalogue,
  'ndots-table': ndotsTable,
  'lint-rules': lintRules,
  'prerequisite-table': prerequisiteTable,
};

/** The generated sections a document holds: `<!-- BEGIN name -->` markers (options:Struct included). */
export function sectionsIn(doc: string): string[] {
  return [...doc.matchAll(/<!-- BEGIN ([\w:-]+) -->/g)].map((m) => m[1]);
}

function render(name: string, lang: 'en' | 'zh'): string {
  if (name.startsWith('options:')) return optionTable(name.slice('options:'.length), lang);
  const fn = SECTIONS[name];
  if (!fn) throw new Error(`unknown generated section ${name}`);
  return fn(lang);
}

/** Replaces each marked section of a document; throws when a marker has no END or names no section. */
export function renderSections(doc: string, file: string): string {
  let out = doc;
  for (const name of sectionsIn(doc)) {
    const begin = `<!-- BEGIN ${name} -->`;
    const end = `<!-- END ${name} -->`;
    const i = out.indexOf(begin);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`${file} has no ${end} after ${begin}`);
    out = `${out.slice(0, i + begin.length)}\n${render(name, file.includes('zh') ? 'zh' : 'en')}\n${out.slice(j)}`;
  }
  return out;
}

import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { ConfigErrors } from '../core/_errors';
import { ClusterProfile, Corefile, FindingSeverity, PolicyLint, ScaleTier } from '../index';

/*
 * `cdk8s-network-tuning audit`: the library's checks over manifests it did not write, as
 * `kubectl get -o yaml` or a GitOps repository holds them. One engine: NetworkPolicies go
 * through PolicyLint's rules, the CoreDNS Corefile through Corefile.parse (the syntax CoreDNS
 * reads). The other kinds the library tunes are listed as not audited yet.
 */

/** One audit finding, located in its file. */
export interface AuditFinding {
  readonly ruleId: string;
  readonly severity: FindingSeverity;
  /** kind/namespace/name */
  readonly object: string;
  readonly file: string;
  /** The line of the object's document in the file (1-based). */
  readonly line: number;
  readonly message: string;
  readonly fix: string;
}

export interface AuditInput {
  readonly file: string;
  readonly line: number;
  readonly object: Record<string, any>;
}

export interface AuditResult {
  readonly findings: AuditFinding[];
  /** Objects of kinds the library tunes that this audit does not check yet, by kind/namespace/name. */
  readonly notAudited: string[];
  readonly objects: number;
}

/** Every manifest under the paths (files, folders searched for .yaml/.yml/.json; '-' is stdin), List items unpacked. */
export function readManifests(paths: string[], stdin: () => string): AuditInput[] {
  const files: string[] = [];
  const errors = new ConfigErrors('cdk8s-network-tuning audit');
  const walk = (p: string) => {
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const e of fs.readdirSync(p).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
        const full = path.join(p, e);
        if (fs.statSync(full).isDirectory() || /\.(ya?ml|json)$/.test(e)) walk(full);
      }
    } else {
      files.push(p);
    }
  };
  for (const p of paths) {
    if (p === '-') files.push('-');
    else if (!fs.existsSync(p)) errors.add('path', p, 'does not exist');
    else walk(p);
  }
  if (errors.count > 0) throw new Error(errors.messages.join('\n'));
  const out: AuditInput[] = [];
  for (const file of files) {
    const text = file === '-' ? stdin() : fs.readFileSync(file, 'utf8');
    const name = file === '-' ? '(stdin)' : file;
    const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`[cdk8s-network-tuning audit] ${name}: not YAML: ${doc.errors[0].message.split('\n')[0]}`);
      const object = doc.toJSON();
      if (object === null || typeof object !== 'object') continue;
      const line = lineOf(doc.contents?.range?.[0] ?? 0);
      const items: unknown[] = object.kind === 'List' || (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) ? object.items : [object];
      for (const item of items) if (item && typeof item === 'object') out.push({ file: name, line, object: item as Record<string, any> });
    }
  }
  return out;
}

/** kind/namespace/name, or kind/name for objects without a namespace (cluster-scoped, or files such as KubeletConfiguration). */
const id = (o: Record<string, any>) => `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '(unnamed)'}`;

/** Kinds the library tunes whose audit is not written yet (they are named, never skipped silently). */
const NOT_YET = new Set(['DaemonSet/kube-system/kube-proxy', 'ConfigMap/kube-system/kube-proxy', 'DaemonSet/kube-system/node-local-dns',
  'ConfigMap/kube-system/node-local-dns', 'KubeletConfiguration', 'FelixConfiguration', 'IPPool', 'PrometheusRule']);

export function audit(inputs: AuditInput[], opts: { profile: ClusterProfile; tier: ScaleTier }): AuditResult {
  const findings: AuditFinding[] = [];
  const notAudited: string[] = [];
  const policies: AuditInput[] = [];
  for (const input of inputs) {
    const o = input.object;
    const key = id(o);
    if (o.kind === 'NetworkPolicy' && o.apiVersion === 'networking.k8s.io/v1') {
      policies.push(input);
    } else if (o.kind === 'ConfigMap' && key === 'ConfigMap/kube-system/coredns' && typeof o.data?.Corefile === 'string') {
      try {
        Corefile.parse(o.data.Corefile);
      } catch (e) {
        for (const line of (e as Error).message.split('\n')) {
          findings.push({
            ruleId: 'COREDNS-COREFILE',
            severity: FindingSeverity.ERROR,
            object: key,
            file: input.file,
            line: input.line,
            message: `data.Corefile: ${line.replace(/^\[Corefile\.parse\] /, '')}`,
            fix: 'fix the Corefile: CoreDNS refuses it at start (or it holds what this audit cannot read)',
          });
        }
      }
    } else if (NOT_YET.has(key) || NOT_YET.has(o.kind)) {
      notAudited.push(key);
    }
  }
  // one lint run over every policy: the rules compare policies of a namespace with each other
  const where = new Map(policies.map((p) => [`${p.object.metadata?.namespace ?? 'default'}/${p.object.metadata?.name ?? '(unnamed)'}`, p]));
  for (const f of PolicyLint.lint(policies.map((p) => p.object), { profile: opts.profile, tier: opts.tier })) {
    const at = where.get(f.policy);
    findings.push({
      ruleId: f.ruleId, severity: f.severity, object: `NetworkPolicy/${f.policy}`, file: at?.file ?? '', line: at?.line ?? 0, message: f.message, fix: f.fix,
    });
  }
  const order = (a: AuditFinding, b: AuditFinding) => (a.severity === b.severity ? 0 : a.severity === FindingSeverity.ERROR ? -1 : 1)
    || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line);
  return { findings: findings.sort(order), notAudited, objects: inputs.length };
}

/** The result for a terminal (colour only when asked), as Markdown, or as JSON. */
export function renderAudit(result: AuditResult, format: 'text' | 'markdown' | 'json', colour: boolean): string {
  if (format === 'json') return `${JSON.stringify(result, undefined, 2)}\n`;
  const errors = result.findings.filter((f) => f.severity === FindingSeverity.ERROR).length;
  const summary = `${result.objects} objects, ${errors} errors, ${result.findings.length - errors} warnings`;
  if (format === 'markdown') {
    const rows = result.findings.map((f) => `| ${f.severity} | \`${f.ruleId}\` | ${f.object} | ${f.file}:${f.line} | ${f.message.replace(/\|/g, '\\|')} | ${f.fix.replace(/\|/g, '\\|')} |`);
    return ['# Audit', '', summary, '', '| Severity | Rule | Object | Where | What | Fix |', '|---|---|---|---|---|---|', ...rows, '',
      ...(result.notAudited.length > 0 ? [`Not audited yet: ${result.notAudited.join(', ')}`, ''] : [])].join('\n');
  }
  const paint = (sev: FindingSeverity, s: string) => (colour ? `${sev === FindingSeverity.ERROR ? '\u001b[31m' : '\u001b[33m'}${s}\u001b[0m` : s);
  const lines = result.findings.map((f) => `${paint(f.severity, f.severity.toUpperCase())} ${f.ruleId} ${f.object} (${f.file}:${f.line})\n  ${f.message}\n  fix: ${f.fix}`);
  return [...lines, ...(result.notAudited.length > 0 ? [`not audited yet: ${result.notAudited.join(', ')}`] : []), summary, ''].join('\n');
}

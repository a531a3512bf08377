import * as fs from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';
import type { AuditFinding, AuditResult } from './_audit';
import { FindingSeverity } from '../core/report-types';

/*
 * An audit's result for people (a terminal, colour only when asked; Markdown for a pull request)
 * and for machines (JSON; SARIF 2.1.0 for code-scanning UIs, one result per finding at its file
 * and line).
 */

export type AuditFormat = 'text' | 'markdown' | 'json' | 'sarif';

const cell = (s: string) => s.replace(/\|/g, '\\|');

function summary(result: AuditResult): string {
  const errors = result.findings.filter((f) => f.severity === FindingSeverity.ERROR).length;
  return `${result.objects} objects, ${errors} errors, ${result.findings.length - errors} warnings`;
}

function tierLines(result: AuditResult): string[] {
  const t = result.tiers;
  const lines: string[] = [];
  if (t.compared === 0) return ['no tier-table settings were found in the manifests (no kube-proxy, CoreDNS, NodeLocal or CNI configuration)'];
  const matches = `${['small', 'medium', 'large'].map((k) => `${k} ${t.matches[k]}`).join(', ')} of ${t.distinguishing} settings the tiers differ in`;
  lines.push(t.resembles ? `resembles the ${t.resembles} tier (${matches})` : `resembles no tier (${matches})`);
  if (t.target) lines.push(`compared with the ${t.target} tier (${t.targetFrom}): ${t.deviations.length} of ${t.compared} settings deviate`);
  return lines;
}

export function renderAudit(result: AuditResult, format: AuditFormat, colour: boolean): string {
  if (format === 'json') return `${JSON.stringify(result, undefined, 2)}\n`;
  if (format === 'sarif') return `${JSON.stringify(sarif(result), undefined, 2)}\n`;
  const unknown = result.facts.filter((f) => f.unknown);
  if (format === 'markdown') {
    const rows = result.findings.map((f) => `| ${f.severity} | \`${f.ruleId}\` | ${f.object} | ${f.file ? `${f.file}:${f.line}` : ''} | ${cell(f.message)} | ${cell(f.fix)} |`);
    return [
      '# Audit', '', summary(result), '',
      ...(rows.length > 0 ? ['| Severity | Rule | Object | Where | What | Fix |', '|---|---|---|---|---|---|', ...rows, ''] : ['No findings.', '']),
      '## Facts', '', '| Fact | Value | From |', '|---|---|---|',
      ...result.facts.map((f) => `| ${f.name} | ${cell(f.value)} | ${f.unknown ? '**unknown**: ' : ''}${cell(f.from.replace(/^unknown: /, ''))} |`), '',
      '## Tier comparison', '', ...tierLines(result).map((l) => `${l}.`), '',
      ...(result.tiers.deviations.length > 0 ? ['| Setting | Cluster | Tier | Why the tier uses it |', '|---|---|---|---|',
        ...result.tiers.deviations.map((d) => `| ${d.setting} | ${cell(d.cluster)} | ${cell(d.tier)} | ${cell(d.reason)} |`), ''] : []),
      ...(result.notAudited.length > 0 ? [`Not audited yet: ${result.notAudited.join(', ')}`, ''] : []),
    ].join('\n');
  }
  const paint = (sev: FindingSeverity, s: string) => (colour ? `${sev === FindingSeverity.ERROR ? '\u001b[31m' : '\u001b[33m'}${s}\u001b[0m` : s);
  const lines = result.findings.map((f) => `${paint(f.severity, f.severity.toUpperCase())} ${f.ruleId} ${f.object}${f.file ? ` (${f.file}:${f.line})` : ''}\n  ${f.message}\n  fix: ${f.fix}`);
  return [
    ...lines,
    ...(unknown.length > 0 ? [`unknown facts (the library's defaults were used): ${unknown.map((f) => `${f.name} = ${f.value}`).join(', ')}`] : []),
    ...tierLines(result),
    ...result.tiers.deviations.map((d) => `  ${d.setting}: ${d.cluster} (the ${result.tiers.target} tier: ${d.tier}, ${d.reason})`),
    ...(result.notAudited.length > 0 ? [`not audited yet: ${result.notAudited.join(', ')}`] : []),
    summary(result), '',
  ].join('\n');
}

function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * A file as a SARIF artifactLocation (§3.4: a URI reference): an absolute path as a file: URL, a relative one
 * percent-encoded per segment against %SRCROOT% (the folder the audit ran in), as code-scanning UIs resolve it.
 */
function artifact(file: string): { uri: string; uriBaseId?: string } {
  if (path.isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: file.split(path.sep).join('/').split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/** SARIF 2.1.0 (OASIS): one run, the rules that fired, one result per finding. */
function sarif(result: AuditResult): Record<string, unknown> {
  const rules = [...new Map(result.findings.map((f) => [f.ruleId, f])).values()].sort((a, b) => (a.ruleId < b.ruleId ? -1 : 1));
  const location = (f: AuditFinding) => (f.file && f.file !== '(stdin)'
    ? [{
      physicalLocation: { artifactLocation: artifact(f.file), region: { startLine: Math.max(1, f.line) } },
      logicalLocations: [{ fullyQualifiedName: f.object }],
    }]
    : [{ logicalLocations: [{ fullyQualifiedName: f.object }] }]);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'cdk8s-network-tuning',
          version: packageVersion(),
          informationUri: 'https://github.com/cdk8s-network-tuning/cdk8s-network-tuning',
          rules: rules.map((f) => ({ id: f.ruleId, shortDescription: { text: f.ruleId }, help: { text: f.fix }, defaultConfiguration: { level: f.severity === FindingSeverity.ERROR ? 'error' : 'warning' } })),
        },
      },
      results: result.findings.map((f) => ({
        ruleId: f.ruleId,
        ruleIndex: rules.findIndex((r) => r.ruleId === f.ruleId),
        level: f.severity === FindingSeverity.ERROR ? 'error' : 'warning',
        message: { text: `${f.object}: ${f.message} Fix: ${f.fix}` },
        locations: location(f),
      })),
    }],
  };
}

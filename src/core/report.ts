import { IConstruct } from 'constructs';
import { checkCall } from './_boundary';
import { ConfigErrors } from './_errors';
import { byCodePoint } from './_order';
import { prerequisitesOf } from './_prerequisites';
import { AppState } from './_registry';
import { Acknowledgement, ApplyPrerequisite, Decision, DnsPathTrace, Finding, FindingSeverity, PrerequisiteKind } from './report-types';

/**
 * The explanation report of an app: for every tuned value, which tier rule,
 * user override or compatibility rule decided it, plus the warnings.
 *
 * Decisions are recorded as components are built (and, for values that depend
 * on other components, when the app is synthesized). Cross-component findings
 * are refreshed by every synthesis, or on demand with `check()`.
 */
export class TuningReport {
  /** The report of the app that contains `scope`. */
  public static of(scope: IConstruct): TuningReport {
    [scope] = checkCall('TuningReport.of', [scope]) as [IConstruct];
    return new TuningReport(AppState.of(scope));
  }

  private constructor(private readonly state: AppState) {}

  /** Every recorded decision, sorted by construct path and setting. */
  public get decisions(): Decision[] {
    return this.state.decisions;
  }

  /** Runs every cross-component rule now and returns all findings (errors and warnings). */
  public check(): Finding[] {
    return this.state.evaluate();
  }

  /** Findings of the last synthesis or `check()`, plus warnings found while building components. */
  public get findings(): Finding[] {
    return this.state.findings();
  }

  /**
   * The path a DNS query takes from a pod of `podNamespace`: resolv.conf, the listener,
   * the policy verdict under the CNI's semantics, CoreDNS and the upstream, each with
   * what lets it through, or the hop where it fails.
   */
  public dnsPath(podNamespace: string): DnsPathTrace {
    [podNamespace] = checkCall('TuningReport#dnsPath', [podNamespace]) as [string];
    const errors = new ConfigErrors('TuningReport.dnsPath');
    if (!errors.namespace('podNamespace', podNamespace) || podNamespace === undefined) {
      if (podNamespace === undefined) errors.addMissing('podNamespace', 'is required (a namespace name)');
      errors.throwIfAny();
    }
    return this.state.dnsTrace(podNamespace);
  }

  /** The namespaces the report traces DNS for: every namespace a default deny protects, and `default`. */
  public get tracedNamespaces(): string[] {
    const denied = this.state.components('default-deny').flatMap((d) => d.namespaces);
    return [...new Set(['default', ...denied])].sort(byCodePoint);
  }

  /**
   * What the cluster needs before the app's manifests apply in one pass: the CRDs of every
   * custom resource (and what installs them), and namespaces the app writes into without
   * creating them. Namespaces the app creates are written first (they become dependencies
   * of the objects in them), so they are not listed.
   */
  public get prerequisites(): ApplyPrerequisite[] {
    return prerequisitesOf(this.state.apiObjects());
  }

  /**
   * What to do after `kubectl apply` for the output to take effect (restart kube-proxy when only
   * its ConfigMap is managed, install the kubelet drop-in on every node, ...), as
   * `` `construct path`: step ``. Known after synthesis (or `check()`).
   */
  public get afterApply(): string[] {
    return this.state.afterApplySteps;
  }

  /** Warnings that are not acknowledged. */
  public get warnings(): Finding[] {
    return this.findings.filter((f) => f.severity === FindingSeverity.WARNING && f.acknowledgement === undefined);
  }

  /** Warnings acknowledged with a reason (`Acknowledgements.acknowledge`). */
  public get acknowledgedWarnings(): Finding[] {
    return this.findings.filter((f) => f.severity === FindingSeverity.WARNING && f.acknowledgement !== undefined);
  }

  /** Every acknowledgement made in the app, with how many warnings each matched (0: none, check the rule id). */
  public get acknowledgements(): Acknowledgement[] {
    return this.state.acknowledgements();
  }

  /**
   * The report as Markdown: one table row per decision, then the warnings.
   * Write it after synthesis, when every value is decided.
   */
  public toMarkdown(title: string = 'Network tuning report'): string {
    [title = 'Network tuning report'] = checkCall('TuningReport#toMarkdown', [title]) as [string];
    const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
    const warnings = this.warnings;
    return [
      `# ${title}`,
      '',
      'Every tuned value and what decided it: the tier table, a user override, a compatibility rule',
      '(Kubernetes version or another component), a value derived from the cluster profile, or upstream.',
      '',
      '| Component | Setting | Value | Source | Why |',
      '|---|---|---|---|---|',
      ...this.decisions.map((d) => `| \`${d.path}\` | \`${cell(d.setting)}\` | \`${cell(d.value)}\` | ${d.source} | ${cell(d.reason)} |`),
      '',
      '## DNS path',
      '',
      'What a DNS query from a pod goes through, per namespace (TuningReport.dnsPath).',
      '',
      ...this.tracedNamespaces.flatMap((ns) => {
        const trace = this.dnsPath(ns);
        return [
          `### ${ns}: ${trace.resolves ? 'resolves' : `fails at ${trace.failedAt!.kind}`}`,
          '',
          '| Hop | Target | Verdict | Why | Allowed by |',
          '|---|---|---|---|---|',
          ...trace.hops.map((h) => `| ${h.kind} | ${cell(h.target)} | ${h.verdict} | ${cell(h.detail)} | ${cell(h.allowedBy.join(', ') || '-')} |`),
          '',
        ];
      }),
      '## Before you apply',
      '',
      'What the cluster needs before `kubectl apply -f` creates these objects in one pass (TuningReport.prerequisites).',
      '',
      ...this.prerequisiteLines(cell),
      '',
      '## After you apply',
      '',
      ...(this.afterApply.length > 0 ? this.afterApply.map((step) => `- ${cell(step)}`) : ['Nothing: the workloads in the output roll out the changes.']),
      '',
      '## Warnings',
      '',
      ...(warnings.length > 0
        ? warnings.map((w) => `- **${w.ruleId}** \`${w.path}\`: ${cell(w.message)}. Fix: ${cell(w.fix)}.`)
        : ['None.']),
      '',
      ...this.acknowledgementLines(cell),
    ].join('\n');
  }

  private acknowledgementLines(cell: (text: string) => string): string[] {
    const acks = this.acknowledgements;
    if (acks.length === 0) return [];
    const acknowledged = this.acknowledgedWarnings;
    const unused = acks.filter((a) => a.warnings === 0);
    return [
      '## Acknowledged warnings',
      '',
      ...(acknowledged.length > 0
        ? acknowledged.map((w) => `- **${w.ruleId}** \`${w.path}\`: ${cell(w.message)}. Acknowledged: ${cell(w.acknowledgement!)}`)
        : ['None raised.']),
      '',
      ...(unused.length > 0
        ? ['Acknowledgements that matched no warning (the warning is gone, or the rule id or construct is wrong):', '',
          ...unused.map((a) => `- **${a.ruleId}** on \`${a.path || '(app)'}\`: ${cell(a.reason)}`), '']
        : []),
    ];
  }

  private prerequisiteLines(cell: (text: string) => string): string[] {
    const list = this.prerequisites;
    if (list.length === 0) return ['Nothing: every object is built in or created by the app.'];
    const more = (xs: string[]) => xs.length > 3 ? `${xs.slice(0, 3).join(', ')} and ${xs.length - 3} more` : xs.join(', ');
    return [
      '| Needs | Installed by | For |',
      '|---|---|---|',
      ...list.map((p) => `| ${p.kind === PrerequisiteKind.NAMESPACE ? 'namespace' : 'CRDs of'} \`${p.name}\` | ${cell(p.installedBy)} | ${cell(more(p.neededBy))} |`),
    ];
  }
}

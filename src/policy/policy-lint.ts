import { Construct, IConstruct } from 'constructs';
import { dnsTargetsOf } from './_dns-targets';
import { LINT_RULES, LintContext } from './_lint-rules';
import { EMPTY_SELECTOR, isNetworkPolicy, policyKey, PolicyJson, selectorKey, withSelectorKeys } from './_policy-analysis';
import { checkCall, checkProps } from '../core/_boundary';
import { ComponentContext, componentContext } from '../core/_component';
import { tierSettings } from '../core/_tier-table';
import { ClusterProfile } from '../core/cluster-profile';
import { FindingSeverity } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';

/** One lint finding. */
export interface PolicyLintFinding {
  /** The rule (NP001 ...). */
  readonly ruleId: string;
  /** Error or warning. */
  readonly severity: FindingSeverity;
  /** The policy, as `namespace/name`. */
  readonly policy: string;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** A lint rule, for documentation. */
export interface PolicyLintRuleInfo {
  /** Identifier. */
  readonly id: string;
  /** Error or warning. */
  readonly severity: FindingSeverity;
  /** What it checks. */
  readonly description: string;
  /** How to fix a finding. */
  readonly fix: string;
}

/** Options shared by `PolicyLint` and `PolicyLint.lint`. */
export interface PolicyLintOptions {
  /**
   * The tier (sets how many policies may select the same pods).
   *
   * @default ScaleTier.SMALL
   */
  readonly tier?: ScaleTier;

  /**
   * The cluster (Pod and Service CIDRs, kube-dns IP).
   *
   * @default - a default ClusterProfile
   */
  readonly profile?: ClusterProfile;

  /**
   * Addresses NodeLocal DNSCache answers on, for manifests linted outside an app.
   * In an app, they come from its NodeLocalDns.
   *
   * @default - none
   */
  readonly nodeLocalDnsIps?: string[];
}

/** Properties of `PolicyLint`. */
export interface PolicyLintProps extends PolicyLintOptions {
  /**
   * Where to look for NetworkPolicies (raw, cdk8s-plus or this library's).
   *
   * @default - the whole app
   */
  readonly appliesTo?: IConstruct;

  /**
   * Fail synthesis on error findings (NP006). Warnings never fail it.
   *
   * @default true
   */
  readonly failOnErrors?: boolean;
}

function isPolicyManifest(m: Record<string, unknown>): m is Record<string, unknown> & PolicyJson {
  return m.kind === 'NetworkPolicy' && m.apiVersion === 'networking.k8s.io/v1';
}

/**
 * The guide's NetworkPolicy performance advice ("网络策略性能建议") as checks over
 * every NetworkPolicy in an app or chart: too many policies for the same pods,
 * `ipBlock` where a selector would do, port ranges, missing protocols, missing
 * `policyTypes`, and egress restricted without a DNS allowance (an error).
 * Findings are reported at synthesis (errors fail it unless `failOnErrors` is
 * false) and by `findings()` / `report()`.
 */
export class PolicyLint extends Construct {
  /** Every rule, in order. */
  public static rules(): PolicyLintRuleInfo[] {
    return LINT_RULES.map(({ id, severity, description, fix }) => ({ id, severity, description, fix }));
  }

  /** Findings as readable text: a summary line, then one block per finding, errors first. */
  public static renderReport(findings: PolicyLintFinding[]): string {
    [findings] = checkCall('PolicyLint.renderReport', [findings]) as [PolicyLintFinding[]];
    return renderFindings(findings);
  }

  /**
   * Lints NetworkPolicy manifests outside an app (other kinds are ignored): objects as
   * `kubectl get -o json` or a YAML parser gives them.
   */
  public static lint(manifests: Record<string, unknown>[], options: PolicyLintOptions = {}): PolicyLintFinding[] {
    [manifests, options = {}] = checkCall('PolicyLint.lint', [manifests, options]) as [Record<string, unknown>[], PolicyLintOptions];
    const profile = options.profile ?? new ClusterProfile();
    const tier = options.tier ?? ScaleTier.SMALL;
    const policies = manifests.filter(isPolicyManifest)
      // a manifest without metadata is still linted (as default/(unnamed)), never a crash
      .map((m) => (typeof m.metadata === 'object' && m.metadata !== null ? m : { ...m, metadata: {} }));
    return run({
      policies,
      profile,
      maxPoliciesPerPod: tierSettings(tier).networkPolicy.maxPoliciesPerPod.value,
      dns: { dnsServiceIp: profile.dnsServiceIp, nodeLocalIps: options.nodeLocalDnsIps ?? [] },
    });
  }

  private readonly ctx: ComponentContext;
  private readonly target: IConstruct;

  public constructor(scope: Construct, id: string, props: PolicyLintProps = {}) {
    super(scope, id);
    props = checkProps(this, 'PolicyLintProps', props);
    this.ctx = componentContext(this, props.tier, props.profile);
    this.target = props.appliesTo ?? this.node.root;
    if (this.target.node.root !== this.node.root) {
      this.ctx.errors.add('appliesTo', this.target.node.path, 'must be in the same app as this construct');
    }
    (props.nodeLocalDnsIps ?? []).forEach((ip, i) => this.ctx.errors.ip(`nodeLocalDnsIps[${i}]`, ip));
    this.ctx.errors.throwIfAny();
    const failOnErrors = props.failOnErrors ?? true;
    const extraNodeLocal = props.nodeLocalDnsIps ?? [];

    // linted after every component prepared (policies are final then), from the app's one walk
    this.ctx.state.register({ kind: 'generic', scope: this, profile: this.ctx.profile, tier: this.ctx.tier }, undefined, () => {
      const tracedElsewhere = this.tracedByDefaultDenyDns();
      for (const f of this.findings(extraNodeLocal)) {
        if (f.ruleId === 'NP006' && tracedElsewhere.has(f.policy)) continue;
        const severity = f.severity === FindingSeverity.ERROR && failOnErrors ? FindingSeverity.ERROR : FindingSeverity.WARNING;
        this.ctx.state.report(this, severity, f.ruleId, `${f.policy}: ${f.message}`, f.fix);
      }
    });
  }

  /** Lints the policies in scope now (call after adding every construct). */
  public findings(extraNodeLocalIps: string[] = []): PolicyLintFinding[] {
    [extraNodeLocalIps = []] = checkCall('PolicyLint#findings', [extraNodeLocalIps]) as [string[]];
    const state = this.ctx.state;
    const policies = state.apiObjectsUnder(this.target).filter(isNetworkPolicy).map((o) => state.jsonOf(o) as PolicyJson);
    const dns = dnsTargetsOf(this.ctx.state);
    return run({
      policies,
      profile: this.ctx.profile,
      maxPoliciesPerPod: this.ctx.settings.networkPolicy.maxPoliciesPerPod.value,
      dns: { ...dns, nodeLocalIps: [...dns.nodeLocalIps, ...extraNodeLocalIps] },
    });
  }

  /**
   * Policies for every pod of a namespace a DefaultDenyPolicy protects: DEFAULT-DENY-DNS traces those
   * pods' DNS path hop by hop under the CNI's semantics and reports the hop that fails, so NP006 (the
   * coarser check) would report the same problem a second time.
   */
  private tracedByDefaultDenyDns(): Set<string> {
    const state = this.ctx.state;
    const traced = new Set(state.components('default-deny').flatMap((d) => d.namespaces));
    const out = new Set<string>();
    if (traced.size === 0) return out;
    for (const obj of state.apiObjectsUnder(this.target)) {
      if (!isNetworkPolicy(obj)) continue;
      const p = state.jsonOf(obj) as PolicyJson;
      if (traced.has(p.metadata.namespace ?? 'default') && selectorKey(p.spec?.podSelector) === EMPTY_SELECTOR) out.add(policyKey(p));
    }
    return out;
  }

  /** A readable report of `findings()`. */
  public report(): string {
    return PolicyLint.renderReport(this.findings());
  }
}

function run(ctx: LintContext): PolicyLintFinding[] {
  return withSelectorKeys(() => LINT_RULES.flatMap((rule) => rule.check(ctx).map((hit) => ({
    ruleId: rule.id, severity: rule.severity, policy: hit.policy, message: hit.message, fix: rule.fix,
  }))));
}

/** Findings as text: one block per finding, errors first. */
function renderFindings(findings: PolicyLintFinding[]): string {
  if (findings.length === 0) return 'NetworkPolicy lint: no findings.\n';
  const sorted = [...findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === FindingSeverity.ERROR ? -1 : 1));
  const errors = findings.filter((f) => f.severity === FindingSeverity.ERROR).length;
  return [
    `NetworkPolicy lint: ${errors} error(s), ${findings.length - errors} warning(s)`,
    ...sorted.map((f) => `\n${f.severity.toUpperCase()} ${f.ruleId} ${f.policy}\n  ${f.message}\n  fix: ${f.fix}`),
    '',
  ].join('\n');
}

import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ConfigErrors } from './_errors';
import { ComponentFacts, ComponentKind, FactsOf } from './_facts';
import { byCodePoint } from './_order';
import { buildPlan, NetworkPlan } from './_plan';
import { atSynthesisEnd, inSynthesis, keepJson } from './_synth-scope';
import type { ClusterProfile } from './cluster-profile';
import { Acknowledgement, Decision, DecisionSource, DnsPathTrace, Finding, FindingSeverity } from './report-types';
import type { ScaleTier } from './scale-tier';

/** A finding before it is turned into public form: attributed to a construct. */
export interface RawFinding {
  readonly ruleId: string;
  readonly severity: FindingSeverity;
  readonly scope: IConstruct;
  readonly message: string;
  readonly fix: string;
}

/** A cross-component rule: reads the facts of an app and reports findings. */
export interface CrossComponentRule {
  /** Stable identifier, also used in the README. */
  readonly id: string;
  /** What the rule enforces, one line. */
  readonly description: string;
  evaluate(state: AppState): RawFinding[];
}

/** How warnings are surfaced at synthesis, from `CDK8S_NETWORK_TUNING_WARNINGS`. */
function warningMode(): 'print' | 'silent' | 'error' {
  const raw = process.env.CDK8S_NETWORK_TUNING_WARNINGS;
  if (raw === undefined || raw === '') return 'print';
  const v = raw.toLowerCase();
  if (v === 'print' || v === 'silent' || v === 'error') return v;
  // A typo must not silently fall back (a CI that meant `error` would pass with warnings).
  return ConfigErrors.fail('environment', 'CDK8S_NETWORK_TUNING_WARNINGS', raw, 'must be one of: print, silent, error');
}

const STATES = new WeakMap<IConstruct, AppState>();

/**
 * Everything the library knows about one app (one construct tree): the
 * components in it and their facts, the decisions behind every tuned value,
 * and the findings. Components register when they are constructed; rules run
 * when the app is validated, which cdk8s does before every synthesis.
 */
/** What `src/rules` plugs into every app: core imports no rule and no component. */
export interface Extensions {
  /** The cross-component rules, in the order findings are listed. */
  readonly rules: readonly CrossComponentRule[];
  /** Traces a DNS query from a namespace through the plan and the app's policies. */
  readonly traceDns: (state: AppState, namespace: string) => DnsPathTrace;
}

export class AppState {
  /** Set once, when `src/rules` is loaded (the package's index loads it). */
  public static use(extensions: Extensions): void {
    AppState.extensions = extensions;
  }

  /** The state of an app, if any component was ever built in it (no state is created). */
  public static existing(scope: IConstruct): AppState | undefined {
    return STATES.get(scope.node.root);
  }

  public static of(scope: IConstruct): AppState {
    const root = scope.node.root;
    let state = STATES.get(root);
    if (!state) {
      state = new AppState(root);
      STATES.set(root, state);
    }
    return state;
  }

  private static extensions?: Extensions;

  private seedFacts?: { profile: ClusterProfile; tier: ScaleTier };

  private readonly byKind = new Map<ComponentKind, ComponentFacts[]>();
  private readonly decisionsByKey = new Map<string, Decision>();
  /** Decisions made while preparing a synthesis (they depend on other components); replaced by the next one. */
  private passDecisions = new Map<string, Decision>();
  /** Steps a component needs after `kubectl apply`, found while preparing a synthesis. */
  private passSteps = new Map<string, string>();
  private evaluating = false;
  /** Set in the check and rule phase, when objects' JSON is final. */
  private checking = false;
  /** Set while one synthesis call reuses its first evaluation. */
  private evaluatedThisSynthesis = false;
  private cachedPlan?: NetworkPlan;
  /** One walk of the tree and one toJson() per object, kept for one evaluation. */
  private passObjects?: ApiObject[];
  private readonly passJson = new Map<ApiObject, any>();
  private readonly passTraces = new Map<string, DnsPathTrace>();
  private readonly passMemo = new Map<string, unknown>();
  private readonly constructionWarnings: RawFinding[] = [];
  private readonly warned = new Set<string>();
  private ruleFindings: RawFinding[] = [];
  private findingsByScope?: Map<IConstruct, RawFinding[]>;
  private findingsByScopeOf?: RawFinding[];
  private passFindings: RawFinding[] = [];
  private readonly printed = new Set<string>();
  /** Acknowledged warning rules by construct (see Acknowledgements), in the order they were made. */
  private readonly acks = new Map<IConstruct, Map<string, string>>();
  /** Files components add next to the manifests (see TuningFiles), by path. */
  private readonly files = new Map<string, { scope: IConstruct; content: () => string; usage: string }>();
  /** Whether `app.synth()` writes the output files (TuningFiles.disable). */
  public writesOutputFiles = true;
  /** Findings already recorded as construct metadata. */
  private readonly recorded = new Set<string>();
  private readonly prepares: Array<() => void> = [];
  private readonly checks: Array<() => void> = [];
  private validationAdded = false;
  /** CDK8S_NETWORK_TUNING_WARNINGS as the current validation pass read it. */
  private mode?: 'print' | 'silent' | 'error';

  private constructor(private readonly root: IConstruct) {}

  /**
   * The profile and tier of the first component constructed: the plan's until a
   * component registers (components read the plan before they register).
   */
  public seed(profile: ClusterProfile, tier: ScaleTier): void {
    if (this.seedFacts) return;
    this.seedFacts = { profile, tier };
    this.cachedPlan = undefined;
  }

  /** The first constructed component's profile and tier. */
  public get seeded(): { profile: ClusterProfile; tier: ScaleTier } | undefined {
    return this.seedFacts;
  }

  /** The app (root construct) this state belongs to. */
  public get app(): IConstruct {
    return this.root;
  }

  /**
   * Registers a component's facts and hooks its findings into cdk8s validation.
   * `prepare` runs at the start of every synthesis, before the rules, for
   * components whose output depends on other components of the app. `check`
   * runs after every component has prepared (so every JSON transform is in
   * place and `jsonOf` sees final objects), before the rules.
   */
  public register(facts: ComponentFacts, prepare?: () => void, check?: () => void): void {
    const list = this.byKind.get(facts.kind) ?? [];
    list.push(facts);
    this.byKind.set(facts.kind, list);
    this.cachedPlan = undefined;
    if (prepare) this.prepares.push(prepare);
    if (check) this.checks.push(check);
    this.ensureRootValidation();
    facts.scope.node.addValidation({ validate: () => this.errorsFor(facts.scope) });
  }

  /** Components of one kind, in construction order. */
  public components<K extends ComponentKind>(kind: K): FactsOf<K>[] {
    return (this.byKind.get(kind) ?? []) as FactsOf<K>[];
  }

  /** Every registered component. */
  public allComponents(): ComponentFacts[] {
    return [...this.byKind.values()].flat();
  }

  /**
   * The app's cross-component decisions, built from the facts registered so far
   * and kept until a component registers or a synthesis starts.
   */
  public plan(): NetworkPlan {
    if (!this.cachedPlan) this.cachedPlan = buildPlan(this);
    return this.cachedPlan;
  }

  /**
   * Every API object of the app, in tree order: one walk per synthesis (fresh on
   * each call outside one).
   */
  public apiObjects(): ApiObject[] {
    if (this.passObjects) return this.passObjects;
    const objects = this.root.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c));
    if (this.evaluating) this.passObjects = objects;
    return objects;
  }

  /**
   * The API objects under `scope` (the whole app for the root), from the one walk per synthesis:
   * a component that looks at part of the app filters, it does not walk again.
   */
  public apiObjectsUnder(scope: IConstruct): ApiObject[] {
    const all = this.apiObjects();
    if (scope === this.root) return all;
    return all.filter((o) => o.node.scopes.includes(scope));
  }

  /** An object's JSON, serialized once per synthesis; callers must not change it. */
  public jsonOf(obj: ApiObject): any {
    const cached = this.passJson.get(obj);
    if (cached) return cached;
    const json = obj.toJson();
    if (this.evaluating) this.passJson.set(obj, json);
    // after the prepares every transform is in place: this JSON is what the manifests will hold
    if (this.checking) keepJson(obj, json);
    return json;
  }

  /** A value derived from the app's objects, computed once per synthesis (fresh on each call outside one). */
  public memo<T>(key: string, build: () => T): T {
    if (this.passMemo.has(key)) return this.passMemo.get(key) as T;
    const value = build();
    if (this.evaluating) this.passMemo.set(key, value);
    return value;
  }

  /** The DNS path from a namespace (cached for one synthesis). */
  public dnsTrace(namespace: string): DnsPathTrace {
    const cached = this.passTraces.get(namespace);
    if (cached) return cached;
    if (!AppState.extensions) throw new Error('cdk8s-network-tuning: the rules module is not loaded (import the package, not its files)');
    const trace = AppState.extensions.traceDns(this, namespace);
    if (this.evaluating) this.passTraces.set(namespace, trace);
    return trace;
  }

  /**
   * A file for the outdir (relative `path`), rendered when listed or written: a component adds what
   * its output needs beside the manifests (kubelet settings, Helm values). A second component adding
   * the same path must render the same content, or listing the files fails naming both.
   */
  public addOutputFile(scope: IConstruct, path: string, content: () => string, usage: string): void {
    const existing = this.files.get(path);
    if (existing && existing.scope !== scope) {
      const first = existing;
      this.files.set(path, {
        scope: first.scope,
        usage: first.usage,
        content: () => {
          const a = first.content();
          const b = content();
          // two components of one app, not a property the caller set: a cross-component error's shape
          if (a !== b) {
            throw new Error(`[${pathOf(scope)}] writes ${path}, which [${pathOf(first.scope)}] also writes with other content: `
              + 'one output file cannot hold both [OUTPUT-FILE-CONFLICT] fix: keep one of the two components, or put them in separate apps (one app per cluster)');
          }
          return a;
        },
      });
      return;
    }
    this.files.set(path, { scope, content, usage });
  }

  /** The files components added, rendered now, by path (code-point order). */
  public outputFiles(): Array<{ path: string; content: string; usage: string }> {
    return [...this.files.entries()].sort(([a], [b]) => byCodePoint(a, b))
      .map(([path, f]) => ({ path, content: f.content(), usage: f.usage }));
  }

  /** Acknowledges the warnings of `ruleId` on `scope` and under it (Acknowledgements.acknowledge). */
  public acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
    const byRule = this.acks.get(scope) ?? new Map<string, string>();
    byRule.set(ruleId, reason);
    this.acks.set(scope, byRule);
  }

  /** Every acknowledgement, with the warnings of the last evaluation it matched. */
  public acknowledgements(): Acknowledgement[] {
    const used = new Map<IConstruct, Map<string, number>>();
    for (const f of this.rawFindings()) {
      const at = this.acknowledgedAt(f);
      if (!at) continue;
      const counts = used.get(at) ?? new Map<string, number>();
      counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
      used.set(at, counts);
    }
    const out: Acknowledgement[] = [];
    for (const [scope, byRule] of this.acks) {
      for (const [ruleId, reason] of byRule) {
        out.push({ path: pathOf(scope), ruleId, reason, warnings: used.get(scope)?.get(ruleId) ?? 0 });
      }
    }
    return out.sort((a, b) => byCodePoint(a.path, b.path) || byCodePoint(a.ruleId, b.ruleId));
  }

  /** Records why a value is what it is; a later record for the same setting replaces it. */
  public decide(scope: IConstruct, setting: string, value: string, source: DecisionSource, reason: string): void {
    const path = pathOf(scope);
    const target = this.evaluating ? this.passDecisions : this.decisionsByKey;
    target.set(`${path}\u0000${setting}`, { path, setting, value, source, reason });
  }

  /**
   * A finding made while preparing the app for synthesis (it depends on other
   * components); replaced by the next synthesis.
   */
  public report(scope: IConstruct, severity: FindingSeverity, ruleId: string, message: string, fix: string): void {
    this.passFindings.push({ ruleId, severity, scope, message, fix });
  }

  /** A valid but risky choice, found while constructing a component. */
  public warn(scope: IConstruct, ruleId: string, message: string, fix: string): void {
    const key = `${pathOf(scope)}\u0000${ruleId}\u0000${message}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.constructionWarnings.push({ ruleId, severity: FindingSeverity.WARNING, scope, message, fix });
    this.findingsByScope = undefined;
  }

  /**
   * A step the operator must take after applying (a restart, a file on every node): recorded
   * while preparing a synthesis, replaced by the next one.
   */
  public afterApply(scope: IConstruct, step: string): void {
    const path = pathOf(scope);
    this.passSteps.set(`${path}\u0000${step}`, `\`${path}\`: ${step}`);
  }

  /** The after-apply steps of the last synthesis, by construct path. */
  public get afterApplySteps(): string[] {
    return [...this.passSteps.entries()].sort(([a], [b]) => byCodePoint(a, b)).map(([, v]) => v);
  }

  public get decisions(): Decision[] {
    const merged = new Map([...this.decisionsByKey, ...this.passDecisions]);
    return [...merged.values()].sort((a, b) => byCodePoint(a.path, b.path) || byCodePoint(a.setting, b.setting));
  }

  /**
   * Prepares every component, runs every cross-component rule and returns construction and rule findings.
   * Within one cdk8s synthesis call the first evaluation is reused (see _synth-scope).
   */
  public evaluate(): Finding[] {
    if (this.evaluatedThisSynthesis) return this.findings();
    if (inSynthesis()) {
      this.evaluatedThisSynthesis = true;
      atSynthesisEnd(() => { this.evaluatedThisSynthesis = false; });
    }
    this.passFindings = [];
    this.passDecisions = new Map();
    this.passSteps = new Map();
    this.passObjects = undefined;
    this.passJson.clear();
    this.passTraces.clear();
    this.passMemo.clear();
    // Facts may have changed since the last plan (a Corefile block added, say): plan afresh.
    this.cachedPlan = undefined;
    this.evaluating = true;
    try {
      for (const prepare of this.prepares) prepare();
      // transforms registered while preparing change objects' JSON: serialize afresh for the checks
      this.passJson.clear();
      this.passMemo.clear();
      this.checking = true;
      for (const check of this.checks) check();
      const rules = AppState.extensions?.rules ?? [];
      this.ruleFindings = [...this.passFindings, ...rules.flatMap((rule) => rule.evaluate(this))];
    } finally {
      this.evaluating = false;
      this.checking = false;
      this.passObjects = undefined;
      this.passJson.clear();
      this.passMemo.clear();
    }
    return this.findings();
  }

  /** Findings of the last evaluation plus construction warnings. */
  public findings(): Finding[] {
    return this.rawFindings().map((f) => this.toPublic(f));
  }

  private rawFindings(): RawFinding[] {
    return [...this.constructionWarnings, ...this.ruleFindings];
  }

  /** The construct whose acknowledgement covers a warning: the closest one up its path. */
  private acknowledgedAt(f: RawFinding): IConstruct | undefined {
    if (f.severity !== FindingSeverity.WARNING || this.acks.size === 0) return undefined;
    const scopes = f.scope.node.scopes;
    for (let i = scopes.length - 1; i >= 0; i--) {
      if (this.acks.get(scopes[i])?.has(f.ruleId)) return scopes[i];
    }
    return undefined;
  }

  private acknowledgementOf(f: RawFinding): string | undefined {
    const at = this.acknowledgedAt(f);
    return at ? this.acks.get(at)!.get(f.ruleId) : undefined;
  }

  private toPublic(f: RawFinding): Finding {
    const acknowledgement = this.acknowledgementOf(f);
    return {
      ruleId: f.ruleId,
      severity: f.severity,
      path: pathOf(f.scope),
      message: f.message,
      fix: f.fix,
      ...(acknowledgement !== undefined ? { acknowledgement } : {}),
    };
  }

  /**
   * Every finding is construct metadata on the construct it is about (`cdk8s-network-tuning:warning`
   * or `:error`, data `{ ruleId, message, fix }`), as AWS CDK records annotations; once per finding.
   */
  private recordMetadata(): void {
    for (const f of this.rawFindings()) {
      const key = `${pathOf(f.scope)}\u0000${f.ruleId}\u0000${f.message}`;
      if (this.recorded.has(key)) continue;
      this.recorded.add(key);
      f.scope.node.addMetadata(`cdk8s-network-tuning:${f.severity}`, { ruleId: f.ruleId, message: f.message, fix: f.fix });
    }
  }

  private ensureRootValidation(): void {
    if (this.validationAdded) return;
    this.validationAdded = true;
    // cdk8s validates in pre-order, so the root runs first in every pass and the
    // components' validations below read findings fresh for that pass.
    this.root.node.addValidation({
      validate: () => {
        // read once per validation pass: every component's validation below asks for it
        this.mode = warningMode();
        this.evaluate();
        this.recordMetadata();
        this.printWarnings();
        return [];
      },
    });
  }

  private errorsFor(scope: IConstruct): string[] {
    const strict = (inSynthesis() && this.mode ? this.mode : warningMode()) === 'error';
    // findings by scope, once per evaluation: every component asks for its own (linear, not components x findings)
    if (!this.findingsByScope || this.findingsByScopeOf !== this.ruleFindings) {
      this.findingsByScope = new Map();
      this.findingsByScopeOf = this.ruleFindings;
      for (const f of [...this.constructionWarnings, ...this.ruleFindings]) {
        const list = this.findingsByScope.get(f.scope);
        if (list) list.push(f);
        else this.findingsByScope.set(f.scope, [f]);
      }
    }
    return (this.findingsByScope.get(scope) ?? [])
      .filter((f) => f.severity === FindingSeverity.ERROR || (strict && this.acknowledgementOf(f) === undefined))
      .map((f) => `${f.severity === FindingSeverity.WARNING ? '(warning treated as error) ' : ''}${f.message} [${f.ruleId}] fix: ${f.fix}`);
  }

  private printWarnings(): void {
    if (this.mode !== 'print') return;
    for (const w of [...this.constructionWarnings, ...this.ruleFindings]) {
      if (w.severity !== FindingSeverity.WARNING || this.acknowledgementOf(w) !== undefined) continue;
      const line = `[${w.scope.node.path}] warning ${w.ruleId}: ${w.message} (fix: ${w.fix})`;
      if (this.printed.has(line)) continue;
      this.printed.add(line);
      process.stderr.write(`${line}\n`);
    }
  }
}


const PATHS = new WeakMap<IConstruct, string>();

/** A construct's path, computed once: constructs never move, and `node.path` walks up the tree on every read. */
export function pathOf(scope: IConstruct): string {
  let path = PATHS.get(scope);
  if (path === undefined) {
    path = scope.node.path;
    PATHS.set(scope, path);
  }
  return path;
}

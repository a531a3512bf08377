import { IConstruct } from 'constructs';
import { ComponentFacts, ComponentKind, FactsOf } from './_facts';
import { Decision, DecisionSource, Finding, FindingSeverity } from './report-types';
import { CROSS_COMPONENT_RULES } from '../rules/_all';

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
  const v = (process.env.CDK8S_NETWORK_TUNING_WARNINGS ?? 'print').toLowerCase();
  return v === 'silent' || v === 'error' ? v : 'print';
}

const STATES = new WeakMap<IConstruct, AppState>();

/**
 * Everything the library knows about one app (one construct tree): the
 * components in it and their facts, the decisions behind every tuned value,
 * and the findings. Components register when they are constructed; rules run
 * when the app is validated, which cdk8s does before every synthesis.
 */
export class AppState {
  public static of(scope: IConstruct): AppState {
    const root = scope.node.root;
    let state = STATES.get(root);
    if (!state) {
      state = new AppState(root);
      STATES.set(root, state);
    }
    return state;
  }

  private readonly byKind = new Map<ComponentKind, ComponentFacts[]>();
  private readonly decisionsByKey = new Map<string, Decision>();
  private readonly constructionWarnings: RawFinding[] = [];
  private ruleFindings: RawFinding[] = [];
  private passFindings: RawFinding[] = [];
  private readonly printed = new Set<string>();
  private readonly prepares: Array<() => void> = [];
  private validationAdded = false;

  private constructor(private readonly root: IConstruct) {}

  /** The app (root construct) this state belongs to. */
  public get app(): IConstruct {
    return this.root;
  }

  /**
   * Registers a component's facts and hooks its findings into cdk8s validation.
   * `prepare` runs at the start of every synthesis, before the rules, for
   * components whose output depends on other components of the app.
   */
  public register(facts: ComponentFacts, prepare?: () => void): void {
    const list = this.byKind.get(facts.kind) ?? [];
    list.push(facts);
    this.byKind.set(facts.kind, list);
    if (prepare) this.prepares.push(prepare);
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

  /** Records why a value is what it is; a later record for the same setting replaces it. */
  public decide(scope: IConstruct, setting: string, value: string, source: DecisionSource, reason: string): void {
    const path = scope.node.path;
    this.decisionsByKey.set(`${path}\u0000${setting}`, { path, setting, value, source, reason });
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
    const dup = this.constructionWarnings.some((w) => w.scope === scope && w.ruleId === ruleId && w.message === message);
    if (!dup) this.constructionWarnings.push({ ruleId, severity: FindingSeverity.WARNING, scope, message, fix });
  }

  public get decisions(): Decision[] {
    return [...this.decisionsByKey.values()].sort((a, b) => a.path.localeCompare(b.path) || a.setting.localeCompare(b.setting));
  }

  /** Prepares every component, runs every cross-component rule and returns construction and rule findings. */
  public evaluate(): Finding[] {
    this.passFindings = [];
    for (const prepare of this.prepares) prepare();
    this.ruleFindings = [...this.passFindings, ...CROSS_COMPONENT_RULES.flatMap((rule) => rule.evaluate(this))];
    return this.findings();
  }

  /** Findings of the last evaluation plus construction warnings. */
  public findings(): Finding[] {
    return [...this.constructionWarnings, ...this.ruleFindings].map(toPublic);
  }

  private ensureRootValidation(): void {
    if (this.validationAdded) return;
    this.validationAdded = true;
    // cdk8s validates in pre-order, so the root runs first in every pass and the
    // components' validations below read findings fresh for that pass.
    this.root.node.addValidation({
      validate: () => {
        this.evaluate();
        this.printWarnings();
        return [];
      },
    });
  }

  private errorsFor(scope: IConstruct): string[] {
    const strict = warningMode() === 'error';
    return [...this.constructionWarnings, ...this.ruleFindings]
      .filter((f) => f.scope === scope && (f.severity === FindingSeverity.ERROR || strict))
      .map((f) => `${f.severity === FindingSeverity.WARNING ? '(warning treated as error) ' : ''}${f.message} [${f.ruleId}] fix: ${f.fix}`);
  }

  private printWarnings(): void {
    if (warningMode() !== 'print') return;
    for (const w of [...this.constructionWarnings, ...this.ruleFindings]) {
      if (w.severity !== FindingSeverity.WARNING) continue;
      const line = `[${w.scope.node.path}] warning ${w.ruleId}: ${w.message} (fix: ${w.fix})`;
      if (this.printed.has(line)) continue;
      this.printed.add(line);
      process.stderr.write(`${line}\n`);
    }
  }
}

function toPublic(f: RawFinding): Finding {
  return { ruleId: f.ruleId, severity: f.severity, path: f.scope.node.path, message: f.message, fix: f.fix };
}

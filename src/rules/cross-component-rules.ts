import { CROSS_COMPONENT_RULES } from './_all';
import { AppState } from '../core/_registry';
import { traceDns } from '../dns/_dns-path';

/** One cross-component rule, for documentation and tools. */
export interface CrossComponentRuleInfo {
  /** Stable identifier (the `ruleId` of its findings). */
  readonly id: string;
  /** What it enforces, one line. */
  readonly description: string;
}

/**
 * The checks that run on every app at synthesis, across components: they read the
 * app's plan (one decision per fact) and report what does not fit together.
 */
export class CrossComponentRules {
  /** Every rule, in the order findings are listed. */
  public static all(): CrossComponentRuleInfo[] {
    return CROSS_COMPONENT_RULES.map((r) => ({ id: r.id, description: r.description }));
  }

  private constructor() {}
}

// The engine: core runs these rules and traces DNS without importing them.
AppState.use({ rules: CROSS_COMPONENT_RULES, traceDns });

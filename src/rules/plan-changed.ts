import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/**
 * A few objects exist or not depending on the plan (the secondary node-local-dns
 * DaemonSet, Cilium's DNS allowance): a component decides them when it is built.
 * A component added later that changes that plan would leave them wrong.
 */
export const PLAN_CHANGED: CrossComponentRule = {
  id: 'PLAN-CHANGED-AFTER-CONSTRUCTION',
  description: 'objects decided at construction still match the final plan',
  evaluate(state: AppState): RawFinding[] {
    const plan = state.plan();
    return state.allComponents().flatMap((c) => (c.planChecks ?? [])
      .filter((check) => check.current(plan) !== check.atConstruction)
      .map((check) => ({
        ruleId: this.id,
        severity: FindingSeverity.ERROR,
        scope: c.scope,
        message: `${check.what} was decided when this construct was created (${check.atConstruction}), but components added afterwards change the plan to ${check.current(plan)}`,
        fix: check.fix,
      })));
  },
};

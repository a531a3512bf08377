import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/** Two DefaultDenyPolicy components for one namespace would emit the same object names twice. */
export const DEFAULT_DENY_OVERLAP: CrossComponentRule = {
  id: 'DEFAULT-DENY-OVERLAP',
  description: 'each namespace is protected by one DefaultDenyPolicy',
  evaluate(state: AppState): RawFinding[] {
    const owner = new Map<string, string>();
    const out: RawFinding[] = [];
    for (const d of state.components('default-deny')) {
      for (const ns of d.namespaces) {
        const first = owner.get(ns);
        if (first === undefined) {
          owner.set(ns, d.scope.node.path);
          continue;
        }
        out.push({
          ruleId: this.id,
          severity: FindingSeverity.ERROR,
          scope: d.scope,
          message: `namespace '${ns}' is already protected by [${first}]: both would emit default-deny-all (and allow-dns-egress) there`,
          fix: `list '${ns}' in one DefaultDenyPolicy only`,
        });
      }
    }
    return out;
  },
};

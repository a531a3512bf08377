import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/** Flannel does not implement NetworkPolicy: policies in the same app would be silently ignored. */
export const CNI_POLICY_UNENFORCED: CrossComponentRule = {
  id: 'CNI-POLICY-UNENFORCED',
  description: 'NetworkPolicies only with a CNI that enforces them',
  evaluate(state: AppState): RawFinding[] {
    const flannel = state.components('cni').filter((c) => !c.enforcesNetworkPolicy);
    if (flannel.length === 0) return [];
    const policies = state.apiObjects().filter((c) => c.kind === 'NetworkPolicy').length;
    if (policies === 0) return [];
    return flannel.map((f) => ({
      ruleId: this.id,
      severity: FindingSeverity.WARNING,
      scope: f.scope,
      message: `${f.plugin} does not enforce NetworkPolicy, and the app has ${policies} NetworkPolicy object(s): they would be accepted and silently ignored`,
      fix: 'use Calico (or Cilium), or run a policy engine beside Flannel (Canal)',
    }));
  },
};

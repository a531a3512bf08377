import { shownPath } from '../core/_input-names';
import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/** One CNI per cluster: Calico, Cilium and Flannel settings must not be emitted together. */
export const CNI_EXCLUSIVE: CrossComponentRule = {
  id: 'CNI-EXCLUSIVE',
  description: 'one CNI plugin per app',
  evaluate(state: AppState): RawFinding[] {
    const cnis = state.components('cni');
    return cnis.slice(1).map((extra) => ({
      ruleId: this.id,
      severity: FindingSeverity.ERROR,
      scope: extra.scope,
      message: `${extra.plugin} is configured, but [${shownPath(cnis[0].scope)}] already configures ${cnis[0].plugin}: a cluster runs one CNI plugin`,
      fix: 'keep the CNI component of the plugin the cluster runs and remove the other',
    }));
  },
};

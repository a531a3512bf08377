import { shownPath } from '../core/_input-names';
import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

const ENFORCE = 'pod-security.kubernetes.io/enforce';
const KUBE_SYSTEM = 'kube-system';

/**
 * kube-proxy (privileged), node-local-dns (hostNetwork, NET_ADMIN) and the sysctl
 * tuner (privileged, hostNetwork) only start in a namespace whose Pod Security
 * level is privileged; kube-system is, unless the app relabels it.
 */
export const PRIVILEGED_NAMESPACE: CrossComponentRule = {
  id: 'PSA-PRIVILEGED',
  description: 'node components run where Pod Security admits privileged pods',
  evaluate(state: AppState): RawFinding[] {
    const privileged = [
      ...state.components('kube-proxy').filter((k) => k.deploysDaemonSet).map((k) => k.scope),
      ...state.components('node-local-dns').map((n) => n.scope),
      ...state.components('sysctl-tuner').map((s) => s.scope),
    ];
    if (privileged.length === 0) return [];
    const out: RawFinding[] = [];
    // The app's objects come from the one walk per synthesis the state keeps.
    for (const c of state.apiObjects()) {
      if (c.kind !== 'Namespace' || c.metadata.name !== KUBE_SYSTEM) continue;
      const level = c.metadata.getLabel(ENFORCE);
      if (level === undefined || level === 'privileged') continue;
      for (const scope of privileged) {
        out.push({
          ruleId: this.id,
          severity: FindingSeverity.ERROR,
          scope,
          message: `runs privileged pods in ${KUBE_SYSTEM}, but [${shownPath(c)}] labels it '${ENFORCE}: ${level}': the API server would refuse them`,
          fix: `keep ${KUBE_SYSTEM} at '${ENFORCE}: privileged' (its default when unlabelled)`,
        });
      }
    }
    return out;
  },
};

import type { ComponentKind } from '../core/_facts';
import { shownPath } from '../core/_input-names';
import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/** Components that own fixed object names in kube-system: two would overwrite each other. */
const SINGLE: Partial<Record<ComponentKind, string>> = {
  'kube-proxy': 'the kube-proxy ConfigMap (and DaemonSet)',
  'sysctl-tuner': 'the network-sysctl-tuner DaemonSet',
  'coredns': 'the coredns ConfigMap (and the kube-dns Service)',
  'node-local-dns': 'the node-local-dns DaemonSet',
};

export const SINGLE_INSTANCE: CrossComponentRule = {
  id: 'SINGLE-INSTANCE',
  description: 'at most one instance of each cluster-wide component per app',
  evaluate(state: AppState): RawFinding[] {
    const out: RawFinding[] = [];
    for (const [kind, what] of Object.entries(SINGLE) as Array<[ComponentKind, string]>) {
      const list = state.components(kind);
      for (const extra of list.slice(1)) {
        out.push({
          ruleId: this.id,
          severity: FindingSeverity.ERROR,
          scope: extra.scope,
          message: `a second ${kind} component: [${shownPath(list[0].scope)}] already emits ${what}, and both would write the same objects`,
          fix: `keep one ${kind} component per app (one cluster per app)`,
        });
      }
    }
    return out;
  },
};

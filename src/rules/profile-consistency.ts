import { shownPath } from '../core/_input-names';
import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/**
 * One fact, decided once: every component of an app must target the same
 * cluster (version, domain, CIDRs, kube-dns IP, ...). Two profiles that differ
 * would emit manifests that contradict each other.
 */
export const PROFILE_CONSISTENCY: CrossComponentRule = {
  id: 'PROFILE-CONSISTENCY',
  description: 'all components of an app use the same cluster profile',
  evaluate(state: AppState): RawFinding[] {
    const all = state.allComponents();
    if (all.length < 2) return [];
    const first = all[0];
    const out: RawFinding[] = [];
    for (const other of all.slice(1)) {
      if (other.profile === first.profile || other.profile.sameAs(first.profile)) continue;
      const a = first.profile.describe().split('\n');
      const b = other.profile.describe().split('\n');
      const diff = b.filter((line, i) => line !== a[i]).map((line) => {
        const key = line.split('=')[0];
        return `${key}: ${line.slice(key.length + 1)} vs ${a.find((l) => l.startsWith(key + '='))!.slice(key.length + 1)}`;
      });
      out.push({
        ruleId: this.id,
        severity: FindingSeverity.ERROR,
        scope: other.scope,
        message: `'profile' differs from the one used by [${shownPath(first.scope)}] (${diff.join('; ')}): the two components would describe different clusters`,
        fix: 'create one ClusterProfile and pass it to every component (NetworkTuning does this for you)',
      });
    }
    return out;
  },
};

import type { IConstruct } from 'constructs';
import { shownProp } from '../core/_input-names';
import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';
import { SysctlCatalogue, SysctlScope } from '../node/sysctl-catalogue';

/**
 * Network-namespaced sysctls (net.core.somaxconn, tcp_tw_reuse, ip_local_port_range, ...)
 * written by a hostNetwork DaemonSet change only the host's namespace: pods keep the
 * defaults of their own namespace. A key the user sets on the host on purpose, with
 * nothing setting it in pods, usually means the pods were the target.
 */
export const NAMESPACED_SYSCTLS_ON_HOST: CrossComponentRule = {
  id: 'SYSCTL-NAMESPACED-HOST-ONLY',
  description: 'a namespaced sysctl set on the host only, where pods never see it',
  evaluate(state: AppState): RawFinding[] {
    const inPods = new Set(state.components('pod-sysctls').flatMap((p) => p.keys));
    const out: RawFinding[] = [];
    for (const tuner of state.components('sysctl-tuner')) {
      const keys = Object.keys(tuner.explicitSysctls)
        .filter((k) => {
          const info = SysctlCatalogue.lookup(k);
          // Keys for the host's own namespace (ip_forward, conntrack timeouts) are set there on purpose.
          return info?.scope === SysctlScope.NAMESPACED && !info.forHost && !inPods.has(k);
        })
        .sort();
      if (keys.length === 0) continue;
      out.push({
        ruleId: this.id,
        severity: FindingSeverity.WARNING,
        scope: tuner.scope,
        message: `'${shownProp(tuner.scope, 'sysctls')}' sets ${keys.map((k) => shownKey(tuner.scope, k)).join(', ')} on the host; these are per network namespace, so pods keep their own defaults`,
        fix: 'add PodSysctlTuning for the workloads that need them (the host value still serves hostNetwork pods)',
      });
    }
    return out;
  },
};

/** A key as the tuner's caller named it (a node file's name and line), or the key itself. */
function shownKey(scope: IConstruct, key: string): string {
  const named = shownProp(scope, `sysctls[${key}]`);
  return named === `sysctls[${key}]` ? key : `'${named}'`;
}

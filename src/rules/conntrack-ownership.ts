import { shownPath, shownProp } from '../core/_input-names';
import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/**
 * kube-proxy writes nf_conntrack_max = max(maxPerCore × cores, min) and the TCP
 * established / close-wait timeouts at start, whenever the value differs
 * (cmd/kube-proxy/app/conntrack.go). A SysctlTuner that sets the same keys to
 * other values loses after every kube-proxy restart, so the two must agree:
 * either the tuner owns a key and kube-proxy leaves it (maxPerCore: 0, timeout 0s),
 * or the tuner leaves it out (its default when the plan gives kube-proxy the keys).
 */
export const CONNTRACK_OWNERSHIP: CrossComponentRule = {
  id: 'CONNTRACK-OWNERSHIP',
  description: 'a SysctlTuner and kube-proxy never set conflicting conntrack values',
  evaluate(state: AppState): RawFinding[] {
    const kp = state.plan().conntrack.kubeProxy;
    if (!kp) return [];
    const out: RawFinding[] = [];
    for (const tuner of state.components('sysctl-tuner')) {
      const checks: Array<[string, number, string, string]> = [
        ['net.netfilter.nf_conntrack_max', kp.max, kp.maxFrom,
          "set the kube-proxy's conntrack.maxPerCore to 0 so the tuner owns the key, or remove the key from the tuner's 'sysctls'"],
        ['net.netfilter.nf_conntrack_tcp_timeout_established', kp.tcpEstablishedSeconds, 'conntrack.tcpEstablishedTimeout',
          "set the kube-proxy's conntrack.tcpEstablishedTimeout to the same value (or 0s to leave it to the tuner), or remove the key from the tuner"],
        ['net.netfilter.nf_conntrack_tcp_timeout_close_wait', kp.tcpCloseWaitSeconds, 'conntrack.tcpCloseWaitTimeout',
          "set the kube-proxy's conntrack.tcpCloseWaitTimeout to the same value (or 0s to leave it to the tuner), or remove the key from the tuner"],
      ];
      for (const [key, kpValue, how, fix] of checks) {
        const mine = tuner.explicitSysctls[key];
        if (mine === undefined || kpValue <= 0 || Number(mine) === kpValue) continue;
        out.push({
          ruleId: this.id,
          severity: FindingSeverity.ERROR,
          scope: tuner.scope,
          message: `'${shownProp(tuner.scope, `sysctls[${key}]`)}' (${mine}) conflicts with [${shownPath(kp.scope)}], which writes ${kpValue} (${how}) at every start and overwrites other values`,
          fix,
        });
      }
    }
    return out;
  },
};

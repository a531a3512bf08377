import { shownProp } from '../core/_input-names';
import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/**
 * A kubeProxyMode stated on NodeLocalDns is a fact about the cluster; the plan
 * decides the data plane once (core/_plan.ts). A statement that disagrees with
 * the plan would wire node-cache for the wrong data plane, and DNS fails on
 * every node (node-cache binds the kube-dns IP only in kube-proxy iptables mode).
 */
export const NODE_LOCAL_DNS_MODE: CrossComponentRule = {
  id: 'NLD-MODE-MISMATCH',
  description: "NodeLocalDns's kubeProxyMode agrees with the app's data plane",
  evaluate(state: AppState): RawFinding[] {
    const plane = state.plan().dataPlane;
    return state.components('node-local-dns')
      .filter((nld) => nld.explicitMode && plane.decidedBy !== nld.scope && nld.explicitMode !== plane.mode)
      .map((nld) => ({
        ruleId: this.id,
        severity: FindingSeverity.ERROR,
        scope: nld.scope,
        message: plane.kind === 'ebpf'
          ? `'${shownProp(nld.scope, 'kubeProxyMode')}' (${nld.explicitMode}) is set, but ${plane.reason}: no kube-proxy runs, and node-local-dns must be wired for that data plane (link-local IP only)`
          : `'${shownProp(nld.scope, 'kubeProxyMode')}' (${nld.explicitMode}) disagrees with the app's data plane, kube-proxy ${plane.mode} (${plane.reason}): node-local-dns would be wired for the wrong data plane and DNS would fail`,
        fix: 'remove kubeProxyMode from NodeLocalDns (it follows the plan) or make the two agree',
      }));
  },
};

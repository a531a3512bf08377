import { CniPlugin } from '../cni/cni-plugin';
import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';
import { KubeProxyMode } from '../kube-proxy/kube-proxy-mode';

/**
 * Cilium beside kube-proxy in IPVS mode breaks pod-to-NodePort traffic to backends on
 * other nodes: Cilium's iptables marks and hairpin SNAT clash with IPVS
 * (cilium/cilium#18610, closed unfixed). The plan never picks the pairing; a user who
 * states it gets this error.
 */
export const CILIUM_KUBE_PROXY_IPVS: CrossComponentRule = {
  id: 'CILIUM-KUBE-PROXY-IPVS',
  description: 'no kube-proxy IPVS mode beside Cilium',
  evaluate(state: AppState): RawFinding[] {
    const plan = state.plan();
    if (plan.policy.cni !== CniPlugin.CILIUM || plan.dataPlane.mode !== KubeProxyMode.IPVS) return [];
    return [{
      ruleId: this.id,
      severity: FindingSeverity.ERROR,
      scope: plan.dataPlane.decidedBy ?? plan.policy.cniScope!,
      message: `kube-proxy runs in IPVS mode (${plan.dataPlane.reason}) beside Cilium: pod-to-NodePort traffic to other nodes breaks (cilium/cilium#18610)`,
      fix: "turn on Cilium's kubeProxyReplacement (it needs the profile's apiServerHost), or run kube-proxy in nftables mode (GA in 1.33) or iptables mode",
    }];
  },
};

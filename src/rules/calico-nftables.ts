import { shownProp } from '../core/_input-names';
import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';
import { KubeProxyMode } from '../kube-proxy/kube-proxy-mode';

/** Calico's nftables data plane and kube-proxy's nftables mode go together (Calico docs; nftablesMode Auto follows kube-proxy). */
export const CALICO_NFTABLES: CrossComponentRule = {
  id: 'CALICO-NFTABLES',
  description: 'Calico nftablesMode agrees with kube-proxy\'s mode',
  evaluate(state: AppState): RawFinding[] {
    const plane = state.plan().dataPlane;
    if (plane.kind !== 'kube-proxy') return [];
    const kpNft = plane.mode === KubeProxyMode.NFTABLES;
    return state.components('cni')
      .filter((cni) => cni.calicoNftablesMode && cni.calicoNftablesMode !== 'Auto' && (cni.calicoNftablesMode === 'Enabled') !== kpNft)
      .map((cni) => ({
        ruleId: this.id,
        severity: FindingSeverity.WARNING,
        scope: cni.scope,
        message: `'${shownProp(cni.scope, 'nftablesMode')}' (${cni.calicoNftablesMode}) but kube-proxy runs in ${plane.mode} mode (${plane.reason}): Calico's nftables data plane is meant to run with kube-proxy nftables, and mixing iptables and nftables rules is hard to debug`,
        fix: 'set nftablesMode to Auto (it follows kube-proxy) or make the two agree',
      }));
  },
};

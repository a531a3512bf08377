import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';
import { KubeProxyMode } from '../kube-proxy/kube-proxy-mode';

/** Calico's nftables data plane and kube-proxy's nftables mode go together (Calico docs; nftablesMode Auto follows kube-proxy). */
export const CALICO_NFTABLES: CrossComponentRule = {
  id: 'CALICO-NFTABLES',
  description: 'Calico nftablesMode agrees with kube-proxy\'s mode',
  evaluate(state: AppState): RawFinding[] {
    const out: RawFinding[] = [];
    for (const cni of state.components('cni')) {
      const mode = cni.calicoNftablesMode;
      if (!mode || mode === 'Auto') continue;
      for (const kp of state.components('kube-proxy')) {
        const kpNft = kp.mode === KubeProxyMode.NFTABLES;
        if ((mode === 'Enabled') === kpNft) continue;
        out.push({
          ruleId: this.id,
          severity: FindingSeverity.WARNING,
          scope: cni.scope,
          message: `'nftablesMode' (${mode}) but [${kp.scope.node.path}] runs kube-proxy in ${kp.mode} mode: Calico's nftables data plane is meant to run with kube-proxy nftables, and mixing iptables and nftables rules is hard to debug`,
          fix: 'set nftablesMode to Auto (it follows kube-proxy) or make the two agree',
        });
      }
    }
    return out;
  },
};

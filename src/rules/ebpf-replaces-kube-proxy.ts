import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';

/**
 * Calico eBPF and Cilium's kube-proxy replacement implement Services themselves:
 * kube-proxy must not run beside them (Felix's bpfKubeProxyIptablesCleanupEnabled,
 * on by default, even deletes kube-proxy's chains; two service proxies fight).
 */
export const EBPF_REPLACES_KUBE_PROXY: CrossComponentRule = {
  id: 'EBPF-REPLACES-KUBE-PROXY',
  description: 'no kube-proxy next to an eBPF data plane that replaces it',
  evaluate(state: AppState): RawFinding[] {
    const plane = state.plan().dataPlane;
    if (plane.kind !== 'ebpf') return [];
    return state.components('kube-proxy').map((kp) => ({
      ruleId: this.id,
      severity: FindingSeverity.ERROR,
      scope: kp.scope,
      message: `kube-proxy is configured, but ${plane.reason}: both would program Service routing and fight (Calico even deletes kube-proxy's rules)`,
      fix: 'remove TunedKubeProxy (and the kube-proxy DaemonSet from the cluster: kubeadm --skip-phases=addon/kube-proxy), or turn the eBPF kube-proxy replacement off',
    }));
  },
};

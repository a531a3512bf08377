import type { AppState, CrossComponentRule, RawFinding } from '../core/_registry';
import { FindingSeverity } from '../core/report-types';
import { KubeProxyMode } from '../kube-proxy/kube-proxy-mode';

/**
 * node-cache only installs iptables rules (kubernetes/dns#682): under kube-proxy's
 * nftables mode it is wired like IPVS mode, which works only once every kubelet's
 * clusterDNS points at the link-local IP.
 */
export const NODE_LOCAL_DNS_NFTABLES: CrossComponentRule = {
  id: 'NLD-NFTABLES',
  description: 'node-local-dns under kube-proxy nftables mode: not supported upstream, wired like IPVS',
  evaluate(state: AppState): RawFinding[] {
    const nld = state.plan().dns.nodeLocal;
    if (!nld || nld.wiredFor !== KubeProxyMode.NFTABLES) return [];
    return [{
      ruleId: this.id,
      severity: FindingSeverity.WARNING,
      scope: nld.scope,
      message: 'kube-proxy nftables mode is not supported by node-local-dns upstream (node-cache only installs iptables rules; kubernetes/dns#682): '
        + 'it is wired like IPVS mode (link-local IP only), which needs every kubelet\'s clusterDNS changed',
      fix: `roll out node-local-dns and wait until it is ready on every node, then apply the kubelet drop-in (clusterDNS: ${nld.localIp}) node by node, and test DNS after the kube-proxy migration`,
    }];
  },
};

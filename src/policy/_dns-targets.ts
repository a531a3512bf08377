import { DnsTargets } from './_policy-analysis';
import type { AppState } from '../core/_registry';
import { ClusterProfile } from '../core/cluster-profile';

/** Where pods send DNS queries in this app: kube-dns, and NodeLocal DNSCache's addresses. */
export function dnsTargetsOf(state: AppState, profile: ClusterProfile): DnsTargets {
  const nodeLocalIps = state.components('node-local-dns').flatMap((n) => (n.bindsDnsServiceIp ? [n.localIp, profile.dnsServiceIp] : [n.localIp]));
  return { dnsServiceIp: profile.dnsServiceIp, nodeLocalIps };
}

import { DnsTargets } from './_policy-analysis';
import type { AppState } from '../core/_registry';

/** Where pods send DNS queries in this app, from the plan: kube-dns, and NodeLocal DNSCache's addresses. */
export function dnsTargetsOf(state: AppState): DnsTargets {
  const dns = state.plan().dns;
  return { dnsServiceIp: dns.dnsServiceIp, nodeLocalIps: dns.nodeLocalIps };
}

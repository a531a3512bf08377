/*
 * The series each scrape target exports, read from the exporters' sources, so a panel or an
 * alert that names a series nobody exports (a typo, a renamed metric, another mode's metric)
 * fails a test instead of drawing an empty graph.
 */
import { KubeProxyMode } from '../../src';

const histogram = (name: string) => [`${name}_bucket`, `${name}_count`, `${name}_sum`];

/** kubernetes pkg/proxy/metrics/metrics.go, RegisterMetrics(mode). */
export function kubeProxyMetrics(mode: KubeProxyMode | undefined): Set<string> {
  const all = [
    ...histogram('kubeproxy_sync_proxy_rules_duration_seconds'),
    ...histogram('kubeproxy_network_programming_duration_seconds'),
    'kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds', 'kubeproxy_sync_proxy_rules_last_timestamp_seconds',
    'kubeproxy_sync_proxy_rules_endpoint_changes_pending', 'kubeproxy_sync_proxy_rules_endpoint_changes_total',
    'kubeproxy_sync_proxy_rules_service_changes_pending', 'kubeproxy_sync_proxy_rules_service_changes_total',
    'kubeproxy_sync_proxy_rules_no_local_endpoints_total', 'kubeproxy_proxy_healthz_total', 'kubeproxy_proxy_livez_total',
  ];
  const byMode: Record<string, string[]> = {
    [KubeProxyMode.IPTABLES]: [
      'kubeproxy_sync_proxy_rules_iptables_restore_failures_total', 'kubeproxy_sync_proxy_rules_iptables_partial_restore_failures_total',
      'kubeproxy_sync_proxy_rules_iptables_total', 'kubeproxy_sync_proxy_rules_iptables_last',
      ...histogram('kubeproxy_sync_full_proxy_rules_duration_seconds'), ...histogram('kubeproxy_sync_partial_proxy_rules_duration_seconds'),
    ],
    [KubeProxyMode.IPVS]: ['kubeproxy_sync_proxy_rules_iptables_restore_failures_total'],
    [KubeProxyMode.NFTABLES]: ['kubeproxy_sync_proxy_rules_nftables_sync_failures_total', 'kubeproxy_sync_proxy_rules_nftables_cleanup_failures_total'],
  };
  return new Set(['up', ...all, ...(mode ? byMode[mode] : [])]);
}

/**
 * CoreDNS plugins metrics, cache and forward; forward's own request series before 1.11,
 * plugin/pkg/proxy's coredns_proxy_* from 1.11 (plugin/forward/metrics.go, plugin/pkg/proxy/metrics.go).
 */
export function coreDnsMetrics(legacyForward: boolean): Set<string> {
  return new Set([
    'up',
    ...histogram('coredns_dns_request_duration_seconds'), 'coredns_dns_requests_total', 'coredns_dns_responses_total',
    'coredns_cache_entries', 'coredns_cache_hits_total', 'coredns_cache_misses_total', 'coredns_cache_requests_total',
    'coredns_forward_max_concurrent_rejects_total', 'coredns_forward_healthcheck_broken_total',
    ...(legacyForward
      ? [...histogram('coredns_forward_request_duration_seconds'), 'coredns_forward_responses_total', 'coredns_forward_requests_total', 'coredns_forward_healthcheck_failures_total']
      : [...histogram('coredns_proxy_request_duration_seconds'), 'coredns_proxy_healthcheck_failures_total']),
  ]);
}

/** node-cache is CoreDNS (1.11+) plus its setup counter (kubernetes/dns cmd/node-cache/app/metrics.go). */
export function nodeLocalDnsMetrics(): Set<string> {
  return new Set([...coreDnsMetrics(false), 'coredns_nodecache_setup_errors_total']);
}

/** node_exporter collectors enabled by default: netdev, conntrack, softnet, netstat (default fields TcpExt_Listen.*). */
export function nodeExporterMetrics(): Set<string> {
  return new Set([
    'up',
    'node_network_receive_bytes_total', 'node_network_transmit_bytes_total', 'node_network_receive_packets_total', 'node_network_transmit_packets_total',
    'node_nf_conntrack_entries', 'node_nf_conntrack_entries_limit',
    ...['found', 'invalid', 'ignore', 'insert', 'insert_failed', 'drop', 'early_drop', 'search_restart'].map((s) => `node_nf_conntrack_stat_${s}`),
    'node_softnet_processed_total', 'node_softnet_dropped_total', 'node_softnet_times_squeezed_total',
    'node_netstat_TcpExt_ListenOverflows', 'node_netstat_TcpExt_ListenDrops',
  ]);
}

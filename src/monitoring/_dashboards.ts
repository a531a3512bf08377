import { AlertContext, AlertGroup, ALERTS, forward, NODE_DEVICES, servfailShare, Text } from './_alert-catalogue';
import { KubeProxyMode } from '../kube-proxy/kube-proxy-mode';

/** One PromQL query of a panel. */
interface Target {
  readonly expr: string;
  /** Grafana legend template. */
  readonly legend: string;
}

interface PanelDef {
  readonly title: Text;
  readonly group: AlertGroup;
  /** Only in these kube-proxy modes (mode-specific metrics). */
  readonly modes?: readonly KubeProxyMode[];
  /** Grafana unit id. */
  readonly unit: string;
  /** The alert whose limit the panel draws as a red line. */
  readonly alert?: string;
  targets(c: AlertContext): Target[];
}

interface DashboardDef {
  readonly file: string;
  readonly uid: string;
  readonly title: Text;
  readonly panels: readonly PanelDef[];
}

const rate = (series: string) => `rate(${series}[5m])`;
const p99 = (by: string, bucket: string) => `histogram_quantile(0.99, sum by (${by}) (${rate(bucket)}))`;

const KUBE_PROXY: DashboardDef = {
  file: 'kube-proxy',
  uid: 'network-tuning-kube-proxy',
  title: { en: 'Network tuning / kube-proxy', zh: '网络调优 / kube-proxy' },
  panels: [
    {
      title: { en: 'Rule sync p99 per node', zh: '各节点规则同步 p99' },
      group: 'kube-proxy',
      unit: 's',
      alert: 'KubeProxySyncSlow',
      targets: (c) => [{ expr: p99('instance, le', `kubeproxy_sync_proxy_rules_duration_seconds_bucket{job="${c.jobs.kubeProxy}"}`), legend: '{{instance}}' }],
    },
    {
      title: { en: 'Network programming p99 (endpoint change to rules)', zh: '网络编程延迟 p99（端点变化到规则生效）' },
      group: 'kube-proxy',
      unit: 's',
      targets: (c) => [{ expr: p99('instance, le', `kubeproxy_network_programming_duration_seconds_bucket{job="${c.jobs.kubeProxy}"}`), legend: '{{instance}}' }],
    },
    {
      title: { en: 'iptables rules per table', zh: '各表 iptables 规则数' },
      group: 'kube-proxy',
      unit: 'short',
      modes: [KubeProxyMode.IPTABLES],
      targets: (c) => [{ expr: `max by (table) (kubeproxy_sync_proxy_rules_iptables_total{job="${c.jobs.kubeProxy}"})`, legend: '{{table}}' }],
    },
    {
      title: { en: 'Unsynced for, with a change waiting', zh: '有待同步变更时距上次同步的时长' },
      group: 'kube-proxy',
      unit: 's',
      alert: 'KubeProxySyncStalled',
      targets: (c) => {
        const last = `kubeproxy_sync_proxy_rules_last_timestamp_seconds{job="${c.jobs.kubeProxy}"}`;
        return [{ expr: `(time() - ${last}) and (kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds{job="${c.jobs.kubeProxy}"} > ${last})`, legend: '{{instance}}' }];
      },
    },
    {
      title: { en: 'Pending Service and endpoint changes', zh: '待处理的 Service 与端点变更' },
      group: 'kube-proxy',
      unit: 'short',
      targets: (c) => [
        { expr: `sum(kubeproxy_sync_proxy_rules_service_changes_pending{job="${c.jobs.kubeProxy}"})`, legend: 'services' },
        { expr: `sum(kubeproxy_sync_proxy_rules_endpoint_changes_pending{job="${c.jobs.kubeProxy}"})`, legend: 'endpoints' },
      ],
    },
    {
      title: { en: 'iptables-restore failures per second', zh: '每秒 iptables-restore 失败次数' },
      group: 'kube-proxy',
      unit: 'ops',
      modes: [KubeProxyMode.IPTABLES, KubeProxyMode.IPVS],
      alert: 'KubeProxyRulesSyncFailing',
      targets: (c) => [{ expr: rate(`kubeproxy_sync_proxy_rules_iptables_restore_failures_total{job="${c.jobs.kubeProxy}"}`), legend: '{{instance}}' }],
    },
    {
      title: { en: 'nftables sync failures per second', zh: '每秒 nftables 同步失败次数' },
      group: 'kube-proxy',
      unit: 'ops',
      modes: [KubeProxyMode.NFTABLES],
      alert: 'KubeProxyNftablesSyncFailing',
      targets: (c) => [{ expr: rate(`kubeproxy_sync_proxy_rules_nftables_sync_failures_total{job="${c.jobs.kubeProxy}"}`), legend: '{{instance}}' }],
    },
    {
      title: { en: 'kube-proxy targets up', zh: '在线的 kube-proxy 抓取目标' },
      group: 'kube-proxy',
      unit: 'short',
      targets: (c) => [
        { expr: `sum(up{job="${c.jobs.kubeProxy}"})`, legend: 'up' },
        { expr: `count(up{job="${c.jobs.kubeProxy}"})`, legend: 'targets' },
      ],
    },
  ],
};

const DNS: DashboardDef = {
  file: 'dns',
  uid: 'network-tuning-dns',
  title: { en: 'Network tuning / DNS (CoreDNS and NodeLocal DNSCache)', zh: '网络调优 / DNS（CoreDNS 与 NodeLocal DNSCache）' },
  panels: [
    {
      title: { en: 'CoreDNS latency p99', zh: 'CoreDNS 延迟 p99' },
      group: 'coredns',
      unit: 's',
      alert: 'DNSLatencyHigh',
      targets: (c) => [{ expr: p99('le', `coredns_dns_request_duration_seconds_bucket{job="${c.jobs.coreDns}"}`), legend: 'p99' }],
    },
    {
      title: { en: 'CoreDNS SERVFAIL and REFUSED share', zh: 'CoreDNS SERVFAIL 与 REFUSED 占比' },
      group: 'coredns',
      unit: 'percentunit',
      alert: 'DNSErrorsHigh',
      targets: (c) => [{ expr: servfailShare(`coredns_dns_responses_total{job="${c.jobs.coreDns}"`), legend: 'SERVFAIL+REFUSED' }],
    },
    {
      title: { en: 'CoreDNS answers per rcode', zh: 'CoreDNS 各 rcode 应答速率' },
      group: 'coredns',
      unit: 'reqps',
      targets: (c) => [{ expr: `sum by (rcode) (${rate(`coredns_dns_responses_total{job="${c.jobs.coreDns}"}`)})`, legend: '{{rcode}}' }],
    },
    {
      title: { en: 'CoreDNS requests per type', zh: 'CoreDNS 各类型请求速率' },
      group: 'coredns',
      unit: 'reqps',
      targets: (c) => [{ expr: `sum by (type) (${rate(`coredns_dns_requests_total{job="${c.jobs.coreDns}"}`)})`, legend: '{{type}}' }],
    },
    {
      title: { en: 'CoreDNS cache hits and misses', zh: 'CoreDNS 缓存命中与未命中' },
      group: 'coredns',
      unit: 'reqps',
      targets: (c) => [
        { expr: `sum by (type) (${rate(`coredns_cache_hits_total{job="${c.jobs.coreDns}"}`)})`, legend: 'hits {{type}}' },
        { expr: `sum(${rate(`coredns_cache_misses_total{job="${c.jobs.coreDns}"}`)})`, legend: 'misses' },
      ],
    },
    {
      title: { en: 'CoreDNS cache entries', zh: 'CoreDNS 缓存条目数' },
      group: 'coredns',
      unit: 'short',
      targets: (c) => [{ expr: `sum by (type) (coredns_cache_entries{job="${c.jobs.coreDns}"})`, legend: '{{type}}' }],
    },
    {
      title: { en: 'NXDOMAIN share (search-path cost, not an error)', zh: 'NXDOMAIN 占比（搜索域开销，并非错误）' },
      group: 'coredns',
      unit: 'percentunit',
      targets: (c) => [{
        expr: `sum(${rate(`coredns_dns_responses_total{job="${c.jobs.coreDns}",rcode="NXDOMAIN"}`)}) / sum(${rate(`coredns_dns_responses_total{job="${c.jobs.coreDns}"}`)})`,
        legend: 'NXDOMAIN',
      }],
    },
    {
      title: { en: 'Upstream latency p99', zh: '上游延迟 p99' },
      group: 'coredns',
      unit: 's',
      alert: 'CoreDNSForwardLatencyHigh',
      targets: (c) => [{ expr: p99('to, le', forward(c, 'request_duration_seconds_bucket')), legend: '{{to}}' }],
    },
    {
      title: { en: 'Upstream SERVFAIL share', zh: '上游 SERVFAIL 占比' },
      group: 'coredns',
      unit: 'percentunit',
      alert: 'CoreDNSForwardErrorsHigh',
      targets: (c) => {
        const answers = c.legacyForwardMetrics ? 'responses_total' : 'request_duration_seconds_count';
        return [{ expr: `sum by (to) (${rate(forward(c, answers, 'rcode="SERVFAIL"'))}) / sum by (to) (${rate(forward(c, answers))})`, legend: '{{to}}' }];
      },
    },
    {
      title: { en: 'forward max_concurrent rejections', zh: 'forward max_concurrent 拒绝次数' },
      group: 'coredns',
      unit: 'ops',
      alert: 'CoreDNSMaxConcurrentRejects',
      targets: (c) => [{ expr: `sum(${rate(`coredns_forward_max_concurrent_rejects_total{job="${c.jobs.coreDns}"}`)})`, legend: 'rejects' }],
    },
    {
      title: { en: 'NodeLocal DNSCache latency p99 per node', zh: '各节点 NodeLocal DNSCache 延迟 p99' },
      group: 'node-local-dns',
      unit: 's',
      alert: 'NodeLocalDNSLatencyHigh',
      targets: (c) => [{ expr: p99('node, le', `coredns_dns_request_duration_seconds_bucket{job="${c.jobs.nodeLocalDns}"}`), legend: '{{node}}' }],
    },
    {
      title: { en: 'NodeLocal DNSCache SERVFAIL and REFUSED share per node', zh: '各节点 NodeLocal DNSCache SERVFAIL 与 REFUSED 占比' },
      group: 'node-local-dns',
      unit: 'percentunit',
      alert: 'NodeLocalDNSErrorsHigh',
      targets: (c) => [{ expr: servfailShare(`coredns_dns_responses_total{job="${c.jobs.nodeLocalDns}"`, 'node'), legend: '{{node}}' }],
    },
    {
      title: { en: 'NodeLocal DNSCache answers per node', zh: '各节点 NodeLocal DNSCache 应答速率' },
      group: 'node-local-dns',
      unit: 'reqps',
      targets: (c) => [{ expr: `sum by (node) (${rate(`coredns_dns_responses_total{job="${c.jobs.nodeLocalDns}"}`)})`, legend: '{{node}}' }],
    },
    {
      title: { en: 'NodeLocal DNSCache hit ratio per node', zh: '各节点 NodeLocal DNSCache 命中率' },
      group: 'node-local-dns',
      unit: 'percentunit',
      targets: (c) => [{
        expr: `sum by (node) (${rate(`coredns_cache_hits_total{job="${c.jobs.nodeLocalDns}"}`)}) / sum by (node) (${rate(`coredns_cache_requests_total{job="${c.jobs.nodeLocalDns}"}`)})`,
        legend: '{{node}}',
      }],
    },
    {
      title: { en: 'node-cache setup errors (interface, iptables)', zh: 'node-cache 设置错误（网卡、iptables）' },
      group: 'node-local-dns',
      unit: 'short',
      alert: 'NodeLocalDNSSetupErrors',
      targets: (c) => [{ expr: `sum by (node, errortype) (increase(coredns_nodecache_setup_errors_total{job="${c.jobs.nodeLocalDns}"}[10m]))`, legend: '{{node}} {{errortype}}' }],
    },
  ],
};

const nodeRate = (c: AlertContext, metric: string) => `sum by (instance) (${rate(`${metric}{job="${c.jobs.nodeExporter}",${NODE_DEVICES}}`)})`;

const NODE: DashboardDef = {
  file: 'node-network',
  uid: 'network-tuning-node-network',
  title: { en: 'Network tuning / node network', zh: '网络调优 / 节点网络' },
  panels: [
    {
      title: { en: 'Received and transmitted bytes per node', zh: '各节点收发字节速率' },
      group: 'node',
      unit: 'Bps',
      targets: (c) => [
        { expr: nodeRate(c, 'node_network_receive_bytes_total'), legend: 'rx {{instance}}' },
        { expr: nodeRate(c, 'node_network_transmit_bytes_total'), legend: 'tx {{instance}}' },
      ],
    },
    {
      title: { en: 'Received and transmitted packets per node', zh: '各节点收发包速率' },
      group: 'node',
      unit: 'pps',
      targets: (c) => [
        { expr: nodeRate(c, 'node_network_receive_packets_total'), legend: 'rx {{instance}}' },
        { expr: nodeRate(c, 'node_network_transmit_packets_total'), legend: 'tx {{instance}}' },
      ],
    },
    {
      title: { en: 'Conntrack table usage', zh: '连接跟踪表使用率' },
      group: 'node',
      unit: 'percentunit',
      alert: 'ConntrackTableFilling',
      targets: (c) => [{
        expr: `node_nf_conntrack_entries{job="${c.jobs.nodeExporter}"} / node_nf_conntrack_entries_limit{job="${c.jobs.nodeExporter}"}`,
        legend: '{{instance}}',
      }],
    },
    {
      title: { en: 'Conntrack insert failures per second', zh: '每秒连接跟踪插入失败次数' },
      group: 'node',
      unit: 'ops',
      alert: 'NodeConntrackInsertFailing',
      targets: (c) => [{ expr: rate(`node_nf_conntrack_stat_insert_failed{job="${c.jobs.nodeExporter}"}`), legend: '{{instance}}' }],
    },
    {
      title: { en: 'Conntrack drops and early drops per second', zh: '每秒连接跟踪丢弃与提前丢弃次数' },
      group: 'node',
      unit: 'ops',
      alert: 'NodeConntrackDropping',
      targets: (c) => [
        { expr: rate(`node_nf_conntrack_stat_drop{job="${c.jobs.nodeExporter}"}`), legend: 'drop {{instance}}' },
        { expr: rate(`node_nf_conntrack_stat_early_drop{job="${c.jobs.nodeExporter}"}`), legend: 'early_drop {{instance}}' },
      ],
    },
    {
      title: { en: 'Softnet backlog drops per second', zh: '每秒 softnet 积压丢包数' },
      group: 'node',
      unit: 'pps',
      alert: 'NodeSoftnetDropping',
      targets: (c) => [{ expr: `sum without (cpu) (${rate(`node_softnet_dropped_total{job="${c.jobs.nodeExporter}"}`)})`, legend: '{{instance}}' }],
    },
    {
      title: { en: 'Softnet budget exhausted (times squeezed) per second', zh: '每秒 softnet 预算耗尽次数（times squeezed）' },
      group: 'node',
      unit: 'ops',
      targets: (c) => [{ expr: `sum without (cpu) (${rate(`node_softnet_times_squeezed_total{job="${c.jobs.nodeExporter}"}`)})`, legend: '{{instance}}' }],
    },
    {
      title: { en: 'TCP listen overflows and drops (host network namespace)', zh: 'TCP 监听队列溢出与丢弃（主机网络命名空间）' },
      group: 'node',
      unit: 'ops',
      alert: 'NodeTcpListenOverflows',
      targets: (c) => [
        { expr: rate(`node_netstat_TcpExt_ListenOverflows{job="${c.jobs.nodeExporter}"}`), legend: 'overflows {{instance}}' },
        { expr: rate(`node_netstat_TcpExt_ListenDrops{job="${c.jobs.nodeExporter}"}`), legend: 'drops {{instance}}' },
      ],
    },
  ],
};

const DASHBOARDS: readonly DashboardDef[] = [KUBE_PROXY, DNS, NODE];

/** Each dashboard's file name and the groups whose panels it holds (decides whether it is emitted). */
export const DASHBOARD_FILES: readonly { readonly name: string; readonly groups: readonly AlertGroup[] }[] = DASHBOARDS.map((d) => ({
  name: d.file,
  groups: [...new Set(d.panels.map((p) => p.group))],
}));

/** A rendered dashboard: the ConfigMap key and the Grafana JSON model. */
export interface RenderedDashboard {
  readonly file: string;
  readonly uid: string;
  readonly json: Record<string, unknown>;
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

/**
 * Grafana dashboards for the watched groups, each panel's threshold line at its alert's limit
 * (the same AlertContext the rules are rendered from, so a changed threshold moves both).
 */
export function renderDashboards(ctx: AlertContext, watched: Record<AlertGroup, boolean>, lang: 'en' | 'zh'): RenderedDashboard[] {
  const byName = new Map(ALERTS.map((a) => [a.alert, a]));
  const out: RenderedDashboard[] = [];
  for (const d of DASHBOARDS) {
    const panels = d.panels.filter((p) => watched[p.group] && (!p.modes || (ctx.kubeProxyMode !== undefined && p.modes.includes(ctx.kubeProxyMode))));
    if (panels.length === 0) continue;
    out.push({
      file: `network-tuning-${d.file}.json`,
      uid: d.uid,
      json: {
        uid: d.uid,
        title: d.title[lang],
        tags: ['network-tuning', 'cdk8s-network-tuning'],
        editable: true,
        schemaVersion: 39,
        refresh: '1m',
        time: { from: 'now-6h', to: 'now' },
        templating: {
          list: [{ name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', hide: 0 }],
        },
        panels: panels.map((p, i) => {
          const alert = p.alert ? byName.get(p.alert) : undefined;
          if (p.alert && !alert?.limit) throw new Error(`panel '${p.title.en}' draws alert ${p.alert}, which has no numeric limit`);
          // A line at 0 sits on the axis: alerts on "any" draw none (the description names them).
          const alertLimit = alert?.limit ? alert.limit(ctx) : undefined;
          const limit = alertLimit !== undefined && alertLimit > 0 ? alertLimit : undefined;
          return {
            id: i + 1,
            type: 'timeseries',
            title: p.title[lang],
            ...(alert ? { description: `${alert.alert}: ${alert.threshold(ctx)}` } : {}),
            datasource: DATASOURCE,
            gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
            targets: p.targets(ctx).map((t, j) => ({
              refId: String.fromCharCode(65 + j), datasource: DATASOURCE, expr: t.expr, legendFormat: t.legend,
            })),
            fieldConfig: {
              defaults: {
                unit: p.unit,
                min: 0,
                thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, ...(limit !== undefined ? [{ color: 'red', value: limit }] : [])] },
                custom: { thresholdsStyle: { mode: limit !== undefined ? 'line' : 'off' } },
              },
              overrides: [],
            },
            options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi', sort: 'desc' } },
          };
        }),
      },
    });
  }
  return out;
}

import { Duration } from 'cdk8s';
import { KubeProxyMode } from '../kube-proxy/kube-proxy-mode';

/** What the alert expressions are built from. Internal. */
export interface AlertContext {
  readonly kubeProxyMode?: KubeProxyMode;
  /**
   * CoreDNS before 1.11 (Kubernetes 1.28's kubeadm pins 1.10.1) exports the forward plugin's
   * own coredns_forward_* series; 1.11 replaced them with coredns_proxy_*{proxy_name="forward"}.
   */
  readonly legacyForwardMetrics: boolean;
  readonly jobs: { readonly kubeProxy: string; readonly coreDns: string; readonly nodeLocalDns: string; readonly nodeExporter: string };
  readonly kubeProxySyncSeconds: number;
  /** KubeProxySyncStalled: a queued change unsynced for longer than this. */
  readonly kubeProxyStallSeconds: number;
  readonly dnsLatencySeconds: number;
  readonly dnsErrorRatio: number;
  readonly forwardLatencySeconds: number;
  readonly forwardErrorRatio: number;
  readonly conntrackUsageRatio: number;
  readonly forDuration: Duration;
  readonly downFor: Duration;
}

export type AlertGroup = 'kube-proxy' | 'coredns' | 'node-local-dns' | 'node';

export interface Text {
  readonly en: string;
  readonly zh: string;
}

export interface AlertDef {
  readonly alert: string;
  readonly group: AlertGroup;
  /** Whether the guide lists it (the other alerts go beyond the guide). */
  readonly fromGuide: boolean;
  readonly severity: 'warning' | 'critical';
  /** Only in some kube-proxy modes (mode-specific metrics). */
  readonly modes?: readonly KubeProxyMode[];
  readonly summary: Text;
  readonly description: Text;
  readonly runbook: Text;
  expr(ctx: AlertContext): string;
  forDuration(ctx: AlertContext): Duration;
  /** The threshold as shown in the README table. */
  threshold(ctx: AlertContext): string;
  /** The number the expression compares against (`> limit`), drawn on the dashboards. */
  limit?(ctx: AlertContext): number;
}

const num = (n: number) => String(Number(n.toPrecision(12)));

/** A forward-plugin series selector in the names the running CoreDNS exports. */
export function forward(c: AlertContext, metric: string, extra?: string): string {
  const matchers = [`job="${c.jobs.coreDns}"`, ...(c.legacyForwardMetrics ? [] : ['proxy_name="forward"']), ...(extra ? [extra] : [])];
  return `coredns_${c.legacyForwardMetrics ? 'forward' : 'proxy'}_${metric}{${matchers.join(',')}}`;
}

/**
 * The share of SERVFAIL and REFUSED answers; `series` is a selector without its closing brace.
 * `by` keeps labels (e.g. instance) so each resolver is judged on its own answers.
 */
export function servfailShare(series: string, by?: string): string {
  const agg = by ? `sum by (${by})` : 'sum';
  return `${agg} (rate(${series},rcode=~"SERVFAIL|REFUSED"}[5m])) / ${agg} (rate(${series}}[5m]))`;
}

/**
 * A resolver serving a handful of queries would page on one SERVFAIL or one slow answer: the
 * DNS ratio and p99 alerts need at least this many answers per second (300 in the 5m window).
 */
export const MIN_ANSWERS_PER_SECOND = 1;

/** `expr` only where `series` (a selector without its closing brace) answers MIN_ANSWERS_PER_SECOND. */
function busy(expr: string, series: string, by?: string): string {
  return `(${expr}) and ${by ? `sum by (${by})` : 'sum'} (rate(${series}}[5m])) > ${MIN_ANSWERS_PER_SECOND}`;
}

/**
 * Conntrack insert failures per second on one node before it pages: each failure drops the first
 * packet of a flow (for DNS over UDP, a 5s resolver timeout in a pod); kernels >= 5.x resolve most
 * UDP clashes without counting them (netfilter nf_ct_resolve_clash), so a sustained rate is a fault.
 */
const CONNTRACK_INSERT_FAILED_PER_SECOND = 0.1;

export const ALERTS: readonly AlertDef[] = [
  // ---- the guide's three ----
  {
    alert: 'KubeProxySyncSlow',
    group: 'kube-proxy',
    fromGuide: true,
    severity: 'warning',
    expr: (c) => `histogram_quantile(0.99, sum by (instance, le) (rate(kubeproxy_sync_proxy_rules_duration_seconds_bucket{job="${c.jobs.kubeProxy}"}[5m]))) > ${num(c.kubeProxySyncSeconds)}`,
    forDuration: (c) => c.forDuration,
    threshold: (c) => `p99 > ${num(c.kubeProxySyncSeconds)}s`,
    limit: (c) => c.kubeProxySyncSeconds,
    summary: { en: 'kube-proxy rule sync is slow', zh: 'kube-proxy 规则同步过慢' },
    description: {
      en: 'p99 of kube-proxy rule syncs on {{ $labels.instance }} is {{ $value | humanizeDuration }}: Service and endpoint changes reach this node late.',
      zh: '{{ $labels.instance }} 上 kube-proxy 规则同步的 p99 为 {{ $value | humanizeDuration }}：Service 与端点的变化延迟生效。',
    },
    runbook: {
      en: 'Check the Service and endpoint count and churn; with iptables mode and more than 1,000 Services move to IPVS or nftables (ScaleTier.LARGE); raise minSyncPeriod to batch changes.',
      zh: '检查 Service 与端点的数量和变化频率；iptables 模式且 Service 超过 1000 时改用 IPVS 或 nftables（ScaleTier.LARGE）；提高 minSyncPeriod 以合并变更。',
    },
  },
  {
    alert: 'DNSLatencyHigh',
    group: 'coredns',
    fromGuide: true,
    severity: 'warning',
    expr: (c) => busy(`histogram_quantile(0.99, sum by (le) (rate(coredns_dns_request_duration_seconds_bucket{job="${c.jobs.coreDns}"}[5m]))) > ${num(c.dnsLatencySeconds)}`,
      `coredns_dns_request_duration_seconds_count{job="${c.jobs.coreDns}"`),
    forDuration: (c) => c.forDuration,
    threshold: (c) => `p99 > ${num(c.dnsLatencySeconds)}s (at > ${MIN_ANSWERS_PER_SECOND} answer/s)`,
    limit: (c) => c.dnsLatencySeconds,
    summary: { en: 'DNS latency is high', zh: 'DNS 查询延迟过高' },
    description: {
      en: 'p99 of CoreDNS answers is {{ $value | humanizeDuration }}.',
      zh: 'CoreDNS 应答的 p99 为 {{ $value | humanizeDuration }}。',
    },
    runbook: {
      en: 'Look at CoreDNSForwardLatencyHigh (slow upstreams) and CPU throttling of the CoreDNS pods; add replicas or the autoscaler; deploy NodeLocal DNSCache.',
      zh: '查看 CoreDNSForwardLatencyHigh（上游慢）和 CoreDNS Pod 的 CPU 限流；增加副本或启用自动扩缩容；部署 NodeLocal DNSCache。',
    },
  },
  {
    alert: 'DNSErrorsHigh',
    group: 'coredns',
    fromGuide: true,
    severity: 'warning',
    // The guide counts rcode!="NOERROR", which includes the NXDOMAINs that search-path expansion
    // answers all day (ndots:5): it pages on healthy clusters. coredns-mixin's CoreDNSErrorsHigh
    // counts SERVFAIL; REFUSED is what forward answers when max_concurrent is reached.
    expr: (c) => {
      const series = `coredns_dns_responses_total{job="${c.jobs.coreDns}"`;
      return busy(`${servfailShare(series)} > ${num(c.dnsErrorRatio)}`, series);
    },
    forDuration: (c) => c.forDuration,
    threshold: (c) => `SERVFAIL+REFUSED share > ${num(c.dnsErrorRatio * 100)}% (at > ${MIN_ANSWERS_PER_SECOND} answer/s)`,
    limit: (c) => c.dnsErrorRatio,
    summary: { en: 'DNS error rate is high', zh: 'DNS 错误率过高' },
    description: {
      en: '{{ $value | humanizePercentage }} of CoreDNS answers are SERVFAIL or REFUSED.',
      zh: 'CoreDNS 应答中 {{ $value | humanizePercentage }} 为 SERVFAIL 或 REFUSED。',
    },
    runbook: {
      en: 'SERVFAIL: upstream or API trouble (see CoreDNSForwardErrorsHigh); REFUSED: forward max_concurrent reached (CoreDNSMaxConcurrentRejects). NXDOMAIN is not counted: it is normal search-path traffic (recorded as network:coredns_nxdomain:ratio5m).',
      zh: 'SERVFAIL：上游或 API 故障（见 CoreDNSForwardErrorsHigh）；REFUSED：forward 达到 max_concurrent（CoreDNSMaxConcurrentRejects）。NXDOMAIN 不计入：它是正常的搜索域展开流量（记录为 network:coredns_nxdomain:ratio5m）。',
    },
  },
  // ---- beyond the guide: the components this library deploys ----
  {
    alert: 'KubeProxyDown',
    group: 'kube-proxy',
    fromGuide: false,
    severity: 'critical',
    expr: (c) => `absent(up{job="${c.jobs.kubeProxy}"} == 1)`,
    forDuration: (c) => c.downFor,
    threshold: () => 'no target up',
    summary: { en: 'kube-proxy has disappeared from Prometheus', zh: 'kube-proxy 从 Prometheus 中消失' },
    description: {
      en: 'No kube-proxy target is up: Service routing is not being updated on any node (or kube-proxy is not scraped).',
      zh: '没有任何 kube-proxy 抓取目标在线：所有节点的 Service 路由都不再更新（或 kube-proxy 未被抓取）。',
    },
    runbook: {
      en: 'Check the kube-proxy DaemonSet pods; check metricsBindAddress is 0.0.0.0:10249 and the kube-proxy-metrics Service has endpoints.',
      zh: '检查 kube-proxy DaemonSet 的 Pod；确认 metricsBindAddress 为 0.0.0.0:10249，且 kube-proxy-metrics Service 有端点。',
    },
  },
  {
    alert: 'KubeProxyInstanceDown',
    group: 'kube-proxy',
    fromGuide: false,
    severity: 'warning',
    // kubernetes-mixin's KubeProxyInstanceUnreachable: one node's kube-proxy, which absent() does not see.
    expr: (c) => `up{job="${c.jobs.kubeProxy}"} == 0`,
    forDuration: (c) => c.forDuration,
    threshold: () => 'a target down',
    summary: { en: 'kube-proxy is down on a node', zh: '某节点上的 kube-proxy 不可用' },
    description: {
      en: 'kube-proxy on {{ $labels.instance }} is not answering scrapes: Service changes stop reaching that node.',
      zh: '{{ $labels.instance }} 上的 kube-proxy 未响应抓取：Service 的变化不再同步到该节点。',
    },
    runbook: {
      en: 'Check the kube-proxy pod on that node (CrashLoopBackOff, a port conflict on 10249/10256); restart it.',
      zh: '检查该节点上的 kube-proxy Pod（CrashLoopBackOff、10249/10256 端口冲突）；重启它。',
    },
  },
  {
    alert: 'KubeProxySyncStalled',
    group: 'kube-proxy',
    fromGuide: false,
    severity: 'warning',
    // kube-proxy syncs when a change is queued (within minSyncPeriod) and otherwise at most hourly
    // (pkg/proxy/*/proxier.go: BoundedFrequencyRunner maxInterval time.Hour), so a quiet node's last
    // sync may be old: only a change that waits is a hang. The upstream hint (queued - last) misses a
    // hang after a single change.
    expr: (c) => {
      const last = `kubeproxy_sync_proxy_rules_last_timestamp_seconds{job="${c.jobs.kubeProxy}"}`;
      return `(time() - ${last} > ${num(c.kubeProxyStallSeconds)}) and (kubeproxy_sync_proxy_rules_last_queued_timestamp_seconds{job="${c.jobs.kubeProxy}"} > ${last})`;
    },
    forDuration: (c) => c.forDuration,
    threshold: (c) => `a queued change and no sync for > ${num(c.kubeProxyStallSeconds)}s`,
    limit: (c) => c.kubeProxyStallSeconds,
    summary: { en: 'kube-proxy has stopped syncing rules', zh: 'kube-proxy 停止同步规则' },
    description: {
      en: 'kube-proxy on {{ $labels.instance }} has a change waiting and last synced its rules {{ $value | humanizeDuration }} ago: it may be hung.',
      zh: '{{ $labels.instance }} 上的 kube-proxy 有待同步的变更，而上次同步规则已是 {{ $value | humanizeDuration }} 前：可能已卡住。',
    },
    runbook: {
      en: 'Read the kube-proxy logs on that node; restart the pod; check xtables lock contention with other iptables users.',
      zh: '查看该节点 kube-proxy 的日志；重启 Pod；检查与其他 iptables 使用者之间的 xtables 锁争用。',
    },
  },
  {
    alert: 'KubeProxyRulesSyncFailing',
    group: 'kube-proxy',
    fromGuide: false,
    severity: 'warning',
    modes: [KubeProxyMode.IPTABLES, KubeProxyMode.IPVS],
    // One failed sync is retried as a full sync after syncPeriod (pkg/proxy/*/proxier.go RetryAfter);
    // only failures in every 5m window for 15m mean the node's rules are stuck.
    expr: (c) => `rate(kubeproxy_sync_proxy_rules_iptables_restore_failures_total{job="${c.jobs.kubeProxy}"}[5m]) > 0`,
    forDuration: () => Duration.minutes(15),
    threshold: () => 'iptables-restore failures in every 5m window',
    limit: () => 0,
    summary: { en: 'kube-proxy fails to apply iptables rules', zh: 'kube-proxy 应用 iptables 规则失败' },
    description: {
      en: 'iptables-restore failed on {{ $labels.instance }}: Service routing on this node may be stale.',
      zh: '{{ $labels.instance }} 上 iptables-restore 失败：该节点的 Service 路由可能已过期。',
    },
    runbook: {
      en: 'Read the kube-proxy logs; look for another agent rewriting the nat table or a full conntrack table.',
      zh: '查看 kube-proxy 日志；检查是否有其他组件改写 nat 表，或连接跟踪表已满。',
    },
  },
  {
    alert: 'KubeProxyNftablesSyncFailing',
    group: 'kube-proxy',
    fromGuide: false,
    severity: 'warning',
    modes: [KubeProxyMode.NFTABLES],
    // One failed sync is retried as a full sync after syncPeriod (pkg/proxy/*/proxier.go RetryAfter);
    // only failures in every 5m window for 15m mean the node's rules are stuck.
    expr: (c) => `rate(kubeproxy_sync_proxy_rules_nftables_sync_failures_total{job="${c.jobs.kubeProxy}"}[5m]) > 0`,
    forDuration: () => Duration.minutes(15),
    threshold: () => 'nftables sync failures in every 5m window',
    limit: () => 0,
    summary: { en: 'kube-proxy fails to apply nftables rules', zh: 'kube-proxy 应用 nftables 规则失败' },
    description: {
      en: 'nftables syncs failed on {{ $labels.instance }}: Service routing on this node may be stale.',
      zh: '{{ $labels.instance }} 上 nftables 同步失败：该节点的 Service 路由可能已过期。',
    },
    runbook: {
      en: 'Read the kube-proxy logs; check the kernel is 5.13 or newer and nft works on the node.',
      zh: '查看 kube-proxy 日志；确认内核为 5.13 或更新版本，且节点上 nft 可用。',
    },
  },
  {
    alert: 'CoreDNSDown',
    group: 'coredns',
    fromGuide: false,
    severity: 'critical',
    expr: (c) => `absent(up{job="${c.jobs.coreDns}"} == 1)`,
    forDuration: (c) => c.downFor,
    threshold: () => 'no target up',
    summary: { en: 'CoreDNS has disappeared from Prometheus', zh: 'CoreDNS 从 Prometheus 中消失' },
    description: {
      en: 'No CoreDNS target is up: cluster DNS is down (or CoreDNS is not scraped).',
      zh: '没有任何 CoreDNS 抓取目标在线：集群 DNS 已中断（或 CoreDNS 未被抓取）。',
    },
    runbook: {
      en: 'Check the coredns pods (CrashLoopBackOff with "Loop detected" means the node resolv.conf points back at CoreDNS); check the kube-dns Service endpoints.',
      zh: '检查 coredns Pod（CrashLoopBackOff 且报 "Loop detected" 说明节点 resolv.conf 指回了 CoreDNS）；检查 kube-dns Service 的端点。',
    },
  },
  {
    alert: 'CoreDNSForwardLatencyHigh',
    group: 'coredns',
    fromGuide: false,
    severity: 'warning',
    expr: (c) => {
      const count = forward(c, 'request_duration_seconds_count');
      return busy(`histogram_quantile(0.99, sum by (to, le) (rate(${forward(c, 'request_duration_seconds_bucket')}[5m]))) > ${num(c.forwardLatencySeconds)}`,
        count.slice(0, -1), 'to');
    },
    forDuration: (c) => c.forDuration,
    threshold: (c) => `p99 > ${num(c.forwardLatencySeconds)}s per upstream (at > ${MIN_ANSWERS_PER_SECOND} answer/s)`,
    limit: (c) => c.forwardLatencySeconds,
    summary: { en: 'Upstream DNS is slow', zh: '上游 DNS 响应慢' },
    description: {
      en: 'p99 of CoreDNS queries forwarded to {{ $labels.to }} is {{ $value | humanizeDuration }}.',
      zh: 'CoreDNS 转发到 {{ $labels.to }} 的查询 p99 为 {{ $value | humanizeDuration }}。',
    },
    runbook: {
      en: 'Check the upstream resolvers in the node resolv.conf (or upstreamServers); consider prefer_udp, more upstreams, or caching longer.',
      zh: '检查节点 resolv.conf（或 upstreamServers）中的上游解析器；考虑 prefer_udp、增加上游或延长缓存。',
    },
  },
  {
    alert: 'CoreDNSForwardErrorsHigh',
    group: 'coredns',
    fromGuide: false,
    severity: 'warning',
    expr: (c) => {
      const answers = c.legacyForwardMetrics ? 'responses_total' : 'request_duration_seconds_count';
      const share = `sum by (to) (rate(${forward(c, answers, 'rcode="SERVFAIL"')}[5m])) / sum by (to) (rate(${forward(c, answers)}[5m])) > ${num(c.forwardErrorRatio)}`;
      return busy(share, forward(c, answers).slice(0, -1), 'to');
    },
    forDuration: (c) => c.forDuration,
    threshold: (c) => `SERVFAIL share > ${num(c.forwardErrorRatio * 100)}% per upstream (at > ${MIN_ANSWERS_PER_SECOND} answer/s)`,
    limit: (c) => c.forwardErrorRatio,
    summary: { en: 'Upstream DNS returns errors', zh: '上游 DNS 返回错误' },
    description: {
      en: '{{ $value | humanizePercentage }} of queries forwarded to {{ $labels.to }} end in SERVFAIL.',
      zh: '转发到 {{ $labels.to }} 的查询中 {{ $value | humanizePercentage }} 以 SERVFAIL 结束。',
    },
    runbook: {
      en: 'Test the upstream from a node (dig @upstream); check egress policies and firewalls between nodes and the resolvers.',
      zh: '在节点上测试上游（dig @upstream）；检查节点与解析器之间的出站策略和防火墙。',
    },
  },
  {
    alert: 'CoreDNSForwardHealthcheckFailing',
    group: 'coredns',
    fromGuide: false,
    severity: 'warning',
    expr: (c) => `sum by (to) (rate(${forward(c, 'healthcheck_failures_total')}[5m])) > 0`,
    forDuration: (c) => c.forDuration,
    threshold: () => 'health checks failing',
    summary: { en: 'An upstream DNS server fails health checks', zh: '上游 DNS 服务器健康检查失败' },
    description: {
      en: 'CoreDNS health checks to {{ $labels.to }} are failing: queries go to the other upstreams.',
      zh: 'CoreDNS 对 {{ $labels.to }} 的健康检查失败：查询改发其他上游。',
    },
    runbook: {
      en: 'Check that the upstream is reachable on 53/UDP and 53/TCP from every node.',
      zh: '确认每个节点都能通过 53/UDP 和 53/TCP 访问该上游。',
    },
  },
  {
    alert: 'CoreDNSMaxConcurrentRejects',
    group: 'coredns',
    fromGuide: false,
    severity: 'warning',
    expr: (c) => `sum(rate(coredns_forward_max_concurrent_rejects_total{job="${c.jobs.coreDns}"}[5m])) > 0`,
    forDuration: () => Duration.minutes(5),
    threshold: () => 'any rejection',
    limit: () => 0,
    summary: { en: 'CoreDNS refuses queries: forward max_concurrent reached', zh: 'CoreDNS 拒绝查询：forward max_concurrent 已达上限' },
    description: {
      en: 'CoreDNS answers REFUSED because more than max_concurrent queries wait on upstreams.',
      zh: '等待上游的查询超过 max_concurrent，CoreDNS 返回 REFUSED。',
    },
    runbook: {
      en: 'Upstreams are slow or the limit is low: fix the upstream, raise forwardMaxConcurrent (about 2 KB each) or add replicas.',
      zh: '上游慢或上限过低：修复上游、提高 forwardMaxConcurrent（每个约 2 KB）或增加副本。',
    },
  },
  {
    alert: 'NodeLocalDNSDown',
    group: 'node-local-dns',
    fromGuide: false,
    severity: 'critical',
    expr: (c) => `absent(up{job="${c.jobs.nodeLocalDns}"} == 1)`,
    forDuration: (c) => c.downFor,
    threshold: () => 'no target up',
    summary: { en: 'NodeLocal DNSCache has disappeared from Prometheus', zh: 'NodeLocal DNSCache 从 Prometheus 中消失' },
    description: {
      en: 'No node-local-dns target is up: pods pointed at the link-local IP cannot resolve names.',
      zh: '没有任何 node-local-dns 抓取目标在线：指向链路本地 IP 的 Pod 无法解析域名。',
    },
    runbook: {
      en: 'Check the node-local-dns DaemonSet; in IPVS/nftables/eBPF mode kubelets point pods at it, so restore it before anything else.',
      zh: '检查 node-local-dns DaemonSet；在 IPVS/nftables/eBPF 模式下 kubelet 让 Pod 指向它，应优先恢复。',
    },
  },
  {
    alert: 'NodeLocalDNSInstanceDown',
    group: 'node-local-dns',
    fromGuide: false,
    severity: 'warning',
    expr: (c) => `up{job="${c.jobs.nodeLocalDns}"} == 0`,
    forDuration: (c) => c.forDuration,
    threshold: () => 'a target down',
    summary: { en: 'NodeLocal DNSCache is down on a node', zh: '某节点上的 NodeLocal DNSCache 不可用' },
    description: {
      en: 'node-local-dns {{ $labels.instance }} on node {{ $labels.node }} is not answering scrapes: pods on that node may lose DNS.',
      zh: '节点 {{ $labels.node }} 上的 node-local-dns（{{ $labels.instance }}）未响应抓取：该节点上的 Pod 可能失去 DNS。',
    },
    runbook: {
      en: 'Check the pod on that node; a port conflict on 53 or the health port (8080 by default) is a common cause.',
      zh: '检查该节点上的 Pod；53 端口或健康检查端口（默认 8080）冲突是常见原因。',
    },
  },
  {
    alert: 'NodeLocalDNSSetupErrors',
    group: 'node-local-dns',
    fromGuide: false,
    severity: 'warning',
    // The counter's series appears with its first error (a labelled CounterVec), often before the
    // first scrape: increase() sees it flat, so a series new within 10m that is above 0 counts too.
    expr: (c) => {
      const errs = `coredns_nodecache_setup_errors_total{job="${c.jobs.nodeLocalDns}"}`;
      return `increase(${errs}[10m]) > 0 or ((${errs} unless ${errs} offset 10m) + 0 > 0)`;
    },
    forDuration: () => Duration.minutes(2),
    threshold: () => 'any setup error in 10m',
    limit: () => 0,
    summary: { en: 'NodeLocal DNSCache cannot set up its interface or iptables rules', zh: 'NodeLocal DNSCache 无法创建网卡或 iptables 规则' },
    description: {
      en: 'node-cache on {{ $labels.instance }} reports {{ $labels.errortype }} setup errors: queries may bypass the cache or fail.',
      zh: '{{ $labels.instance }} 上的 node-cache 报告 {{ $labels.errortype }} 设置错误：查询可能绕过缓存或失败。',
    },
    runbook: {
      en: 'Read the node-cache logs; check the dummy kernel module, NET_ADMIN, and the xtables lock.',
      zh: '查看 node-cache 日志；检查 dummy 内核模块、NET_ADMIN 权限和 xtables 锁。',
    },
  },
  {
    alert: 'NodeLocalDNSLatencyHigh',
    group: 'node-local-dns',
    fromGuide: false,
    severity: 'warning',
    // Pods behind NodeLocal DNSCache ask it, not CoreDNS: the guide's latency bound applies to
    // each node's cache (node-cache exports CoreDNS's own metrics on its prometheus port).
    // Per node, not per target: the HA secondary on the same node is a second target (node label from the ServiceMonitor).
    expr: (c) => busy(`histogram_quantile(0.99, sum by (node, le) (rate(coredns_dns_request_duration_seconds_bucket{job="${c.jobs.nodeLocalDns}"}[5m]))) > ${num(c.dnsLatencySeconds)}`,
      `coredns_dns_request_duration_seconds_count{job="${c.jobs.nodeLocalDns}"`, 'node'),
    forDuration: (c) => c.forDuration,
    threshold: (c) => `p99 > ${num(c.dnsLatencySeconds)}s per node (at > ${MIN_ANSWERS_PER_SECOND} answer/s)`,
    limit: (c) => c.dnsLatencySeconds,
    summary: { en: 'NodeLocal DNSCache answers slowly on a node', zh: '某节点上的 NodeLocal DNSCache 应答缓慢' },
    description: {
      en: 'p99 of node-local-dns answers on node {{ $labels.node }} is {{ $value | humanizeDuration }}: pods on that node wait on DNS.',
      zh: '节点 {{ $labels.node }} 上 node-local-dns 应答的 p99 为 {{ $value | humanizeDuration }}：该节点上的 Pod 在等待 DNS。',
    },
    runbook: {
      en: 'Cache misses go to CoreDNS over TCP: check DNSLatencyHigh and CoreDNS replicas; check CPU throttling and memory of the node-local-dns pod on that node.',
      zh: '缓存未命中经 TCP 发往 CoreDNS：检查 DNSLatencyHigh 与 CoreDNS 副本数；检查该节点 node-local-dns Pod 的 CPU 限流与内存。',
    },
  },
  {
    alert: 'NodeLocalDNSErrorsHigh',
    group: 'node-local-dns',
    fromGuide: false,
    severity: 'warning',
    expr: (c) => {
      const series = `coredns_dns_responses_total{job="${c.jobs.nodeLocalDns}"`;
      return busy(`${servfailShare(series, 'node')} > ${num(c.dnsErrorRatio)}`, series, 'node');
    },
    forDuration: (c) => c.forDuration,
    threshold: (c) => `SERVFAIL+REFUSED share > ${num(c.dnsErrorRatio * 100)}% per node (at > ${MIN_ANSWERS_PER_SECOND} answer/s)`,
    limit: (c) => c.dnsErrorRatio,
    summary: { en: 'NodeLocal DNSCache returns errors on a node', zh: '某节点上的 NodeLocal DNSCache 返回错误' },
    description: {
      en: '{{ $value | humanizePercentage }} of node-local-dns answers on node {{ $labels.node }} are SERVFAIL or REFUSED.',
      zh: '节点 {{ $labels.node }} 上 node-local-dns 应答中 {{ $value | humanizePercentage }} 为 SERVFAIL 或 REFUSED。',
    },
    runbook: {
      en: 'The cache cannot reach CoreDNS (kube-dns-upstream Service, TCP 53) or the upstream resolvers from that node: check network policy egress from the node, the node resolv.conf, and DNSErrorsHigh.',
      zh: '该节点上的缓存无法访问 CoreDNS（kube-dns-upstream Service，TCP 53）或上游解析器：检查该节点的出站策略、节点 resolv.conf 以及 DNSErrorsHigh。',
    },
  },
  {
    alert: 'NodeExporterDown',
    group: 'node',
    fromGuide: false,
    severity: 'warning',
    // Every node alert reads node-exporter: without it they are all silent.
    expr: (c) => `absent(up{job="${c.jobs.nodeExporter}"} == 1)`,
    forDuration: (c) => c.downFor,
    threshold: () => 'no target up',
    summary: { en: 'node-exporter has disappeared from Prometheus', zh: 'node-exporter 从 Prometheus 中消失' },
    description: {
      en: 'No node-exporter target is up: the node network alerts (conntrack, softnet, accept queues) cannot fire.',
      zh: '没有任何 node-exporter 抓取目标在线：节点网络告警（连接跟踪、softnet、接受队列）无法触发。',
    },
    runbook: {
      en: 'Check the node-exporter DaemonSet and that its job label is the nodeExporterJob of NetworkAlerts (default node-exporter).',
      zh: '检查 node-exporter DaemonSet，并确认其 job 标签与 NetworkAlerts 的 nodeExporterJob 一致（默认 node-exporter）。',
    },
  },
  {
    alert: 'ConntrackTableFilling',
    group: 'node',
    fromGuide: false,
    severity: 'warning',
    expr: (c) => `node_nf_conntrack_entries{job="${c.jobs.nodeExporter}"} / node_nf_conntrack_entries_limit{job="${c.jobs.nodeExporter}"} > ${num(c.conntrackUsageRatio)}`,
    forDuration: () => Duration.minutes(5),
    threshold: (c) => `usage > ${num(c.conntrackUsageRatio * 100)}%`,
    limit: (c) => c.conntrackUsageRatio,
    summary: { en: 'The conntrack table is filling up', zh: '连接跟踪表即将写满' },
    description: {
      en: 'The conntrack table on {{ $labels.instance }} is {{ $value | humanizePercentage }} full: at 100% the kernel drops new connections ("nf_conntrack: table full").',
      zh: '{{ $labels.instance }} 的连接跟踪表已用 {{ $value | humanizePercentage }}：达到 100% 时内核会丢弃新连接（"nf_conntrack: table full"）。',
    },
    runbook: {
      en: 'Raise conntrack.maxPerCore / min on TunedKubeProxy (kube-proxy sets the table size at start); find the workload opening many short connections.',
      zh: '提高 TunedKubeProxy 的 conntrack.maxPerCore / min（kube-proxy 启动时设置表大小）；找出大量创建短连接的工作负载。',
    },
  },
  {
    alert: 'NodeConntrackInsertFailing',
    group: 'node',
    fromGuide: false,
    severity: 'warning',
    // node-exporter's conntrack collector exports /proc/net/stat/nf_conntrack sums as gauges
    // (collector/conntrack_linux.go); they only grow until a reboot, so rate() reads them right.
    expr: (c) => `rate(node_nf_conntrack_stat_insert_failed{job="${c.jobs.nodeExporter}"}[5m]) > ${num(CONNTRACK_INSERT_FAILED_PER_SECOND)}`,
    forDuration: (c) => c.forDuration,
    threshold: () => `> ${num(CONNTRACK_INSERT_FAILED_PER_SECOND)} insert failures/s`,
    limit: () => CONNTRACK_INSERT_FAILED_PER_SECOND,
    summary: { en: 'Conntrack insertions fail on a node', zh: '某节点上连接跟踪插入失败' },
    description: {
      en: '{{ $value | humanize }} conntrack insertions per second fail on {{ $labels.instance }}: each drops the first packet of a flow (DNS over UDP then waits 5s).',
      zh: '{{ $labels.instance }} 上每秒 {{ $value | humanize }} 次连接跟踪插入失败：每次都丢弃一个流的首包（UDP DNS 因此等待 5 秒）。',
    },
    runbook: {
      en: 'The SNAT/DNAT race on parallel UDP queries (A and AAAA from one socket): deploy NodeLocal DNSCache (TCP to CoreDNS), or PodDnsTuning single-request-reopen for glibc pods; check the kernel version.',
      zh: '并发 UDP 查询（同一套接字的 A 与 AAAA）触发 SNAT/DNAT 竞争：部署 NodeLocal DNSCache（以 TCP 访问 CoreDNS），或对 glibc Pod 用 PodDnsTuning 设置 single-request-reopen；检查内核版本。',
    },
  },
  {
    alert: 'NodeConntrackDropping',
    group: 'node',
    fromGuide: false,
    severity: 'critical',
    // early_drop evicts entries only when the table is full; drop counts packets refused a new entry.
    expr: (c) => `(rate(node_nf_conntrack_stat_drop{job="${c.jobs.nodeExporter}"}[5m]) + rate(node_nf_conntrack_stat_early_drop{job="${c.jobs.nodeExporter}"}[5m])) > 0`,
    forDuration: () => Duration.minutes(5),
    threshold: () => 'drops in every 5m window',
    limit: () => 0,
    summary: { en: 'The kernel drops connections: conntrack is full', zh: '内核正在丢弃连接：连接跟踪表已满' },
    description: {
      en: 'conntrack on {{ $labels.instance }} drops {{ $value | humanize }} packets or entries per second ("nf_conntrack: table full, dropping packet"): new connections on that node fail.',
      zh: '{{ $labels.instance }} 上连接跟踪每秒丢弃 {{ $value | humanize }} 个包或条目（"nf_conntrack: table full, dropping packet"）：该节点上的新连接失败。',
    },
    runbook: {
      en: 'Raise the table (TunedKubeProxy conntrack.maxPerCore/min, or the CNI\'s map size under eBPF) and lower conntrack tcpTimeWait/tcpCloseWait; find the workload opening connections (see ConntrackTableFilling).',
      zh: '扩大连接跟踪表（TunedKubeProxy 的 conntrack.maxPerCore/min，eBPF 下为 CNI 的 map 大小）并缩短 tcpTimeWait/tcpCloseWait；找出大量建连的工作负载（见 ConntrackTableFilling）。',
    },
  },
  {
    alert: 'NodeSoftnetDropping',
    group: 'node',
    fromGuide: false,
    severity: 'warning',
    // /proc/net/softnet_stat column 2: packets dropped because a CPU's input backlog was full.
    expr: (c) => `sum without (cpu) (rate(node_softnet_dropped_total{job="${c.jobs.nodeExporter}"}[5m])) > 0`,
    forDuration: (c) => c.forDuration,
    threshold: () => 'drops in every 5m window',
    limit: () => 0,
    summary: { en: 'A node drops received packets: the CPU backlog is full', zh: '节点丢弃收到的包：CPU 积压队列已满' },
    description: {
      en: '{{ $labels.instance }} drops {{ $value | humanize }} received packets per second because a CPU backlog (net.core.netdev_max_backlog) is full.',
      zh: '{{ $labels.instance }} 每秒丢弃 {{ $value | humanize }} 个收到的包，因为 CPU 积压队列（net.core.netdev_max_backlog）已满。',
    },
    runbook: {
      en: 'Raise net.core.netdev_max_backlog (SysctlTuner); spread receive work with RPS/RSS; check node_softnet_times_squeezed_total (net.core.netdev_budget) on the dashboard.',
      zh: '提高 net.core.netdev_max_backlog（SysctlTuner）；用 RPS/RSS 分散接收负载；在看板上查看 node_softnet_times_squeezed_total（net.core.netdev_budget）。',
    },
  },
  {
    alert: 'NodeTcpListenOverflows',
    group: 'node',
    fromGuide: false,
    severity: 'warning',
    // node-exporter's netstat collector reads its own network namespace: on hostNetwork (as
    // kube-prometheus deploys it) that is the host's, so this sees host daemons, not pods.
    expr: (c) => `rate(node_netstat_TcpExt_ListenOverflows{job="${c.jobs.nodeExporter}"}[5m]) > 0`,
    forDuration: (c) => c.forDuration,
    threshold: () => 'overflows in every 5m window',
    limit: () => 0,
    summary: { en: 'TCP accept queues overflow on a node', zh: '节点上 TCP 接受队列溢出' },
    description: {
      en: 'On {{ $labels.instance }} {{ $value | humanize }} connections per second find a full accept queue in the host network namespace (hostNetwork daemons); clients retry or time out.',
      zh: '{{ $labels.instance }} 的主机网络命名空间中（hostNetwork 守护进程）每秒 {{ $value | humanize }} 个连接遇到已满的接受队列；客户端重试或超时。',
    },
    runbook: {
      en: 'Raise net.core.somaxconn and net.ipv4.tcp_max_syn_backlog (SysctlTuner, host) and the listener\'s own backlog; find the listener with ss -ltn (Recv-Q at Send-Q). Pods have their own counters: tune them with PodSysctlTuning.',
      zh: '提高 net.core.somaxconn 与 net.ipv4.tcp_max_syn_backlog（SysctlTuner，主机）以及监听进程自身的 backlog；用 ss -ltn 找出 Recv-Q 达到 Send-Q 的监听者。Pod 有各自的计数器：用 PodSysctlTuning 调整。',
    },
  },
];

/** Recording rules for the guide's metric list ("监控指标"). */
export interface RecordingDef {
  readonly record: string;
  readonly group: AlertGroup;
  readonly modes?: readonly KubeProxyMode[];
  expr(ctx: AlertContext): string;
}

export const NODE_DEVICES = 'device!~"lo|veth.*|cali.*|cilium.*|lxc.*|flannel.*|vxlan.*|cni.*|docker.*|nodelocaldns"';

export const RECORDINGS: readonly RecordingDef[] = [
  {
    record: 'network:kubeproxy_network_programming_duration_seconds:p99',
    group: 'kube-proxy',
    expr: (c) => `histogram_quantile(0.99, sum by (le) (rate(kubeproxy_network_programming_duration_seconds_bucket{job="${c.jobs.kubeProxy}"}[5m])))`,
  },
  {
    record: 'network:kubeproxy_sync_proxy_rules_iptables:max',
    group: 'kube-proxy',
    modes: [KubeProxyMode.IPTABLES],
    expr: (c) => `max(kubeproxy_sync_proxy_rules_iptables_total{job="${c.jobs.kubeProxy}"})`,
  },
  {
    record: 'network:coredns_cache_hit_ratio',
    group: 'coredns',
    expr: (c) => `sum(rate(coredns_cache_hits_total{job="${c.jobs.coreDns}"}[5m])) / sum(rate(coredns_cache_requests_total{job="${c.jobs.coreDns}"}[5m]))`,
  },
  {
    // NXDOMAIN is not an alert (search-path expansion answers it all day) but its share shows
    // what ndots costs: PodDnsTuning lowers it.
    record: 'network:coredns_nxdomain:ratio5m',
    group: 'coredns',
    expr: (c) => `sum(rate(coredns_dns_responses_total{job="${c.jobs.coreDns}",rcode="NXDOMAIN"}[5m])) / sum(rate(coredns_dns_responses_total{job="${c.jobs.coreDns}"}[5m]))`,
  },
  {
    record: 'network:coredns_responses:rate5m',
    group: 'coredns',
    expr: (c) => `sum by (rcode) (rate(coredns_dns_responses_total{job="${c.jobs.coreDns}"}[5m]))`,
  },
  ...(['receive_bytes', 'transmit_bytes', 'receive_packets', 'transmit_packets'] as const).map((m): RecordingDef => ({
    record: `network:node_network_${m}:rate5m`,
    group: 'node',
    expr: (c) => `sum by (instance) (rate(node_network_${m}_total{job="${c.jobs.nodeExporter}",${NODE_DEVICES}}[5m]))`,
  })),
];

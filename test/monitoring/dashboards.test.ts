import { Duration, Testing } from 'cdk8s';
import { coreDnsMetrics, kubeProxyMetrics, nodeExporterMetrics, nodeLocalDnsMetrics } from './known-metrics';
import { promqlErrors, selectorsIn } from './promql';
import {
  AlertLanguage, ClusterProfile, KubeProxyMode, KubernetesVersion, NetworkAlerts, NetworkAlertsProps, NodeLocalDns, ScaleTier, TunedCoreDns,
  TunedKubeProxy,
} from '../../src';
import { ofKind, synthValid } from '../util';

interface Setup {
  readonly mode?: KubeProxyMode;
  readonly version?: KubernetesVersion;
  readonly kubeProxy?: boolean;
  readonly coreDns?: boolean;
  readonly nodeLocalDns?: boolean;
}

const ALL: Setup = { kubeProxy: true, coreDns: true, nodeLocalDns: true };

function render(props: NetworkAlertsProps = {}, s: Setup = ALL) {
  const chart = Testing.chart();
  const profile = new ClusterProfile({ kubernetesVersion: s.version, apiServerHost: '10.0.0.1' });
  if (s.kubeProxy) new TunedKubeProxy(chart, 'KubeProxy', { profile, mode: s.mode, deployDaemonSet: true });
  if (s.coreDns) new TunedCoreDns(chart, 'CoreDns', { profile, deploy: true });
  if (s.nodeLocalDns) new NodeLocalDns(chart, 'NodeLocalDns', { profile });
  new NetworkAlerts(chart, 'Alerts', { profile, ...props });
  const objs = synthValid(chart);
  const maps = ofKind(objs, 'ConfigMap').filter((m) => m.metadata.name.startsWith('network-tuning-dashboard-'));
  const dashboards = maps.map((m) => {
    const [file, text] = Object.entries(m.data as Record<string, string>)[0];
    return { name: m.metadata.name as string, labels: m.metadata.labels, namespace: m.metadata.namespace, file, json: JSON.parse(text) };
  });
  const rules: any[] = ofKind(objs, 'PrometheusRule')[0].spec.groups.flatMap((g: any) => g.rules);
  return { objs, dashboards, rules, panels: dashboards.flatMap((d) => d.json.panels as any[]) };
}

/** The jobs the emitted ServiceMonitors produce (jobLabel k8s-app: the Service's k8s-app value). */
function scrapedJobs(objs: any[]): string[] {
  return ofKind(objs, 'ServiceMonitor').map((m) => {
    expect(m.spec.jobLabel).toBe('k8s-app');
    return m.spec.selector.matchLabels['k8s-app'] as string;
  });
}

const VARIANTS: [string, Setup][] = [
  ['iptables, CoreDNS 1.11', { ...ALL, mode: KubeProxyMode.IPTABLES, version: KubernetesVersion.V1_29 }],
  ['ipvs, CoreDNS 1.10', { ...ALL, mode: KubeProxyMode.IPVS, version: KubernetesVersion.V1_28 }],
  ['nftables, CoreDNS 1.12', { ...ALL, mode: KubeProxyMode.NFTABLES, version: KubernetesVersion.V1_33 }],
];

describe('NetworkAlerts dashboards', () => {
  test('one ConfigMap per dashboard, labelled for the Grafana sidecar, next to the rules', () => {
    const { dashboards } = render({ selectorLabels: { release: 'kps' } });
    expect(dashboards.map((d) => [d.name, d.file])).toEqual([
      ['network-tuning-dashboard-kube-proxy', 'network-tuning-kube-proxy.json'],
      ['network-tuning-dashboard-dns', 'network-tuning-dns.json'],
      ['network-tuning-dashboard-node-network', 'network-tuning-node-network.json'],
    ]);
    for (const d of dashboards) {
      expect(d.namespace).toBe('monitoring');
      expect(d.labels).toEqual({ 'release': 'kps', 'grafana_dashboard': '1', 'app.kubernetes.io/managed-by': 'cdk8s-network-tuning' });
      expect(d.json).toMatchObject({ uid: expect.stringMatching(/^network-tuning-/), schemaVersion: 39 });
      expect(d.json.templating.list[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
    }
  });

  test('only the watched components get a dashboard; dashboards can be off; labels can change', () => {
    expect(render({}, {}).dashboards.map((d) => d.name)).toEqual(['network-tuning-dashboard-node-network']);
    expect(render({}, { coreDns: true }).dashboards.map((d) => d.name)).toEqual(['network-tuning-dashboard-dns', 'network-tuning-dashboard-node-network']);
    expect(render({ dashboards: false }).dashboards).toEqual([]);
    expect(render({ dashboardLabels: { dashboards: 'network' } }).dashboards[0].labels).not.toHaveProperty('grafana_dashboard');
    expect(render({ dashboardLabels: { dashboards: 'network' } }).dashboards[0].labels).toHaveProperty('dashboards', 'network');
    expect(() => render({ dashboardLabels: { 'bad key!': 'x' } })).toThrow(/'dashboardLabels'/);
  });

  test('CoreDNS without NodeLocal DNSCache: no node-cache panels', () => {
    const titles = render({}, { coreDns: true }).panels.map((p) => p.title);
    expect(titles.some((t) => /NodeLocal|node-cache/.test(t))).toBe(false);
    expect(titles).toContain('CoreDNS latency p99');
  });

  test('mode-specific panels follow the plan\'s kube-proxy mode', () => {
    const titles = (s: Setup) => render({}, s).panels.map((p) => p.title as string);
    expect(titles(VARIANTS[0][1])).toEqual(expect.arrayContaining(['iptables rules per table', 'iptables-restore failures per second']));
    expect(titles(VARIANTS[1][1])).toContain('iptables-restore failures per second');
    expect(titles(VARIANTS[1][1])).not.toContain('iptables rules per table');
    expect(titles(VARIANTS[2][1])).toContain('nftables sync failures per second');
    expect(titles(VARIANTS[2][1]).filter((t) => t.startsWith('iptables'))).toEqual([]);
  });

  test.each(VARIANTS)('%s: every panel query parses and reads only series the scrape objects collect', (_, s) => {
    const { objs, panels, rules } = render({}, s);
    const jobs = scrapedJobs(objs);
    expect(jobs.sort()).toEqual(['kube-dns', 'kube-proxy', 'node-local-dns']);
    const legacy = s.version === KubernetesVersion.V1_28;
    const known: Record<string, Set<string>> = {
      'kube-proxy': kubeProxyMetrics(s.mode),
      'kube-dns': coreDnsMetrics(legacy),
      'node-local-dns': nodeLocalDnsMetrics(),
      'node-exporter': nodeExporterMetrics(), // not deployed by this library; its job is the nodeExporterJob prop
    };
    const exprs = [...panels.flatMap((p) => p.targets.map((t: any) => t.expr as string)), ...rules.map((r) => r.expr as string)];
    expect(exprs.length).toBeGreaterThan(40);
    const problems: string[] = [];
    for (const expr of exprs) {
      problems.push(...promqlErrors(expr).map((e) => `${expr}: ${e}`));
      const selectors = selectorsIn(expr);
      if (selectors.length === 0) problems.push(`${expr}: no series selector`);
      for (const sel of selectors) {
        if (!sel.job || !known[sel.job]) problems.push(`${expr}: ${sel.metric} has job ${sel.job}, not a scraped job`);
        else if (!known[sel.job].has(sel.metric)) problems.push(`${expr}: ${sel.job} does not export ${sel.metric}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('the check is real: a series nobody exports, or an unscraped job, is caught', () => {
    expect(selectorsIn('rate(coredns_forward_responses_total{job="kube-dns"}[5m])')).toEqual([{ metric: 'coredns_forward_responses_total', job: 'kube-dns' }]);
    expect(coreDnsMetrics(false).has('coredns_forward_responses_total')).toBe(false);
    expect(kubeProxyMetrics(KubeProxyMode.IPVS).has('kubeproxy_sync_proxy_rules_iptables_total')).toBe(false);
    expect(promqlErrors('sum(rate(x{job="a"}[5m])')).not.toEqual([]);
  });

  test('every metric the guide lists is on a dashboard', () => {
    const { panels } = render({}, VARIANTS[0][1]);
    const metrics = new Set(panels.flatMap((p) => p.targets.flatMap((t: any) => selectorsIn(t.expr).map((x) => x.metric.replace(/_(bucket|count|sum)$/, '')))));
    for (const m of [
      'kubeproxy_sync_proxy_rules_duration_seconds', 'kubeproxy_network_programming_duration_seconds', 'kubeproxy_sync_proxy_rules_iptables_total',
      'coredns_dns_request_duration_seconds', 'coredns_dns_responses_total', 'coredns_cache_hits_total', 'coredns_cache_misses_total',
      'node_network_receive_bytes_total', 'node_network_transmit_bytes_total', 'node_network_receive_packets_total', 'node_network_transmit_packets_total',
    ]) expect({ m, shown: metrics.has(m) }).toEqual({ m, shown: true });
  });

  test.each([
    ['tier defaults', {} as NetworkAlertsProps],
    ['LARGE', { tier: ScaleTier.LARGE }],
    ['overridden', { kubeProxySyncThreshold: Duration.millis(2500), dnsLatencyThreshold: Duration.millis(250), dnsErrorRatio: 0.05, conntrackUsageRatio: 0.6 }],
  ])('%s: each panel draws its alert\'s threshold, the number the rule compares against', (_, props) => {
    const { panels, rules } = render(props, VARIANTS[0][1]);
    const drawn = panels.filter((p) => p.fieldConfig.defaults.custom.thresholdsStyle.mode === 'line');
    expect(drawn.length).toBeGreaterThanOrEqual(10);
    for (const p of drawn) {
      const name = /^(\w+): /.exec(p.description)![1];
      const rule = rules.find((r) => r.alert === name);
      expect({ panel: p.title, rule: !!rule }).toEqual({ panel: p.title, rule: true });
      const compared = Number(/> (-?[\d.e+-]+)(?:\)|$)/.exec(rule.expr.replace(/ and .*$/, ''))![1]);
      const steps = p.fieldConfig.defaults.thresholds.steps;
      expect({ panel: p.title, line: steps[steps.length - 1].value }).toEqual({ panel: p.title, line: compared });
    }
    // Panels without an alert draw no line; nor do alerts on "any" (a line at 0 sits on the axis).
    for (const p of panels.filter((x) => !x.description)) expect(p.fieldConfig.defaults.thresholds.steps).toHaveLength(1);
    const onAny = panels.filter((p) => p.description && p.fieldConfig.defaults.custom.thresholdsStyle.mode === 'off');
    expect(onAny.length).toBeGreaterThanOrEqual(5);
    for (const p of onAny) {
      const rule = rules.find((r) => r.alert === /^(\w+): /.exec(p.description)![1]);
      expect({ panel: p.title, anyAbove0: / > 0(\)|$| or )/.test(rule.expr) }).toEqual({ panel: p.title, anyAbove0: true });
    }
  });

  test('overrides move the lines: 250ms DNS latency, 60% conntrack', () => {
    const { panels } = render({ dnsLatencyThreshold: Duration.millis(250), conntrackUsageRatio: 0.6 });
    const line = (title: string) => panels.find((p) => p.title === title).fieldConfig.defaults.thresholds.steps[1].value;
    expect(line('CoreDNS latency p99')).toBe(0.25);
    expect(line('NodeLocal DNSCache latency p99 per node')).toBe(0.25);
    expect(line('Conntrack table usage')).toBe(0.6);
  });

  test('titles follow the alert language', () => {
    const { dashboards } = render({ language: AlertLanguage.CHINESE }, { coreDns: true });
    expect(dashboards[0].json.title).toBe('网络调优 / DNS（CoreDNS 与 NodeLocal DNSCache）');
    expect(dashboards[0].json.panels[0].title).toBe('CoreDNS 延迟 p99');
  });

  test('panels lay out on a two-column grid without overlap; ids and refIds are unique', () => {
    for (const d of render().dashboards) {
      const cells = new Set<string>();
      const ids = new Set<number>();
      for (const p of d.json.panels) {
        const cell = `${p.gridPos.x},${p.gridPos.y}`;
        expect(cells.has(cell)).toBe(false);
        cells.add(cell);
        ids.add(p.id);
        expect(new Set(p.targets.map((t: any) => t.refId)).size).toBe(p.targets.length);
      }
      expect(ids.size).toBe(d.json.panels.length);
    }
  });
});

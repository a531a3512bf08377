import { Chart, Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { jobsIn, promqlErrors } from './promql';
import {
  AlertComponent, AlertLanguage, AlertSeverity, CiliumTuning, ClusterProfile, KubeProxyMode, KubernetesVersion, NetworkAlerts, NetworkAlertsProps,
  NodeLocalDns,
  ScaleTier, TunedCoreDns, TunedKubeProxy,
} from '../../src';
import { ofKind, only, synthValid } from '../util';

type Components = { kubeProxy?: boolean; coreDns?: boolean; nodeLocalDns?: boolean; mode?: KubeProxyMode; version?: KubernetesVersion };

/** Adds the components first (NetworkAlerts watches what is already in the app), then the alerts. */
function render(props: NetworkAlertsProps = {}, c: Components = { kubeProxy: true, coreDns: true, nodeLocalDns: true }) {
  const chart = Testing.chart();
  const profile = new ClusterProfile({ kubernetesVersion: c.version, apiServerHost: '10.0.0.1' });
  if (c.kubeProxy) new TunedKubeProxy(chart, 'KubeProxy', { profile, mode: c.mode, deployDaemonSet: true });
  if (c.coreDns) new TunedCoreDns(chart, 'CoreDns', { profile, deploy: true });
  if (c.nodeLocalDns) new NodeLocalDns(chart, 'NodeLocalDns', { profile });
  const alerts = new NetworkAlerts(chart, 'Alerts', { profile, ...props });
  const objs = synthValid(chart);
  const rule = only(objs, 'PrometheusRule', 'network-tuning-alerts');
  const rules: any[] = rule.spec.groups.flatMap((g: any) => g.rules);
  const alert = (name: string) => {
    const found = rules.find((r) => r.alert === name);
    if (!found) throw new Error(`no alert ${name} in ${rules.map((r) => r.alert ?? r.record).join(', ')}`);
    return found;
  };
  return { chart, alerts, objs, rule, rules, alert, names: rules.filter((r) => r.alert).map((r) => r.alert as string) };
}

describe('NetworkAlerts: groups follow the components in the app', () => {
  test('every component: the guide\'s three alerts and the operator alerts, grouped per component', () => {
    const { rule, names } = render();
    expect(rule.metadata).toMatchObject({ name: 'network-tuning-alerts', namespace: 'monitoring' });
    expect(rule.spec.groups.map((g: any) => g.name)).toEqual([
      'network-tuning-kube-proxy', 'network-tuning-coredns', 'network-tuning-node-local-dns', 'network-tuning-node', 'network-tuning-recording',
    ]);
    expect(names).toEqual(expect.arrayContaining(['KubeProxySyncSlow', 'DNSLatencyHigh', 'DNSErrorsHigh']));
    expect(names).toEqual(expect.arrayContaining([
      'KubeProxyDown', 'KubeProxySyncStalled', 'CoreDNSDown', 'CoreDNSForwardLatencyHigh', 'CoreDNSForwardErrorsHigh',
      'CoreDNSMaxConcurrentRejects', 'NodeLocalDNSDown', 'NodeLocalDNSSetupErrors', 'ConntrackTableFilling',
    ]));
  });

  test('no components: only the node group (conntrack and the guide\'s node network metrics)', () => {
    const { rule, names, objs } = render({}, {});
    expect(names).toEqual(['NodeExporterDown', 'ConntrackTableFilling', 'NodeConntrackInsertFailing', 'NodeConntrackDropping', 'NodeSoftnetDropping', 'NodeTcpListenOverflows']);
    expect(rule.spec.groups.find((g: any) => g.name === 'network-tuning-recording').rules.map((r: any) => r.record)).toEqual([
      'network:node_network_receive_bytes:rate5m', 'network:node_network_transmit_bytes:rate5m',
      'network:node_network_receive_packets:rate5m', 'network:node_network_transmit_packets:rate5m',
    ]);
    expect(ofKind(objs, 'ServiceMonitor')).toEqual([]);
  });

  test('CoreDNS only: no kube-proxy or node-local alerts, no scrape objects for them', () => {
    const { names, objs } = render({}, { coreDns: true });
    expect(names.filter((n) => /KubeProxy|NodeLocal/.test(n))).toEqual([]);
    expect(ofKind(objs, 'ServiceMonitor').map((m) => m.metadata.name)).toEqual(['coredns']);
    expect(ofKind(objs, 'Service').map((s) => s.metadata.name)).not.toContain('kube-proxy-metrics');
  });

  test('a group can be forced on for a component deployed elsewhere (kubeadm\'s kube-proxy)', () => {
    const { names, objs } = render({ kubeProxyAlerts: true }, {});
    expect(names).toContain('KubeProxySyncSlow');
    expect(only(objs, 'Service', 'kube-proxy-metrics').spec).toMatchObject({
      clusterIP: 'None', publishNotReadyAddresses: true, selector: { 'k8s-app': 'kube-proxy' }, ports: [{ name: 'http-metrics', port: 10249, targetPort: 10249 }],
    });
  });

  test('a group can be turned off although its component is present', () => {
    const { names, objs } = render({ nodeLocalDnsAlerts: false });
    expect(names.filter((n) => n.startsWith('NodeLocal'))).toEqual([]);
    expect(ofKind(objs, 'ServiceMonitor').map((m) => m.metadata.name)).toEqual(['kube-proxy', 'coredns']);
  });

  test('alertNames() lists what is emitted', () => {
    const { alerts, names } = render();
    expect([...alerts.alertNames()].sort()).toEqual([...names].sort());
  });
});

describe('NetworkAlerts: kube-proxy mode decides the mode-specific metrics', () => {
  test('iptables: iptables-restore failures and the iptables rule count', () => {
    const { names, rules } = render({}, { kubeProxy: true, mode: KubeProxyMode.IPTABLES });
    expect(names).toContain('KubeProxyRulesSyncFailing');
    expect(names).not.toContain('KubeProxyNftablesSyncFailing');
    expect(rules.map((r) => r.record)).toContain('network:kubeproxy_sync_proxy_rules_iptables:max');
  });

  test('ipvs: iptables-restore still runs (for the helper chains), no iptables rule count', () => {
    const { names, rules } = render({}, { kubeProxy: true, mode: KubeProxyMode.IPVS });
    expect(names).toContain('KubeProxyRulesSyncFailing');
    expect(rules.map((r) => r.record)).not.toContain('network:kubeproxy_sync_proxy_rules_iptables:max');
  });

  test('nftables: the nftables failure counter, never the iptables one', () => {
    const { names, alert } = render({}, { kubeProxy: true, mode: KubeProxyMode.NFTABLES, version: KubernetesVersion.V1_33 });
    expect(names).not.toContain('KubeProxyRulesSyncFailing');
    expect(alert('KubeProxyNftablesSyncFailing')).toMatchObject({ expr: 'rate(kubeproxy_sync_proxy_rules_nftables_sync_failures_total{job="kube-proxy"}[5m]) > 0', for: '15m' });
  });

  test('without a TunedKubeProxy the explicit mode (else the tier\'s) is used', () => {
    expect(render({ kubeProxyAlerts: true, kubeProxyMode: KubeProxyMode.NFTABLES }, { version: KubernetesVersion.V1_33 }).names).toContain('KubeProxyNftablesSyncFailing');
    expect(() => render({ kubeProxyAlerts: true, kubeProxyMode: KubeProxyMode.NFTABLES }, { version: KubernetesVersion.V1_28 })).toThrow("'kubeProxyMode' (nftables) needs Kubernetes 1.29 or newer");
    expect(render({ kubeProxyAlerts: true, tier: ScaleTier.SMALL }, {}).names).toContain('KubeProxyRulesSyncFailing');
  });
});

describe('NetworkAlerts: no kube-proxy alerts under an eBPF kube-proxy replacement', () => {
  test('Cilium kube-proxy replacement and no TunedKubeProxy: no kube-proxy group', () => {
    const chart = Testing.chart();
    const profile = new ClusterProfile({ apiServerHost: '10.0.0.1' });
    new CiliumTuning(chart, 'Cilium', { profile, kubeProxyReplacement: true });
    new TunedCoreDns(chart, 'CoreDns', { profile });
    new NetworkAlerts(chart, 'Alerts', { profile });
    const rule = only(synthValid(chart), 'PrometheusRule');
    const names = rule.spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert ?? r.record));
    expect(names.filter((n: string) => /kube-?proxy/i.test(n))).toEqual([]);
  });

  test('forcing kube-proxy alerts on next to the replacement is refused: KubeProxyDown would fire forever', () => {
    const chart = Testing.chart();
    const profile = new ClusterProfile({ apiServerHost: '10.0.0.1' });
    new CiliumTuning(chart, 'Cilium', { profile, kubeProxyReplacement: true });
    new NetworkAlerts(chart, 'Alerts', { profile, kubeProxyAlerts: true });
    expect(() => Testing.synth(chart)).toThrow(
      /\[test\/Alerts\] kube-proxy alerts are on, but \[test\/Cilium\] enables Cilium kube-proxy replacement, .*KubeProxyDown would fire forever.*\[ALERTS-NO-KUBE-PROXY\]/);
  });
});

describe('NetworkAlerts: thresholds and durations', () => {
  test('the guide\'s three alerts, word for word in meaning: p99 > 1s, p99 > 0.5s, > 1%, for 10m', () => {
    const { alert } = render();
    expect(alert('KubeProxySyncSlow')).toMatchObject({
      expr: 'histogram_quantile(0.99, sum by (instance, le) (rate(kubeproxy_sync_proxy_rules_duration_seconds_bucket{job="kube-proxy"}[5m]))) > 1',
      for: '10m',
      labels: { severity: 'warning' },
    });
    // The guide's p99 > 0.5s, judged only at more than 1 answer/s (a p99 of a handful of answers is noise).
    expect(alert('DNSLatencyHigh')).toMatchObject({
      expr: '(histogram_quantile(0.99, sum by (le) (rate(coredns_dns_request_duration_seconds_bucket{job="kube-dns"}[5m]))) > 0.5)'
        + ' and sum (rate(coredns_dns_request_duration_seconds_count{job="kube-dns"}[5m])) > 1',
      for: '10m',
    });
    // The guide's rcode!="NOERROR" counts search-path NXDOMAINs: SERVFAIL and REFUSED only (coredns-mixin).
    expect(alert('DNSErrorsHigh').expr).toBe('(sum (rate(coredns_dns_responses_total{job="kube-dns",rcode=~"SERVFAIL|REFUSED"}[5m]))'
      + ' / sum (rate(coredns_dns_responses_total{job="kube-dns"}[5m])) > 0.01) and sum (rate(coredns_dns_responses_total{job="kube-dns"}[5m])) > 1');
    expect(alert('CoreDNSDown')).toMatchObject({ expr: 'absent(up{job="kube-dns"} == 1)', for: '15m', labels: { severity: 'critical' } });
  });

  test('the tier decides the conntrack threshold (LARGE alerts earlier)', () => {
    const small = render({ tier: ScaleTier.SMALL }).alert('ConntrackTableFilling').expr;
    const large = render({ tier: ScaleTier.LARGE }).alert('ConntrackTableFilling').expr;
    expect(small).toBe('node_nf_conntrack_entries{job="node-exporter"} / node_nf_conntrack_entries_limit{job="node-exporter"} > 0.8');
    expect(large).toMatch(/ > 0\.75$/);
  });

  test('every threshold and the for duration can be overridden', () => {
    const { alert } = render({
      kubeProxySyncThreshold: Duration.millis(2500),
      dnsLatencyThreshold: Duration.millis(250),
      dnsErrorRatio: 0.05,
      forwardLatencyThreshold: Duration.seconds(2),
      forwardErrorRatio: 0.1,
      conntrackUsageRatio: 0.9,
      forDuration: Duration.minutes(3),
      nodeExporterJob: 'node',
    });
    expect(alert('KubeProxySyncSlow').expr).toMatch(/ > 2\.5$/);
    expect(alert('KubeProxySyncSlow').for).toBe('3m');
    expect(alert('DNSLatencyHigh').expr).toMatch(/ > 0\.25\) and /);
    expect(alert('DNSErrorsHigh').expr).toMatch(/ > 0\.05\) and /);
    expect(alert('CoreDNSForwardLatencyHigh').expr).toMatch(/ > 2\) and /);
    expect(alert('CoreDNSForwardErrorsHigh').expr).toMatch(/ > 0\.1\) and /);
    expect(alert('ConntrackTableFilling').expr).toBe('node_nf_conntrack_entries{job="node"} / node_nf_conntrack_entries_limit{job="node"} > 0.9');
  });

  test('CoreDNS forward alerts use the metric names the running CoreDNS exports', () => {
    // Kubernetes 1.29+ runs CoreDNS 1.11+: coredns_proxy_*{proxy_name="forward"}.
    const current = render({}, { coreDns: true, version: KubernetesVersion.V1_29 }).alert;
    expect(current('CoreDNSForwardLatencyHigh').expr).toContain('coredns_proxy_request_duration_seconds_bucket{job="kube-dns",proxy_name="forward"}');
    expect(current('CoreDNSForwardErrorsHigh').expr).toContain('coredns_proxy_request_duration_seconds_count{job="kube-dns",proxy_name="forward",rcode="SERVFAIL"}');
    expect(current('CoreDNSForwardHealthcheckFailing').expr).toContain('coredns_proxy_healthcheck_failures_total{job="kube-dns",proxy_name="forward"}');
    expect(current('CoreDNSMaxConcurrentRejects').expr).toContain('coredns_forward_max_concurrent_rejects_total');
    // Kubernetes 1.28's kubeadm runs CoreDNS 1.10.1, which only has the forward plugin's own series.
    const legacy = render({}, { coreDns: true, version: KubernetesVersion.V1_28 }).alert;
    expect(legacy('CoreDNSForwardLatencyHigh').expr).toContain('coredns_forward_request_duration_seconds_bucket{job="kube-dns"}');
    expect(legacy('CoreDNSForwardErrorsHigh').expr).toBe(
      '(sum by (to) (rate(coredns_forward_responses_total{job="kube-dns",rcode="SERVFAIL"}[5m])) / sum by (to) (rate(coredns_forward_responses_total{job="kube-dns"}[5m])) > 0.03)'
      + ' and sum by (to) (rate(coredns_forward_responses_total{job="kube-dns"}[5m])) > 1');
    expect(legacy('CoreDNSForwardHealthcheckFailing').expr).toContain('coredns_forward_healthcheck_failures_total{job="kube-dns"}');
  });

  test('a deployed CoreDNS image decides the names, not the Kubernetes version', () => {
    // 1.28's kubeadm runs CoreDNS 1.10 (the legacy names); the image given is 1.11
    const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_28 });
    const chart = Testing.chart();
    new TunedCoreDns(chart, 'CoreDns', { deploy: true, image: 'registry.k8s.io/coredns/coredns:v1.11.3', profile });
    const alerts = new NetworkAlerts(chart, 'Alerts', { profile });
    synthValid(chart);
    const exprs = alerts.ruleGroups().flatMap((g) => g.rules).map((r: any) => r.expr).join('\n');
    expect(exprs).toContain('coredns_proxy_request_duration_seconds_bucket');
    expect(exprs).not.toContain('coredns_forward_request_duration_seconds');
  });
});

describe('NetworkAlerts: annotations', () => {
  test('English by default: summary, description and runbook on every alert', () => {
    const { rules } = render();
    for (const r of rules.filter((x) => x.alert)) {
      expect(Object.keys(r.annotations).sort()).toEqual(['description', 'runbook', 'summary']);
      expect(r.annotations.summary).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  test('Chinese on request, as the guide writes its summaries', () => {
    const { alert, rules } = render({ language: AlertLanguage.CHINESE });
    expect(alert('KubeProxySyncSlow').annotations.summary).toBe('kube-proxy 规则同步过慢');
    expect(alert('DNSLatencyHigh').annotations.summary).toBe('DNS 查询延迟过高');
    expect(alert('DNSErrorsHigh').annotations.summary).toBe('DNS 错误率过高');
    for (const r of rules.filter((x) => x.alert)) expect(r.annotations.description).toMatch(/[\u4e00-\u9fff]/);
  });
});

describe('NetworkAlerts: expressions and scrape objects agree', () => {
  const variants: Array<[string, NetworkAlertsProps, Components]> = [
    ['iptables', {}, { kubeProxy: true, coreDns: true, nodeLocalDns: true, mode: KubeProxyMode.IPTABLES }],
    ['ipvs LARGE', { tier: ScaleTier.LARGE }, { kubeProxy: true, coreDns: true, nodeLocalDns: true, mode: KubeProxyMode.IPVS }],
    ['nftables', {}, { kubeProxy: true, coreDns: true, nodeLocalDns: true, mode: KubeProxyMode.NFTABLES, version: KubernetesVersion.V1_33 }],
  ];

  test.each(variants)('%s: every expression parses with Prometheus\'s PromQL grammar', (_name, props, c) => {
    const { rules } = render(props, c);
    expect(rules.length).toBeGreaterThan(10);
    for (const r of rules) expect({ rule: r.alert ?? r.record, errors: promqlErrors(r.expr) }).toEqual({ rule: r.alert ?? r.record, errors: [] });
  });

  test('the parser check is real: a broken expression is caught', () => {
    expect(promqlErrors('sum(rate(x[5m]) > ')).not.toEqual([]);
    expect(promqlErrors('histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m]))) > 1')).toEqual([]);
  });

  test.each(variants)('%s: every job the expressions select is scraped with that job label', (_name, props, c) => {
    const { rules, objs } = render(props, c);
    // A ServiceMonitor with jobLabel k8s-app gives its targets job=<the Service's k8s-app label>.
    const scraped = new Map<string, string[]>();
    for (const m of ofKind(objs, 'ServiceMonitor')) {
      expect(m.spec.jobLabel).toBe('k8s-app');
      expect(m.spec.namespaceSelector).toEqual({ matchNames: ['kube-system'] });
      const services = ofKind(objs, 'Service').filter((s) => s.metadata.namespace === 'kube-system'
        && Object.entries(m.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v));
      // Prometheus only scrapes Services that have the named port (kube-dns-upstream shares k8s-app: kube-dns without it).
      // node-local-dns has one per DaemonSet when highly available: one job for both.
      const withPorts = services.filter((s) => m.spec.endpoints.every((e: any) => s.spec.ports.some((p: any) => p.name === e.port)));
      expect(withPorts.length).toBeGreaterThan(0);
      expect(new Set(withPorts.map((s) => s.metadata.labels['k8s-app'])).size).toBe(1);
      scraped.set(withPorts[0].metadata.labels['k8s-app'], m.spec.endpoints.map((e: any) => e.port));
    }
    const selected = new Set(rules.flatMap((r) => jobsIn(r.expr)));
    selected.delete('node-exporter'); // not deployed by this library
    expect([...selected].sort()).toEqual([...scraped.keys()].sort());
  });

  test('the scrape ports are the ports the workloads listen on', () => {
    const { objs } = render();
    const monitorPorts = (name: string) => only(objs, 'ServiceMonitor', name).spec.endpoints.map((e: any) => e.port);
    expect(monitorPorts('kube-proxy')).toEqual(['http-metrics']);
    expect(monitorPorts('coredns')).toEqual(['metrics']);
    expect(monitorPorts('node-local-dns')).toEqual(['metrics', 'setup-metrics']);
    const nodeCache = only(objs, 'DaemonSet', 'node-local-dns').spec.template.spec.containers[0];
    expect(nodeCache.ports.filter((p: any) => p.name.includes('metrics')).map((p: any) => p.containerPort)).toEqual([9253, 9353]);
    const config = only(objs, 'ConfigMap', 'kube-proxy').data['config.conf'];
    expect(config).toContain('metricsBindAddress: 0.0.0.0:10249');
  });

  test('the kube-proxy metrics Service follows a custom metrics port', () => {
    const chart = Testing.chart();
    new TunedKubeProxy(chart, 'KubeProxy', { metricsBindAddress: '0.0.0.0:10300' });
    new NetworkAlerts(chart, 'Alerts');
    expect(only(synthValid(chart), 'Service', 'kube-proxy-metrics').spec.ports).toEqual([{ name: 'http-metrics', port: 10249, targetPort: 10300 }]);
  });

  test('namespace and selector labels for the Prometheus that should load them', () => {
    const { objs } = render({ monitoringNamespace: 'observability', selectorLabels: { release: 'kube-prometheus-stack' } });
    for (const o of [...ofKind(objs, 'ServiceMonitor'), only(objs, 'PrometheusRule')]) {
      expect(o.metadata.namespace).toBe('observability');
      expect(o.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    }
  });

  test('scrape objects can be left to an existing monitoring stack', () => {
    const { objs } = render({ scrapeObjects: false });
    expect(ofKind(objs, 'ServiceMonitor')).toEqual([]);
    expect(ofKind(objs, 'Service').map((s) => s.metadata.name)).not.toContain('kube-proxy-metrics');
  });

  test('ruleFileYaml() is the PrometheusRule\'s groups as a rule file; ruleGroups() the same, typed (for -> forDuration)', () => {
    const { alerts, rule } = render();
    expect(YAML.parse(alerts.ruleFileYaml()).groups).toEqual(rule.spec.groups);
    const typed = alerts.ruleGroups();
    expect(typed.map((g) => g.name)).toEqual(rule.spec.groups.map((g: any) => g.name));
    const firstAlert = rule.spec.groups[0].rules[0];
    expect(typed[0].rules[0]).toEqual({
      alert: firstAlert.alert, expr: firstAlert.expr, forDuration: firstAlert.for, labels: firstAlert.labels, annotations: firstAlert.annotations,
    });
    const recording = typed.find((g) => g.name === 'network-tuning-recording')!.rules[0];
    expect(recording.record).toBeDefined();
    expect(recording.forDuration).toBeUndefined();
  });
});

describe('NetworkAlerts.catalogue', () => {
  test('severity and component are the enums, matching the emitted rules\' labels and groups', () => {
    const catalogue = NetworkAlerts.catalogue(ScaleTier.LARGE);
    expect(new Set(catalogue.map((a) => a.severity))).toEqual(new Set([AlertSeverity.WARNING, AlertSeverity.CRITICAL]));
    expect(new Set(catalogue.map((a) => a.component))).toEqual(new Set(Object.values(AlertComponent)));
    const { alerts } = render();
    for (const group of alerts.ruleGroups().filter((g) => g.name !== 'network-tuning-recording')) {
      for (const rule of group.rules) {
        const info = catalogue.find((a) => a.alert === rule.alert)!;
        expect({ alert: rule.alert, group: group.name, severity: rule.labels!.severity })
          .toEqual({ alert: info.alert, group: `network-tuning-${info.component}`, severity: info.severity });
      }
    }
  });
});

describe('NetworkAlerts: checks', () => {
  test('loopback kube-proxy metrics cannot be scraped: an error naming both constructs', () => {
    const chart = Testing.chart();
    new TunedKubeProxy(chart, 'KubeProxy', { metricsBindAddress: '127.0.0.1:10249' });
    new NetworkAlerts(chart, 'Alerts');
    expect(() => Testing.synth(chart)).toThrow(
      /\[test\/Alerts\] \[test\/KubeProxy\] serves metrics on 127\.0\.0\.1:10249, loopback only.*\[ALERTS-KUBE-PROXY-METRICS\] fix: set the TunedKubeProxy's metricsBindAddress/);
  });

  test('a component added after NetworkAlerts is reported, not silently unwatched', () => {
    const chart = Testing.chart();
    new NetworkAlerts(chart, 'Alerts');
    new TunedCoreDns(chart, 'CoreDns');
    expect(() => Testing.synth(chart)).toThrow(/\[test\/Alerts\] the app has a coredns component that was added after NetworkAlerts.*\[ALERTS-CREATED-TOO-EARLY\]/);
  });

  test.each<[string, NetworkAlertsProps, string]>([
    ['zero ratio', { dnsErrorRatio: 0 }, "[test/Alerts] 'dnsErrorRatio' (0) must be > 0 and <= 1 (0 fires on any single error)"],
    ['ratio above 1', { conntrackUsageRatio: 1.5 }, "[test/Alerts] 'conntrackUsageRatio' (1.5)"],
    ['zero latency', { dnsLatencyThreshold: Duration.millis(0) }, "[test/Alerts] 'dnsLatencyThreshold' (0s) must be between 1ms and 1h"],
    ['bad namespace', { monitoringNamespace: 'Monitoring' }, "[test/Alerts] 'monitoringNamespace' (Monitoring) must be a namespace name"],
    ['job with a quote', { nodeExporterJob: 'node"}' }, "[test/Alerts] 'nodeExporterJob' (\"node\\\"}\") must be a job label value"],
    ['bad label', { selectorLabels: { release: 'a b' } }, "[test/Alerts] 'selectorLabels[release]' (\"a b\") is not a label value"],
    ['nothing to watch', { nodeAlerts: false }, "[test/Alerts] 'nodeAlerts' is false and no component is watched"],
  ])('%s is refused at synth time', (_name, props, message) => {
    const chart = Testing.chart();
    expect(() => new NetworkAlerts(chart, 'Alerts', props)).toThrow(message);
  });
});

test('the objects validate against the Prometheus Operator CRDs', () => {
  const chart = new Chart(Testing.app(), 'test');
  new TunedKubeProxy(chart, 'KubeProxy');
  new TunedCoreDns(chart, 'CoreDns');
  new NodeLocalDns(chart, 'NodeLocalDns');
  new NetworkAlerts(chart, 'Alerts', { language: AlertLanguage.CHINESE, selectorLabels: { release: 'prom' } });
  expect(ofKind(synthValid(chart), 'ServiceMonitor')).toHaveLength(3);
});

test('a kubeProxyMode that disagrees with the app\'s kube-proxy is refused', () => {
  const chart = Testing.chart();
  new TunedKubeProxy(chart, 'KubeProxy', { mode: KubeProxyMode.IPVS });
  new NetworkAlerts(chart, 'Alerts', { kubeProxyMode: KubeProxyMode.IPTABLES });
  expect(() => Testing.synth(chart)).toThrow(
    "[test/Alerts] 'kubeProxyMode' (iptables) disagrees with the app's data plane, kube-proxy ipvs ('mode' set on [test/KubeProxy]): the mode-specific alerts would watch metrics that are never exported [ALERTS-MODE-MISMATCH]");
  const agreeing = Testing.chart();
  new TunedKubeProxy(agreeing, 'KubeProxy', { mode: KubeProxyMode.IPVS });
  new NetworkAlerts(agreeing, 'Alerts', { kubeProxyMode: KubeProxyMode.IPVS });
  expect(only(synthValid(agreeing), 'PrometheusRule').spec.groups.length).toBeGreaterThan(0);
});

import { ApiObject, Duration, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertContext, AlertDef, AlertGroup, ALERTS, RECORDINGS } from './_alert-catalogue';
import { DASHBOARD_FILES, renderDashboards } from './_dashboards';
import { AlertComponent, AlertSeverity } from './alert-enums';
import { checkCall, checkProps } from '../core/_boundary';
import { checkFeature, ComponentContext, componentContext, pick, record } from '../core/_component';
import { goDuration, showDuration } from '../core/_errors';
import { coreDnsMinor } from '../core/_images';
import { apiObject, configMap, KUBE_SYSTEM, MANAGED_BY, meta } from '../core/_k8s';
import { lazyValue } from '../core/_lazy';
import { parseHostPort } from '../core/_net';
import { TierSettings, tierSettings } from '../core/_tier-table';
import { ClusterProfile } from '../core/cluster-profile';
import { KubernetesFeature } from '../core/compatibility';
import { KubernetesVersion } from '../core/kubernetes-version';
import { DecisionSource } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';
import { KubeProxyMode } from '../kube-proxy/kube-proxy-mode';

/** Language of alert annotations. */
export enum AlertLanguage {
  /** English. */
  ENGLISH = 'en',
  /** Simplified Chinese (the guide's). */
  CHINESE = 'zh-CN',
}

/** One alert of the catalogue, with the thresholds of a tier (see `NetworkAlerts.catalogue`). */
export interface AlertInfo {
  /** The alert name. */
  readonly alert: string;
  /** The component it watches. */
  readonly component: AlertComponent;
  /** Whether the guide lists it (the others go beyond the guide). */
  readonly fromGuide: boolean;
  /** The `severity` label. */
  readonly severity: AlertSeverity;
  /**
   * The kube-proxy modes whose metrics it reads.
   *
   * @default - every mode
   */
  readonly kubeProxyModes?: KubeProxyMode[];
  /** The PromQL expression with the tier's thresholds and the default job labels. */
  readonly expr: string;
  /** Its `for` duration, as Prometheus writes it. */
  readonly forDuration: string;
  /** The threshold in words. */
  readonly threshold: string;
  /** The summary annotation. */
  readonly summary: string;
  /** The description annotation (a Prometheus template). */
  readonly description: string;
  /** The runbook hint annotation. */
  readonly runbook: string;
}

/** Options of `NetworkAlerts`: its properties except the tier and the profile, which a parent such as `NetworkTuning` decides once for every component. */
export interface NetworkAlertsOptions {
  /**
   * Language of summaries, descriptions and runbook hints.
   *
   * @default AlertLanguage.ENGLISH
   */
  readonly language?: AlertLanguage;

  /**
   * KubeProxySyncSlow fires above this p99 rule-sync time.
   *
   * @default - the tier's (1s, the guide's)
   */
  readonly kubeProxySyncThreshold?: Duration;

  /**
   * DNSLatencyHigh fires above this p99 CoreDNS latency, and NodeLocalDNSLatencyHigh above
   * this p99 on one node's cache (the resolver those pods ask).
   *
   * @default - the tier's (500ms, the guide's)
   */
  readonly dnsLatencyThreshold?: Duration;

  /**
   * DNSErrorsHigh fires above this share of SERVFAIL and REFUSED answers (0..1), and
   * NodeLocalDNSErrorsHigh above it on one node's cache. NXDOMAIN is not counted: search-path
   * expansion answers it all day (it is recorded as `network:coredns_nxdomain:ratio5m`).
   *
   * @default - the tier's (0.01, the guide's 1%)
   */
  readonly dnsErrorRatio?: number;

  /**
   * CoreDNSForwardLatencyHigh fires above this p99 upstream latency.
   *
   * @default - the tier's (1s)
   */
  readonly forwardLatencyThreshold?: Duration;

  /**
   * CoreDNSForwardErrorsHigh fires above this share of SERVFAIL from an upstream (0..1).
   *
   * @default - the tier's (0.03)
   */
  readonly forwardErrorRatio?: number;

  /**
   * ConntrackTableFilling fires above this share of nf_conntrack_max (0..1).
   *
   * @default - the tier's (0.8; 0.75 for LARGE)
   */
  readonly conntrackUsageRatio?: number;

  /**
   * `for` of the guide's alerts and the other rate alerts.
   *
   * @default - the tier's (10m, the guide's)
   */
  readonly forDuration?: Duration;

  /**
   * kube-proxy alerts and scrape objects.
   *
   * @default - when the app has a TunedKubeProxy
   */
  readonly kubeProxyAlerts?: boolean;

  /**
   * CoreDNS alerts and scrape objects.
   *
   * @default - when the app has a TunedCoreDns
   */
  readonly coreDnsAlerts?: boolean;

  /**
   * NodeLocal DNSCache alerts and scrape objects.
   *
   * @default - when the app has a NodeLocalDns
   */
  readonly nodeLocalDnsAlerts?: boolean;

  /**
   * Node alerts and recording rules from node-exporter (conntrack usage, the guide's node network metrics).
   *
   * @default true
   */
  readonly nodeAlerts?: boolean;

  /**
   * kube-proxy's mode, for mode-specific alerts, for clusters whose kube-proxy is not
   * managed in this app. It must agree with the app's plan.
   *
   * @default - the app's plan (a TunedKubeProxy's mode, else the tier's)
   */
  readonly kubeProxyMode?: KubeProxyMode;

  /**
   * The `job` label of node-exporter targets (this library does not deploy node-exporter).
   *
   * @default 'node-exporter'
   */
  readonly nodeExporterJob?: string;

  /**
   * Namespace of the PrometheusRule and the ServiceMonitors.
   *
   * @default 'monitoring'
   */
  readonly monitoringNamespace?: string;

  /**
   * Labels on the PrometheusRule, ServiceMonitors and dashboards, so the Prometheus selects
   * them. kube-prometheus-stack's Prometheus only loads rules and monitors labelled
   * `release: <helm release name>` unless its `ruleSelectorNilUsesHelmValues` and
   * `serviceMonitorSelectorNilUsesHelmValues` are false: pass `{ release: '<name>' }`.
   *
   * @default - none (a warning-free default; the report says what kube-prometheus-stack needs)
   */
  readonly selectorLabels?: Record<string, string>;

  /**
   * Emit Grafana dashboards (kube-proxy, DNS, node network) as ConfigMaps for the Grafana
   * sidecar, each panel's alert threshold drawn as a line.
   *
   * @default true
   */
  readonly dashboards?: boolean;

  /**
   * Labels that make the Grafana sidecar load the dashboard ConfigMaps (added to `selectorLabels`).
   *
   * @default { grafana_dashboard: '1' } (kube-prometheus-stack's `sidecar.dashboards.label` and `labelValue`)
   */
  readonly dashboardLabels?: Record<string, string>;

  /**
   * Emit the ServiceMonitors (and the kube-proxy metrics Service) the alerts need.
   *
   * @default true
   */
  readonly scrapeObjects?: boolean;
}

/** One rule of a Prometheus rule group: an alerting rule or a recording rule. */
export interface AlertRuleEntry {
  /**
   * The alert's name.
   *
   * @default - none: a recording rule
   */
  readonly alert?: string;
  /**
   * The series a recording rule writes.
   *
   * @default - none: an alerting rule
   */
  readonly record?: string;
  /** The PromQL expression. */
  readonly expr: string;
  /**
   * How long the expression must hold before the alert fires (Prometheus `for`), as Prometheus writes durations.
   *
   * @default - none (recording rules)
   */
  readonly forDuration?: string;
  /**
   * Labels the alert carries (`severity`).
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Annotations: `summary`, `description` and `runbook`.
   *
   * @default - none
   */
  readonly annotations?: Record<string, string>;
}

/** A Prometheus rule group. */
export interface AlertRuleGroup {
  /** The group's name. */
  readonly name: string;
  /** Its rules, in evaluation order. */
  readonly rules: AlertRuleEntry[];
}

/** Properties of `NetworkAlerts`. */
export interface NetworkAlertsProps extends NetworkAlertsOptions {
  /**
   * The scale tier (thresholds and `for` durations).
   *
   * @default ScaleTier.SMALL
   */
  readonly tier?: ScaleTier;

  /**
   * The cluster.
   *
   * @default - a default ClusterProfile
   */
  readonly profile?: ClusterProfile;
}

type Thresholds = Omit<AlertContext, 'kubeProxyMode' | 'jobs' | 'legacyForwardMetrics'>;

/** A tier's thresholds and durations, as the tier table states them. */
function tierThresholds(settings: TierSettings): Thresholds {
  const a = settings.alerts;
  return {
    kubeProxySyncSeconds: a.kubeProxySyncP99Seconds.value,
    kubeProxyStallSeconds: STALL_SECONDS,
    dnsLatencySeconds: a.dnsLatencyP99Seconds.value,
    dnsErrorRatio: a.dnsErrorRatio.value,
    forwardLatencySeconds: a.forwardLatencyP99Seconds.value,
    forwardErrorRatio: a.forwardErrorRatio.value,
    conntrackUsageRatio: a.conntrackUsageRatio.value,
    forDuration: a.forDuration.value,
    downFor: a.downFor.value,
  };
}

/** KubeProxySyncStalled: a change waiting this long (or 10 minSyncPeriods, if longer) is a hang. */
const STALL_SECONDS = 300;

/** The job label of each scrape target: the value of its Service's `k8s-app` label. */
const JOBS = { kubeProxy: 'kube-proxy', coreDns: 'kube-dns', nodeLocalDns: 'node-local-dns' };

/**
 * The guide's "监控指标" and "告警规则": a PrometheusRule with the guide's three
 * alerts (kube-proxy sync p99, DNS latency p99, DNS error rate), thresholds and
 * `for` per tier, plus the alerts an operator needs for the components this
 * library deploys, and recording rules for the guide's metric list. Only
 * alerts for what the app deploys are emitted (no kube-proxy alerts under an
 * eBPF kube-proxy replacement; mode-specific metrics only in their mode).
 *
 * ServiceMonitors scrape CoreDNS (9153), NodeLocal DNSCache (9253 and node-cache's
 * own 9353) and kube-proxy (10249, through a headless `kube-proxy-metrics` Service);
 * each sets `jobLabel: k8s-app`, so the `job` the alerts select is exactly
 * `kube-dns`, `node-local-dns` and `kube-proxy`.
 */
export class NetworkAlerts extends Construct {
  /**
   * Every alert this construct can emit, with a tier's default thresholds (for docs and tools).
   *
   * @param tier the tier whose thresholds to show (default SMALL)
   * @param language the annotations' language (default English)
   * @param kubernetesVersion decides the CoreDNS metric names, through the CoreDNS kubeadm runs (default KubernetesVersion.DEFAULT)
   */
  public static catalogue(tier?: ScaleTier, language?: AlertLanguage, kubernetesVersion?: KubernetesVersion): AlertInfo[] {
    [tier, language, kubernetesVersion] = checkCall('NetworkAlerts.catalogue', [tier, language, kubernetesVersion]) as [ScaleTier | undefined, AlertLanguage | undefined, KubernetesVersion | undefined];
    const ctx: AlertContext = {
      ...tierThresholds(tierSettings(tier ?? ScaleTier.SMALL)),
      legacyForwardMetrics: coreDnsMinor(kubernetesVersion ?? KubernetesVersion.DEFAULT) < 11,
      jobs: { ...JOBS, nodeExporter: 'node-exporter' },
    };
    const lang = language === AlertLanguage.CHINESE ? 'zh' : 'en';
    return ALERTS.map((x) => ({
      alert: x.alert,
      component: x.group as AlertComponent,
      fromGuide: x.fromGuide,
      severity: x.severity as AlertSeverity,
      kubeProxyModes: x.modes ? [...x.modes] : undefined,
      expr: x.expr(ctx),
      forDuration: goDuration(x.forDuration(ctx)),
      threshold: x.threshold(ctx),
      summary: x.summary[lang],
      description: x.description[lang],
      runbook: x.runbook[lang],
    }));
  }

  /** The PrometheusRule with every alert, for escape hatches such as `addJsonPatch`. */
  public readonly prometheusRule: ApiObject;
  /** The ServiceMonitors (kube-proxy, coredns, node-local-dns: those watched), with `scrapeObjects`. */
  public readonly serviceMonitors: ApiObject[] = [];
  /**
   * The headless `kube-proxy-metrics` Service (kube-proxy watched, with `scrapeObjects`).
   *
   * @default - none when kube-proxy is not watched or scrape objects are off
   */
  public readonly kubeProxyMetricsService?: ApiObject;
  /** The Grafana dashboard ConfigMaps, with `dashboards`. */
  public readonly dashboardConfigMaps: ApiObject[] = [];

  private readonly ctx: ComponentContext;
  private readonly groups: Record<AlertGroup, boolean>;
  private readonly language: AlertLanguage;
  private readonly thresholds: Thresholds;
  private readonly nodeExporterJob: string;
  private readonly explicitMode?: KubeProxyMode;
  private readonly explicit: Record<AlertGroup, boolean>;
  private readonly selectorLabels: Record<string, string>;

  public constructor(scope: Construct, id: string, props: NetworkAlertsProps = {}) {
    super(scope, id);
    props = checkProps(this, 'NetworkAlertsProps', props);
    this.ctx = componentContext(this, props.tier, props.profile);
    const { errors, settings, state } = this.ctx;
    const a = settings.alerts;

    this.language = props.language ?? AlertLanguage.ENGLISH;
    errors.oneOf('language', this.language, Object.values(AlertLanguage));
    const seconds = (d: Duration) => d.toMilliseconds({ integral: false }) / 1000;
    const kubeProxySync = props.kubeProxySyncThreshold ?? Duration.millis(a.kubeProxySyncP99Seconds.value * 1000);
    const dnsLatency = props.dnsLatencyThreshold ?? Duration.millis(a.dnsLatencyP99Seconds.value * 1000);
    const forwardLatency = props.forwardLatencyThreshold ?? Duration.millis(a.forwardLatencyP99Seconds.value * 1000);
    for (const [name, d] of [['kubeProxySyncThreshold', kubeProxySync], ['dnsLatencyThreshold', dnsLatency], ['forwardLatencyThreshold', forwardLatency]] as const) {
      errors.duration(name, d, Duration.millis(1), Duration.hours(1));
    }
    // A share of 0 would fire on the first error, so the range is (0, 1].
    const ratio = (name: string, v: number) => {
      if (errors.num(name, v, 0, 1) && v === 0) errors.add(name, v, 'must be > 0 and <= 1 (0 fires on any single error)');
      return v;
    };
    const dnsErrorRatio = ratio('dnsErrorRatio', pick(this.ctx, 'alerts.dnsErrorRatio', props.dnsErrorRatio, a.dnsErrorRatio));
    const forwardErrorRatio = ratio('forwardErrorRatio', pick(this.ctx, 'alerts.forwardErrorRatio', props.forwardErrorRatio, a.forwardErrorRatio));
    const conntrackUsageRatio = ratio('conntrackUsageRatio', pick(this.ctx, 'alerts.conntrackUsageRatio', props.conntrackUsageRatio, a.conntrackUsageRatio));
    const forDuration = pick(this.ctx, 'alerts.for', props.forDuration, a.forDuration, showDuration);
    errors.duration('forDuration', forDuration, Duration.seconds(0), Duration.days(1));
    this.nodeExporterJob = props.nodeExporterJob ?? 'node-exporter';
    if (!/^[A-Za-z0-9_.:/-]+$/.test(this.nodeExporterJob)) errors.add('nodeExporterJob', this.nodeExporterJob, 'must be a job label value (letters, digits, _ . : / -)');
    const ns = props.monitoringNamespace ?? 'monitoring';
    errors.namespace('monitoringNamespace', ns);
    errors.labels('selectorLabels', props.selectorLabels, false, MANAGED_BY);
    errors.labels('dashboardLabels', props.dashboardLabels, false, MANAGED_BY);
    if (props.kubeProxyMode !== undefined && errors.oneOf('kubeProxyMode', props.kubeProxyMode, Object.values(KubeProxyMode))
      && props.kubeProxyMode === KubeProxyMode.NFTABLES) {
      checkFeature(this.ctx, KubernetesFeature.KUBE_PROXY_NFTABLES, 'kubeProxyMode', props.kubeProxyMode);
    }
    this.explicitMode = props.kubeProxyMode;

    // What is watched is decided now (it decides which scrape objects exist), from the
    // components already in the app; prepare() refuses components added afterwards.
    const has = (kind: 'kube-proxy' | 'coredns' | 'node-local-dns') => state.components(kind).length > 0;
    this.explicit = {
      'kube-proxy': props.kubeProxyAlerts !== undefined,
      'coredns': props.coreDnsAlerts !== undefined,
      'node-local-dns': props.nodeLocalDnsAlerts !== undefined,
      'node': props.nodeAlerts !== undefined,
    };
    this.groups = {
      'kube-proxy': props.kubeProxyAlerts ?? has('kube-proxy'),
      'coredns': props.coreDnsAlerts ?? has('coredns'),
      'node-local-dns': props.nodeLocalDnsAlerts ?? has('node-local-dns'),
      'node': props.nodeAlerts ?? true,
    };
    if (!Object.values(this.groups).some((x) => x)) {
      errors.addMissing('nodeAlerts', 'is false and no component is watched: there would be no alert to emit');
    }
    errors.throwIfAny();
    this.thresholds = {
      ...tierThresholds(settings),
      kubeProxySyncSeconds: seconds(kubeProxySync),
      dnsLatencySeconds: seconds(dnsLatency),
      dnsErrorRatio,
      forwardLatencySeconds: seconds(forwardLatency),
      forwardErrorRatio,
      conntrackUsageRatio,
      forDuration,
    };
    for (const [setting, value, rule] of [
      ['alerts.kubeProxySyncThreshold', props.kubeProxySyncThreshold, a.kubeProxySyncP99Seconds],
      ['alerts.dnsLatencyThreshold', props.dnsLatencyThreshold, a.dnsLatencyP99Seconds],
      ['alerts.forwardLatencyThreshold', props.forwardLatencyThreshold, a.forwardLatencyP99Seconds],
    ] as const) {
      record(this.ctx, setting, value ? showDuration(value) : `${rule.value}s`, value ? DecisionSource.OVERRIDE : DecisionSource.TIER,
        value ? 'set by the user' : `${this.ctx.tier} tier: ${rule.reason}`);
    }

    const labels = props.selectorLabels ?? {};
    this.prometheusRule = new ApiObject(this, 'PrometheusRule', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: meta('network-tuning-alerts', ns, labels),
      spec: { groups: lazyValue(this, 'PrometheusRule spec.groups', () => this.rulesJson()) },
    });

    this.kubeProxyMetricsService = (props.scrapeObjects ?? true) ? this.addScrapeObjects(ns, labels) : undefined;
    if (props.dashboards ?? true) this.addDashboards(ns, { ...labels, ...(props.dashboardLabels ?? { grafana_dashboard: '1' }) });
    this.selectorLabels = labels;
    state.addOutputFile(this, 'prometheus/rules.yaml', () => this.ruleFileYaml(),
      'the alerts as a rule file, for a Prometheus without the operator (rule_files)');

    state.register({
      kind: 'alerts',
      scope: this,
      profile: this.ctx.profile,
      tier: this.ctx.tier,
      watches: this.groups,
      explicit: this.explicit,
      explicitKubeProxyMode: this.explicitMode,
    }, () => this.prepare());
  }

  /** Names of the alerts emitted (known at synthesis; call after adding every component). */
  public alertNames(): string[] {
    return this.selectedAlerts().map((a) => a.alert);
  }

  /** The rule groups, typed (the PrometheusRule's `spec.groups`; Prometheus's `for` is `forDuration`). */
  public ruleGroups(): AlertRuleGroup[] {
    return this.rulesJson().map((g) => ({
      name: g.name,
      rules: g.rules.map(({ for: forDuration, ...rule }) => ({ ...rule, ...(forDuration !== undefined ? { forDuration } : {}) }) as AlertRuleEntry),
    }));
  }

  /** The rules as a Prometheus rule file (`rule_files:`), for promtool or a Prometheus without the operator. */
  public ruleFileYaml(): string {
    return Yaml.stringify({ groups: this.rulesJson() });
  }

  /** The groups as Prometheus reads them. */
  private rulesJson(): Array<{ name: string; rules: Array<Record<string, any>> }> {
    const ctx = this.alertContext();
    const selected = this.selectedAlerts(ctx);
    const lang = this.language === AlertLanguage.CHINESE ? 'zh' : 'en';
    const groups: Array<{ name: string; rules: Array<Record<string, any>> }> = [];
    for (const group of ['kube-proxy', 'coredns', 'node-local-dns', 'node'] as const) {
      const rules = selected.filter((x) => x.group === group).map((x) => ({
        alert: x.alert,
        expr: x.expr(ctx),
        for: goDuration(x.forDuration(ctx)),
        labels: { severity: x.severity },
        annotations: { summary: x.summary[lang], description: x.description[lang], runbook: x.runbook[lang] },
      }));
      if (rules.length > 0) groups.push({ name: `network-tuning-${group}`, rules });
    }
    const recordings = RECORDINGS.filter((r) => this.groups[r.group] && (!r.modes || (ctx.kubeProxyMode && r.modes.includes(ctx.kubeProxyMode))))
      .map((r) => ({ record: r.record, expr: r.expr(ctx) }));
    if (recordings.length > 0) groups.push({ name: 'network-tuning-recording', rules: recordings });
    return groups;
  }

  private selectedAlerts(ctx: AlertContext = this.alertContext()): AlertDef[] {
    const mode = ctx.kubeProxyMode;
    return ALERTS.filter((x) => this.groups[x.group] && (!x.modes || (mode !== undefined && x.modes.includes(mode))));
  }

  private alertContext(): AlertContext {
    const minSync = Math.max(0, ...this.ctx.state.components('kube-proxy').map((k) => k.maxMinSyncPeriodSeconds));
    return {
      ...this.thresholds,
      kubeProxyStallSeconds: Math.max(STALL_SECONDS, 10 * minSync),
      legacyForwardMetrics: this.coreDnsMinor() < 11,
      kubeProxyMode: this.groups['kube-proxy'] ? this.kubeProxyMode() : undefined,
      jobs: { ...JOBS, nodeExporter: this.nodeExporterJob },
    };
  }

  /** The CoreDNS that runs, from the plan. */
  private coreDnsMinor(): number {
    return this.ctx.state.plan().dns.coreDnsMinor;
  }

  /** kube-proxy's mode, from the plan (undefined under an eBPF replacement). */
  private kubeProxyMode(): KubeProxyMode | undefined {
    return this.ctx.state.plan().dataPlane.mode;
  }

  /** The ServiceMonitors and, with kube-proxy watched, its metrics Service (returned). */
  private addScrapeObjects(ns: string, labels: Record<string, string>): ApiObject | undefined {
    let service: ApiObject | undefined;
    const monitor = (id: string, name: string, selector: Record<string, string>, ports: string[]) => this.serviceMonitors.push(
      new ApiObject(this, id, {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: meta(name, ns, labels),
        spec: {
          jobLabel: 'k8s-app',
          namespaceSelector: { matchNames: [KUBE_SYSTEM] },
          selector: { matchLabels: selector },
          // A `node` label on every target: per-node views add up a node's HA node-cache pair.
          endpoints: ports.map((p) => ({
            port: p,
            interval: '30s',
            relabelings: [{ sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node', action: 'replace' }],
          })),
        },
      }));
    if (this.groups['kube-proxy']) {
      // kubeadm's kube-proxy has no Service: a headless one gives Prometheus its node endpoints.
      service = apiObject(this, 'KubeProxyMetricsService', 'v1', 'Service', {
        metadata: meta('kube-proxy-metrics', KUBE_SYSTEM, { 'k8s-app': JOBS.kubeProxy }),
        spec: {
          clusterIP: 'None',
          // A NotReady pod stays a scrape target (up == 0 then fires the per-instance alerts).
          publishNotReadyAddresses: true,
          selector: { 'k8s-app': 'kube-proxy' },
          ports: [{ name: 'http-metrics', port: 10249, targetPort: lazyValue(this, 'kube-proxy metrics Service targetPort', () => this.kubeProxyMetricsPort()) }],
        },
      });
      monitor('KubeProxyMonitor', 'kube-proxy', { 'k8s-app': JOBS.kubeProxy }, ['http-metrics']);
    }
    if (this.groups.coredns) monitor('CoreDnsMonitor', 'coredns', { 'k8s-app': JOBS.coreDns }, ['metrics']);
    if (this.groups['node-local-dns']) monitor('NodeLocalDnsMonitor', 'node-local-dns', { 'k8s-app': JOBS.nodeLocalDns }, ['metrics', 'setup-metrics']);
    return service;
  }

  private addDashboards(ns: string, labels: Record<string, string>): void {
    // Which dashboards exist follows the watched groups (known now); their panels follow the
    // plan's kube-proxy mode and CoreDNS version, so the data renders at synthesis.
    const lang = this.language === AlertLanguage.CHINESE ? 'zh' : 'en';
    let rendered: ReturnType<typeof renderDashboards> | undefined;
    const render = () => rendered ??= renderDashboards(this.alertContext(), this.groups, lang);
    for (const file of DASHBOARD_FILES) {
      if (!file.groups.some((g) => this.groups[g])) continue;
      this.dashboardConfigMaps.push(configMap(this, `Dashboard-${file.name}`, {
        metadata: meta(`network-tuning-dashboard-${file.name}`, ns, labels),
        data: lazyValue(this, `dashboard ${file.name}`, () => {
          const d = render().find((x) => x.file === `network-tuning-${file.name}.json`);
          return d ? { [d.file]: JSON.stringify(d.json, undefined, 2) } : {};
        }) as Record<string, string>,
      }));
    }
  }

  private kubeProxyMetricsPort(): number {
    const proxy = this.ctx.state.components('kube-proxy')[0];
    return proxy ? parseHostPort(proxy.metricsBindAddress)?.port ?? 10249 : 10249;
  }

  private prepare(): void {
    if (this.groups.coredns) {
      const minor = this.coreDnsMinor();
      record(this.ctx, 'alerts.corednsForwardMetrics', minor < 11 ? 'coredns_forward_*' : 'coredns_proxy_*{proxy_name="forward"}', DecisionSource.COMPATIBILITY,
        `CoreDNS 1.${minor} runs here; 1.11 replaced the forward plugin's own series with coredns_proxy_*`);
    }
    const selector = Object.entries(this.selectorLabels).map(([k, v]) => `${k}=${v}`).join(', ');
    record(this.ctx, 'alerts.selectorLabels', selector || 'none', selector ? DecisionSource.OVERRIDE : DecisionSource.UPSTREAM, selector
      ? 'set by the user: the Prometheus must select these labels'
      : 'none set; kube-prometheus-stack loads only PrometheusRules and ServiceMonitors labelled release=<helm release> by default: set selectorLabels');
    record(this.ctx, 'alerts', this.alertNames().join(', '), DecisionSource.DERIVED,
      `the components in the app (${Object.entries(this.groups).filter(([, on]) => on).map(([g]) => g).join(', ')}); kube-proxy mode ${this.groups['kube-proxy'] ? this.kubeProxyMode() : 'n/a'}`);
  }
}

import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as cni from './_audit-cni';
import { coreDnsComponent } from './_audit-coredns';
import * as find from './_audit-discovery';
import {
  AuditInput, CiliumReading, ciliumProps, ciliumValuesProps, cpuCores, describeOrigin, flagValue, hasFlag, minorOf, objectId, Origin,
  ReadProblem, readKubeProxyConfig, yamlData,
} from './_audit-facts';
import { SYSCTL_FILE_KIND } from './_audit-read';
import { compareTiers, ClusterSettings, TierComparison } from './_audit-tier';
import { isPlainObject } from '../core/_boundary';
import { formatValue } from '../core/_errors';
import { nameInputs } from '../core/_input-names';
import { cidrContains, formatIp, parseCidr, parseIp } from '../core/_net';
import type { DnsPlan } from '../core/_plan';
import { AppState } from '../core/_registry';
import { tierSettings } from '../core/_tier-table';
import {
  ClusterProfile, ClusterProfileProps, Corefile, DnsHopVerdict, FindingSeverity, KubeProxyMode, KubernetesVersion, NodeLocalDns, PolicyLint,
  ScaleTier, SysctlTuner, TierTable, TunedKubeProxy, TuningReport,
} from '../index';

export type { AuditInput } from './_audit-facts';
export { readManifests } from './_audit-read';

/*
 * `cdk8s-network-tuning audit`: the library's engine over manifests it did not write, as
 * `kubectl get -o yaml` or a GitOps repository holds them. The manifests are read as the facts
 * and component properties the constructs take (the kube-proxy ConfigMap as TunedKubeProxy, the
 * node-cache DaemonSet as NodeLocalDns, Cilium's Helm values as CiliumTuning, ...), the components
 * are built in an app of their own with the cluster's profile, and the app is checked: every
 * construction check, the plan and every cross-component rule run as they do at `cdk8s synth`.
 * What the manifests do not say comes from flags or is reported as unknown; what the library does
 * not model (a Cilium local redirect policy for node-cache, Corefile imports from files) is
 * reported as not checked, never as a fault.
 */

/** One audit finding, located in its file. */
export interface AuditFinding {
  readonly ruleId: string;
  readonly severity: FindingSeverity;
  /** kind/namespace/name, or `(cluster)` for findings about the cluster as a whole. */
  readonly object: string;
  readonly file: string;
  /** The line of the object's document in the file (1-based; 0 when no object is at fault). */
  readonly line: number;
  readonly message: string;
  readonly fix: string;
}

/** A fact the checks used: its value and where it came from (a manifest, a flag, or unknown). */
export interface AuditFact {
  readonly name: string;
  readonly value: string;
  readonly from: string;
  /** True when neither a manifest nor a flag stated it (the value is the library's default or an assumption). */
  readonly unknown: boolean;
}

export interface AuditResult {
  readonly findings: AuditFinding[];
  readonly facts: AuditFact[];
  readonly tiers: TierComparison;
  /** Objects of kinds the library tunes that this audit does not check yet, by kind/namespace/name. */
  readonly notAudited: string[];
  readonly objects: number;
}

/** Facts from flags: they fill what the manifests do not say. */
export interface AuditOptions {
  readonly tier?: ScaleTier;
  readonly kubernetesVersion?: KubernetesVersion;
  readonly nodes?: number;
  readonly services?: number;
  readonly cpuCoresPerNode?: number;
  readonly apiServerHost?: string;
  readonly nodesShareL2Segment?: boolean;
  readonly serviceCidr?: string;
  readonly podCidr?: string;
  readonly dnsServiceIp?: string;
  readonly clusterDomain?: string;
}

/** Kinds the library tunes whose audit is not written yet (they are named, never skipped silently). */
const NOT_YET = new Set(['ServiceMonitor', 'PodMonitor']);

/** A ServiceMonitor or PodMonitor that scrapes kube-proxy (kube-prometheus-stack's kube-proxy one, or any naming it). */
const scrapesKubeProxy = (o: Record<string, any>) => /kube-proxy/.test(`${o.metadata?.name ?? ''} ${JSON.stringify(o.spec?.selector ?? {})}`);

/**
 * Findings about what the library itself writes, not about a running cluster: an audit passes
 * properties straight from the cluster, so they never apply (KP-NO-KUBECONFIG is about the
 * ConfigMap the construct emits lacking kubeconfig.conf; CALICO-IPPOOL-IMMUTABLE about
 * changing a pool the construct emits; PLAN-CHANGED-AFTER-CONSTRUCTION and ALERTS-CREATED-TOO-EARLY about code that adds components late).
 */
const OUTPUT_ONLY = new Set(['KP-NO-KUBECONFIG', 'CALICO-IPPOOL-IMMUTABLE', 'PLAN-CHANGED-AFTER-CONSTRUCTION', 'ALERTS-CREATED-TOO-EARLY']);

const CLUSTER = '(cluster)';

/** RFC 5737 documentation address: the API server a check ran with when nobody said which (reported as unknown). */
const UNKNOWN_API_SERVER = '192.0.2.1';

/**
 * Fixes phrased for manifests where the library's fix speaks of construct properties (the rule and
 * its message are the library's; what to change in a running cluster is not a property).
 */
const MANIFEST_FIXES: Record<string, string> = {
  'NLD-MODE-MISMATCH': 'render node-local-dns for the kube-proxy mode that runs: IPVS, nftables and eBPF data planes need -localip and the Corefile\'s '
    + 'bind to hold only the link-local IP (and kubelet clusterDNS to point at it); iptables mode binds the kube-dns IP too',
  'EBPF-REPLACES-KUBE-PROXY': 'remove the kube-proxy DaemonSet and ConfigMap (and its rules: kube-proxy --cleanup on each node), or turn the replacement off',
  'CNI-POLICY-UNENFORCED': 'run a CNI that enforces NetworkPolicy (Calico or Cilium), or remove the policies: they protect nothing here',
  'ALERTS-NO-KUBE-PROXY': 'drop the kube-proxy alerts (KubeProxyDown and the kubeproxy_* rules): no kube-proxy runs beside the eBPF replacement',
  'ALERTS-KUBE-PROXY-METRICS': "set kube-proxy's metricsBindAddress to 0.0.0.0:10249 (and scrape it), or drop the kube-proxy alerts",
  'ALERTS-MODE-MISMATCH': 'alert on the metrics of the mode kube-proxy runs in (kubeproxy_sync_proxy_rules_iptables_* in iptables mode, *_nftables_* in nftables mode)',
  'NLD-NFTABLES': 'keep node-cache wired like IPVS (the link-local IP alone, kubelet clusterDNS at it) and test DNS after every kube-proxy or node-cache upgrade: upstream does not support this mode (kubernetes/dns#682)',
  'CONNTRACK-CAPACITY': "raise conntrack.min (or conntrack.maxPerCore) in the kube-proxy ConfigMap's config.conf, then restart kube-proxy (it writes nf_conntrack_max at start)",
  'CILIUM-DIRECT-ROUTES-L2': 'if the nodes share one L2 segment, say so with --nodes-share-l2-segment; otherwise turn autoDirectNodeRoutes off and route Pod CIDRs with BGP or cloud routes',
};

/** Flags that supply a fact the manifests may not hold. */
const FACT_FLAGS: Record<string, string> = {
  kubernetesVersion: '--kubernetes-version',
  nodes: '--nodes',
  services: '--services',
  cpuCoresPerNode: '--cpu-cores-per-node',
  apiServerHost: '--api-server-host',
  nodesShareL2Segment: '--nodes-share-l2-segment',
  serviceCidr: '--service-cidr',
  podCidr: '--pod-cidr',
  dnsServiceIp: '--dns-service-ip',
  clusterDomain: '--cluster-domain',
};

type Obj = Record<string, any>;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The facts, components and checks of one cluster's manifests. */
class ClusterAudit implements cni.AuditScope {
  public readonly findings: AuditFinding[] = [];
  public readonly notAudited: string[] = [];
  private readonly readable: AuditInput[];
  private readonly byId = new Map<string, AuditInput>();
  private readonly profileProps: Record<string, unknown> = {};
  private readonly facts = new Map<string, AuditFact>();
  public readonly problems: ReadProblem[] = [];
  /** Components built, by the label their problems carry. */
  private readonly built = new Map<string, { id: string; input: AuditInput; ruleId: string }>();
  /** Components whose synthesis-time checks refused their input: left out of the checks. */
  private readonly refused = new Set<string>();
  /** Construct id -> the object it was read from, and its input names. */
  private readonly sources = new Map<string, AuditInput>();
  public readonly settings: ClusterSettings = new Map();
  private readonly policies: AuditInput[] = [];
  private readonly kubeProxy: find.KubeProxyObjects;
  private readonly nodeLocal?: find.NodeLocalObjects;
  private readonly dnsService?: AuditInput;
  private readonly cilium?: find.CiliumSource;
  private readonly ciliumProps?: CiliumReading;
  /** The kube-proxy ConfigMap's KubeProxyConfiguration, read once. */
  private kubeProxyConfig?: Record<string, any>;
  private readonly felix?: AuditInput;
  private readonly pools: AuditInput[];
  private readonly kubelets: Array<{ input: AuditInput; cfg: Obj; field: string }> = [];
  /** The eBPF data plane that replaces kube-proxy, if the CNI configuration turns one on. */
  private readonly replacement?: { name: string; input: AuditInput };

  public constructor(private readonly inputs: AuditInput[], private readonly opts: AuditOptions) {
    this.readable = inputs.filter((i) => i.problem === undefined);
    for (const input of this.readable) if (!this.byId.has(objectId(input.object))) this.byId.set(objectId(input.object), input);
    for (const input of inputs) {
      if (input.problem) {
        this.findings.push(this.finding(input, 'AUDIT-UNREADABLE', FindingSeverity.WARNING, `${input.problem}: not checked`,
          input.problemFix ?? 'render templates before auditing (helm template, kustomize build), or leave the file out'));
      }
    }
    this.kubeProxy = find.kubeProxy(this.readable, (id) => this.get(id));
    this.nodeLocal = this.guard(undefined, () => find.nodeLocalDns(this.readable, (id) => this.get(id)));
    const upstream = this.nodeLocal ? flagValue(list(this.nodeLocal.container.args), 'upstreamsvc') : undefined;
    this.dnsService = find.dnsService(this.readable, upstream);
    const problems: string[] = [];
    this.cilium = this.guard(undefined, () => find.cilium(this.readable, (id) => this.get(id), problems));
    for (const p of problems) {
      if (p.startsWith('NOT-MODELLED ')) {
        this.findings.push(this.finding(this.cilium!.input, 'AUDIT-NOT-MODELLED', FindingSeverity.WARNING, p.slice('NOT-MODELLED '.length), 'add the values files to the audit (a file under a path naming cilium), or inline them'));
      } else {
        this.problems.push({ input: this.cilium!.input, ruleId: 'CILIUM-CONFIG', message: p, fix: 'give the chart a map of Helm values there' });
      }
    }
    if (this.cilium) this.ciliumProps = this.cilium.values ? ciliumValuesProps(this.cilium.values) : ciliumProps(this.cilium.input.object.data ?? {});
    this.felix = this.readable.find((i) => i.object.kind === 'FelixConfiguration' && i.object.metadata?.name === 'default');
    this.pools = this.readable.filter((i) => i.object.kind === 'IPPool' && /projectcalico\.org\//.test(i.object.apiVersion ?? ''));
    if (this.cilium && this.ciliumProps?.props.kubeProxyReplacement === true) this.replacement = { name: 'Cilium\'s kube-proxy replacement', input: this.cilium.input };
    else if (this.felix?.object.spec?.bpfEnabled === true) this.replacement = { name: 'Calico eBPF', input: this.felix };
  }

  private get(id: string): AuditInput | undefined {
    return this.byId.get(id);
  }

  public run(): AuditResult {
    this.guard(undefined, () => this.readFacts());
    const profile = this.profile();
    const tier = this.tier();
    if (profile) this.checkAll(profile, tier);
    this.findings.push(...this.problems.map((p) => this.finding(p.input, p.ruleId, FindingSeverity.ERROR, p.message, p.fix)));
    const order = (a: AuditFinding, b: AuditFinding) => (a.severity === b.severity ? 0 : a.severity === FindingSeverity.ERROR ? -1 : 1)
      || byCodePoint(a.file, b.file) || a.line - b.line || byCodePoint(a.ruleId, b.ruleId);
    const version = (this.profileProps.kubernetesVersion as KubernetesVersion | undefined) ?? KubernetesVersion.DEFAULT;
    return {
      findings: this.findings.sort(order),
      facts: [...this.facts.values()],
      tiers: compareTiers(this.settings, {
        target: this.opts.tier ?? this.sizeTier(), targetFrom: this.opts.tier ? '--tier' : 'the cluster\'s nodes and Services', version,
      }),
      notAudited: this.notAudited,
      // objects read: a file or document that could not be read is a finding, not an object
      objects: this.inputs.filter((i) => !(i.problem !== undefined && Object.keys(i.object).length === 0)).length,
    };
  }

  public finding(input: AuditInput | undefined, ruleId: string, severity: FindingSeverity, message: string, fix: string): AuditFinding {
    const object = !input ? CLUSTER
      : input.problem !== undefined && Object.keys(input.object).length === 0 ? input.file // the file itself, unread
        : input.object.kind === undefined ? `${input.file} (a document without kind)` : objectId(input.object);
    return { ruleId, severity, object, file: input?.file ?? '', line: input?.line ?? 0, message, fix };
  }

  /** Runs a reader; an object shaped unlike its kind (a map where a list belongs) is reported, never a crash. */
  private guard<T>(input: AuditInput | undefined, read: () => T): T | undefined {
    try {
      return read();
    } catch (e) {
      this.findings.push(this.finding(input, 'AUDIT-UNREADABLE', FindingSeverity.WARNING, `could not be read (${(e as Error).message}): not checked`,
        'check the object against its kind\'s schema: the API server would refuse it'));
      return undefined;
    }
  }

  // ---- facts ----

  /** A profile fact from a manifest; a second manifest that disagrees is a finding, the first one stays. */
  private fact(name: string, value: unknown, shown: string, origin: Origin): void {
    const had = this.facts.get(name);
    if (had && !had.unknown) {
      if (had.value !== shown) {
        this.findings.push(this.finding(origin.input, 'AUDIT-FACT-CONFLICT', FindingSeverity.WARNING,
          `${name} is ${shown} here but ${had.value} in ${had.from}: the manifests disagree about the cluster`,
          'make the manifests agree (one of them is stale); the audit used the first'));
      }
      return;
    }
    this.facts.set(name, { name, value: shown, from: describeOrigin(origin), unknown: false });
    this.profileProps[name] = value;
  }

  private readFacts(): void {
    const kubeadm = this.get('ConfigMap/kube-system/kubeadm-config');
    if (kubeadm) {
      const cc = yamlData(kubeadm, 'ClusterConfiguration', this.problems, 'KUBEADM-CONFIG');
      const net = isPlainObject(cc?.networking) ? cc!.networking : {};
      const at = (field: string): Origin => ({ input: kubeadm, field: `ClusterConfiguration ${field}` });
      const minor = minorOf(cc?.kubernetesVersion);
      if (minor?.version) this.fact('kubernetesVersion', minor.version, minor.text, at('kubernetesVersion'));
      else if (minor) this.unsupportedVersion(kubeadm, minor.text);
      if (typeof net.podSubnet === 'string' && net.podSubnet) this.fact('podCidr', net.podSubnet, net.podSubnet, at('networking.podSubnet'));
      if (typeof net.serviceSubnet === 'string' && net.serviceSubnet) this.fact('serviceCidr', net.serviceSubnet, net.serviceSubnet, at('networking.serviceSubnet'));
      if (typeof net.dnsDomain === 'string' && net.dnsDomain) this.fact('clusterDomain', net.dnsDomain, net.dnsDomain, at('networking.dnsDomain'));
      // host, host:port, [v6]:port, or a bare IPv6 address (kubeadm takes each)
      const cpe = typeof cc?.controlPlaneEndpoint === 'string' ? cc.controlPlaneEndpoint : undefined;
      const endpoint: Array<string | undefined> | null = cpe === undefined ? null : parseIp(cpe) ? [cpe, cpe, undefined] : /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(cpe);
      if (endpoint && endpoint[1]) {
        this.fact('apiServerHost', endpoint[1], endpoint[1], at('controlPlaneEndpoint'));
        if (endpoint[2]) this.fact('apiServerPort', Number(endpoint[2]), endpoint[2], at('controlPlaneEndpoint'));
      }
    }
    const ip = this.dnsService?.object.spec?.clusterIP;
    if (this.dnsService && typeof ip === 'string' && ip !== 'None' && ip !== '') this.fact('dnsServiceIp', ip, ip, { input: this.dnsService, field: 'spec.clusterIP' });
    const kpDs = this.kubeProxy.daemonSet;
    const kpImage = kpDs ? list(kpDs.object.spec?.template?.spec?.containers).find((c) => isPlainObject(c) && (c as Obj).name === 'kube-proxy') as Obj | undefined : undefined;
    const kpMinor = minorOf(kpImage?.image);
    if (kpDs && kpMinor?.version) this.fact('kubernetesVersion', kpMinor.version, kpMinor.text, { input: kpDs, field: `image ${kpImage!.image}` });
    else if (kpDs && kpMinor) this.unsupportedVersion(kpDs, kpMinor.text);
    const kpCm = this.kubeProxy.configMap;
    const kpCfg = kpCm ? yamlData(kpCm, 'config.conf', this.problems, 'KUBE-PROXY-CONFIG') : undefined;
    this.kubeProxyConfig = kpCfg;
    if (kpCm && kpCfg && typeof kpCfg.clusterCIDR === 'string' && kpCfg.clusterCIDR) {
      this.fact('podCidr', kpCfg.clusterCIDR, kpCfg.clusterCIDR, { input: kpCm, field: 'data["config.conf"] clusterCIDR' });
    }
    for (const input of this.readable) {
      const o = input.object;
      if (o.kind === 'KubeletConfiguration') {
        this.kubelets.push({ input, cfg: o, field: '' });
      } else if (o.kind === 'ConfigMap' && o.metadata?.namespace === 'kube-system' && /^kubelet-config(-1\.\d+)?$/.test(o.metadata?.name ?? '')) {
        const cfg = yamlData(input, 'kubelet', this.problems, 'KUBELET-CONFIG');
        if (cfg) this.kubelets.push({ input, cfg, field: 'data.kubelet ' });
      }
    }
    for (const { input, cfg, field } of this.kubelets) {
      if (typeof cfg.clusterDomain === 'string' && cfg.clusterDomain) this.fact('clusterDomain', cfg.clusterDomain, cfg.clusterDomain, { input, field: `${field}clusterDomain` });
      if (typeof cfg.maxPods === 'number') this.fact('maxPodsPerNode', cfg.maxPods, String(cfg.maxPods), { input, field: `${field}maxPods` });
    }
    this.cniFacts();
    const nodes = this.readable.filter((i) => i.object.kind === 'Node' && i.object.apiVersion === 'v1');
    if (nodes.length > 0) {
      // Node objects as `kubectl get nodes -o yaml` lists them: the count, and the smallest node's whole cores
      this.fact('nodes', nodes.length, String(nodes.length), { input: nodes[0], field: `(${nodes.length} Node objects)` });
      const cores = nodes.map((n) => cpuCores(n.object.status?.capacity?.cpu));
      if (cores.every((c) => c !== undefined)) {
        const min = Math.min(...(cores as number[]));
        this.fact('cpuCoresPerNode', min, String(min), { input: nodes[0], field: 'status.capacity.cpu (the smallest node)' });
      }
    }
    this.flagFacts();
  }

  private cniFacts(): void {
    const c = this.cilium;
    if (c?.values) {
      const v = c.values;
      const at = (field: string): Origin => ({ input: c.input, field: `${c.field}${field}` });
      if (typeof v.k8sServiceHost === 'string' && v.k8sServiceHost && v.k8sServiceHost !== 'auto') this.fact('apiServerHost', v.k8sServiceHost, v.k8sServiceHost, at('k8sServiceHost'));
      const pool = v.ipam?.operator?.clusterPoolIPv4PodCIDRList;
      if ((v.ipam?.mode ?? 'cluster-pool') === 'cluster-pool' && Array.isArray(pool) && typeof pool[0] === 'string') this.fact('podCidr', pool[0], pool[0], at('ipam.operator.clusterPoolIPv4PodCIDRList'));
    } else if (c) {
      const data = c.input.object.data ?? {};
      if (typeof data['k8s-service-host'] === 'string') this.fact('apiServerHost', data['k8s-service-host'], data['k8s-service-host'], { input: c.input, field: 'data["k8s-service-host"]' });
      if (typeof data['cluster-pool-ipv4-cidr'] === 'string' && data.ipam === 'cluster-pool') {
        this.fact('podCidr', data['cluster-pool-ipv4-cidr'], data['cluster-pool-ipv4-cidr'], { input: c.input, field: 'data["cluster-pool-ipv4-cidr"]' });
      }
    }
    const agent = find.ciliumAgentApiServer((id) => this.get(id));
    if (agent) this.fact('apiServerHost', agent.host, agent.host, { input: agent.input, field: 'env KUBERNETES_SERVICE_HOST' });
    // Calico's operator: the API server Felix reaches in eBPF mode (calico.md: kubernetes-services-endpoint)
    const endpoint = this.get('ConfigMap/tigera-operator/kubernetes-services-endpoint') ?? this.get('ConfigMap/kube-system/kubernetes-services-endpoint');
    const host = endpoint?.object.data?.KUBERNETES_SERVICE_HOST;
    if (endpoint && typeof host === 'string' && host) this.fact('apiServerHost', host, host, { input: endpoint, field: 'data.KUBERNETES_SERVICE_HOST' });
    if (this.pools.length === 1 && typeof this.pools[0].object.spec?.cidr === 'string') {
      this.fact('podCidr', this.pools[0].object.spec.cidr, this.pools[0].object.spec.cidr, { input: this.pools[0], field: 'spec.cidr' });
    }
    const flannel = cni.flannelConfig((id) => this.get(id));
    if (flannel?.conf && typeof flannel.conf.Network === 'string') this.fact('podCidr', flannel.conf.Network, flannel.conf.Network, { input: flannel.input, field: 'data["net-conf.json"] Network' });
  }

  /** Flags fill what the manifests do not say; a flag that disagrees with them is named. */
  private flagFacts(): void {
    const o = this.opts;
    const given: Array<[string, unknown, string]> = [
      ['kubernetesVersion', o.kubernetesVersion, o.kubernetesVersion?.version ?? ''], ['nodes', o.nodes, String(o.nodes)], ['services', o.services, String(o.services)],
      ['cpuCoresPerNode', o.cpuCoresPerNode, String(o.cpuCoresPerNode)], ['apiServerHost', o.apiServerHost, String(o.apiServerHost)],
      ['nodesShareL2Segment', o.nodesShareL2Segment, 'true'], ['serviceCidr', o.serviceCidr, String(o.serviceCidr)], ['podCidr', o.podCidr, String(o.podCidr)],
      ['dnsServiceIp', o.dnsServiceIp, String(o.dnsServiceIp)], ['clusterDomain', o.clusterDomain, String(o.clusterDomain)],
    ];
    for (const [name, value, shown] of given) {
      if (value === undefined) continue;
      const flagName = FACT_FLAGS[name];
      const had = this.facts.get(name);
      if (had) {
        if (had.value !== shown) {
          this.findings.push(this.finding(undefined, 'AUDIT-FACT-CONFLICT', FindingSeverity.WARNING,
            `'${flagName}' (${shown}) disagrees with ${had.from} (${had.value}): the audit checks what the manifests say runs`,
            `drop '${flagName}', or fix the manifests if they are stale`));
        }
        continue;
      }
      this.facts.set(name, { name, value: shown, from: flagName, unknown: false });
      this.profileProps[name] = value;
    }
  }

  private unsupportedVersion(input: AuditInput, minor: string): void {
    this.findings.push(this.finding(input, 'AUDIT-VERSION', FindingSeverity.WARNING,
      `runs Kubernetes ${minor}, outside the versions the library knows (${KubernetesVersion.OLDEST.version} to ${KubernetesVersion.NEWEST.version}): checked as ${KubernetesVersion.DEFAULT.version}`,
      `pass --kubernetes-version to check against another version, or upgrade the cluster to ${KubernetesVersion.OLDEST.version} or newer`));
  }

  private profile(): ClusterProfile | undefined {
    const assumed = new Map<string, string>();
    // a stated kube-dns IP outside the default Service CIDR (k3s: 10.43.0.10) is not checked against a default nobody stated
    const dns = this.profileProps.dnsServiceIp;
    const ip = typeof dns === 'string' ? parseIp(dns) : undefined;
    if (this.profileProps.serviceCidr === undefined && ip?.family === 4 && !cidrContains(parseCidr('10.96.0.0/12')!, ip)) {
      const around = `${formatIp(4, ip.value - (ip.value % 65536n))}/16`;
      this.profileProps.serviceCidr = around;
      assumed.set('serviceCidr', `${around}: the /16 around the kube-dns IP (give --service-cidr)`);
    }
    // a CNI that replaces kube-proxy needs the API server; its other checks run with a documentation address
    if (this.profileProps.apiServerHost === undefined && this.replacement) {
      this.profileProps.apiServerHost = UNKNOWN_API_SERVER;
      assumed.set('apiServerHost', `${UNKNOWN_API_SERVER}, a placeholder so ${this.replacement.name}'s other checks run (give --api-server-host)`);
      this.findings.push(this.finding(this.replacement.input, 'AUDIT-UNKNOWN-FACT', FindingSeverity.WARNING,
        `${this.replacement.name} reaches the API server directly, and no manifest or flag says where it is: what depends on it was not checked`,
        'give --api-server-host (kubeadm-config, the cilium agent\'s KUBERNETES_SERVICE_HOST or tigera-operator\'s kubernetes-services-endpoint hold it too)'));
    }
    try {
      const profile = new ClusterProfile(this.profileProps as ClusterProfileProps);
      const defaults: Array<[string, string]> = [
        ['kubernetesVersion', profile.kubernetesVersion.version], ['dnsServiceIp', profile.dnsServiceIp], ['clusterDomain', profile.clusterDomain],
        ['podCidr', profile.podCidrs.join(',')], ['serviceCidr', profile.serviceCidrs.join(',')], ['nodes', 'the tier\'s upper bound'],
        ['services', 'the tier\'s upper bound'], ['cpuCoresPerNode', String(profile.cpuCoresPerNode)], ['apiServerHost', '(none)'], ['nodesShareL2Segment', 'false'],
      ];
      for (const [name, value] of defaults) {
        if (assumed.has(name)) this.facts.set(name, { name, value: assumed.get(name)!.split(':')[0].split(',')[0], from: `unknown: assumed ${assumed.get(name)}`, unknown: true });
        else if (!this.facts.has(name)) this.facts.set(name, { name, value, from: `unknown: the library's default (give ${FACT_FLAGS[name]})`, unknown: true });
      }
      return profile;
    } catch (e) {
      for (const line of (e as Error).message.split('\n')) {
        const m = /'([A-Za-z]+)'/.exec(line);
        const fact = m ? this.facts.get(m[1]) : undefined;
        const input = fact && !fact.unknown ? this.readable.find((i) => fact.from.startsWith(objectId(i.object))) : undefined;
        this.findings.push(this.finding(input, 'AUDIT-FACTS', FindingSeverity.ERROR,
          `${line.replace(/^\[ClusterProfile\] /, '')}${fact ? ` (from ${fact.from})` : ''}`, 'fix the manifest or flag it came from; nothing else was checked'));
      }
      return undefined;
    }
  }

  /** The tier the cluster's size puts it in, when both counts are known. */
  private sizeTier(): ScaleTier | undefined {
    const nodes = this.profileProps.nodes as number | undefined;
    const services = this.profileProps.services as number | undefined;
    return nodes !== undefined && services !== undefined ? TierTable.tierFor({ nodes, services }) : undefined;
  }

  private tier(): ScaleTier {
    const sized = this.sizeTier();
    const tier = this.opts.tier ?? sized ?? ScaleTier.SMALL;
    this.facts.set('tier', {
      name: 'tier',
      value: tier,
      unknown: !this.opts.tier && !sized,
      from: this.opts.tier ? '--tier' : sized ? 'the cluster\'s nodes and Services (TierTable.tierFor)' : 'unknown: small (give --tier, or --nodes and --services)',
    });
    return tier;
  }

  // ---- components and checks ----

  /** Builds one component from an object; its input problems become findings named after the object's fields. */
  public component(
    chart: Chart, id: string, input: AuditInput, ruleId: string, names: { label: string; names?: Record<string, string> },
    build: (scope: Construct, id: string) => void,
  ): void {
    if (this.refused.has(id)) return;
    this.built.set(names.label, { id, input, ruleId });
    nameInputs(chart.node.root, `${chart.node.path}/${id}`, names);
    try {
      build(chart, id);
      this.sources.set(id, input);
    } catch (e) {
      for (const line of (e as Error).message.split('\n')) {
        let text = line.startsWith(`[${names.label}] `) ? line.slice(names.label.length + 3) : line;
        // the other properties a rule names, in the manifest's terms too
        for (const [prop, field] of Object.entries(names.names ?? {})) text = text.split(`'${prop}'`).join(`'${field}'`);
        this.findings.push(this.finding(input, ruleId, FindingSeverity.ERROR, text, 'correct this field: the library refuses it, and the component misbehaves with it (see the message)'));
      }
    }
  }

  /**
   * Runs the checks; a component whose input its synthesis-time checks refuse (a prepare throws:
   * TunedCoreDns's shadowed zones) is reported like a construction error and left out, and the
   * checks run again without it, so one bad object never hides the others' findings.
   */
  private checkAll(profile: ClusterProfile, tier: ScaleTier): void {
    const before = {
      findings: this.findings.length, problems: this.problems.length, policies: this.policies.length, notAudited: this.notAudited.length,
    };
    const refusals: AuditFinding[] = [];
    for (;;) {
      try {
        this.check(profile, tier);
        break;
      } catch (e) {
        // each line to the component its [label] names: a message can hold several components' problems
        const lines = (e as Error).message.split('\n');
        // a line without a label continues the one before it
        let last: { label?: string; component?: { id: string; input: AuditInput; ruleId: string } } = {};
        const owners = lines.map((l) => {
          const label = /^\[([^\]]+)\] /.exec(l)?.[1];
          if (label !== undefined) last = { label, component: this.built.get(label) };
          return { line: label !== undefined ? l.slice(label.length + 3) : l, ...last };
        });
        if (owners.some((o) => !o.component || this.refused.has(o.component.id))) throw e;
        for (const o of owners) this.refused.add(o.component!.id);
        // what the failed pass found is found again by the next one
        this.findings.length = before.findings;
        this.problems.length = before.problems;
        this.policies.length = before.policies;
        this.notAudited.length = before.notAudited;
        for (const o of owners) {
          refusals.push(this.finding(o.component!.input, o.component!.ruleId, FindingSeverity.ERROR, o.line,
            'correct this field: the library refuses it, and the component misbehaves with it (see the message)'));
        }
      }
    }
    this.findings.push(...refusals);
  }

  private check(profile: ClusterProfile, tier: ScaleTier): void {
    // never synthesized: the checks run through TuningReport.check(), nothing is written
    const app = new App();
    AppState.of(app).writesOutputFiles = false;
    const chart = new Chart(app, 'cluster');
    const common = { tier, profile };

    const kubeProxyMode = this.guard(this.kubeProxy.configMap, () => this.kubeProxyComponent(chart, common));
    this.guard(this.cilium?.input, () => cni.ciliumComponent(this, chart, common, this.cilium, this.ciliumProps));
    this.guard(this.felix ?? this.pools[0], () => cni.calicoComponent(this, chart, common, this.felix, this.pools));
    this.guard(cni.flannelConfig((id) => this.get(id))?.input, () => cni.flannelComponent(this, chart, common, (id) => this.get(id)));
    const nodeLocal = this.guard(this.nodeLocal?.daemonSet, () => this.nodeLocalDnsComponent(chart, common, kubeProxyMode, profile));
    this.guard(this.get('ConfigMap/kube-system/coredns'), () => this.coreDns(chart, common));
    this.guard(this.sysctlFiles()[0], () => this.sysctlComponent(chart, common));

    for (const input of this.readable) {
      const o = input.object;
      // Cilium's policies count for the DNS path (its trace reads them); PolicyLint lints the Kubernetes ones
      if ((o.kind === 'NetworkPolicy' && o.apiVersion === 'networking.k8s.io/v1') || (/^Cilium(Clusterwide)?NetworkPolicy$/.test(o.kind) && o.apiVersion === 'cilium.io/v2')) {
        const bad = policyShapeProblem(o);
        if (bad) this.findings.push(this.finding(input, 'AUDIT-INVALID-OBJECT', FindingSeverity.ERROR, `${bad}: the API server refuses it`, 'fix the policy against its schema'));
        else this.policies.push(input);
      } else if (NOT_YET.has(o.kind) && !scrapesKubeProxy(o)) {
        this.notAudited.push(objectId(o));
      }
    }
    // kube-system's Pod Security labels decide whether node components may run there (PSA-PRIVILEGED reads them)
    const kubeSystem = this.get('Namespace/kube-system');
    if (kubeSystem) {
      new ApiObject(chart, 'kube-system', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', labels: { ...kubeSystem.object.metadata?.labels } } });
      this.sources.set('kube-system', kubeSystem);
    }
    this.policies.forEach((p, i) => {
      const { apiVersion, kind, metadata, ...rest } = p.object;
      new ApiObject(chart, `policy-${i}`, { apiVersion, kind, metadata: { ...(isPlainObject(metadata) ? metadata : {}), name: metadata?.name ?? '(unnamed)' }, ...rest });
    });
    new PolicyLint(chart, 'PolicyLint', common);
    this.guard(undefined, () => this.alertRules(chart, common));

    const report = TuningReport.of(chart);
    // Calico eBPF beside a running kube-proxy is its documented migration state when Felix leaves kube-proxy's rules alone
    const coexists = this.felix?.object.spec?.bpfKubeProxyIptablesCleanupEnabled === false;
    for (const f of report.check()) {
      if (OUTPUT_ONLY.has(f.ruleId)) continue;
      const id = f.path.split('/')[1];
      let input = id ? this.sources.get(id) : undefined;
      let message = f.message;
      if (id === 'PolicyLint') {
        const key = /^([^/\s]+\/[^:\s]+): /.exec(message);
        input = key ? this.policies.find((p) => `${p.object.metadata?.namespace ?? 'default'}/${p.object.metadata?.name ?? '(unnamed)'}` === key[1]) : undefined;
        if (key) message = message.slice(key[0].length);
      }
      const severity = f.ruleId === 'EBPF-REPLACES-KUBE-PROXY' && coexists ? FindingSeverity.WARNING : f.severity;
      if (f.ruleId === 'EBPF-REPLACES-KUBE-PROXY' && coexists) message += ' (Felix\'s bpfKubeProxyIptablesCleanupEnabled is false: Calico\'s migration state, not a final one)';
      this.findings.push(this.finding(input, f.ruleId, severity, this.inClusterWords(message), MANIFEST_FIXES[f.ruleId] ?? f.fix));
    }
    this.dnsPaths(report);
    this.guard(undefined, () => this.kubelet(AppState.of(chart).plan().dns, profile, nodeLocal));
  }

  /**
   * Alerting rules (PrometheusRule objects, Prometheus rule files) as the facts NetworkAlerts registers:
   * what they watch, read from the metrics their expressions use, and the kube-proxy mode their
   * mode-only metrics assume; ALERTS-NO-KUBE-PROXY, ALERTS-KUBE-PROXY-METRICS and ALERTS-MODE-MISMATCH
   * then check them against the cluster as they check the library's own.
   */
  private alertRules(chart: Chart, common: { tier: ScaleTier; profile: ClusterProfile }): void {
    const sources = this.readable.filter((i) => (i.object.kind === 'PrometheusRule' && /^monitoring\.coreos\.com\//.test(i.object.apiVersion ?? ''))
      || (i.object.kind === undefined && Array.isArray(i.object.groups)));
    // a scrape of kube-proxy is watching it too: on loopback-only metrics or with no kube-proxy, its target is down
    // (and kube-prometheus-stack's KubeProxyDown fires)
    const scrapes = this.readable.filter((i) => ['ServiceMonitor', 'PodMonitor'].includes(i.object.kind) && /^monitoring\.coreos\.com\//.test(i.object.apiVersion ?? '')
      && scrapesKubeProxy(i.object));
    sources.forEach((input, n) => {
      const groups = list(input.object.kind ? input.object.spec?.groups : input.object.groups);
      const exprs = groups.flatMap((g) => list(isPlainObject(g) ? (g as Obj).rules : [])).map((r) => (isPlainObject(r) ? String((r as Obj).expr ?? '') : ''));
      const uses = (re: RegExp) => exprs.some((e) => re.test(e));
      const watches = {
        'kube-proxy': uses(/\bkubeproxy_|job="kube-proxy"/),
        'coredns': uses(/\bcoredns_/),
        'node-local-dns': uses(/job="node-local-dns"/),
        'node': uses(/\bnode_nf_conntrack/),
      };
      // metrics only one mode exports (pkg/proxy/metrics: the iptables and nftables proxiers' own)
      const iptables = uses(/kubeproxy_sync_proxy_rules_iptables_/);
      const nftables = uses(/kubeproxy_sync_proxy_rules_nftables_/);
      const mode = iptables && !nftables ? KubeProxyMode.IPTABLES : nftables && !iptables ? KubeProxyMode.NFTABLES : undefined;
      nameInputs(chart.node.root, `${chart.node.path}/alerts-${n}`, { label: objectId(input.object), names: { kubeProxyMode: `the ${mode}-only metrics its expressions use` } });
      const scope = new Construct(chart, `alerts-${n}`);
      AppState.of(chart).register({
        kind: 'alerts',
        scope,
        ...common,
        watches,
        explicit: { 'kube-proxy': false, 'coredns': false, 'node-local-dns': false, 'node': false },
        ...(mode ? { explicitKubeProxyMode: mode } : {}),
      });
      this.sources.set(`alerts-${n}`, input);
    });
    scrapes.forEach((input, n) => {
      const id = `scrape-${n}`;
      nameInputs(chart.node.root, `${chart.node.path}/${id}`, { label: objectId(input.object) });
      AppState.of(chart).register({
        kind: 'alerts',
        scope: new Construct(chart, id),
        ...common,
        watches: { 'kube-proxy': true, 'coredns': false, 'node-local-dns': false, 'node': false },
        explicit: { 'kube-proxy': false, 'coredns': false, 'node-local-dns': false, 'node': false },
      });
      this.sources.set(id, input);
    });
  }

  /**
   * A rule's wording for an app, said of a cluster. The objects and properties a rule names are in the
   * manifests' terms already: rules name them through the components' input names (core/_input-names).
   */
  private inClusterWords(message: string): string {
    return message.split("the app's").join("the cluster's").split('the profile does not state nodesShareL2Segment').join('no flag says the nodes share one (--nodes-share-l2-segment)');
  }

  /** kube-proxy's ConfigMap as TunedKubeProxy, unless no kube-proxy runs; returns the mode it runs in. */
  private kubeProxyComponent(chart: Chart, common: { tier: ScaleTier; profile: ClusterProfile }): KubeProxyMode | undefined {
    const { configMap: kpCm, daemonSet, disabled } = this.kubeProxy;
    if (daemonSet && disabled) {
      this.facts.set('kubeProxy', { name: 'kubeProxy', value: 'not running', from: describeOrigin({ input: daemonSet, field: disabled }), unknown: false });
      return undefined;
    }
    if (kpCm && !daemonSet && this.replacement) {
      this.findings.push(this.finding(kpCm, 'AUDIT-STALE-OBJECT', FindingSeverity.WARNING,
        `a kube-proxy ConfigMap without its DaemonSet beside ${this.replacement.name}: kube-proxy is not checked as running`,
        'delete it if it is left from before the migration; add the DaemonSet to the audit if kube-proxy still runs'));
      return undefined;
    }
    const kpCfg = this.kubeProxyConfig;
    if (!kpCm || !kpCfg) {
      if (daemonSet) {
        this.findings.push(this.finding(daemonSet, 'AUDIT-MISSING', FindingSeverity.WARNING,
          'kube-proxy runs, but its ConfigMap (kube-system/kube-proxy) is not among the manifests: its mode and conntrack settings were not checked',
          'add `kubectl -n kube-system get configmap kube-proxy -o yaml` to the audit'));
      }
      return undefined;
    }
    const reading = readKubeProxyConfig(kpCm, kpCfg, this.problems);
    if (!reading) return undefined;
    this.facts.set('kubeProxy.mode', { name: 'kubeProxy.mode', value: reading.mode, from: describeOrigin({ input: kpCm, field: `data["config.conf"] ${reading.modeFrom}` }), unknown: false });
    this.kubeProxySettings(reading.props);
    this.component(chart, 'KubeProxy', kpCm, 'KUBE-PROXY-CONFIG', { label: `${objectId(kpCm.object)} data["config.conf"]`, names: reading.names },
      (s, id) => new TunedKubeProxy(s, id, { ...reading.props, deployDaemonSet: false, ...common }));
    return reading.mode;
  }

  /** The kube-proxy settings the tier table compares. */
  private kubeProxySettings(props: Record<string, any>): void {
    const block = props[props.mode] ?? {};
    const at = 'the kube-proxy ConfigMap';
    this.settings.set('kubeProxy.mode', { value: props.mode, from: at });
    this.settings.set('kubeProxy.syncPeriod', { value: block.syncPeriod, from: at });
    this.settings.set('kubeProxy.minSyncPeriod', { value: block.minSyncPeriod, from: at });
    if (props.mode === KubeProxyMode.IPVS) {
      this.settings.set('kubeProxy.ipvsScheduler', { value: block.scheduler, from: at });
      this.settings.set('kubeProxy.strictArp', { value: block.strictArp, from: at });
    }
    this.settings.set('kubeProxy.conntrackMaxPerCore', { value: props.conntrack.maxPerCore, from: at });
    this.settings.set('kubeProxy.conntrackMin', { value: props.conntrack.min, from: at });
    this.settings.set('kubeProxy.conntrackTcpEstablishedTimeout', { value: props.conntrack.tcpEstablishedTimeout, from: at });
    this.settings.set('kubeProxy.conntrackTcpCloseWaitTimeout', { value: props.conntrack.tcpCloseWaitTimeout, from: at });
  }

  /**
   * node-cache as NodeLocalDns. What node-cache serves is what its -localip and its Corefile's bind
   * both hold (node-cache sets up the interface and NOTRACK rules for -localip, CoreDNS listens on
   * bind). -localip holding the kube-dns IP is the wiring for kube-proxy iptables (node-cache takes the
   * Service IP behind NOTRACK rules); the link-local IP alone the wiring for every other data plane
   * (kubernetes/dns nodelocaldns.yaml and the NodeLocal DNSCache task page). Under Cilium, node-cache
   * as a pod network behind a CiliumLocalRedirectPolicy (-setupinterface=false) is Cilium's own design
   * (cilium/cilium examples/kubernetes-local-redirect), which the library does not model.
   */
  private nodeLocalDnsComponent(
    chart: Chart, common: { tier: ScaleTier; profile: ClusterProfile }, kubeProxyMode: KubeProxyMode | undefined, profile: ClusterProfile,
  ): string[] | undefined {
    const nld = this.nodeLocal;
    this.settings.set('nodeLocalDns.enabled', { value: nld !== undefined, from: nld ? 'the node-cache DaemonSet' : 'no node-cache DaemonSet among the manifests' });
    if (!nld) return undefined;
    const ds = nld.daemonSet;
    const args = list(nld.container.args);
    const ips = (flagValue(args, 'localip') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (ips.length === 0) {
      this.problems.push({ input: ds, ruleId: 'NODE-LOCAL-DNS-CONFIG', message: 'node-cache has no -localip: it does not know which addresses to serve', fix: 'run node-cache with -localip <link-local IP>[,<kube-dns IP>]' });
      return undefined;
    }
    this.facts.set('nodeLocalDns.wiring', { name: 'nodeLocalDns.wiring', value: `-localip ${ips.join(',')}`, unknown: false, from: describeOrigin({ input: ds, field: 'node-cache args' }) });
    const corefileText = nld.configMap?.object.data?.Corefile;
    const corefile = nld.configMap && typeof corefileText === 'string' ? this.parseCorefile(nld.configMap, corefileText, 'NODE-LOCAL-DNS-COREFILE', 'node-cache') : undefined;
    const binds = corefile ? [...new Set(corefile.serverBlocks.flatMap((b) => b.plugin('bind')?._args ?? []))] : undefined;
    // bind 0.0.0.0 (or ::) listens on every address (CoreDNS bind plugin)
    const everywhere = binds?.some((b) => b === '0.0.0.0' || b === '::') ?? false;
    if (nld.configMap && binds && binds.length > 0 && !everywhere) {
      const unbound = ips.filter((ip) => !binds.includes(ip));
      if (unbound.length > 0) {
        this.findings.push(this.finding(nld.configMap, 'NLD-BIND-MISMATCH', FindingSeverity.ERROR,
          `node-cache takes ${unbound.join(', ')} (-localip) but its Corefile binds only ${binds.join(' ')}: queries to ${unbound.join(', ')} reach no listener on any node`,
          'list the same addresses in -localip and in every server block\'s bind'));
      }
    }
    const serving = binds && binds.length > 0 && !everywhere ? ips.filter((ip) => binds.includes(ip)) : ips;
    const lrp = this.cilium !== undefined && (ds.object.spec?.template?.spec?.hostNetwork !== true || flagValue(args, 'setupinterface') === 'false');
    if (lrp) {
      const redirect = this.readable.some((i) => i.object.kind === 'CiliumLocalRedirectPolicy');
      this.findings.push(this.finding(ds, 'AUDIT-NOT-MODELLED', redirect ? FindingSeverity.WARNING : FindingSeverity.ERROR, redirect
        ? 'node-cache runs behind a CiliumLocalRedirectPolicy (Cilium\'s design, not the library\'s): its wiring was not checked; pods keep the kube-dns IP'
        : 'node-cache runs in the pod network (or without its interface) beside Cilium, and no CiliumLocalRedirectPolicy sends kube-dns traffic to it: pods never reach it',
      redirect ? 'nothing to change if this is the intended setup' : 'add the CiliumLocalRedirectPolicy for kube-dns (Cilium\'s local-redirect docs), or run node-cache on the host network with the link-local IP'));
      return [profile.dnsServiceIp];
    }
    const bindsServiceIp = serving.includes(profile.dnsServiceIp);
    const local = ips.find((ip) => ip !== profile.dnsServiceIp) ?? ips[0];
    const upstream = flagValue(args, 'upstreamsvc');
    if (bindsServiceIp && upstream && upstream === this.dnsService?.object.metadata?.name) {
      this.findings.push(this.finding(ds, 'NLD-UPSTREAM-LOOP', FindingSeverity.ERROR,
        `-upstreamsvc ${upstream} is the DNS Service whose IP node-cache itself takes (${profile.dnsServiceIp}): node-cache forwards the cluster zone to itself and the loop plugin stops it`,
        'point -upstreamsvc at a second Service over the CoreDNS pods (the upstream manifest\'s kube-dns-upstream)'));
    }
    // the wiring it has, as the mode it is for: bound kube-dns IP = iptables; link-local only = the data plane's own
    const mode = bindsServiceIp ? KubeProxyMode.IPTABLES : kubeProxyMode && kubeProxyMode !== KubeProxyMode.IPTABLES ? kubeProxyMode : undefined;
    if (!bindsServiceIp && kubeProxyMode === KubeProxyMode.IPTABLES && this.kubelets.some((k) => list(k.cfg.clusterDNS)[0] === local)) {
      this.findings.push(this.finding(ds, 'NLD-LINK-LOCAL-ONLY', FindingSeverity.WARNING,
        `node-cache serves only ${local} beside kube-proxy iptables, and kubelet points pods at it: a restarting node-cache leaves its node without DNS`
        + (hasFlag(args, 'skipteardown') || nld.secondary ? '' : ' (no -skipteardown, no second DaemonSet)'),
        `add the kube-dns IP (${profile.dnsServiceIp}) to -localip and to the Corefile's bind, as the upstream manifest does for iptables mode: node-cache's NOTRACK rules then take it too`));
    }
    // node-cache takes -health-port as a string and refuses to start unless strconv.Atoi reads it
    // (kubernetes/dns cmd/node-cache/main.go): a value it refuses reaches NodeLocalDns as written
    const health = flagValue(args, 'health-port');
    this.component(chart, 'NodeLocalDns', ds, 'NODE-LOCAL-DNS-CONFIG',
      { label: `${objectId(ds.object)} node-cache`, names: { localIp: '-localip', healthPort: '-health-port', kubeProxyMode: '-localip wiring' } },
      (s, id) => new NodeLocalDns(s, id, {
        localIp: local,
        ...(mode ? { kubeProxyMode: mode } : {}),
        ...(health !== undefined ? { healthPort: goAtoi(health) ?? health as unknown as number } : {}),
        highAvailability: nld.secondary !== undefined,
        ...common,
      }));
    return serving;
  }

  /**
   * A Corefile as CoreDNS reads it. `import` of files (k3s: /etc/coredns/custom/*.server) cannot be read
   * from a ConfigMap: those lines are left out and named, the rest is checked.
   */
  private parseCorefile(input: AuditInput, text: string, ruleId: string, who: string): Corefile | undefined {
    const imports: string[] = [];
    const kept = text.split('\n').map((line) => {
      const m = /^import\s+(\S+)$/.exec(line.replace(/#.*$/, '').trim());
      if (!m || !(m[1].includes('/') || m[1].includes('*'))) return line;
      imports.push(m[1]);
      return '';
    });
    if (imports.length > 0) {
      this.findings.push(this.finding(input, 'AUDIT-NOT-MODELLED', FindingSeverity.WARNING, `data.Corefile imports ${imports.join(', ')} from files on the node: what they hold was not checked`,
        'audit those files where they are (a ConfigMap mounted there, or the node)'));
    }
    try {
      return Corefile.parse(kept.join('\n'));
    } catch (e) {
      for (const line of (e as Error).message.split('\n')) {
        this.findings.push(this.finding(input, ruleId, FindingSeverity.ERROR, `data.Corefile: ${line.replace(/^\[Corefile\.parse\] /, '')}`,
          `fix the Corefile: ${who} refuses it at start (or it holds what this audit cannot read)`));
      }
      return undefined;
    }
  }

  /**
   * The node's sysctl.d files as systemd-sysctl takes them: one file per name, from the highest-ranked
   * directory (/etc, then /run, /usr/local/lib, /usr/lib, /lib; a tree's own folders rank as /etc), an
   * empty one (a link to /dev/null) masking the name; then by name, a later file winning key by key
   * (sysctl.d(5)).
   */
  private sysctlFiles(): AuditInput[] {
    const rank = (file: string) => {
      const p = file.split(path.sep).join('/');
      return ['/run/', '/usr/local/lib/', '/usr/lib/', '/lib/'].findIndex((d) => p.includes(`${d}sysctl.d/`)) + 1;
    };
    const byName = new Map<string, AuditInput>();
    for (const input of this.readable.filter((i) => i.object.kind === SYSCTL_FILE_KIND)) {
      const name = input.object.metadata.name;
      const kept = byName.get(name);
      if (!kept || rank(input.file) < rank(kept.file)) byName.set(name, input);
    }
    return [...byName.values()].sort((a, b) => byCodePoint(a.object.metadata.name, b.object.metadata.name));
  }

  /**
   * The node's sysctl.d files as SysctlTuner's explicit sysctls: what the node sets at boot, beside what
   * kube-proxy writes at start (CONNTRACK-OWNERSHIP) and keys that only act per network namespace
   * (SYSCTL-NAMESPACED-HOST-ONLY). A node file holds keys the library does not catalogue (vm.*, fs.*):
   * they are taken as they are.
   */
  private sysctlComponent(chart: Chart, common: { tier: ScaleTier; profile: ClusterProfile }): void {
    const files = this.sysctlFiles();
    if (files.length === 0) return;
    const sysctls: Record<string, string> = {};
    const names: Record<string, string> = {};
    for (const f of files) {
      for (const [key, value] of Object.entries(f.object.sysctls as Record<string, string>)) {
        // a dot inside a name (an interface enp3s0.200) is '/' in dotted notation, a key SysctlTuner cannot write
        if (key.includes('/')) {
          this.findings.push(this.finding(f, 'AUDIT-NOT-MODELLED', FindingSeverity.WARNING, `${key} (line ${f.object.lines[key]}) names a per-interface key the library does not tune: not checked`,
            'nothing to change if it is intended'));
          continue;
        }
        sysctls[key] = value;
        names[`sysctls[${key}]`] = `${f.object.metadata.name}:${f.object.lines[key]} ${key}`;
      }
    }
    const last = files[files.length - 1];
    this.component(chart, 'Sysctls', last, 'SYSCTL-CONFIG', { label: `${SYSCTL_FILE_KIND}/${last.object.metadata.name}`, names },
      // the node's files alone: the tier's preset is what the library would add, not what the node has
      (s, id) => new SysctlTuner(s, id, {
        sysctls, removeSysctls: Object.keys(tierSettings(common.tier).sysctls).filter((k) => !(k in sysctls)), allowUnknownSysctls: true, ...common,
      }));
  }

  /** CoreDNS's Corefile: it must parse; it is built as TunedCoreDns, its settings go to the tier comparison. */
  private coreDns(chart: Chart, common: { tier: ScaleTier; profile: ClusterProfile }): void {
    const cm = this.get('ConfigMap/kube-system/coredns');
    const text = cm?.object.data?.Corefile;
    if (!cm || typeof text !== 'string') return;
    const corefile = this.parseCorefile(cm, text, 'COREDNS-COREFILE', 'CoreDNS');
    const root = corefile?.serverBlocks.find((b) => b.zones.includes('.'));
    if (!root) return;
    const from = 'the coredns Corefile';
    const number = (plugin: string, what: string, v: string | undefined, dflt: number): number | undefined => {
      if (v === undefined) return dflt;
      if (/^\d+$/.test(v)) return Number(v);
      this.findings.push(this.finding(cm, 'COREDNS-COREFILE', FindingSeverity.ERROR, `data.Corefile: ${plugin} ${what} (${v}) is not a whole number of seconds: CoreDNS refuses it`, `give ${plugin} ${what} in seconds`));
      return undefined;
    };
    const cache = root.plugin('cache');
    if (cache) {
      // cache [TTL] [ZONES...]: a first argument that is not a number is a zone; TTL 3600 when not given (plugin/cache/setup.go)
      const ttl = cache._args[0] !== undefined && /^\d+$/.test(cache._args[0]) ? Number(cache._args[0]) : 3600;
      this.settings.set('coreDns.cacheTtlSeconds', { value: ttl, from });
      const capacity = (which: string) => Number(cache._block.find((l) => l[0] === which)?.[1] ?? 9984);
      this.settings.set('coreDns.cacheSuccessCapacity', { value: capacity('success'), from });
      this.settings.set('coreDns.cacheDenialCapacity', { value: capacity('denial'), from });
    }
    const kubernetes = root.plugin('kubernetes') ?? corefile!.serverBlocks.map((b) => b.plugin('kubernetes')).find((p) => p !== undefined);
    // kubernetes: ttl defaults to 5 seconds (plugin/kubernetes/setup.go)
    const ttl = kubernetes ? number('kubernetes', 'ttl', kubernetes._block.find((l) => l[0] === 'ttl')?.[1], 5) : undefined;
    if (ttl !== undefined) this.settings.set('coreDns.kubernetesTtlSeconds', { value: ttl, from });
    const lameduck = root.plugin('health')?._block.find((l) => l[0] === 'lameduck')?.[1];
    if (lameduck) this.settings.set('coreDns.lameduck', { value: lameduck, from });
    const maxConcurrent = root.plugin('forward')?._block.find((l) => l[0] === 'max_concurrent')?.[1];
    this.settings.set('coreDns.forwardMaxConcurrent', { value: maxConcurrent === undefined ? 'unlimited' : maxConcurrent, from });
    coreDnsComponent(this, chart, common, cm, corefile!, root);
  }

  /** Every namespace with policies, traced as TuningReport.dnsPath traces it (the CNI's semantics, NodeLocal's addresses). */
  private dnsPaths(report: TuningReport): void {
    const namespaces = [...new Set(this.policies.map((p) => p.object.metadata?.namespace ?? 'default'))].sort(byCodePoint);
    const reported = new Set(this.findings.filter((f) => f.ruleId === 'NP006').map((f) => f.object.split('/')[1]));
    for (const ns of namespaces) {
      const hop = report.dnsPath(ns).hops.find((h) => h.verdict === DnsHopVerdict.FAIL);
      if (!hop || reported.has(ns)) continue;
      const input = this.policies.find((p) => (p.object.metadata?.namespace ?? 'default') === ns);
      this.findings.push(this.finding(input, 'DNS-PATH', FindingSeverity.ERROR,
        `pods in ${ns} cannot resolve names: the DNS path fails at the ${hop.kind} hop (${hop.target}): ${hop.detail}`,
        'allow UDP and TCP 53 to the kube-dns pods and, with NodeLocal DNSCache, to its addresses (under Cilium: a CiliumNetworkPolicy toEntities [host])'));
    }
  }

  /**
   * kubelet `clusterDNS` against what serves DNS as the manifests wire it: pods send DNS to its
   * first address (kubelet writes it into every pod's resolv.conf). node-cache serves what its
   * -localip and bind hold; the kube-dns IP is served by the data plane (and node-cache, where it
   * takes it). Without a stated kube-dns IP nothing is asserted about it.
   */
  private kubelet(dns: DnsPlan, profile: ClusterProfile, nodeLocal: string[] | undefined): void {
    const dnsKnown = !this.facts.get('dnsServiceIp')?.unknown;
    for (const { input, cfg, field } of this.kubelets) {
      const first = list(cfg.clusterDNS)[0];
      if (typeof first !== 'string') {
        this.findings.push(this.finding(input, 'KUBELET-CLUSTER-DNS', FindingSeverity.ERROR, `${field}clusterDNS is empty: pods get the node's resolv.conf and cannot resolve cluster names`,
          `set clusterDNS to [${nodeLocal?.[0] ?? profile.dnsServiceIp}]`));
        continue;
      }
      const servedByCache = nodeLocal?.includes(first) ?? false;
      if (servedByCache) continue;
      if (first === profile.dnsServiceIp) {
        if (nodeLocal && nodeLocal.length > 0) {
          this.findings.push(this.finding(input, 'KUBELET-CLUSTER-DNS', FindingSeverity.WARNING,
            `${field}clusterDNS (${first}) is the kube-dns Service, which node-cache does not take in this wiring: pods bypass NodeLocal DNSCache`,
            `set clusterDNS to [${nodeLocal[0]}] (the address node-cache serves) and restart kubelet`));
        }
        continue;
      }
      if (!dnsKnown && !nodeLocal) continue;
      this.findings.push(this.finding(input, 'KUBELET-CLUSTER-DNS', FindingSeverity.ERROR,
        `${field}clusterDNS (${first}) is not an address DNS is served on (${[...new Set([...(nodeLocal ?? []), ...(dnsKnown ? [profile.dnsServiceIp] : [])])].join(', ')}): every pod's lookups time out`,
        `set clusterDNS to [${nodeLocal?.[0] ?? dns.kubeletClusterDns}]`));
    }
  }
}

/** Why a policy is not one the API server would store (a map where a list belongs), if it is not. */
function policyShapeProblem(o: Obj): string | undefined {
  const not = (field: string, value: unknown, shape: string) => `'${field}' (${formatValue(value)}) is not a ${shape}`;
  const spec = o.spec;
  if (o.kind !== 'NetworkPolicy') return isPlainObject(spec) || spec === undefined ? undefined : not('spec', spec, 'map');
  if (!isPlainObject(spec)) return not('spec', spec, 'map');
  if (spec.podSelector !== undefined && !isPlainObject(spec.podSelector)) return not('spec.podSelector', spec.podSelector, 'map');
  for (const [direction, peers] of [['ingress', 'from'], ['egress', 'to']]) {
    const rules = spec[direction];
    if (rules === undefined || rules === null) continue;
    if (!Array.isArray(rules)) return not(`spec.${direction}`, rules, 'list');
    for (const [i, rule] of rules.entries()) {
      if (!isPlainObject(rule)) return not(`spec.${direction}[${i}]`, rule, 'map');
      for (const k of [peers, 'ports']) if (rule[k] !== undefined && rule[k] !== null && !Array.isArray(rule[k])) return not(`spec.${direction}[${i}].${k}`, rule[k], 'list');
    }
  }
  if (spec.policyTypes !== undefined && spec.policyTypes !== null && !Array.isArray(spec.policyTypes)) return not('spec.policyTypes', spec.policyTypes, 'list');
  return undefined;
}

/** Go's strconv.Atoi: an optional sign and decimal digits, nothing else (no spaces, no 0x); undefined otherwise. */
function goAtoi(text: string): number | undefined {
  return /^[+-]?\d+$/.test(text) ? Number(text) : undefined;
}

export function audit(inputs: AuditInput[], opts: AuditOptions = {}): AuditResult {
  return new ClusterAudit(inputs, opts).run();
}

import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { parseAllDocuments } from 'yaml';
import {
  AuditInput, ciliumProps, ciliumValuesProps, describeOrigin, flagValue, hasFlag, minorOf, nodeCacheContainer, objectId, Origin,
  parseYamlMap, ReadProblem, readKubeProxyConfig, yamlData,
} from './_audit-facts';
import { compareTiers, ClusterSettings, TierComparison } from './_audit-tier';
import { mergeValues } from './_config';
import { isPlainObject } from '../core/_boundary';
import { ConfigErrors } from '../core/_errors';
import { nameInputs } from '../core/_input-names';
import type { DnsPlan } from '../core/_plan';
import { AppState } from '../core/_registry';
import {
  CalicoTuning, CiliumTuning, ClusterProfile, ClusterProfileProps, Corefile, DnsHopVerdict, FindingSeverity, FlannelBackend, FlannelTuning,
  KubeProxyMode, KubernetesVersion, NodeLocalDns, PolicyLint, ScaleTier, TierTable, TunedKubeProxy, TuningReport,
} from '../index';

export type { AuditInput } from './_audit-facts';

/*
 * `cdk8s-network-tuning audit`: the library's engine over manifests it did not write, as
 * `kubectl get -o yaml` or a GitOps repository holds them. The manifests are read as the facts
 * and component properties the constructs take (the kube-proxy ConfigMap as TunedKubeProxy, the
 * node-local-dns DaemonSet as NodeLocalDns, cilium-config as CiliumTuning, ...), the components
 * are built in an app of their own with the cluster's profile, and the app is checked: every
 * construction check, the plan and every cross-component rule run as they do at `cdk8s synth`.
 * What the manifests do not say comes from flags or is reported as unknown.
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
  /** True when neither a manifest nor a flag stated it (the value is the library's default). */
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
}

/** Every manifest under the paths (files, folders searched for .yaml/.yml/.json; '-' is stdin), List items unpacked. */
export function readManifests(paths: string[], stdin: () => string): AuditInput[] {
  const files: string[] = [];
  const errors = new ConfigErrors('cdk8s-network-tuning audit');
  const walk = (p: string) => {
    const stat = fs.statSync(p);
    if (stat.isDirectory()) {
      for (const e of fs.readdirSync(p).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
        const full = path.join(p, e);
        if (fs.statSync(full).isDirectory() || /\.(ya?ml|json)$/.test(e)) walk(full);
      }
    } else {
      files.push(p);
    }
  };
  for (const p of paths) {
    if (p === '-') files.push('-');
    else if (!fs.existsSync(p)) errors.add('path', p, 'does not exist');
    else walk(p);
  }
  if (errors.count > 0) throw new Error(errors.messages.join('\n'));
  const out: AuditInput[] = [];
  for (const file of files) {
    const text = file === '-' ? stdin() : fs.readFileSync(file, 'utf8');
    const name = file === '-' ? '(stdin)' : file;
    const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`[cdk8s-network-tuning audit] ${name}: not YAML: ${doc.errors[0].message.split('\n')[0]}`);
      const object = doc.toJSON();
      if (object === null || typeof object !== 'object') continue;
      const line = lineOf(doc.contents?.range?.[0] ?? 0);
      const items: unknown[] = object.kind === 'List' || (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) ? object.items : [object];
      for (const item of items) if (item && typeof item === 'object') out.push({ file: name, line, object: item as Record<string, any> });
    }
  }
  return out;
}

/** Kinds the library tunes whose audit is not written yet (they are named, never skipped silently). */
const NOT_YET = new Set(['PrometheusRule', 'ServiceMonitor']);

/**
 * Findings about what the library itself writes, not about a running cluster: an audit passes
 * properties straight from the cluster, so they never apply (KP-NO-KUBECONFIG is about the
 * ConfigMap the construct emits lacking kubeconfig.conf; CALICO-IPPOOL-IMMUTABLE about
 * changing a pool the construct emits; PLAN-CHANGED-AFTER-CONSTRUCTION about code that adds components late).
 */
const OUTPUT_ONLY = new Set(['KP-NO-KUBECONFIG', 'CALICO-IPPOOL-IMMUTABLE', 'PLAN-CHANGED-AFTER-CONSTRUCTION']);

const CLUSTER = '(cluster)';

/**
 * Fixes phrased for manifests where the library's fix speaks of construct properties (the rule and
 * its message are the library's; what to change in a running cluster is not a property).
 */
const MANIFEST_FIXES: Record<string, string> = {
  'NLD-MODE-MISMATCH': 'render node-local-dns for the kube-proxy mode that runs: IPVS, nftables and eBPF data planes need -localip and the Corefile\'s '
    + 'bind to hold only the link-local IP (and kubelet clusterDNS to point at it); iptables mode binds the kube-dns IP too',
  'EBPF-REPLACES-KUBE-PROXY': 'remove the kube-proxy DaemonSet and ConfigMap (and its iptables rules: kube-proxy --cleanup on each node), or turn the replacement off',
  'CNI-POLICY-UNENFORCED': 'run a CNI that enforces NetworkPolicy (Calico or Cilium), or remove the policies: they protect nothing here',
};

/** The facts, components and checks of one cluster's manifests. */
class ClusterAudit {
  public readonly findings: AuditFinding[] = [];
  public readonly notAudited: string[] = [];
  private readonly byId = new Map<string, AuditInput>();
  private readonly profileProps: Record<string, unknown> = {};
  private readonly facts = new Map<string, AuditFact>();
  private readonly problems: ReadProblem[] = [];
  /** Construct id -> the object it was read from, and its input names. */
  private readonly sources = new Map<string, AuditInput>();
  private readonly sourceNames = new Map<string, Record<string, string>>();
  private readonly settings: ClusterSettings = new Map();
  private readonly policies: AuditInput[] = [];
  private ciliumRead?: ReturnType<ClusterAudit['findCilium']> | false;
  private kubeletRead?: Array<{ input: AuditInput; cfg: Record<string, any>; field: string }>;

  public constructor(private readonly inputs: AuditInput[], private readonly opts: AuditOptions) {
    for (const input of inputs) if (!this.byId.has(objectId(input.object))) this.byId.set(objectId(input.object), input);
  }

  public run(): AuditResult {
    this.readFacts();
    const profile = this.profile();
    const tier = this.tier();
    if (profile) this.check(profile, tier);
    this.findings.push(...this.problems.map((p) => this.finding(p.input, p.ruleId, FindingSeverity.ERROR, p.message, p.fix)));
    const order = (a: AuditFinding, b: AuditFinding) => (a.severity === b.severity ? 0 : a.severity === FindingSeverity.ERROR ? -1 : 1)
      || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line) || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
    const version = (this.profileProps.kubernetesVersion as KubernetesVersion | undefined) ?? KubernetesVersion.DEFAULT;
    return {
      findings: this.findings.sort(order),
      facts: [...this.facts.values()],
      tiers: compareTiers(this.settings, {
        target: this.opts.tier ?? this.sizeTier(), targetFrom: this.opts.tier ? '--tier' : 'the cluster\'s nodes and Services', version,
      }),
      notAudited: this.notAudited,
      objects: this.inputs.length,
    };
  }

  private get(id: string): AuditInput | undefined {
    return this.byId.get(id);
  }

  private finding(input: AuditInput | undefined, ruleId: string, severity: FindingSeverity, message: string, fix: string): AuditFinding {
    return { ruleId, severity, object: input ? objectId(input.object) : CLUSTER, file: input?.file ?? '', line: input?.line ?? 0, message, fix };
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
      const net = cc?.networking ?? {};
      const at = (field: string): Origin => ({ input: kubeadm, field: `ClusterConfiguration ${field}` });
      const minor = minorOf(cc?.kubernetesVersion);
      if (minor?.version) this.fact('kubernetesVersion', minor.version, minor.text, at('kubernetesVersion'));
      else if (minor) this.unsupportedVersion(kubeadm, minor.text);
      if (typeof net.podSubnet === 'string' && net.podSubnet) this.fact('podCidr', net.podSubnet, net.podSubnet, at('networking.podSubnet'));
      if (typeof net.serviceSubnet === 'string' && net.serviceSubnet) this.fact('serviceCidr', net.serviceSubnet, net.serviceSubnet, at('networking.serviceSubnet'));
      if (typeof net.dnsDomain === 'string' && net.dnsDomain) this.fact('clusterDomain', net.dnsDomain, net.dnsDomain, at('networking.dnsDomain'));
      const endpoint = typeof cc?.controlPlaneEndpoint === 'string' ? /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(cc.controlPlaneEndpoint) : null;
      if (endpoint) {
        this.fact('apiServerHost', endpoint[1], endpoint[1], at('controlPlaneEndpoint'));
        if (endpoint[2]) this.fact('apiServerPort', Number(endpoint[2]), endpoint[2], at('controlPlaneEndpoint'));
      }
    }
    const kubeDns = this.get('Service/kube-system/kube-dns');
    const ip = kubeDns?.object.spec?.clusterIP;
    if (kubeDns && typeof ip === 'string' && ip !== 'None') this.fact('dnsServiceIp', ip, ip, { input: kubeDns, field: 'spec.clusterIP' });
    const kpDs = this.get('DaemonSet/kube-system/kube-proxy');
    const kpImage = (kpDs?.object.spec?.template?.spec?.containers ?? []).find((c: any) => c?.name === 'kube-proxy')?.image;
    const kpMinor = minorOf(kpImage);
    if (kpDs && kpMinor?.version) this.fact('kubernetesVersion', kpMinor.version, kpMinor.text, { input: kpDs, field: `image ${kpImage}` });
    else if (kpDs && kpMinor) this.unsupportedVersion(kpDs, kpMinor.text);
    const kpCm = this.get('ConfigMap/kube-system/kube-proxy');
    const kpCfg = kpCm ? yamlData(kpCm, 'config.conf', this.problems, 'KUBE-PROXY-CONFIG') : undefined;
    if (kpCm && kpCfg && typeof kpCfg.clusterCIDR === 'string' && kpCfg.clusterCIDR) {
      this.fact('podCidr', kpCfg.clusterCIDR, kpCfg.clusterCIDR, { input: kpCm, field: 'data["config.conf"] clusterCIDR' });
    }
    for (const input of this.kubeletConfigs()) {
      const { cfg, field } = input;
      if (typeof cfg.clusterDomain === 'string' && cfg.clusterDomain) this.fact('clusterDomain', cfg.clusterDomain, cfg.clusterDomain, { input: input.input, field: `${field}clusterDomain` });
      if (typeof cfg.maxPods === 'number') this.fact('maxPodsPerNode', cfg.maxPods, String(cfg.maxPods), { input: input.input, field: `${field}maxPods` });
    }
    const cilium = this.ciliumValues();
    if (cilium?.values) {
      const v = cilium.values;
      const at = (field: string): Origin => ({ input: cilium.input, field: `${cilium.field}${field}` });
      if (typeof v.k8sServiceHost === 'string' && v.k8sServiceHost && v.k8sServiceHost !== 'auto') this.fact('apiServerHost', v.k8sServiceHost, v.k8sServiceHost, at('k8sServiceHost'));
      const pool = v.ipam?.operator?.clusterPoolIPv4PodCIDRList;
      if ((v.ipam?.mode ?? 'cluster-pool') === 'cluster-pool' && Array.isArray(pool) && typeof pool[0] === 'string') this.fact('podCidr', pool[0], pool[0], at('ipam.operator.clusterPoolIPv4PodCIDRList'));
    } else if (cilium) {
      const cdata = cilium.input.object.data ?? {};
      if (typeof cdata['k8s-service-host'] === 'string') this.fact('apiServerHost', cdata['k8s-service-host'], cdata['k8s-service-host'], { input: cilium.input, field: 'data["k8s-service-host"]' });
      if (typeof cdata['cluster-pool-ipv4-cidr'] === 'string' && cdata.ipam === 'cluster-pool') {
        this.fact('podCidr', cdata['cluster-pool-ipv4-cidr'], cdata['cluster-pool-ipv4-cidr'], { input: cilium.input, field: 'data["cluster-pool-ipv4-cidr"]' });
      }
    }
    const nodes = this.inputs.filter((i) => i.object.kind === 'Node' && i.object.apiVersion === 'v1');
    if (nodes.length > 0) {
      // Node objects as `kubectl get nodes -o yaml` lists them: the count, and the smallest node's cores
      this.fact('nodes', nodes.length, String(nodes.length), { input: nodes[0], field: `(${nodes.length} Node objects)` });
      const cores = nodes.map((n) => Number(String(n.object.status?.capacity?.cpu ?? '').replace(/m$/, ''))).filter((c) => Number.isInteger(c) && c > 0);
      if (cores.length === nodes.length) this.fact('cpuCoresPerNode', Math.min(...cores), String(Math.min(...cores)), { input: nodes[0], field: 'status.capacity.cpu (the smallest node)' });
    }
    // flags fill what the manifests do not say; a flag that disagrees with them is named
    const flag = (name: string, value: unknown, shown: string, flagName: string) => {
      if (value === undefined) return;
      const had = this.facts.get(name);
      if (had) {
        if (had.value !== shown) {
          this.findings.push(this.finding(undefined, 'AUDIT-FACT-CONFLICT', FindingSeverity.WARNING,
            `'${flagName}' (${shown}) disagrees with ${had.from} (${had.value}): the audit checks what the manifests say runs`,
            `drop '${flagName}', or fix the manifests if they are stale`));
        }
        return;
      }
      this.facts.set(name, { name, value: shown, from: flagName, unknown: false });
      this.profileProps[name] = value;
    };
    flag('kubernetesVersion', this.opts.kubernetesVersion, this.opts.kubernetesVersion?.version ?? '', '--kubernetes-version');
    flag('nodes', this.opts.nodes, String(this.opts.nodes), '--nodes');
    flag('services', this.opts.services, String(this.opts.services), '--services');
    flag('cpuCoresPerNode', this.opts.cpuCoresPerNode, String(this.opts.cpuCoresPerNode), '--cpu-cores-per-node');
    flag('apiServerHost', this.opts.apiServerHost, String(this.opts.apiServerHost), '--api-server-host');
    flag('nodesShareL2Segment', this.opts.nodesShareL2Segment, 'true', '--nodes-share-l2-segment');
  }

  private unsupportedVersion(input: AuditInput, minor: string): void {
    this.findings.push(this.finding(input, 'AUDIT-VERSION', FindingSeverity.WARNING,
      `runs Kubernetes ${minor}, outside the versions the library knows (${KubernetesVersion.OLDEST.version} to ${KubernetesVersion.NEWEST.version}): checked as ${KubernetesVersion.DEFAULT.version}`,
      `pass --kubernetes-version to check against another version, or upgrade the cluster to ${KubernetesVersion.OLDEST.version} or newer`));
  }

  /** KubeletConfiguration files, and kubeadm's kubelet-config ConfigMap (data.kubelet); read once. */
  private kubeletConfigs(): Array<{ input: AuditInput; cfg: Record<string, any>; field: string }> {
    if (this.kubeletRead) return this.kubeletRead;
    const out: Array<{ input: AuditInput; cfg: Record<string, any>; field: string }> = [];
    this.kubeletRead = out;
    for (const input of this.inputs) {
      const o = input.object;
      if (o.kind === 'KubeletConfiguration') {out.push({ input, cfg: o, field: '' });} else if (o.kind === 'ConfigMap' && o.metadata?.namespace === 'kube-system' && /^kubelet-config(-1\.\d+)?$/.test(o.metadata?.name ?? '')) {
        const cfg = yamlData(input, 'kubelet', this.problems, 'KUBELET-CONFIG');
        if (cfg) out.push({ input, cfg, field: 'data.kubelet ' });
      }
    }
    return out;
  }

  /**
   * Cilium's configuration, in the first form found: a Flux HelmRelease of the cilium chart (its
   * values over its valuesFrom ConfigMaps, as Flux merges them), an Argo CD Application's Helm
   * values, a values file (a YAML document without kind in a file named after cilium), or the
   * agent's own cilium-config ConfigMap.
   */
  private ciliumValues(): { input: AuditInput; label: string; field: string; values?: Record<string, any>; chartVersion?: string } | undefined {
    if (this.ciliumRead !== undefined) return this.ciliumRead || undefined;
    const found = this.findCilium();
    this.ciliumRead = found ?? false;
    return found;
  }

  private findCilium(): { input: AuditInput; label: string; field: string; values?: Record<string, any>; chartVersion?: string } | undefined {
    for (const input of this.inputs) {
      const o = input.object;
      if (o.kind === 'HelmRelease' && /^helm\.toolkit\.fluxcd\.io\//.test(o.apiVersion ?? '') && o.spec?.chart?.spec?.chart === 'cilium') {
        let values: Record<string, any> = {};
        for (const ref of Array.isArray(o.spec.valuesFrom) ? o.spec.valuesFrom : []) {
          const from = this.get(`${ref?.kind}/${o.metadata?.namespace ?? 'default'}/${ref?.name}`);
          const key = ref?.valuesKey ?? 'values.yaml';
          const data = from ? yamlData(from, key, this.problems, 'CILIUM-CONFIG') : undefined;
          if (data) values = mergeValues(values, data);
        }
        if (isPlainObject(o.spec.values)) values = mergeValues(values, o.spec.values);
        const version = o.spec.chart.spec.version;
        return { input, label: `${objectId(o)} values`, field: 'values ', values, ...(typeof version === 'string' ? { chartVersion: version } : {}) };
      }
      const source = o.kind === 'Application' && /^argoproj\.io\//.test(o.apiVersion ?? '') ? o.spec?.source : undefined;
      if (source?.chart === 'cilium') {
        const helm = source.helm ?? {};
        let values: Record<string, any> = {};
        if (typeof helm.values === 'string') values = mergeValues(values, parseYamlMap(helm.values) ?? {});
        if (isPlainObject(helm.valuesObject)) values = mergeValues(values, helm.valuesObject);
        return { input, label: `${objectId(o)} helm values`, field: 'helm values ', values, ...(typeof source.targetRevision === 'string' ? { chartVersion: source.targetRevision } : {}) };
      }
    }
    const file = this.inputs.find((i) => i.object.kind === undefined && i.object.apiVersion === undefined && /cilium/i.test(path.basename(i.file)));
    if (file) return { input: file, label: `${file.file} (Cilium values)`, field: '', values: file.object };
    const config = this.get('ConfigMap/kube-system/cilium-config');
    return config ? { input: config, label: objectId(config.object), field: '' } : undefined;
  }

  private profile(): ClusterProfile | undefined {
    try {
      const profile = new ClusterProfile(this.profileProps as ClusterProfileProps);
      const defaults: Array<[string, string, string]> = [
        ['kubernetesVersion', profile.kubernetesVersion.version, '--kubernetes-version'],
        ['dnsServiceIp', profile.dnsServiceIp, 'the kube-dns Service'],
        ['clusterDomain', profile.clusterDomain, 'kubeadm-config or a KubeletConfiguration'],
        ['podCidr', profile.podCidrs.join(','), 'kubeadm-config, the kube-proxy ConfigMap or an IPPool'],
        ['serviceCidr', profile.serviceCidrs.join(','), 'kubeadm-config'],
        ['nodes', 'the tier\'s upper bound', '--nodes or Node objects'],
        ['services', 'the tier\'s upper bound', '--services'],
        ['cpuCoresPerNode', String(profile.cpuCoresPerNode), '--cpu-cores-per-node or Node objects'],
        ['apiServerHost', '(none)', '--api-server-host or kubeadm-config'],
        ['nodesShareL2Segment', 'false', '--nodes-share-l2-segment'],
      ];
      for (const [name, value, source] of defaults) {
        if (!this.facts.has(name)) this.facts.set(name, { name, value, from: `unknown: the library's default (give ${source})`, unknown: true });
      }
      return profile;
    } catch (e) {
      for (const line of (e as Error).message.split('\n')) {
        const m = /'([A-Za-z]+)'/.exec(line);
        const fact = m ? this.facts.get(m[1]) : undefined;
        const input = fact && !fact.unknown ? this.inputs.find((i) => fact.from.startsWith(objectId(i.object))) : undefined;
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
  private component(
    chart: Chart, id: string, input: AuditInput, ruleId: string, names: { label: string; names?: Record<string, string> },
    build: (scope: Construct, id: string) => void,
  ): void {
    nameInputs(chart.node.root, `${chart.node.path}/${id}`, names);
    try {
      build(chart, id);
      this.sources.set(id, input);
      this.sourceNames.set(id, names.names ?? {});
    } catch (e) {
      for (const line of (e as Error).message.split('\n')) {
        const text = line.startsWith(`[${names.label}] `) ? line.slice(names.label.length + 3) : line;
        // a fact the manifests and flags did not give is not a fault of the object
        const unknownFact = /the profile's '([A-Za-z]+)'/.exec(text);
        if (unknownFact && this.facts.get(unknownFact[1])?.unknown) {
          this.findings.push(this.finding(input, 'AUDIT-UNKNOWN-FACT', FindingSeverity.WARNING, `not checked: ${text}`,
            `give the cluster's ${unknownFact[1]} (${this.facts.get(unknownFact[1])!.from.replace(/^unknown: [^(]*\(give /, '').replace(/\)$/, '')})`));
        } else {
          this.findings.push(this.finding(input, ruleId, FindingSeverity.ERROR, text, 'correct this field: the library refuses it, and the component misbehaves with it (see the message)'));
        }
      }
    }
  }

  private check(profile: ClusterProfile, tier: ScaleTier): void {
    // never synthesized: the checks run through TuningReport.check(), nothing is written
    const app = new App();
    AppState.of(app).writesOutputFiles = false;
    const chart = new Chart(app, 'cluster');
    const common = { tier, profile };

    const kpCm = this.get('ConfigMap/kube-system/kube-proxy');
    const kpCfg = kpCm ? yamlData(kpCm, 'config.conf', [], 'KUBE-PROXY-CONFIG') : undefined;
    let kubeProxyMode: KubeProxyMode | undefined;
    if (kpCm && kpCfg) {
      const reading = readKubeProxyConfig(kpCm, kpCfg, this.problems);
      if (reading) {
        kubeProxyMode = reading.mode;
        this.facts.set('kubeProxy.mode', { name: 'kubeProxy.mode', value: reading.mode, from: describeOrigin({ input: kpCm, field: `data["config.conf"] ${reading.modeFrom}` }), unknown: false });
        this.kubeProxySettings(reading.props);
        this.component(chart, 'KubeProxy', kpCm, 'KUBE-PROXY-CONFIG', { label: `${objectId(kpCm.object)} data["config.conf"]`, names: reading.names },
          (s, id) => new TunedKubeProxy(s, id, { ...reading.props, deployDaemonSet: false, ...common }));
      }
    } else if (this.get('DaemonSet/kube-system/kube-proxy')) {
      this.findings.push(this.finding(this.get('DaemonSet/kube-system/kube-proxy'), 'AUDIT-MISSING', FindingSeverity.WARNING,
        'kube-proxy runs, but its ConfigMap (kube-system/kube-proxy) is not among the manifests: its mode and conntrack settings were not checked',
        'add `kubectl -n kube-system get configmap kube-proxy -o yaml` to the audit'));
    }

    this.cni(chart, common);
    this.nodeLocalDns(chart, common, kubeProxyMode, profile);
    this.coreDns();

    for (const input of this.inputs) {
      const o = input.object;
      // Cilium's policies count for the DNS path (its trace reads them); PolicyLint lints the Kubernetes ones
      if ((o.kind === 'NetworkPolicy' && o.apiVersion === 'networking.k8s.io/v1')
        || (/^Cilium(Clusterwide)?NetworkPolicy$/.test(o.kind) && o.apiVersion === 'cilium.io/v2')) this.policies.push(input);
      else if (NOT_YET.has(o.kind)) this.notAudited.push(objectId(o));
    }
    this.policies.forEach((p, i) => {
      const { apiVersion, kind, metadata, ...rest } = p.object;
      new ApiObject(chart, `policy-${i}`, { apiVersion, kind, metadata: { ...metadata, name: metadata?.name ?? '(unnamed)' }, ...rest });
    });
    new PolicyLint(chart, 'PolicyLint', common);

    const report = TuningReport.of(chart);
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
      this.findings.push(this.finding(input, f.ruleId, f.severity, this.inManifestTerms(message, id), MANIFEST_FIXES[f.ruleId] ?? f.fix));
    }
    this.dnsPaths(report);
    this.kubelet(AppState.of(chart).plan().dns, profile);
  }

  /** A rule's message about the audit's constructs, in the manifests' terms: paths as objects, properties as their fields. */
  private inManifestTerms(message: string, id: string | undefined): string {
    let out = message.split("the app's").join("the cluster's");
    for (const [cid, input] of this.sources) out = out.split(`[cluster/${cid}]`).join(objectId(input.object));
    for (const [prop, field] of Object.entries((id && this.sourceNames.get(id)) || {})) out = out.split(`'${prop}'`).join(`'${field}'`);
    return out;
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

  private cni(chart: Chart, common: { tier: ScaleTier; profile: ClusterProfile }): void {
    const cilium = this.ciliumValues();
    if (cilium) {
      const { props, names } = cilium.values ? ciliumValuesProps(cilium.values) : ciliumProps(cilium.input.object.data ?? {});
      if (cilium.chartVersion) props.chartVersion = cilium.chartVersion;
      this.settings.set('cni', { value: 'cilium', from: cilium.label });
      for (const [k, v] of Object.entries(props)) this.settings.set(`cilium.${k}`, { value: v, from: cilium.label });
      this.component(chart, 'Cilium', cilium.input, 'CILIUM-CONFIG', { label: cilium.label, names },
        (s, id) => new CiliumTuning(s, id, { ...props, helmRelease: false, ...common }));
    }
    const felix = this.inputs.find((i) => i.object.kind === 'FelixConfiguration' && i.object.metadata?.name === 'default');
    const pools = this.inputs.filter((i) => i.object.kind === 'IPPool' && /projectcalico\.org\//.test(i.object.apiVersion ?? ''));
    if (felix || pools.length > 0) {
      const spec = felix?.object.spec ?? {};
      const props: Record<string, unknown> = {};
      for (const k of ['bpfEnabled', 'bpfLogLevel', 'logSeverityScreen', 'bpfExternalServiceMode', 'nftablesMode', 'ipForwarding']) if (spec[k] !== undefined) props[k] = spec[k];
      if (pools.length > 0) {
        props.ipPools = pools.map((p) => {
          const s = p.object.spec ?? {};
          const pool = {
            name: p.object.metadata?.name,
            cidr: s.cidr,
            vxlanMode: s.vxlanMode,
            ipipMode: s.ipipMode,
            natOutgoing: s.natOutgoing,
            blockSize: s.blockSize,
            nodeSelector: s.nodeSelector,
          };
          return Object.fromEntries(Object.entries(pool).filter(([, v]) => v !== undefined));
        });
      }
      this.settings.set('cni', { value: 'calico', from: 'FelixConfiguration/IPPool' });
      for (const k of ['bpfEnabled', 'bpfLogLevel', 'logSeverityScreen', 'ipForwarding']) if (props[k] !== undefined) this.settings.set(`calico.${k}`, { value: props[k], from: 'FelixConfiguration default' });
      const pool = (props.ipPools as Array<Record<string, unknown>> | undefined)?.[0];
      for (const k of ['vxlanMode', 'ipipMode', 'natOutgoing', 'blockSize']) if (pool?.[k] !== undefined) this.settings.set(`calico.${k}`, { value: pool[k], from: `IPPool ${pool.name}` });
      const input = felix ?? pools[0];
      const names = Object.fromEntries(pools.map((p, i) => [`ipPools[${i}]`, `IPPool/${p.object.metadata?.name} spec`]));
      this.component(chart, 'Calico', input, 'CALICO-CONFIG', { label: objectId(input.object), names }, (s, id) => new CalicoTuning(s, id, { ...props, ...common }));
    }
    const flannel = this.get('ConfigMap/kube-flannel/kube-flannel-cfg') ?? this.get('ConfigMap/kube-system/kube-flannel-cfg');
    if (flannel) {
      let backend: unknown;
      try {
        backend = JSON.parse(flannel.object.data?.['net-conf.json'] ?? '{}')?.Backend?.Type;
      } catch {
        this.problems.push({ input: flannel, ruleId: 'FLANNEL-CONFIG', message: 'data["net-conf.json"] is not JSON', fix: 'fix net-conf.json: flanneld refuses to start with it' });
      }
      this.settings.set('cni', { value: 'flannel', from: 'kube-flannel-cfg' });
      const known = Object.values(FlannelBackend) as string[];
      this.component(chart, 'Flannel', flannel, 'FLANNEL-CONFIG', { label: objectId(flannel.object), names: { backend: 'data["net-conf.json"] Backend.Type' } },
        (s, id) => new FlannelTuning(s, id, { ...(typeof backend === 'string' && known.includes(backend) ? { backend: backend as FlannelBackend } : {}), ...common }));
    }
  }

  /**
   * node-local-dns as NodeLocalDns: `-localip` holding the kube-dns IP is the wiring for kube-proxy
   * iptables (node-cache binds the Service IP behind NOTRACK rules); the link-local IP alone is the
   * wiring for every other data plane (kubernetes/dns nodelocaldns.yaml and its IPVS note).
   */
  private nodeLocalDns(
    chart: Chart, common: { tier: ScaleTier; profile: ClusterProfile }, kubeProxyMode: KubeProxyMode | undefined, profile: ClusterProfile,
  ): void {
    const ds = this.get('DaemonSet/kube-system/node-local-dns');
    this.settings.set('nodeLocalDns.enabled', { value: ds !== undefined, from: ds ? 'the node-local-dns DaemonSet' : 'no node-local-dns DaemonSet among the manifests' });
    if (!ds) return;
    const container = nodeCacheContainer(ds.object);
    const args: unknown[] = container?.args ?? [];
    const ips = (flagValue(args, 'localip') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (!container || ips.length === 0) {
      this.problems.push({ input: ds, ruleId: 'NODE-LOCAL-DNS-CONFIG', message: 'has no node-cache container with -localip: node-cache does not know which addresses to serve', fix: 'run node-cache with -localip <link-local IP>[,<kube-dns IP>]' });
      return;
    }
    const binds = ips.includes(profile.dnsServiceIp);
    const local = ips.find((ip) => ip !== profile.dnsServiceIp)!;
    const secondary = this.get('DaemonSet/kube-system/node-local-dns-secondary') !== undefined;
    const health = flagValue(args, 'health-port');
    // the wiring it has, as the mode it is for: bound kube-dns IP = iptables; link-local only = the data plane's own
    const mode = binds ? KubeProxyMode.IPTABLES : kubeProxyMode && kubeProxyMode !== KubeProxyMode.IPTABLES ? kubeProxyMode : undefined;
    if (!binds && kubeProxyMode === KubeProxyMode.IPTABLES) {
      this.findings.push(this.finding(ds, 'NLD-LINK-LOCAL-ONLY', FindingSeverity.WARNING,
        `node-cache listens only on ${local} beside kube-proxy iptables: pods must use ${local} (kubelet clusterDNS), and a restarting node-cache leaves its node without DNS`
        + (hasFlag(args, 'skipteardown') || secondary ? '' : ' (no -skipteardown, no secondary DaemonSet)'),
        `add the kube-dns IP (${profile.dnsServiceIp}) to -localip and to the Corefile's bind, as the upstream manifest does for iptables mode: node-cache's NOTRACK rules then take the kube-dns IP too`));
    }
    this.facts.set('nodeLocalDns.wiring', {
      name: 'nodeLocalDns.wiring',
      value: `-localip ${ips.join(',')}`,
      unknown: false,
      from: describeOrigin({ input: ds, field: 'node-cache args' }),
    });
    this.component(chart, 'NodeLocalDns', ds, 'NODE-LOCAL-DNS-CONFIG',
      { label: `${objectId(ds.object)} node-cache`, names: { localIp: '-localip', healthPort: '-health-port', kubeProxyMode: '-localip wiring' } },
      (s, id) => new NodeLocalDns(s, id, {
        localIp: local,
        ...(mode ? { kubeProxyMode: mode } : {}),
        ...(health !== undefined ? { healthPort: Number(health) } : {}),
        highAvailability: secondary,
        ...common,
      }));
    const cm = this.get('ConfigMap/kube-system/node-local-dns');
    const corefile = cm?.object.data?.Corefile;
    if (cm && typeof corefile === 'string') this.parseCorefile(cm, corefile, 'NODE-LOCAL-DNS-COREFILE', 'node-cache');
  }

  private parseCorefile(input: AuditInput, text: string, ruleId: string, who: string): Corefile | undefined {
    try {
      return Corefile.parse(text);
    } catch (e) {
      for (const line of (e as Error).message.split('\n')) {
        this.findings.push(this.finding(input, ruleId, FindingSeverity.ERROR, `data.Corefile: ${line.replace(/^\[Corefile\.parse\] /, '')}`,
          `fix the Corefile: ${who} refuses it at start (or it holds what this audit cannot read)`));
      }
      return undefined;
    }
  }

  /** CoreDNS's Corefile: it must parse; its cache and kubernetes settings go to the tier comparison. */
  private coreDns(): void {
    const cm = this.get('ConfigMap/kube-system/coredns');
    const text = cm?.object.data?.Corefile;
    if (!cm || typeof text !== 'string') return;
    const corefile = this.parseCorefile(cm, text, 'COREDNS-COREFILE', 'CoreDNS');
    const root = corefile?.serverBlocks.find((b) => b.zones.includes('.'));
    if (!root) return;
    const from = 'the coredns Corefile';
    const cache = root.plugin('cache');
    if (cache) {
      // CoreDNS cache: [TTL] caps every answer, 3600 when not given (plugin/cache/setup.go)
      this.settings.set('coreDns.cacheTtlSeconds', { value: Number(cache._args[0] ?? 3600), from });
      const capacity = (which: string) => Number(cache._block.find((l) => l[0] === which)?.[1] ?? 9984);
      this.settings.set('coreDns.cacheSuccessCapacity', { value: capacity('success'), from });
      this.settings.set('coreDns.cacheDenialCapacity', { value: capacity('denial'), from });
    }
    const kubernetes = root.plugin('kubernetes');
    // kubernetes: ttl defaults to 5 seconds (plugin/kubernetes/setup.go)
    if (kubernetes) this.settings.set('coreDns.kubernetesTtlSeconds', { value: Number(kubernetes._block.find((l) => l[0] === 'ttl')?.[1] ?? 5), from });
    const lameduck = root.plugin('health')?._block.find((l) => l[0] === 'lameduck')?.[1];
    if (lameduck) this.settings.set('coreDns.lameduck', { value: lameduck, from });
    const maxConcurrent = root.plugin('forward')?._block.find((l) => l[0] === 'max_concurrent')?.[1];
    this.settings.set('coreDns.forwardMaxConcurrent', { value: maxConcurrent === undefined ? 'unlimited' : Number(maxConcurrent), from });
  }

  /** Every namespace with policies, traced as TuningReport.dnsPath traces it (the CNI's semantics, NodeLocal's addresses). */
  private dnsPaths(report: TuningReport): void {
    const namespaces = [...new Set(this.policies.map((p) => p.object.metadata?.namespace ?? 'default'))].sort();
    const reported = new Set(this.findings.filter((f) => f.ruleId === 'NP006').map((f) => f.object.split('/')[1]));
    for (const ns of namespaces) {
      const trace = report.dnsPath(ns);
      const hop = trace.hops.find((h) => h.verdict === DnsHopVerdict.FAIL);
      if (!hop || reported.has(ns)) continue;
      const input = this.policies.find((p) => (p.object.metadata?.namespace ?? 'default') === ns);
      this.findings.push(this.finding(input, 'DNS-PATH', FindingSeverity.ERROR,
        `pods in ${ns} cannot resolve names: the DNS path fails at the ${hop.kind} hop (${hop.target}): ${hop.detail}`,
        'allow UDP and TCP 53 to the kube-dns pods and, with NodeLocal DNSCache, to its addresses (under Cilium: a CiliumNetworkPolicy toEntities [host])'));
    }
  }

  /**
   * kubelet `clusterDNS` against what listens: pods send DNS to its first address (kubelet writes
   * it into every pod's resolv.conf), so it must be an address node-cache or kube-proxy serves.
   */
  private kubelet(dns: DnsPlan, profile: ClusterProfile): void {
    for (const { input, cfg, field } of this.kubeletConfigs()) {
      const clusterDns: unknown[] = Array.isArray(cfg.clusterDNS) ? cfg.clusterDNS : [];
      const first = clusterDns[0];
      const serving = new Set([...(dns.nodeLocal?.listenIps ?? []), profile.dnsServiceIp]);
      if (typeof first !== 'string') {
        this.findings.push(this.finding(input, 'KUBELET-CLUSTER-DNS', FindingSeverity.ERROR, `${field}clusterDNS is empty: pods get the node's resolv.conf and cannot resolve cluster names`,
          `set clusterDNS to [${dns.kubeletClusterDns}]`));
      } else if (!serving.has(first)) {
        this.findings.push(this.finding(input, 'KUBELET-CLUSTER-DNS', FindingSeverity.ERROR,
          `${field}clusterDNS (${first}) is not an address DNS is served on (${[...serving].join(', ')}): every pod's lookups time out`,
          `set clusterDNS to [${dns.kubeletClusterDns}]`));
      } else if (dns.nodeLocal && first === profile.dnsServiceIp && !dns.nodeLocal.listenIps.includes(first)) {
        this.findings.push(this.finding(input, 'KUBELET-CLUSTER-DNS', FindingSeverity.WARNING,
          `${field}clusterDNS (${first}) is the kube-dns Service, which node-cache does not serve in this wiring: pods bypass NodeLocal DNSCache`,
          `set clusterDNS to [${dns.nodeLocal.localIp}] (the link-local address node-cache listens on) and restart kubelet`));
      } else if (first !== dns.kubeletClusterDns) {
        this.findings.push(this.finding(input, 'KUBELET-CLUSTER-DNS', FindingSeverity.WARNING,
          `${field}clusterDNS (${first}) works, but the plan for this cluster's data plane is ${dns.kubeletClusterDns}`,
          `set clusterDNS to [${dns.kubeletClusterDns}]`));
      }
    }
  }
}

export function audit(inputs: AuditInput[], opts: AuditOptions = {}): AuditResult {
  return new ClusterAudit(inputs, opts).run();
}

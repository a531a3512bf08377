import * as path from 'path';
import { AuditInput, objectId, parseYamlMap } from './_audit-facts';
import { mergeValues } from './_config';
import { isPlainObject } from '../core/_boundary';

/*
 * Where a cluster's network objects are, by what they are rather than what one installer names
 * them: kubeadm calls the DNS Service kube-dns and the cache node-local-dns, kubespray coredns and
 * nodelocaldns (roles/kubernetes-apps/ansible/defaults: coredns_svc_name, nodelocaldns), k3s keeps
 * kube-dns on 10.43.0.10. The DNS Service is the one selecting `k8s-app: kube-dns` pods; the cache
 * is a DaemonSet running node-cache.
 */

type Obj = Record<string, any>;

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const containersOf = (o: Obj): Obj[] => list(o.spec?.template?.spec?.containers).filter((c): c is Obj => isPlainObject(c)) as Obj[];

/**
 * The cluster DNS Service: kube-system's Service selecting the CoreDNS pods (kube-dns first, as kubeadm
 * names it), not the second one node-cache forwards to (`-upstreamsvc`, kube-dns-upstream upstream).
 */
export function dnsService(inputs: AuditInput[], upstream?: string): AuditInput | undefined {
  const candidates = inputs.filter((i) => i.object.kind === 'Service' && i.object.apiVersion === 'v1' && i.object.metadata?.namespace === 'kube-system'
    && i.object.spec?.selector?.['k8s-app'] === 'kube-dns');
  // kubespray's nodelocaldns forwards to the DNS Service itself (-upstreamsvc coredns): the upstream is it when it is the only one
  return candidates.find((i) => i.object.metadata?.name === 'kube-dns') ?? candidates.find((i) => i.object.metadata?.name !== upstream)
    ?? (upstream && upstream !== 'kube-dns-upstream' ? candidates[0] : undefined);
}

/** A DaemonSet's node-cache container (kubernetes/dns's k8s-dns-node-cache image, or a container named node-cache). */
export function nodeCacheContainer(ds: Obj): Obj | undefined {
  return containersOf(ds).find((c) => c.name === 'node-cache' || /k8s-dns-node-cache/.test(String(c.image ?? '')));
}

export interface NodeLocalObjects {
  readonly daemonSet: AuditInput;
  readonly container: Obj;
  /** A second DaemonSet of node-cache (kubespray's nodelocaldns-second, the library's node-local-dns-secondary). */
  readonly secondary?: AuditInput;
  /** The ConfigMap the DaemonSet mounts its Corefile from. */
  readonly configMap?: AuditInput;
}

/** NodeLocal DNSCache: the kube-system DaemonSets running node-cache, the primary first. */
export function nodeLocalDns(inputs: AuditInput[], byId: (id: string) => AuditInput | undefined): NodeLocalObjects | undefined {
  const sets = inputs.filter((i) => i.object.kind === 'DaemonSet' && i.object.metadata?.namespace === 'kube-system' && nodeCacheContainer(i.object));
  if (sets.length === 0) return undefined;
  const isSecondary = (i: AuditInput) => /-(secondary|second)$/.test(i.object.metadata?.name ?? '');
  const primary = sets.find((i) => !isSecondary(i)) ?? sets[0];
  const secondary = sets.find((i) => i !== primary);
  const volumes = list(primary.object.spec?.template?.spec?.volumes).filter((v): v is Obj => isPlainObject(v)) as Obj[];
  const mounted = volumes.map((v) => v.configMap?.name).filter((n): n is string => typeof n === 'string')
    .map((n) => byId(`ConfigMap/kube-system/${n}`)).find((c) => typeof c?.object.data?.Corefile === 'string');
  const configMap = mounted ?? byId(`ConfigMap/kube-system/${primary.object.metadata?.name}`);
  const container = nodeCacheContainer(primary.object)!;
  return { daemonSet: primary, container, ...(secondary ? { secondary } : {}), ...(configMap ? { configMap } : {}) };
}

export interface KubeProxyObjects {
  readonly configMap?: AuditInput;
  readonly daemonSet?: AuditInput;
  /** Why the DaemonSet runs no pod, if it does not (Calico's eBPF guide: a nodeSelector that matches no node). */
  readonly disabled?: string;
}

/** kube-proxy's ConfigMap and DaemonSet, and whether the DaemonSet can schedule at all. */
export function kubeProxy(inputs: AuditInput[], byId: (id: string) => AuditInput | undefined): KubeProxyObjects {
  const configMap = byId('ConfigMap/kube-system/kube-proxy');
  const daemonSet = byId('DaemonSet/kube-system/kube-proxy');
  let disabled: string | undefined;
  const selector = daemonSet?.object.spec?.template?.spec?.nodeSelector;
  if (isPlainObject(selector)) {
    const nodes = inputs.filter((i) => i.object.kind === 'Node');
    const entries = Object.entries(selector as Obj);
    const matches = (n: AuditInput) => entries.every(([k, v]) => n.object.metadata?.labels?.[k] === v);
    if (nodes.length > 0 && !nodes.some(matches)) disabled = `its nodeSelector (${entries.map(([k, v]) => `${k}=${v}`).join(', ')}) matches none of the ${nodes.length} Node objects`;
    // the selector Calico's eBPF guide uses to turn kube-proxy off
    else if (nodes.length === 0 && (selector as Obj)['non-calico'] === 'true') disabled = 'its nodeSelector non-calico=true is the one Calico\'s eBPF guide uses to turn kube-proxy off';
  }
  return { ...(configMap ? { configMap } : {}), ...(daemonSet ? { daemonSet } : {}), ...(disabled ? { disabled } : {}) };
}

/** Top-level keys of the Cilium chart's values that say a document is one. */
const CILIUM_KEYS = ['kubeProxyReplacement', 'routingMode', 'tunnelProtocol', 'ipam', 'k8sServiceHost', 'bpf', 'hubble', 'ipv4NativeRoutingCIDR', 'cluster', 'tunnel'];

/** Cilium's configuration, in the first form found. */
export interface CiliumSource {
  readonly input: AuditInput;
  /** The object and field problems are named by. */
  readonly label: string;
  readonly field: string;
  /** Helm values (absent for the agent's cilium-config ConfigMap). */
  readonly values?: Obj;
  readonly chartVersion?: string;
}

/** Flux valuesFrom: a ConfigMap's or Secret's key (Secrets are base64, as the API returns them), whole or at targetPath. */
function valuesFrom(ref: Obj, namespace: string, byId: (id: string) => AuditInput | undefined): { values?: Obj; problem?: string } {
  const from = byId(`${ref.kind}/${namespace}/${ref.name}`);
  if (!from) return {};
  const key = typeof ref.valuesKey === 'string' ? ref.valuesKey : 'values.yaml';
  let text: unknown = from.object.data?.[key];
  if (ref.kind === 'Secret') {
    text = typeof text === 'string' ? Buffer.from(text, 'base64').toString('utf8') : from.object.stringData?.[key];
  }
  if (typeof text !== 'string') return {};
  if (typeof ref.targetPath === 'string' && ref.targetPath) {
    // targetPath puts the key's plain value at a dotted path (Flux helm-controller: valuesFrom targetPath)
    const out: Obj = {};
    let at = out;
    const parts = ref.targetPath.split('.');
    parts.slice(0, -1).forEach((p: string) => { at = at[p] = {}; });
    at[parts[parts.length - 1]] = text;
    return { values: out };
  }
  const values = parseYamlMap(text);
  return values ? { values } : { problem: `${objectId(from.object)} data["${key}"] is not a YAML map of Helm values` };
}

/**
 * Cilium: a Flux HelmRelease of the cilium chart (values over valuesFrom, as Flux merges them; a
 * chartRef to an OCIRepository named after cilium too), an Argo CD Application (one source or
 * several), a values file (a YAML document without kind under a path naming cilium), or the
 * agent's cilium-config ConfigMap.
 */
export function cilium(inputs: AuditInput[], byId: (id: string) => AuditInput | undefined, problems: string[]): CiliumSource | undefined {
  for (const input of inputs) {
    const o = input.object;
    const spec = o.spec ?? {};
    const fluxChart = spec.chart?.spec?.chart === 'cilium' || (isPlainObject(spec.chartRef) && /cilium/.test(String(spec.chartRef.name ?? '')));
    if (o.kind === 'HelmRelease' && /^helm\.toolkit\.fluxcd\.io\//.test(o.apiVersion ?? '') && fluxChart) {
      let values: Obj = {};
      for (const ref of list(spec.valuesFrom).filter((r): r is Obj => isPlainObject(r))) {
        const got = valuesFrom(ref, o.metadata?.namespace ?? 'default', byId);
        if (got.problem) problems.push(got.problem);
        if (got.values) values = mergeValues(values, got.values);
      }
      if (isPlainObject(spec.values)) values = mergeValues(values, spec.values);
      const version = spec.chart?.spec?.version;
      return { input, label: `${objectId(o)} values`, field: 'values ', values, ...(typeof version === 'string' ? { chartVersion: version } : {}) };
    }
    if (o.kind === 'Application' && /^argoproj\.io\//.test(o.apiVersion ?? '')) {
      const source = [spec.source, ...list(spec.sources)].find((s) => isPlainObject(s) && (s as Obj).chart === 'cilium') as Obj | undefined;
      if (source) {
        const helm = source.helm ?? {};
        // value files live in a repository the audit does not read: named, so a missing setting is not taken for a default
        if (list(helm.valueFiles).length > 0) problems.push(`NOT-MODELLED ${objectId(o)} helm.valueFiles (${list(helm.valueFiles).join(', ')}) are not read: settings there were not checked`);
        let values: Obj = {};
        if (typeof helm.values === 'string') values = mergeValues(values, parseYamlMap(helm.values) ?? {});
        if (isPlainObject(helm.valuesObject)) values = mergeValues(values, helm.valuesObject);
        return { input, label: `${objectId(o)} helm values`, field: 'helm values ', values, ...(typeof source.targetRevision === 'string' ? { chartVersion: source.targetRevision } : {}) };
      }
    }
  }
  // a values file: no kind, a path naming cilium, and a key the chart has (a kustomization.yaml or a rule file is not one)
  const file = inputs.find((i) => i.object.kind === undefined && i.object.apiVersion === undefined
    && !/^kustomization\.ya?ml$/.test(path.basename(i.file)) && CILIUM_KEYS.some((k) => k in i.object)
    && path.normalize(i.file).split(path.sep).some((part) => /cilium/i.test(part)));
  if (file) return { input: file, label: `${file.file} (Cilium Helm values)`, field: '', values: file.object };
  const config = byId('ConfigMap/kube-system/cilium-config');
  return config ? { input: config, label: objectId(config.object), field: '' } : undefined;
}

/** The API server address Cilium's agent is given (the chart renders k8sServiceHost into its DaemonSet's env). */
export function ciliumAgentApiServer(byId: (id: string) => AuditInput | undefined): { input: AuditInput; host: string } | undefined {
  const ds = byId('DaemonSet/kube-system/cilium');
  const env = ds ? containersOf(ds.object).flatMap((c) => list(c.env)).find((e) => isPlainObject(e) && (e as Obj).name === 'KUBERNETES_SERVICE_HOST') as Obj | undefined : undefined;
  return ds && typeof env?.value === 'string' && env.value ? { input: ds, host: env.value } : undefined;
}

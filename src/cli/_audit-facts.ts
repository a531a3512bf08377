import { Duration } from 'cdk8s';
import { parse as parseYaml } from 'yaml';
import { parseGoDuration } from './_config';
import { isPlainObject } from '../core/_boundary';
import { formatValue } from '../core/_errors';
import { KubernetesVersion } from '../core/kubernetes-version';
import { KubeProxyMode } from '../kube-proxy/kube-proxy-mode';

/*
 * What a cluster's manifests say, read as the facts and component properties the constructs
 * take. A cluster's config is read the way its consumer reads it: a KubeProxyConfiguration's
 * zero values are kube-proxy's defaults (pkg/proxy/apis/config/v1alpha1/defaults.go: "" mode is
 * iptables on Linux, 0s sync periods become 30s / 1s, null conntrack fields become 32768 per core,
 * 131072, 24h, 1h; an explicit 0 leaves the kernel's value), so the checks see what runs.
 */

/** One manifest, located in its file. */
export interface AuditInput {
  readonly file: string;
  readonly line: number;
  readonly object: Record<string, any>;
  /** Why the document could not be read (not YAML, a List without items): reported, never checked. */
  readonly problem?: string;
  /** The fix for that problem. @default - render templates before auditing */
  readonly problemFix?: string;
}

/** kind/namespace/name, or kind/name for objects without a namespace (cluster-scoped, or files such as KubeletConfiguration). */
export const objectId = (o: Record<string, any>) => `${o.kind ?? '(no kind)'}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '(unnamed)'}`;

/** Where a fact or a component came from: the object, its file and line, and the field. */
export interface Origin {
  readonly input: AuditInput;
  /** The field inside the object (`data["config.conf"]: mode`). */
  readonly field: string;
}

export const describeOrigin = (o: Origin) => `${objectId(o.input.object)} ${o.field} (${o.input.file}:${o.input.line})`;

/** A problem reading an object (not YAML inside, a value kube-proxy would refuse): an audit finding. */
export interface ReadProblem {
  readonly input: AuditInput;
  readonly ruleId: string;
  readonly message: string;
  readonly fix: string;
}

/** A ConfigMap key holding YAML (KubeProxyConfiguration, ClusterConfiguration, KubeletConfiguration). */
export function yamlData(input: AuditInput, key: string, problems: ReadProblem[], ruleId: string): Record<string, any> | undefined {
  const text = input.object.data?.[key];
  if (typeof text !== 'string') return undefined;
  try {
    const doc = parseYaml(text);
    if (isPlainObject(doc)) return doc as Record<string, any>;
    problems.push({ input, ruleId, message: `data["${key}"] is not a YAML map`, fix: 'restore the component configuration in that key' });
  } catch (e) {
    problems.push({ input, ruleId, message: `data["${key}"] is not YAML: ${(e as Error).message.split('\n')[0]}`, fix: 'fix the YAML: the component refuses to start with it' });
  }
  return undefined;
}

/** A YAML text that holds a map, or undefined. */
export function parseYamlMap(text: string): Record<string, any> | undefined {
  try {
    const doc = parseYaml(text);
    return isPlainObject(doc) ? doc as Record<string, any> : undefined;
  } catch {
    return undefined;
  }
}

/** The Kubernetes minor an image tag (registry.k8s.io/kube-proxy:v1.33.2) or a version text (v1.33.2) names, if any. */
export function minorOf(text: unknown): { text: string; version?: KubernetesVersion } | undefined {
  if (typeof text !== 'string') return undefined;
  // registry.k8s.io/kube-proxy:v1.33.2@sha256:...: the tag, not the digest
  const ref = text.split('@')[0];
  const tag = ref.includes(':') ? ref.slice(ref.lastIndexOf(':') + 1) : ref;
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(tag);
  if (!m) return undefined;
  const minor = `${m[1]}.${m[2]}`;
  try {
    return { text: minor, version: KubernetesVersion.of(minor) };
  } catch {
    return { text: minor };
  }
}

/** A CPU quantity (status.capacity.cpu: "8", "3500m") in whole cores, rounded down; undefined when it is not one. */
export function cpuCores(q: unknown): number | undefined {
  const text = typeof q === 'number' ? String(q) : q;
  if (typeof text !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(text.trim());
  if (!m) return undefined;
  const cores = Math.floor(m[2] ? Number(m[1]) / 1000 : Number(m[1]));
  return cores >= 1 ? cores : undefined;
}

/**
 * A Calico enum as Felix takes it (the CRD's patterns are case-insensitive, "" is unset:
 * `^(?i)(Off|Info|Debug)?$`): the library's spelling, undefined for "", or the text as written when
 * the library has no such value (so the caller reports it instead of refusing a valid setting).
 */
export function calicoEnum(v: unknown, allowed: readonly string[]): { value?: string; unknown?: string } {
  if (v === undefined || v === null || v === '') return {};
  const found = allowed.find((a) => a.toLowerCase() === String(v).toLowerCase());
  return found ? { value: found } : { unknown: String(v) };
}

// ---- kube-proxy ----

/** kube-proxy's defaults for zero values, per mode section (defaults.go; kube-proxy.md in the reference notes). */
const SYNC_DEFAULTS: Record<KubeProxyMode, { syncPeriod: string; minSyncPeriod: string }> = {
  [KubeProxyMode.IPTABLES]: { syncPeriod: '30s', minSyncPeriod: '1s' },
  // IPVS keeps a zero minSyncPeriod: every change is applied at once
  [KubeProxyMode.IPVS]: { syncPeriod: '30s', minSyncPeriod: '0s' },
  [KubeProxyMode.NFTABLES]: { syncPeriod: '30s', minSyncPeriod: '1s' },
};

/** A KubeProxyConfiguration as TunedKubeProxy's properties, with the config's field names where they differ. */
export interface KubeProxyReading {
  readonly props: Record<string, unknown>;
  readonly mode: KubeProxyMode;
  /** How the mode came about, for the facts list. */
  readonly modeFrom: string;
  /** TunedKubeProxy property -> KubeProxyConfiguration field, for problems. */
  readonly names: Record<string, string>;
  /** The pod CIDR kube-proxy was given (clusterCIDR), if any. */
  readonly clusterCidr?: string;
}

const isZero = (v: unknown) => v === undefined || v === null || v === '' || v === 0 || v === '0' || v === '0s';

/**
 * The effective settings of a KubeProxyConfiguration (only the active mode's section: conversion.go
 * takes the sync periods from it), or problems kube-proxy would report at start.
 */
export function readKubeProxyConfig(input: AuditInput, cfg: Record<string, any>, problems: ReadProblem[]): KubeProxyReading | undefined {
  const ruleId = 'KUBE-PROXY-CONFIG';
  // what this reading found wrong, not what other readers reported before it
  const before = problems.length;
  const bad = (field: string, value: unknown, rule: string) => problems.push({
    input, ruleId, message: `data["config.conf"]: '${field}' (${formatValue(value)}) ${rule}`, fix: 'correct the KubeProxyConfiguration: kube-proxy refuses to start with it',
  });
  const rawMode = cfg.mode;
  const modes = Object.values(KubeProxyMode) as string[];
  if (rawMode !== undefined && rawMode !== null && rawMode !== '' && !modes.includes(rawMode)) {
    bad('mode', rawMode, `is not a Linux kube-proxy mode (${modes.join(', ')}, or "" for iptables)`);
    return undefined;
  }
  const mode = (isZero(rawMode) ? KubeProxyMode.IPTABLES : rawMode) as KubeProxyMode;
  const modeFrom = isZero(rawMode) ? 'mode "" (kube-proxy\'s default on Linux: iptables)' : `mode ${mode}`;
  const duration = (field: string, v: unknown, zero: string | undefined): Duration | undefined => {
    const text = isZero(v) ? zero : typeof v === 'string' ? v : undefined;
    if (text === undefined) {
      if (!isZero(v)) bad(field, v, 'must be a Go duration such as 30s');
      return undefined;
    }
    const d = parseGoDuration(text);
    if (!d) bad(field, v, 'must be a Go duration in whole milliseconds, such as 30s or 1m30s');
    return d;
  };
  const section = isPlainObject(cfg[mode]) ? cfg[mode] as Record<string, any> : {};
  const sync = SYNC_DEFAULTS[mode];
  const block: Record<string, unknown> = {
    syncPeriod: duration(`${mode}.syncPeriod`, section.syncPeriod, sync.syncPeriod),
    minSyncPeriod: duration(`${mode}.minSyncPeriod`, section.minSyncPeriod, sync.minSyncPeriod),
  };
  const names: Record<string, string> = {};
  if (mode === KubeProxyMode.IPVS) {
    block.scheduler = isZero(section.scheduler) ? 'rr' : section.scheduler;
    if (section.strictARP !== undefined && section.strictARP !== null && typeof section.strictARP !== 'boolean') bad('ipvs.strictARP', section.strictARP, 'must be true or false');
    block.strictArp = section.strictARP === true;
    names['ipvs.strictArp'] = 'ipvs.strictARP';
    if (Array.isArray(section.excludeCIDRs) && section.excludeCIDRs.length > 0) {
      block.excludeCidrs = section.excludeCIDRs;
      names['ipvs.excludeCidrs'] = 'ipvs.excludeCIDRs';
    }
    // 0s keeps the kernel's IPVS timeouts (types.go): not set
    for (const f of ['tcpTimeout', 'tcpFinTimeout', 'udpTimeout']) if (!isZero(section[f])) block[f] = duration(`ipvs.${f}`, section[f], undefined);
  } else {
    if (section.masqueradeBit !== undefined && section.masqueradeBit !== null) block.masqueradeBit = section.masqueradeBit;
    if (section.masqueradeAll === true) block.masqueradeAll = true;
    if (mode === KubeProxyMode.IPTABLES && typeof section.localhostNodePorts === 'boolean') block.localhostNodePorts = section.localhostNodePorts;
  }
  const ct = isPlainObject(cfg.conntrack) ? cfg.conntrack as Record<string, any> : {};
  // pointers: null is the default, an explicit 0 leaves the kernel's value (kube-proxy.md §2)
  const count = (f: string, dflt: number) => (ct[f] === undefined || ct[f] === null ? dflt : ct[f]);
  const conntrack: Record<string, unknown> = {
    maxPerCore: count('maxPerCore', 32768),
    min: count('min', 131072),
    tcpEstablishedTimeout: ct.tcpEstablishedTimeout === undefined || ct.tcpEstablishedTimeout === null ? Duration.hours(24) : duration('conntrack.tcpEstablishedTimeout', ct.tcpEstablishedTimeout, '0s'),
    tcpCloseWaitTimeout: ct.tcpCloseWaitTimeout === undefined || ct.tcpCloseWaitTimeout === null ? Duration.hours(1) : duration('conntrack.tcpCloseWaitTimeout', ct.tcpCloseWaitTimeout, '0s'),
  };
  if (ct.tcpBeLiberal === true) conntrack.tcpBeLiberal = true;
  else if (ct.tcpBeLiberal !== undefined && ct.tcpBeLiberal !== null && typeof ct.tcpBeLiberal !== 'boolean') bad('conntrack.tcpBeLiberal', ct.tcpBeLiberal, 'must be true or false');
  for (const f of ['udpTimeout', 'udpStreamTimeout']) if (!isZero(ct[f])) conntrack[f] = duration(`conntrack.${f}`, ct[f], undefined);
  for (const f of ['maxPerCore', 'min']) {
    if (typeof conntrack[f] !== 'number') bad(`conntrack.${f}`, conntrack[f], 'must be a whole number (Go int32)');
  }
  // defaults.go getDefaultAddresses: loopback / any of the bindAddress's family
  const ipv6 = typeof cfg.bindAddress === 'string' && cfg.bindAddress.includes(':');
  const props: Record<string, unknown> = {
    mode,
    [mode]: block,
    conntrack,
    metricsBindAddress: bindAddress(cfg.metricsBindAddress, 10249, ipv6 ? '::1' : '127.0.0.1'),
    healthzBindAddress: bindAddress(cfg.healthzBindAddress, 10256, ipv6 ? '::' : '0.0.0.0'),
    ...(Array.isArray(cfg.nodePortAddresses) && cfg.nodePortAddresses.length > 0 ? { nodePortAddresses: cfg.nodePortAddresses } : {}),
  };
  if (problems.length > before) return undefined;
  return { props, mode, modeFrom, names, clusterCidr: typeof cfg.clusterCIDR === 'string' && cfg.clusterCIDR !== '' ? cfg.clusterCIDR : undefined };
}

/**
 * A kube-proxy bind address as it runs: "" is the default host, a host without a port gets the
 * component's port (defaults.go: proxyutil.AppendPortIfNeeded).
 */
function bindAddress(v: unknown, port: number, host: string): string {
  if (isZero(v) || typeof v !== 'string') return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  if (/^\[.*\]:\d+$/.test(v) || /^[^:]+:\d+$/.test(v)) return v;
  if (/^\[.*\]$/.test(v)) return `${v}:${port}`;
  return v.includes(':') ? `[${v}]:${port}` : `${v}:${port}`;
}

// ---- node-local-dns ----

/** A node-cache flag's value (`-localip a,b` or `-localip=a,b`). */
export function flagValue(args: unknown[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = String(args[i]);
    if (a === `-${flag}` || a === `--${flag}`) return args[i + 1] === undefined ? undefined : String(args[i + 1]);
    if (a.startsWith(`-${flag}=`) || a.startsWith(`--${flag}=`)) return a.slice(a.indexOf('=') + 1);
  }
  return undefined;
}

export const hasFlag = (args: unknown[], flag: string) => args.some((a) => {
  const s = String(a);
  return s === `-${flag}` || s === `--${flag}` || s.startsWith(`-${flag}=`) || s.startsWith(`--${flag}=`);
});

/**
 * CiliumTuning's properties and where each is set: its Helm value, and the cilium-config key the
 * chart renders it into (the agent reads strings there). One table for both readers, so a property
 * is read alike from values and from a running agent's configuration.
 */
const CILIUM_KEYS: ReadonlyArray<{ readonly prop: string; readonly helm: string; readonly agent?: string; readonly type: 'bool' | 'string' | 'int' | 'float' }> = [
  { prop: 'kubeProxyReplacement', helm: 'kubeProxyReplacement', agent: 'kube-proxy-replacement', type: 'bool' },
  { prop: 'routingMode', helm: 'routingMode', agent: 'routing-mode', type: 'string' },
  { prop: 'tunnelProtocol', helm: 'tunnelProtocol', agent: 'tunnel-protocol', type: 'string' },
  { prop: 'ipv4NativeRoutingCidr', helm: 'ipv4NativeRoutingCIDR', agent: 'ipv4-native-routing-cidr', type: 'string' },
  { prop: 'autoDirectNodeRoutes', helm: 'autoDirectNodeRoutes', agent: 'auto-direct-node-routes', type: 'bool' },
  { prop: 'bpfMasquerade', helm: 'bpf.masquerade', agent: 'enable-bpf-masquerade', type: 'bool' },
  { prop: 'bpfTproxy', helm: 'bpf.tproxy', agent: 'enable-bpf-tproxy', type: 'bool' },
  { prop: 'datapathMode', helm: 'bpf.datapathMode', agent: 'datapath-mode', type: 'string' },
  { prop: 'mapDynamicSizeRatio', helm: 'bpf.mapDynamicSizeRatio', agent: 'bpf-map-dynamic-size-ratio', type: 'float' },
  { prop: 'bpfCtTcpMax', helm: 'bpf.ctTcpMax', agent: 'bpf-ct-global-tcp-max', type: 'int' },
  { prop: 'bpfCtAnyMax', helm: 'bpf.ctAnyMax', agent: 'bpf-ct-global-any-max', type: 'int' },
  { prop: 'bpfLbMapMax', helm: 'bpf.lbMapMax', agent: 'bpf-lb-map-max', type: 'int' },
  { prop: 'bpfPolicyMapMax', helm: 'bpf.policyMapMax', agent: 'bpf-policy-map-max', type: 'int' },
  { prop: 'hubble', helm: 'hubble.enabled', agent: 'enable-hubble', type: 'bool' },
  // the relay and UI are Deployments of their own, not agent options
  { prop: 'hubbleRelay', helm: 'hubble.relay.enabled', type: 'bool' },
  { prop: 'hubbleUi', helm: 'hubble.ui.enabled', type: 'bool' },
  { prop: 'hubbleMetrics', helm: 'hubble.metrics.enabled', type: 'string' },
  { prop: 'loadBalancerMode', helm: 'loadBalancer.mode', agent: 'bpf-lb-mode', type: 'string' },
  { prop: 'localRedirectPolicies', helm: 'localRedirectPolicies.enabled', agent: 'enable-local-redirect-policy', type: 'bool' },
];

/** The tunnel protocol counts only in tunnel mode, the native-routing CIDR only in native mode (the chart renders one or the other). */
function appliesTo(prop: string, routingMode: unknown): boolean {
  if (prop === 'tunnelProtocol') return routingMode !== 'native';
  if (prop === 'ipv4NativeRoutingCidr') return routingMode === 'native';
  return true;
}

/** Cilium agent options from the cilium-config ConfigMap (strings, as the agent reads them). */
export function ciliumProps(data: Record<string, unknown>): CiliumReading {
  const props: Record<string, unknown> = {};
  const names: Record<string, string> = {};
  for (const k of CILIUM_KEYS) {
    const raw = k.agent === undefined ? undefined : data[k.agent];
    if (raw === undefined || !appliesTo(k.prop, data['routing-mode'])) continue;
    const text = String(raw);
    // what the agent reads (viper over strings: "strict" is the old spelling of true); a value it cannot
    // read reaches CiliumTuning as written, so the construct's check names it
    props[k.prop] = k.type === 'bool' ? ['true', 'strict'].includes(text)
      : k.type === 'float' ? goFloat(text) ?? raw
        : k.type === 'int' ? (/^\d+$/.test(text) ? Number(text) : raw)
          : raw;
    names[k.prop] = `data["${k.agent}"]`;
  }
  // the agent's options have no removed Helm values to report
  return { props, names, removed: [] };
}

/** A decimal float as Go's strconv.ParseFloat reads one (no spaces, no hex); undefined otherwise. */
function goFloat(text: string): number | undefined {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : undefined;
}

/** CiliumTuning's properties read from Cilium's configuration, the values' names, and removed values it holds. */
export interface CiliumReading {
  readonly props: Record<string, unknown>;
  readonly names: Record<string, string>;
  readonly removed: RemovedValue[];
}

/** Cilium Helm values (a values file, a HelmRelease's values or its valuesFrom ConfigMap) as CiliumTuning's properties. */
export function ciliumValuesProps(values: Record<string, any>): CiliumReading {
  const props: Record<string, unknown> = {};
  const names: Record<string, string> = {};
  const get = (p: string) => p.split('.').reduce<any>((o, key) => (isPlainObject(o) ? (o as Record<string, unknown>)[key] : undefined), values);
  for (const k of CILIUM_KEYS) {
    // charts before 1.16 took localRedirectPolicy: true
    const helm = k.prop === 'localRedirectPolicies' && !isPlainObject(values.localRedirectPolicies) ? 'localRedirectPolicy' : k.helm;
    const v = get(helm);
    if (v === undefined || v === null || !appliesTo(k.prop, get('routingMode'))) continue;
    // "strict"/"partial"/"disabled" are reported as removed values (REMOVED_VALUES); strict meant what true means now
    props[k.prop] = k.prop === 'kubeProxyReplacement' ? (v === 'strict' || v === 'true' ? true : v === 'false' || v === 'disabled' || v === 'partial' ? false : v) : v;
    names[k.prop] = helm;
  }
  return { props, names, removed: REMOVED_VALUES.filter((r) => r.applies(values)) };
}

/** A value a Cilium chart no longer takes: the chart's templates fail on it from `since` (validate.yaml). */
export interface RemovedValue {
  readonly key: string;
  readonly since: string;
  readonly message: string;
  readonly applies: (values: Record<string, any>) => boolean;
}

const REMOVED_VALUES: RemovedValue[] = [
  {
    key: 'kubeProxyReplacement',
    since: '1.16.0',
    message: "'kubeProxyReplacement' (strict/partial/disabled) was replaced by true/false in chart 1.14 and the old values removed in 1.16: the chart refuses them",
    applies: (v) => ['strict', 'partial', 'disabled'].includes(String(v.kubeProxyReplacement)),
  },
  {
    key: 'tunnel',
    since: '1.15.0',
    message: "'tunnel' was deprecated in 1.14 and removed in 1.15: use routingMode (native|tunnel) and tunnelProtocol (vxlan|geneve)",
    applies: (v) => v.tunnel !== undefined,
  },
  {
    key: 'nativeRoutingCIDR',
    since: '1.15.0',
    message: "'nativeRoutingCIDR' was renamed ipv4NativeRoutingCIDR (1.12) and the old key removed: the chart ignores it, so native routing has no CIDR",
    applies: (v) => v.nativeRoutingCIDR !== undefined,
  },
];

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Yaml } from 'cdk8s';
import { nameInputs } from '../core/_input-names';
import { needsOf } from '../core/_prerequisites';
import { ApplyPrerequisite, ClusterProfile, ClusterProfileProps, NetworkTuning, NetworkTuningProps, TuningReport } from '../index';

/*
 * One cluster synthesized as `cdk8s synth` would: a NetworkTuning in an app of its own, written to
 * a fresh temporary folder, then installed into the output folder. What the run wrote is exactly
 * what that folder holds (no timestamps compared), and a failed run leaves the output untouched.
 */

/** A usage or input problem: printed without a stack, exit code 2. */
export class UsageError extends Error {}

/** NetworkTuning's components by construct id, and the property (config key) that configures each. */
export const COMPONENT_KEYS: Record<string, string> = {
  Calico: 'calico',
  Cilium: 'cilium',
  Flannel: 'flannel',
  KubeProxy: 'kubeProxy',
  Sysctls: 'sysctls',
  CoreDns: 'coreDns',
  NodeLocalDns: 'nodeLocalDns',
  PodDns: 'podDns',
  DefaultDeny: 'defaultDeny',
  Alerts: 'alerts',
};

export interface ClusterInput {
  /** NetworkTuning properties (the profile apart), converted from the file. */
  readonly props: Record<string, unknown>;
  /** ClusterProfile properties. */
  readonly profile: Record<string, unknown>;
  /** Where the properties came from (`config cluster.yaml`), for problems; absent for flags alone. */
  readonly label?: string;
  /** Prepended to every key in problems (`clusters[2].`). */
  readonly keyPrefix?: string;
  /** A profile property's name in problems, as `[label] 'key'` (a flag, a config key). */
  readonly profileNames?: Record<string, string>;
  /**
   * Key paths (`coreDns.cacheTtl`) a fleet's defaults set for this cluster and it did not override:
   * their problems are named `defaults.<path>`, not the cluster's key.
   */
  readonly fromDefaults?: string[];
  /** Put the objects that need a CRD or a namespace from another install into `addons/` (see splitAddons). */
  readonly splitAddons?: boolean;
}

/** The folder, under a cluster's, of the objects that wait on another install: a folder per install under it. */
export const ADDONS_FOLDER = 'addons';

/** A synthesized cluster, in its temporary folder. */
export interface Synthesized {
  readonly dir: string;
  /** Files it holds, relative, in code-point order. */
  readonly files: string[];
  /** Its warnings (not acknowledged), as `RULE-ID [path]: message`, in code-point order. */
  readonly warnings: string[];
  /** What its objects need before they apply (TuningReport.prerequisites). */
  readonly prerequisites: ApplyPrerequisite[];
}

/** Builds and synthesizes one cluster; input problems throw UsageError, failing rules throw Error. */
export function synthesizeCluster(input: ClusterInput): Synthesized {
  let profile: ClusterProfile;
  try {
    profile = new ClusterProfile(input.profile as ClusterProfileProps);
  } catch (e) {
    // the profile names its properties; each is named as the flag or key it came from
    let message = (e as Error).message;
    for (const [prop, name] of Object.entries(input.profileNames ?? {})) message = message.split(`[ClusterProfile] '${prop}'`).join(name);
    throw new UsageError(message);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-network-tuning-'));
  const app = new App({ outdir: dir });
  const chart = new Chart(app, 'network');
  if (input.label) {
    // problems name the key that set the property: NetworkTuning's keys, and its components' under their key
    const prefix = input.keyPrefix ?? '';
    const defaulted = input.fromDefaults ?? [];
    const absolute = (key?: string) => Object.fromEntries(defaulted
      .filter((p) => key === undefined || p.startsWith(`${key}.`))
      .map((p) => [key === undefined ? p : p.slice(key.length + 1), `defaults.${p}`]));
    nameInputs(app, 'network/tuning', { label: input.label, ...(prefix ? { prefix } : {}), absolute: absolute() });
    for (const [id, key] of Object.entries(COMPONENT_KEYS)) {
      // a component the cluster does not configure at all is the defaults' own
      const own = defaulted.includes(key) ? 'defaults.' : prefix;
      nameInputs(app, `network/tuning/${id}`, { label: input.label, prefix: `${own}${key}.`, absolute: absolute(key), object: `${own}${key}` });
    }
  }
  try {
    try {
      new NetworkTuning(chart, 'tuning', { ...(input.props as NetworkTuningProps), profile });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    app.synth();
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const report = TuningReport.of(app);
  const warnings = [...new Set(report.warnings.map((w) => `${w.ruleId} [${w.path}]: ${w.message}`))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (input.splitAddons) splitAddons(dir);
  return { dir, files: filesUnder(dir), warnings, prerequisites: report.prerequisites };
}

/** The CRD groups of the cluster's own CNI: its configuration belongs with kube-proxy's (the CNI is there by definition). */
const CNI_GROUPS = new Set(['cilium.io', 'projectcalico.org', 'crd.projectcalico.org', 'operator.tigera.io']);
/** Namespaces the CNI's own install creates. */
const CNI_NAMESPACES = new Set(['kube-flannel', 'tigera-operator']);

/**
 * Which install a document waits on, as the name of its addons folder: `monitoring` (the Prometheus
 * Operator's kinds, the monitoring namespace), `flux` (HelmRelease, HelmRepository), `other`; undefined
 * for what a cluster has (built-in kinds, its CNI's kinds and namespaces, namespaces the output creates).
 */
function addonGroup(d: Record<string, any>, created: ReadonlySet<string>): string | undefined {
  const apiVersion = String(d?.apiVersion ?? '');
  const needs = needsOf(apiVersion, d?.metadata?.namespace, created);
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  if (needs.crd !== undefined && !CNI_GROUPS.has(group)) {
    return group === 'monitoring.coreos.com' ? 'monitoring' : group.endsWith('.toolkit.fluxcd.io') ? 'flux' : 'other';
  }
  if (needs.namespace !== undefined && !CNI_NAMESPACES.has(needs.namespace)) {
    return needs.namespace === 'monitoring' ? 'monitoring' : needs.namespace === 'flux-system' ? 'flux' : 'other';
  }
  return undefined;
}

/**
 * Moves the documents that wait on another install (the Prometheus Operator's kinds, a HelmRelease,
 * objects in the monitoring namespace) from each manifest file into `addons/<group>/<file>`, one folder
 * per install. A GitOps engine syncs a folder as one unit: Argo CD's dry run refuses the whole sync when
 * one kind is unknown ("the server could not find the requested resource"), Flux's apply fails the
 * Kustomization; kube-proxy and DNS tuning must not wait on a monitoring stack, and a missing Flux must
 * not hold back the alerts. The CNI's own kinds stay: a CiliumNetworkPolicy that lets DNS through a
 * default deny must apply with it.
 */
function splitAddons(dir: string): void {
  const manifests = fs.readdirSync(dir).filter((f) => f.endsWith('.k8s.yaml')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const docs = new Map(manifests.map((f) => [f, Yaml.load(path.join(dir, f)) as Array<Record<string, any>>]));
  const created = new Set([...docs.values()].flat().filter((d) => d?.kind === 'Namespace' && d.apiVersion === 'v1').map((d) => String(d.metadata?.name)));
  for (const [f, all] of docs) {
    const groups = new Map<string | undefined, Array<Record<string, any>>>();
    for (const d of all) {
      const group = addonGroup(d, created);
      const list = groups.get(group) ?? [];
      list.push(d);
      groups.set(group, list);
    }
    if (groups.size === 1 && groups.has(undefined)) continue;
    for (const [group, list] of groups) {
      if (group === undefined) continue;
      fs.mkdirSync(path.join(dir, ADDONS_FOLDER, group), { recursive: true });
      Yaml.save(path.join(dir, ADDONS_FOLDER, group, f), list);
    }
    const core = groups.get(undefined) ?? [];
    if (core.length > 0) Yaml.save(path.join(dir, f), core);
    else fs.rmSync(path.join(dir, f));
  }
}

/** Copies a synthesized cluster into `outdir` (created if needed); returns what it wrote and what else was there. */
export function install(built: Synthesized, outdir: string): { written: string[]; stale: string[] } {
  try {
    const blocked = blockedPaths(outdir, built.files);
    if (blocked.length > 0) throw new UsageError(`[cdk8s-network-tuning synth] ${blocked.join(', ')}: a file stands where a folder goes, or a folder where a file goes: nothing was written`);
    const before = fs.existsSync(outdir) ? filesUnder(outdir) : [];
    for (const f of built.files) {
      const to = path.join(outdir, f);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(path.join(built.dir, f), to);
    }
    const written = new Set(built.files);
    return { written: built.files, stale: before.filter((f) => !written.has(f)) };
  } finally {
    fs.rmSync(built.dir, { recursive: true, force: true });
  }
}

/** Paths under `outdir` that would stop `files` from being written: a file where a folder goes, a folder where a file goes. */
export function blockedPaths(outdir: string, files: string[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    const parts = f.split('/');
    for (let i = 0; i <= parts.length; i++) {
      const at = path.join(outdir, ...parts.slice(0, i));
      if (!fs.existsSync(at)) break;
      const isDir = fs.statSync(at).isDirectory();
      if (i < parts.length && !isDir) out.add(at);
      if (i === parts.length && isDir) out.add(at);
    }
  }
  return [...out].sort();
}


/** Files under a folder, relative, in code-point order. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(path.relative(dir, full).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

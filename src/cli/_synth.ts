import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { nameInputs } from '../core/_input-names';
import { ClusterProfile, ClusterProfileProps, NetworkTuning, NetworkTuningProps, TuningReport } from '../index';

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
}

/** A synthesized cluster, in its temporary folder. */
export interface Synthesized {
  readonly dir: string;
  /** Files it holds, relative, in code-point order. */
  readonly files: string[];
  /** Its warnings (not acknowledged), as `RULE-ID [path]: message`, in code-point order. */
  readonly warnings: string[];
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
    nameInputs(app, 'network/tuning', { label: input.label, ...(prefix ? { prefix } : {}) });
    for (const [id, key] of Object.entries(COMPONENT_KEYS)) nameInputs(app, `network/tuning/${id}`, { label: input.label, prefix: `${prefix}${key}.` });
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
  const warnings = [...new Set(TuningReport.of(app).warnings.map((w) => `${w.ruleId} [${w.path}]: ${w.message}`))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { dir, files: filesUnder(dir), warnings };
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

import * as fs from 'fs';
import { Yaml } from 'cdk8s';
import { audit, AuditInput, readManifests } from './_audit';
import { renderAudit } from './_audit-report';
import { fromConfig, versionOf } from './_config';
import { synthFleet } from './_inventory';
import { install, synthesizeCluster, UsageError } from './_synth';
import { ConfigErrors } from '../core/_errors';
// the package as users import it: its rules and the hook that writes the report and node files load with it
import { CniPlugin, CniRecommendation, FindingSeverity, ScaleTier, TierTable } from '../index';

/*
 * `cdk8s-network-tuning synth` and `recommend`: the constructs behind a command line, for
 * teams that do not write TypeScript. One engine: synth builds the same NetworkTuning a cdk8s
 * app would and writes what `cdk8s synth` writes (manifests, report, kubelet files).
 */

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** What `-` reads (the process's stdin unless given). */
  readonly stdin?: () => string;
  /** Whether stdout is a terminal (colour only then). */
  readonly isTty?: boolean;
}

const USAGE = `Usage: cdk8s-network-tuning <command> [flags]

Commands:
  synth       write the manifests, tuning-report.md and node files for one cluster
  recommend   print the tier and CNI for a cluster's size, and why
  audit       check a cluster's manifests (files, folders, - for stdin) with the library's rules

synth flags:
  --tier small|medium|large     the scale tier (default: the config's, else small)
  --kubernetes-version 1.N      the cluster's Kubernetes version (default: the library's default)
  --cni flannel|calico|cilium   the CNI (default: the tier's)
  --api-server-host HOST        the API server's address (kube-proxy's kubeconfig, Cilium, Calico eBPF)
  --config FILE                 NetworkTuning properties as YAML or JSON (flags win over it)
  --inventory FILE              a fleet: one folder per cluster and an Argo CD ApplicationSet or Flux Kustomizations
  -o, --output DIR              where to write (default: dist)

audit flags (facts the manifests do not hold; what they hold wins, a disagreement is reported):
  --tier small|medium|large     the tier to compare with (default: the size's, else the one it resembles)
  --kubernetes-version 1.N      the cluster's version (default: kube-proxy's image, kubeadm-config)
  --nodes N --services N        the cluster's size (default: Node objects; else unknown)
  --cpu-cores-per-node N        cores of the smallest node (conntrack sizing; default: Node objects)
  --api-server-host HOST        the API server (default: kubeadm-config, Cilium's values)
  --nodes-share-l2-segment      the nodes share one L2 segment (Cilium and Flannel direct routes)
  --service-cidr, --pod-cidr, --dns-service-ip, --cluster-domain
                                the cluster's addresses (default: kubeadm-config, the DNS Service, CNI config)
  --format text|markdown|json|sarif   output format (default: text; colour only on a terminal)
  --fail-on error|warning       exit 1 on errors (default) or on warnings too

recommend flags:
  --nodes N --services N        the cluster's size (required)
  --network-policy              NetworkPolicies must be enforced
  --high-performance            prefer an eBPF data plane below the large tier
  --format text|json            output format (default: text)
`;


interface Flags {
  readonly values: Record<string, string>;
  readonly switches: Set<string>;
}

function parseFlags(command: string, args: string[], valued: string[], switches: string[]): Flags {
  const errors = new ConfigErrors(`cdk8s-network-tuning ${command}`);
  const values: Record<string, string> = {};
  const on = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const name = flag === '-o' ? '--output' : flag;
    if (valued.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) errors.addMissing(name, 'needs a value');
      else if (values[name] !== undefined) errors.add(name, value, `is given twice (first ${values[name]})`);
      else values[name] = value;
    } else if (switches.includes(name) && inline === undefined) {
      on.add(name);
    } else if (switches.includes(name)) {
      errors.add(name, inline, 'takes no value: give the flag alone to turn it on');
    } else {
      errors.addMissing(name, `is not a flag of ${command} (see --help)`);
    }
  }
  if (errors.count > 0) throw new UsageError(errors.messages.join('\n'));
  return { values, switches: on };
}

function oneOf<T extends string>(errors: ConfigErrors, flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  errors.add(flag, value, `must be one of: ${allowed.join(', ')}`);
  return undefined;
}

function wholeNumber(errors: ConfigErrors, flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) {
    errors.addMissing(flag, 'is required');
    return undefined;
  }
  // what Go's strconv.Atoi and a shell user mean by a number: digits only
  if (!/^\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
    errors.add(flag, value, `must be a whole number >= ${min}`);
    return undefined;
  }
  return Number(value);
}

/** The config file's NetworkTuning properties and its profile's, converted; problems name the file and the key. */
function readConfig(file: string): { props: Record<string, unknown>; profile: Record<string, unknown> } {
  const errors = new ConfigErrors(`config ${file}`);
  if (!fs.existsSync(file)) throw new UsageError(`[cdk8s-network-tuning synth] '--config' (${file}) does not exist`);
  let docs: unknown[];
  try {
    docs = Yaml.load(file);
  } catch (e) {
    throw new UsageError(`[config ${file}] is not YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  if (docs.length !== 1) throw new UsageError(`[config ${file}] must hold one document of NetworkTuning properties, not ${docs.length}`);
  const doc = docs[0];
  // the profile stays props here: flags are merged into it before the one ClusterProfile is built
  const { profile: rawProfile, ...rest } = (typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? doc : { '(document)': doc }) as Record<string, unknown>;
  const props = fromConfig(errors, 'NetworkTuningProps', typeof doc === 'object' && doc !== null && !Array.isArray(doc) ? rest : doc);
  const profile = rawProfile === undefined ? {} : fromConfig(errors, 'ClusterProfileProps', rawProfile, 'profile');
  if (errors.count > 0) throw new UsageError(errors.messages.join('\n'));
  return { props: props!, profile: profile! };
}

const PROFILE_FLAGS: Record<string, string> = { kubernetesVersion: '--kubernetes-version', apiServerHost: '--api-server-host' };

function synth(args: string[], io: Io): number {
  const flags = parseFlags('synth', args, ['--tier', '--kubernetes-version', '--cni', '--api-server-host', '--config', '--output', '--inventory'], []);
  if (flags.values['--inventory'] !== undefined) return synthInventory(flags, io);
  const errors = new ConfigErrors('cdk8s-network-tuning synth');
  const tier = oneOf(errors, '--tier', flags.values['--tier'], Object.values(ScaleTier));
  const cni = oneOf(errors, '--cni', flags.values['--cni'], Object.values(CniPlugin));
  const versionFlag = flags.values['--kubernetes-version'];
  const version = versionFlag !== undefined ? versionOf(errors, '--kubernetes-version', versionFlag) : undefined;
  if (errors.count > 0) throw new UsageError(errors.messages.join('\n'));

  const configFile = flags.values['--config'];
  const config = configFile ? readConfig(configFile) : { props: {}, profile: {} };
  const outdir = flags.values['--output'] ?? 'dist';
  // flags over the config's profile: one profile, built once, for every component
  const fromFlags: Record<string, unknown> = {
    ...(version ? { kubernetesVersion: version } : {}),
    ...(flags.values['--api-server-host'] !== undefined ? { apiServerHost: flags.values['--api-server-host'] } : {}),
  };
  const built = synthesizeCluster({
    props: { ...config.props, ...(tier ? { tier } : {}), ...(cni ? { cniPlugin: cni } : {}) },
    profile: { ...config.profile, ...fromFlags },
    ...(configFile ? { label: `config ${configFile}` } : {}),
    profileNames: {
      ...Object.fromEntries(Object.keys(config.profile).map((p) => [p, `[config ${configFile}] 'profile.${p}'`])),
      ...Object.fromEntries(Object.keys(fromFlags).map((p) => [p, `[cdk8s-network-tuning synth] '${PROFILE_FLAGS[p]}'`])),
    },
  });
  const { written, stale } = install(built, outdir);
  io.stdout(`wrote ${written.length} files to ${outdir}:\n${written.map((f) => `  ${f}`).join('\n')}\n`);
  if (stale.length > 0) {
    io.stderr(`${stale.length} other files in ${outdir} were not written by this run (left from an earlier one?): ${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', ...' : ''}\n`);
  }
  return 0;
}

/** `synth --inventory`: every cluster of the file, one folder each, and the GitOps engine's objects. */
function synthInventory(flags: Flags, io: Io): number {
  const other = Object.keys(flags.values).filter((f) => f !== '--inventory' && f !== '--output');
  if (other.length > 0) {
    throw new UsageError(other.map((f) => `[cdk8s-network-tuning synth] '${f}' does not combine with '--inventory': set it per cluster (or under defaults) in the inventory`).join('\n'));
  }
  const outdir = flags.values['--output'] ?? 'dist';
  // a progress line per cluster on a terminal; warnings always, named by their cluster
  const { written, stale, clusters, warnings, prerequisites } = synthFleet(flags.values['--inventory'], outdir, (line) => { if (io.isTty) io.stderr(`${line}\n`); },
    (line) => io.stderr(`${line}\n`));
  io.stdout(`wrote ${clusters.length} clusters (${written.length} files) to ${outdir}: ${clusters.map((c) => c.name).join(', ')}\n`);
  if (stale.length > 0) {
    io.stderr(`${stale.length} other files or folders in ${outdir} were not written by this run (clusters removed from the inventory? old node files?): ${stale.slice(0, 5).join(', ')}${stale.length > 5 ? ', ...' : ''}\n`);
  }
  for (const [rule, names] of [...warnings.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    io.stdout(`  warning ${rule}: ${names.length === clusters.length ? 'every cluster' : `${names.length} of ${clusters.length} clusters (${names.join(', ')})`}\n`);
  }
  // what the fleet needs installed first, summed: the addons syncs wait on it (their folders: <cluster>/addons)
  for (const [what, names] of [...prerequisites.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    io.stdout(`  needs ${what} (${names.length === clusters.length ? 'every cluster' : `${names.length} of ${clusters.length} clusters: ${names.join(', ')}`})\n`);
  }
  return 0;
}

function recommend(args: string[], io: Io): number {
  const flags = parseFlags('recommend', args, ['--nodes', '--services', '--format'], ['--network-policy', '--high-performance']);
  const errors = new ConfigErrors('cdk8s-network-tuning recommend');
  const nodes = wholeNumber(errors, '--nodes', flags.values['--nodes'], 1);
  const services = wholeNumber(errors, '--services', flags.values['--services'], 0);
  const format = oneOf(errors, '--format', flags.values['--format'], ['text', 'json'] as const) ?? 'text';
  if (errors.count > 0) throw new UsageError(errors.messages.join('\n'));
  const tier = TierTable.tierFor({ nodes: nodes!, services: services! });
  const why = tier === ScaleTier.LARGE
    ? (services! >= 1000 ? `${services} Services: 1,000 or more is the guide's limit for kube-proxy iptables mode` : `${nodes} nodes: more than 500`)
    : tier === ScaleTier.MEDIUM ? `${nodes} nodes: more than 50, at most 500, and fewer than 1,000 Services` : `${nodes} nodes: at most 50, and fewer than 1,000 Services`;
  const cni = CniRecommendation.recommend({ tier, networkPolicy: flags.switches.has('--network-policy'), highPerformance: flags.switches.has('--high-performance') });
  if (format === 'json') {
    io.stdout(`${JSON.stringify({ tier, why, cni: cni.plugin, cniReasons: cni.reasons, alternatives: cni.alternatives }, undefined, 2)}\n`);
  } else {
    io.stdout([`tier: ${tier}`, `  ${why}`, `cni: ${cni.plugin}`, ...cni.reasons.map((r) => `  ${r}`), 'alternatives:', ...cni.alternatives.map((a) => `  ${a}`), ''].join('\n'));
  }
  return 0;
}

const AUDIT_VALUED = ['--tier', '--kubernetes-version', '--format', '--fail-on', '--nodes', '--services', '--cpu-cores-per-node', '--api-server-host',
  '--service-cidr', '--pod-cidr', '--dns-service-ip', '--cluster-domain'];

function auditCommand(args: string[], io: Io): number {
  // by position: a folder named like a flag's value (audit large --tier large) is still a path
  const isPath = args.map((a, i) => (!a.startsWith('-') || a === '-') && !(i > 0 && AUDIT_VALUED.includes(args[i - 1])));
  const paths = args.filter((_a, i) => isPath[i]);
  const flags = parseFlags('audit', args.filter((_a, i) => !isPath[i]), AUDIT_VALUED, ['--nodes-share-l2-segment']);
  const errors = new ConfigErrors('cdk8s-network-tuning audit');
  const v = flags.values;
  const tier = oneOf(errors, '--tier', v['--tier'], Object.values(ScaleTier));
  const format = oneOf(errors, '--format', v['--format'], ['text', 'markdown', 'json', 'sarif'] as const) ?? 'text';
  const failOn = oneOf(errors, '--fail-on', v['--fail-on'], ['error', 'warning'] as const) ?? 'error';
  const version = v['--kubernetes-version'] !== undefined ? versionOf(errors, '--kubernetes-version', v['--kubernetes-version']) : undefined;
  const count = (flag: string, min: number) => (v[flag] === undefined ? undefined : wholeNumber(errors, flag, v[flag], min));
  const nodes = count('--nodes', 1);
  const services = count('--services', 0);
  const cpuCoresPerNode = count('--cpu-cores-per-node', 1);
  if (paths.length === 0) errors.addMissing('paths', 'are required: files or folders of manifests, or - for stdin');
  if (errors.count > 0) throw new UsageError(errors.messages.join('\n'));
  let inputs: AuditInput[];
  try {
    inputs = readManifests(paths, io.stdin ?? (() => fs.readFileSync(0, 'utf8')));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const result = audit(inputs, {
    ...(tier ? { tier } : {}),
    ...(version ? { kubernetesVersion: version } : {}),
    ...(nodes !== undefined ? { nodes } : {}),
    ...(services !== undefined ? { services } : {}),
    ...(cpuCoresPerNode !== undefined ? { cpuCoresPerNode } : {}),
    ...(v['--api-server-host'] !== undefined ? { apiServerHost: v['--api-server-host'] } : {}),
    ...(flags.switches.has('--nodes-share-l2-segment') ? { nodesShareL2Segment: true } : {}),
    ...(v['--service-cidr'] !== undefined ? { serviceCidr: v['--service-cidr'] } : {}),
    ...(v['--pod-cidr'] !== undefined ? { podCidr: v['--pod-cidr'] } : {}),
    ...(v['--dns-service-ip'] !== undefined ? { dnsServiceIp: v['--dns-service-ip'] } : {}),
    ...(v['--cluster-domain'] !== undefined ? { clusterDomain: v['--cluster-domain'] } : {}),
  });
  io.stdout(renderAudit(result, format, format === 'text' && (io.isTty ?? false)));
  const failing = result.findings.filter((f) => f.severity === FindingSeverity.ERROR || failOn === 'warning');
  return failing.length > 0 ? 1 : 0;
}

/** Runs the command line; returns the exit code (0 done, 1 synthesis failed, 2 bad usage or input). */
export function main(argv: string[], io: Io): number {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(USAGE);
      return 0;
    }
    if (command === 'synth') return synth(rest, io);
    if (command === 'recommend') return recommend(rest, io);
    if (command === 'audit') return auditCommand(rest, io);
    throw new UsageError(`[cdk8s-network-tuning] '${command}' is not a command: synth, recommend or audit (see --help)`);
  } catch (e) {
    io.stderr(`${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

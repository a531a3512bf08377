import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { fromConfig, mergeValues } from './_config';
import { ADDONS_FOLDER, blockedPaths, filesUnder, install, Synthesized, synthesizeCluster, UsageError } from './_synth';
import { isPlainObject } from '../core/_boundary';
import { ConfigErrors } from '../core/_errors';
import { isDnsLabel, isDnsSubdomain } from '../core/_net';
import { STRUCTS } from '../core/_schema.generated';
import { PrerequisiteKind } from '../core/report-types';

/*
 * `synth --inventory clusters.yaml`: a fleet. One folder per cluster (what `synth` writes for one),
 * and the objects an existing GitOps engine needs to roll them out: an Argo CD ApplicationSet (a
 * list generator, one element per cluster) or Flux Kustomizations (one per cluster, each with a
 * kustomization.yaml that lists only the manifests, since Flux would otherwise apply every YAML
 * file under the path, the kubelet and kubeadm patch files included). Every cluster is synthesized
 * before anything is written: one failing cluster writes nothing, so a fleet never rolls out half.
 *
 *   defaults: { tier: medium, coreDns: { ... } }     # NetworkTuning properties every cluster starts from
 *   clusters:
 *     - name: prod-eu-1                              # the folder and the Application name
 *       server: https://prod-eu-1.example.com:6443  # Argo CD destination (or destinationName; Flux: kubeConfigSecret)
 *       tier: large
 *       profile: { kubernetesVersion: '1.33', apiServerHost: 10.0.0.10 }
 *   gitops: { engine: argocd, repoURL: https://git.example.com/platform/network.git, revision: main, path: fleet }
 */

const GITOPS_FOLDER = '_gitops'; // cluster names are DNS labels: a leading underscore cannot be one
const OURS = '# written by cdk8s-network-tuning synth --inventory: the manifests Flux applies for this cluster';

export interface FleetCluster {
  readonly name: string;
  readonly index: number;
  readonly props: Record<string, unknown>;
  readonly profile: Record<string, unknown>;
  readonly server?: string;
  readonly destinationName?: string;
  readonly kubeConfigSecret?: string;
  /** Argo CD: the AppProject of this cluster's Applications. @default - gitops.project */
  readonly project?: string;
  /** Key paths the inventory's defaults set and this cluster did not override (their problems name `defaults.`). */
  readonly fromDefaults: string[];
}

export interface GitOps {
  readonly engine: 'argocd' | 'flux';
  readonly repoURL: string;
  readonly revision: string;
  /** The output folder's path in the repository. */
  readonly path: string;
  readonly namespace: string;
  readonly project: string;
  readonly automated: boolean;
  readonly sourceName: string;
  /** The ApplicationSet's name and the prefix of every Application and Kustomization (two fleets in one namespace differ in it). */
  readonly name: string;
  /** Flux: the GitRepository's ref (branch, tag, semver or commit). */
  readonly ref: Record<string, string>;
  /** Flux: the Secret with the repository's credentials. */
  readonly secretRef?: string;
}

/** A cluster's addons folders (`addons/<group>/`), by group, from the files synthesized for it. */
function addonGroups(b: Synthesized): string[] {
  return [...new Set(b.files.filter((f) => f.startsWith(`${ADDONS_FOLDER}/`) && f.split('/').length === 3).map((f) => f.split('/')[1]))].sort();
}

const CLUSTER_KEYS = new Set(['name', 'server', 'destinationName', 'kubeConfigSecret', 'project']);
const GITOPS_KEYS = ['engine', 'repoURL', 'revision', 'tag', 'semver', 'commit', 'secretRef', 'path', 'namespace', 'project', 'automated', 'sourceName', 'name'];

export function readInventory(file: string, outdir: string): { clusters: FleetCluster[]; gitops?: GitOps; label: string } {
  const label = `inventory ${file}`;
  if (!fs.existsSync(file)) throw new UsageError(`[cdk8s-network-tuning synth] '--inventory' (${file}) does not exist`);
  let docs: unknown[];
  try {
    docs = Yaml.load(file);
  } catch (e) {
    throw new UsageError(`[${label}] is not YAML or JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const errors = new ConfigErrors(label);
  const doc = docs.length === 1 && isPlainObject(docs[0]) ? docs[0] as Record<string, unknown> : undefined;
  if (!doc) throw new UsageError(`[${label}] must hold one map with 'clusters' (and optional 'defaults' and 'gitops')`);
  for (const k of Object.keys(doc)) if (!['defaults', 'clusters', 'gitops'].includes(k)) errors.addMissing(k, "is not an inventory key: 'defaults', 'clusters' or 'gitops'");
  // `defaults:` with nothing under it is YAML's null: no defaults
  const rawDefaults = doc.defaults === undefined || doc.defaults === null ? {} : doc.defaults;
  // the defaults are checked once, on their own: a bad default is one problem, not one per cluster;
  // each cluster then merges only defaults that passed
  let defaults: Record<string, unknown> = {};
  if (!isPlainObject(rawDefaults)) {
    errors.add('defaults', rawDefaults, 'must be a map of NetworkTuning properties');
  } else {
    const before = errors.count;
    const { profile: p, ...rest } = rawDefaults as Record<string, unknown>;
    fromConfig(errors, 'NetworkTuningProps', rest, 'defaults');
    if (p !== undefined) fromConfig(errors, 'ClusterProfileProps', p, 'defaults.profile');
    if (errors.count === before) defaults = rawDefaults as Record<string, unknown>;
  }
  if (!Array.isArray(doc.clusters) || doc.clusters.length === 0) {
    errors.add('clusters', doc.clusters, 'must list at least one cluster');
    throw new UsageError(errors.messages.join('\n'));
  }
  const clusters: FleetCluster[] = [];
  const seen = new Map<string, number>();
  doc.clusters.forEach((raw: unknown, i: number) => {
    const at = `clusters[${i}]`;
    if (!isPlainObject(raw)) {
      errors.add(at, raw, 'must be a map: name, destination and NetworkTuning properties');
      return;
    }
    const entry = raw as Record<string, unknown>;
    const name = entry.name;
    if (typeof name !== 'string' || !isDnsLabel(name)) {
      errors.add(`${at}.name`, name, 'must be a DNS label (lowercase letters, digits and -, at most 63): it names the folder and the Application');
    } else if (seen.has(name.toLowerCase())) {
      // two folders that differ only in case are one folder on macOS and Windows
      errors.add(`${at}.name`, name, `is already the name of clusters[${seen.get(name.toLowerCase())}]: each cluster writes a folder of its own`);
    } else {
      seen.set(name.toLowerCase(), i);
    }
    for (const k of ['server', 'destinationName', 'kubeConfigSecret']) {
      if (entry[k] !== undefined && (typeof entry[k] !== 'string' || entry[k] === '')) errors.add(`${at}.${k}`, entry[k], 'must be a non-empty string');
    }
    if (entry.server !== undefined && entry.destinationName !== undefined) errors.addMissing(`${at}.server`, "and 'destinationName' are alternatives: give one");
    if (entry.project !== undefined && (typeof entry.project !== 'string' || !isDnsSubdomain(entry.project))) {
      errors.add(`${at}.project`, entry.project, 'must be an Argo CD AppProject name (a DNS subdomain)');
    }
    const own = Object.fromEntries(Object.entries(entry).filter(([k]) => !CLUSTER_KEYS.has(k)));
    const merged = mergeValues(defaults, own);
    const { profile: rawProfile, ...rest } = merged;
    const props = fromConfig(errors, 'NetworkTuningProps', rest, at);
    const profile = rawProfile === undefined ? {} : fromConfig(errors, 'ClusterProfileProps', rawProfile, `${at}.profile`);
    clusters.push({
      name: String(name),
      index: i,
      props: props ?? {},
      profile: profile ?? {},
      ...(typeof entry.server === 'string' ? { server: entry.server } : {}),
      ...(typeof entry.destinationName === 'string' ? { destinationName: entry.destinationName } : {}),
      ...(typeof entry.kubeConfigSecret === 'string' ? { kubeConfigSecret: entry.kubeConfigSecret } : {}),
      ...(typeof entry.project === 'string' ? { project: entry.project } : {}),
      fromDefaults: defaultedPaths(defaults, own),
    });
  });
  const gitops = doc.gitops === undefined ? undefined : readGitOps(errors, doc.gitops, outdir);
  if (gitops) checkDestinations(errors, clusters, gitops);
  if (errors.count > 0) throw new UsageError(errors.messages.join('\n'));
  return { clusters, ...(gitops ? { gitops } : {}), label };
}

/**
 * The key paths `defaults` sets that `own` does not, as a problem names them: a key the cluster does not
 * set at all is the defaults' whole (its sub-keys follow it), a struct both set is walked by its schema,
 * a map both set gives its entries (`sysctls.sysctls[net.core.somaxconn]`, as constructs name them).
 */
function defaultedPaths(defaults: Record<string, unknown>, own: Record<string, unknown>, struct = 'NetworkTuningProps', at = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(defaults)) {
    const p = at ? `${at}.${k}` : k;
    if (!(k in own)) {
      out.push(p);
      continue;
    }
    const mine = own[k];
    if (!isPlainObject(v) || !isPlainObject(mine)) continue;
    // the profile is checked as its own struct (readInventory splits it off)
    const spec = at === '' && k === 'profile' ? 'struct:ClusterProfileProps' : STRUCTS[struct]?.[k]?.[0] ?? '';
    if (spec.startsWith('struct:')) out.push(...defaultedPaths(v as Record<string, unknown>, mine as Record<string, unknown>, spec.slice('struct:'.length), p));
    else if (spec.startsWith('map:')) out.push(...Object.keys(v as object).filter((key) => !(key in (mine as object))).map((key) => `${p}[${key}]`));
  }
  return out;
}

function readGitOps(errors: ConfigErrors, raw: unknown, outdir: string): GitOps | undefined {
  if (!isPlainObject(raw)) {
    errors.add('gitops', raw, 'must be a map: engine, repoURL, revision, path');
    return undefined;
  }
  const g = raw as Record<string, unknown>;
  for (const k of Object.keys(g)) if (!GITOPS_KEYS.includes(k)) errors.addMissing(`gitops.${k}`, `is not a gitops key: ${GITOPS_KEYS.join(', ')}`);
  const engine = g.engine ?? 'argocd';
  if (engine !== 'argocd' && engine !== 'flux') errors.add('gitops.engine', engine, 'must be argocd or flux');
  const str = (k: string, dflt?: string): string => {
    const v = g[k] ?? dflt;
    if (typeof v !== 'string' || v === '') {
      if (v === undefined) errors.addMissing(`gitops.${k}`, 'is required');
      else errors.add(`gitops.${k}`, v, 'must be a non-empty string');
      return '';
    }
    return v;
  };
  // "./" or "" is the repository's root: cluster folders sit at its top
  const repoPath = (g.path === undefined ? outdir.split(path.sep).join('/') : typeof g.path === 'string' ? g.path : str('path')).replace(/^\.(\/|$)/, '').replace(/\/+$/, '');
  if (repoPath.startsWith('/') || repoPath.split('/').includes('..')) {
    errors.add(g.path === undefined ? '-o' : 'gitops.path', repoPath, g.path === undefined
      ? "is not a path inside the repository: set 'gitops.path' to where the output folder sits in it"
      : 'must be a path inside the repository (relative, no ..; "./" for its root)');
  }
  if (g.automated !== undefined && typeof g.automated !== 'boolean') errors.add('gitops.automated', g.automated, 'must be true or false');
  // object names the engines refuse otherwise: the ApplicationSet/Kustomization prefix, the namespace, the GitRepository
  for (const k of ['name', 'namespace', 'sourceName']) {
    const v = g[k];
    if (typeof v === 'string' && v !== '' && !isDnsLabel(v)) errors.add(`gitops.${k}`, v, 'must be a DNS label (lowercase letters, digits and -, at most 63)');
  }
  // Flux pins a tag, a semver range or a commit in the GitRepository's ref; Argo CD takes any of them as targetRevision
  const pins = ['tag', 'semver', 'commit'].filter((k) => g[k] !== undefined);
  const ref: Record<string, string> = {};
  for (const k of pins) {
    if (engine !== 'flux') errors.addMissing(`gitops.${k}`, "is Flux's: Argo CD takes a branch, a tag or a commit in 'revision' (targetRevision)");
    else if (typeof g[k] !== 'string' || g[k] === '') errors.add(`gitops.${k}`, g[k], 'must be a non-empty string');
    else if (k === 'commit' && !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(g[k] as string)) errors.add('gitops.commit', g[k], 'must be a full commit SHA (40 hex digits, or 64 in a SHA-256 repository), as Flux pins one');
    else ref[k] = g[k] as string;
  }
  if (pins.length > 1) errors.addMissing(`gitops.${pins[0]}`, `and '${pins.slice(1).join("', '")}' are alternatives: Flux uses one (commit, then semver, then tag), so give one`);
  // a tag or a semver range replaces the branch; a commit is fetched from the branch
  if (pins.some((k) => k !== 'commit') && g.revision !== undefined) errors.addMissing('gitops.revision', `and 'gitops.${pins.find((k) => k !== 'commit')}' are alternatives: Flux checks out one`);
  if (!pins.some((k) => k !== 'commit')) ref.branch = str('revision', 'main');
  if (g.secretRef !== undefined) {
    if (engine !== 'flux') errors.addMissing('gitops.secretRef', "is Flux's: Argo CD reads repository credentials from its own repository Secrets");
    else if (typeof g.secretRef !== 'string' || !isDnsSubdomain(g.secretRef)) errors.add('gitops.secretRef', g.secretRef, 'must be a Secret name (a DNS subdomain) in the GitRepository\'s namespace');
  }
  return {
    engine: engine === 'flux' ? 'flux' : 'argocd',
    repoURL: str('repoURL'),
    // the branch read above (Argo CD's targetRevision); none when Flux pins a tag or a semver range
    revision: ref.branch ?? '',
    ref,
    ...(engine === 'flux' && typeof g.secretRef === 'string' && g.secretRef !== '' ? { secretRef: g.secretRef } : {}),
    path: repoPath,
    namespace: str('namespace', engine === 'flux' ? 'flux-system' : 'argocd'),
    project: str('project', 'default'),
    automated: g.automated === true,
    sourceName: str('sourceName', 'network-tuning'),
    name: str('name', 'network-tuning'),
  };
}

/** Two entries that roll out to the same cluster would overwrite each other's objects: each destination once. */
/**
 * A server URL as Argo CD matches it: https only, scheme and host in lower case, the default port and a
 * trailing slash dropped (argoproj/argo-cd#3993 trims the slash), so one cluster written two ways is one.
 */
function normalServer(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash) return undefined;
  return `https://${url.hostname}${url.port && url.port !== '443' ? `:${url.port}` : ''}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Each cluster names where it rolls out, once: a cluster without a destination would be applied to the
 * GitOps engine's own cluster (Argo CD's in-cluster, Flux without kubeConfig), so in-cluster is written
 * out (server https://kubernetes.default.svc, destinationName in-cluster, kubeConfigSecret: none).
 */
function checkDestinations(errors: ConfigErrors, clusters: FleetCluster[], gitops: GitOps): void {
  const first = new Map<string, number>();
  for (const c of clusters) {
    const at = `clusters[${c.index}]`;
    // the Application or Kustomization is `<gitops.name>-<cluster>`, and both engines write that name into a label of every
    // object they apply (Flux: kustomize.toolkit.fluxcd.io/name, fluxcd/flux2#2004; Argo CD: app.kubernetes.io/instance)
    // the addons' names (<name>-<cluster>-monitoring) are checked once the cluster is synthesized: only its groups count
    const object = `${gitops.name}-${c.name}`;
    if (object.length > 63) errors.add(`${at}.name`, c.name, `makes the ${gitops.engine === 'flux' ? 'Kustomization' : 'Application'} name ${object} (${object.length} characters): label values hold 63 at most; shorten it or 'gitops.name'`);
    const wrong = gitops.engine === 'flux' ? ['server', 'destinationName', 'project'] : ['kubeConfigSecret'];
    for (const k of wrong) {
      if ((c as unknown as Record<string, unknown>)[k] !== undefined) {
        errors.addMissing(`${at}.${k}`, k === 'project'
          ? "is Argo CD's (the Applications' AppProject): Flux has no projects"
          : gitops.engine === 'flux'
            ? "is an Argo CD destination: a Flux Kustomization reaches another cluster through 'kubeConfigSecret'"
            : "is Flux's: an Argo CD Application reaches a cluster through 'server' or 'destinationName'");
      }
    }
    let d: string | undefined;
    if (gitops.engine === 'flux') {
      if (c.kubeConfigSecret === undefined) errors.addMissing(`${at}.kubeConfigSecret`, "is required with gitops: the Secret holding the cluster's kubeconfig ('none' for the Flux cluster itself)");
      else if (c.kubeConfigSecret !== 'none' && !isDnsSubdomain(c.kubeConfigSecret)) errors.add(`${at}.kubeConfigSecret`, c.kubeConfigSecret, 'must be a Secret name (a DNS subdomain)');
      else d = c.kubeConfigSecret === 'none' ? 'the Flux cluster itself' : `kubeConfigSecret ${c.kubeConfigSecret}`;
    } else if (c.destinationName !== undefined) {
      d = `destinationName ${c.destinationName}`;
    } else if (c.server === undefined) {
      errors.addMissing(`${at}.server`, "is required with gitops (or 'destinationName'): https://kubernetes.default.svc for Argo CD's own cluster");
    } else {
      const server = normalServer(c.server);
      if (!server) errors.add(`${at}.server`, c.server, 'must be an https URL of the cluster\'s API server, as Argo CD knows it');
      else d = `server ${server}`;
    }
    if (d === undefined) continue;
    if (first.has(d)) errors.addMissing(at, `rolls out to ${d}, as clusters[${first.get(d)}] does: two entries for one cluster overwrite each other's objects`);
    else first.set(d, c.index);
  }
  if (gitops.engine === 'argocd') {
    const kinds = new Set(clusters.map((c) => (c.destinationName ? 'destinationName' : 'server')));
    if (kinds.size > 1) errors.addMissing('clusters', "mix 'server' and 'destinationName': the ApplicationSet template names its destination one way; use one for every cluster");
  }
}

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

/**
 * The GitOps engine's objects for the fleet, as files under `_gitops/`. Each cluster is one
 * Application or Kustomization for its folder, and, when it has objects that need another install
 * (`addons`: CRD kinds, the monitoring namespace), a second one for `<cluster>/addons`: a cluster
 * without the Prometheus Operator still gets its kube-proxy and DNS tuning, and the second sync
 * reports what is missing on its own.
 */
export function gitOpsFiles(clusters: FleetCluster[], gitops: GitOps, addons: ReadonlyMap<string, string[]> = new Map()): Record<string, string> {
  const dump = (docs: unknown[]) => `${Yaml.stringify(...docs).trimEnd()}\n`;
  // a fresh object each time: a shared one would be written as a YAML anchor and alias
  const labels = () => ({ 'app.kubernetes.io/managed-by': 'cdk8s-network-tuning' });
  const parts = (c: FleetCluster) => [
    { name: `${gitops.name}-${c.name}`, path: join(gitops.path, c.name), part: 'tuning' },
    ...(addons.get(c.name) ?? []).map((g) => ({ name: `${gitops.name}-${c.name}-${g}`, path: join(gitops.path, `${c.name}/${ADDONS_FOLDER}/${g}`), part: g })),
  ];
  if (gitops.engine === 'argocd') {
    const byName = clusters.some((c) => c.destinationName);
    const appSet = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: gitops.name, namespace: gitops.namespace, labels: labels() },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{
          list: {
            elements: clusters.flatMap((c) => parts(c).map((p) => ({
              app: p.name,
              cluster: c.name,
              part: p.part,
              path: p.path,
              project: c.project ?? gitops.project,
              ...(byName ? { destinationName: c.destinationName } : { server: c.server }),
            }))),
          },
        }],
        template: {
          metadata: { name: '{{.app}}', labels: { ...labels(), 'cdk8s-network-tuning/cluster': '{{.cluster}}', 'cdk8s-network-tuning/part': '{{.part}}' } },
          spec: {
            project: '{{.project}}',
            // only the manifests: Argo CD drops a zero-valued directory source (NormalizeSource) and then picks the tool from
            // the files it finds; an include pattern stays, and keeps the node files' subfolders and any other file out
            // (directory.recurse is off: the cluster's folder does not take in its addons/ folder)
            source: { repoURL: gitops.repoURL, targetRevision: gitops.revision, path: '{{.path}}', directory: { include: '*.k8s.yaml' } },
            destination: byName ? { name: '{{.destinationName}}' } : { server: '{{.server}}' },
            syncPolicy: {
              // server-side apply: a kubeadm cluster's kube-proxy ConfigMap keeps the kubeconfig.conf it was not given here
              syncOptions: ['ServerSideApply=true'],
              ...(gitops.automated ? { automated: { prune: false, selfHeal: true } } : {}),
              // an automated sync that failed (the Prometheus Operator not installed yet) is not tried again for the same
              // revision; retries without end let an addons Application converge once its CRDs arrive
              retry: { limit: -1, backoff: { duration: '1m', factor: 2, maxDuration: '15m' } },
            },
          },
        },
      },
    };
    return { 'argocd-applicationset.yaml': dump([appSet]) };
  }
  const files: Record<string, string> = {
    'flux-gitrepository.yaml': dump([{
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: gitops.sourceName, namespace: gitops.namespace, labels: labels() },
      spec: { interval: '5m', url: gitops.repoURL, ref: gitops.ref, ...(gitops.secretRef ? { secretRef: { name: gitops.secretRef } } : {}) },
    }]),
  };
  files['flux-kustomizations.yaml'] = dump(clusters.flatMap((c) => parts(c).map((p, i) => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: p.name, namespace: gitops.namespace, labels: { ...labels(), 'cdk8s-network-tuning/cluster': c.name, 'cdk8s-network-tuning/part': p.part } },
    spec: {
      interval: '10m',
      path: `./${p.path}`,
      prune: false,
      sourceRef: { kind: 'GitRepository', name: gitops.sourceName },
      ...(c.kubeConfigSecret && c.kubeConfigSecret !== 'none' ? { kubeConfig: { secretRef: { name: c.kubeConfigSecret } } } : {}),
      // the addons after the tuning they watch. No `wait`: Ready then means applied, not rolled out, since a
      // DaemonSet rolling 10% of thousands of nodes at a time outlasts any timeout, and nothing here needs the rollout
      ...(i > 0 ? { dependsOn: [{ name: `${gitops.name}-${c.name}` }] } : {}),
    },
  }))));
  return files;
}

/** Synthesizes every cluster, then writes them all (and the GitOps objects), or nothing. */
export function synthFleet(
  file: string, outdir: string, progress: (line: string) => void, warn: (line: string) => void,
): FleetResult {
  const { clusters, gitops, label } = readInventory(file, outdir);
  const built: Synthesized[] = [];
  // warnings are printed per cluster below, named by it (the library would print them with construct paths alone)
  const mode = process.env.CDK8S_NETWORK_TUNING_WARNINGS;
  // a typo must fail as the library makes it fail, not pass as silence
  if (mode !== undefined && mode !== '' && !['print', 'silent', 'error'].includes(mode.toLowerCase())) {
    throw new UsageError(`[environment] 'CDK8S_NETWORK_TUNING_WARNINGS' (${mode}) must be one of: print, silent, error`);
  }
  if ((mode ?? '').toLowerCase() !== 'error') process.env.CDK8S_NETWORK_TUNING_WARNINGS = 'silent';
  try {
    synthesizeAll(clusters, label, built, progress, gitops !== undefined);
  } finally {
    if (mode === undefined) delete process.env.CDK8S_NETWORK_TUNING_WARNINGS;
    else process.env.CDK8S_NETWORK_TUNING_WARNINGS = mode;
  }
  if (gitops) {
    // each addons group is an Application or Kustomization of its own: its name must fit the label both engines write
    const long = clusters.flatMap((c, i) => addonGroups(built[i]).map((g) => ({ c, name: `${gitops.name}-${c.name}-${g}` }))).filter((x) => x.name.length > 63);
    if (long.length > 0) {
      for (const b of built) fs.rmSync(b.dir, { recursive: true, force: true });
      throw new UsageError(long.map((x) => `[${label}] 'clusters[${x.c.index}].name' (${x.c.name}) makes the ${gitops.engine === 'flux' ? 'Kustomization' : 'Application'} name ${x.name} (${x.name.length} characters) for its addons: label values hold 63 at most; shorten it or 'gitops.name'`).join('\n'));
    }
  }
  // every target is a folder (or absent) before anything is written: a file in the way fails the run, not half of it
  const targets = [...clusters.map((c) => path.join(outdir, c.name)), path.join(outdir, GITOPS_FOLDER)];
  const blocked = [
    ...[outdir, ...targets].filter((t) => fs.existsSync(t) && !fs.statSync(t).isDirectory()),
    ...clusters.flatMap((c, i) => blockedPaths(path.join(outdir, c.name), [...built[i].files, ...(gitops?.engine === 'flux' ? kustomizations(built[i]) : [])])),
    // a kustomization.yaml a person wrote is theirs: Flux mode would overwrite it
    ...(gitops?.engine === 'flux' ? clusters.flatMap((c, i) => kustomizations(built[i]).map((k) => path.join(outdir, c.name, k))).filter((f) => fs.existsSync(f) && !isOurs(f)) : []),
  ];
  if (blocked.length > 0) {
    for (const b of built) fs.rmSync(b.dir, { recursive: true, force: true });
    throw new UsageError(`[${label}] ${[...new Set(blocked)].join(', ')}: in the way (a file where a folder goes, a folder where a file goes, or a kustomization.yaml this tool did not write): nothing was written`);
  }
  const written: string[] = [];
  const stale: string[] = [];
  const warnings = new Map<string, string[]>();
  const prerequisites = new Map<string, string[]>();
  const withAddons = new Map<string, string[]>();
  clusters.forEach((c, i) => {
    const b = built[i];
    const top = b.files.filter((f) => !f.includes('/') && /\.ya?ml$/.test(f));
    // each cluster's warnings by rule: drift across the fleet shows as a rule only some clusters have
    for (const w of b.warnings) {
      const rule = w.slice(0, w.indexOf(' '));
      if (!warnings.get(rule)?.includes(c.name)) warnings.set(rule, [...(warnings.get(rule) ?? []), c.name]);
      if ((mode ?? '').toLowerCase() !== 'silent') warn(`[${c.name}] warning ${w}`);
    }
    const folder = path.join(outdir, c.name);
    const groups = addonGroups(b);
    if (groups.length > 0) withAddons.set(c.name, groups);
    if (gitops?.engine === 'flux') {
      const kustomization = (resources: string[]) => `${OURS}\n${Yaml.stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources })}`;
      fs.writeFileSync(path.join(b.dir, 'kustomization.yaml'), kustomization(top));
      for (const g of groups) {
        const files = b.files.filter((f) => f.startsWith(`${ADDONS_FOLDER}/${g}/`) && f.endsWith('.k8s.yaml')).map((f) => f.split('/').pop()!);
        fs.writeFileSync(path.join(b.dir, ADDONS_FOLDER, g, 'kustomization.yaml'), kustomization(files));
      }
    } else {
      // a kustomization.yaml from an earlier Flux run would turn Argo CD to Kustomize for this folder
      for (const k of ['kustomization.yaml', ...groups.map((g) => `${ADDONS_FOLDER}/${g}/kustomization.yaml`)]) removeOurs(path.join(folder, k));
    }
    for (const p of b.prerequisites) {
      const key = `${p.kind === PrerequisiteKind.CUSTOM_RESOURCE_DEFINITION ? 'CRD' : 'namespace'} ${p.name}: ${p.installedBy}`;
      if (!prerequisites.get(key)?.includes(c.name)) prerequisites.set(key, [...(prerequisites.get(key) ?? []), c.name]);
    }
    const result = install({ ...b, files: filesUnder(b.dir) }, folder);
    written.push(...result.written.map((f) => `${c.name}/${f}`));
    stale.push(...result.stale.map((f) => `${c.name}/${f}`));
  });
  if (gitops) {
    const files = gitOpsFiles(clusters, gitops, withAddons);
    fs.mkdirSync(path.join(outdir, GITOPS_FOLDER), { recursive: true });
    // the other engine's objects from an earlier run would roll the fleet out twice
    for (const other of ['argocd-applicationset.yaml', 'flux-gitrepository.yaml', 'flux-kustomizations.yaml']) {
      if (!(other in files)) removeOurs(path.join(outdir, GITOPS_FOLDER, other));
    }
    for (const [name, text] of Object.entries(files)) {
      fs.writeFileSync(path.join(outdir, GITOPS_FOLDER, name), text);
      written.push(`${GITOPS_FOLDER}/${name}`);
    }
  }
  // without gitops, a _gitops/ left from an earlier run would still roll the fleet out: it is named below
  const names = new Set([...clusters.map((c) => c.name), ...(gitops ? [GITOPS_FOLDER] : [])]);
  if (fs.existsSync(outdir)) {
    for (const e of fs.readdirSync(outdir).sort()) if (!names.has(e)) stale.push(`${e}${fs.statSync(path.join(outdir, e)).isDirectory() ? '/' : ''}`);
  }
  return { written, stale, clusters, warnings, prerequisites };
}

/** The kustomization.yaml files Flux mode writes for a cluster: its folder's, and its addons folder's when it has one. */
function kustomizations(b: Synthesized): string[] {
  return ['kustomization.yaml', ...addonGroups(b).map((g) => `${ADDONS_FOLDER}/${g}/kustomization.yaml`)];
}

/** Whether a file is one this tool wrote: a kustomization.yaml starting with its header, a GitOps object with its managed-by label. */
function isOurs(file: string): boolean {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return false;
  const text = fs.readFileSync(file, 'utf8');
  if (path.basename(file) === 'kustomization.yaml') return text.split('\n')[0] === OURS;
  try {
    return Yaml.load(file).every((d) => (d as { metadata?: { labels?: Record<string, string> } })?.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'cdk8s-network-tuning');
  } catch {
    return false;
  }
}

/** Deletes a file this tool wrote, never one a person did. */
function removeOurs(file: string): void {
  if (isOurs(file)) fs.rmSync(file);
}

export interface FleetResult {
  readonly written: string[];
  /** Files and folders under the output that this run did not write (clusters removed from the inventory, old node files). */
  readonly stale: string[];
  readonly clusters: FleetCluster[];
  /** Rule id -> the clusters that warn about it. */
  readonly warnings: Map<string, string[]>;
  /** What must be installed first (`CRD <apiVersion>: <what installs it>`, `namespace <name>: ...`) -> the clusters that need it. */
  readonly prerequisites: Map<string, string[]>;
}

function synthesizeAll(clusters: FleetCluster[], label: string, built: Synthesized[], progress: (line: string) => void, splitAddons: boolean): void {
  // clusters failing alike (a default every cluster takes) are one problem with the clusters named
  const failures = new Map<string, string[]>();
  let badInput = false;
  clusters.forEach((c, i) => {
    const fromDefaults = new Set(c.fromDefaults);
    try {
      built.push(synthesizeCluster({
        props: c.props,
        profile: c.profile,
        label,
        keyPrefix: `clusters[${c.index}].`,
        fromDefaults: c.fromDefaults,
        splitAddons,
        profileNames: Object.fromEntries(Object.keys(c.profile).map((p) => [p,
          `[${label}] '${fromDefaults.has('profile') || fromDefaults.has(`profile.${p}`) ? 'defaults' : `clusters[${c.index}]`}.profile.${p}'`])),
      }));
      progress(`[${i + 1}/${clusters.length}] ${c.name}: ${built[built.length - 1].files.length} files`);
    } catch (e) {
      const message = (e as Error).message;
      failures.set(message, [...(failures.get(message) ?? []), c.name]);
      progress(`[${i + 1}/${clusters.length}] ${c.name}: failed`);
      badInput = badInput || e instanceof UsageError;
    }
  });
  if (failures.size > 0) {
    for (const b of built) fs.rmSync(b.dir, { recursive: true, force: true });
    const failed = [...failures.values()].flat().length;
    const text = [...failures].map(([message, names]) => `${names.join(', ')}:\n${message.split('\n').map((l) => `  ${l}`).join('\n')}`);
    const message = `[${label}] ${failed} of ${clusters.length} clusters failed; nothing was written:\n${text.join('\n')}`;
    throw badInput ? new UsageError(message) : new Error(message);
  }
}

import { IConstruct } from 'constructs';

/*
 * The names a construct's inputs came from, for errors in the caller's terms: the CLI builds
 * components from a config file (`kubeProxy.ipvs.scheduler`) or from a cluster's manifests
 * (`ConfigMap/kube-system/kube-proxy`, `ipvs.strictARP`), and a problem names that key, not
 * the construct's property. Registered by path before the construct exists; ConfigErrors
 * reads it when it is created for that construct. Without registrations it costs nothing.
 */

/** How problems of one construct's input are named. */
export interface InputNames {
  /** Replaces the construct path in `[...]`. */
  readonly label: string;
  /** Prepended to every property (`kubeProxy.`). */
  readonly prefix?: string;
  /** Properties (and their sub-paths) by another name: `{ 'ipvs.strictArp': 'ipvs.strictARP' }`. */
  readonly names?: Record<string, string>;
  /**
   * Properties (and their sub-paths) named outright, the prefix not prepended: a fleet cluster's
   * property set by the inventory's defaults is `defaults.coreDns.cacheTtl`, not the cluster's key.
   */
  readonly absolute?: Record<string, string>;
  /**
   * What the construct is within the label, for rules that name it: one config file configures
   * every component, `kubeProxy` in it is the one. @default - the label alone
   */
  readonly object?: string;
}

const BY_ROOT = new WeakMap<IConstruct, Map<string, InputNames>>();
let registered = false;

/** Names the inputs of the construct that will sit at `path` under `root`. */
export function nameInputs(root: IConstruct, path: string, names: InputNames): void {
  registered = true;
  const byPath = BY_ROOT.get(root) ?? new Map<string, InputNames>();
  byPath.set(path, names);
  BY_ROOT.set(root, byPath);
}

/** The names registered for a construct, if any. */
export function inputNamesOf(scope: IConstruct): InputNames | undefined {
  if (!registered) return undefined;
  return BY_ROOT.get(scope.node.root)?.get(scope.node.path);
}

/** The longest key of `names` that is `prop` or a prefix of it ending at a property boundary. */
function longestMatch(names: Record<string, string> | undefined, prop: string): string | undefined {
  let best = '';
  for (const from of Object.keys(names ?? {})) {
    if (from.length > best.length && (prop === from || prop.startsWith(`${from}.`) || prop.startsWith(`${from}[`))) best = from;
  }
  return best || undefined;
}

/** A property as the caller named it: renamed, then named outright or prefixed. */
export function nameProp(names: InputNames | undefined, prop: string): string {
  if (!names) return prop;
  const renamed = longestMatch(names.names, prop);
  const named = renamed ? names.names![renamed] + prop.slice(renamed.length) : prop;
  const outright = longestMatch(names.absolute, named);
  return outright ? names.absolute![outright] + named.slice(outright.length) : (names.prefix ?? '') + named;
}

/**
 * A construct as a rule's message names it: the label its inputs were registered under (a manifest
 * object, a config file), else its path. Rules name constructs and properties through these, so a
 * finding reads in the caller's terms at its source, never rewritten afterwards.
 */
export function shownPath(scope: IConstruct): string {
  const names = inputNamesOf(scope);
  if (!names) return scope.node.path;
  return names.object ? `${names.label} '${names.object}'` : names.label;
}

/** A property of a construct as a rule's message names it (see shownPath). */
export function shownProp(scope: IConstruct, prop: string): string {
  return nameProp(inputNamesOf(scope), prop);
}

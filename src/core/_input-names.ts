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

import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import type { ResolvedResources } from './_resources';

/** Helpers shared by the constructs that emit Kubernetes objects. Internal. */

export const KUBE_SYSTEM = 'kube-system';

/** Label put on every object the library creates, so lint and users can find them. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'cdk8s-network-tuning' };

/** Annotation holding a hash of configuration a workload mounts, so a change rolls its pods. */
export const CONFIG_HASH_ANNOTATION = 'network-tuning.cdk8s.io/config-hash';

export function meta(
  name: string, namespace: string | undefined, labels: Record<string, string> = {}, annotations?: Record<string, string>,
): k8s.ObjectMeta {
  return {
    name,
    ...(namespace ? { namespace } : {}),
    labels: { ...labels, ...MANAGED_BY },
    ...(annotations && Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

/**
 * The JSON shapes the emitted workloads use. Every object the library emits is a plain ApiObject
 * (see plainObject), so quantities are strings and IntOrString values are numbers or strings, as
 * the API server reads them.
 */
/** A container's `resources` as JSON. */
export interface ResourceRequirements {
  readonly requests: Record<string, string>;
  readonly limits: Record<string, unknown>;
}

/** A container's resources as resolved (resolveResources): requests, limits. */
export function containerResources(r: ResolvedResources, memoryLimit?: unknown): ResourceRequirements {
  return {
    requests: {
      cpu: r.cpuRequest,
      memory: r.memoryRequest,
      ...(r.ephemeralStorageRequest ? { 'ephemeral-storage': r.ephemeralStorageRequest } : {}),
    },
    limits: {
      ...(r.cpuLimit ? { cpu: r.cpuLimit } : {}),
      // a Lazy string when the limit is sized at synthesis
      memory: memoryLimit ?? r.memoryLimit!,
      ...(r.ephemeralStorageLimit ? { 'ephemeral-storage': r.ephemeralStorageLimit } : {}),
    },
  };
}

/** Requests for CPU and memory, a memory limit and (optionally) a CPU limit. */
export function resources(cpuRequest: string, memoryRequest: string, memoryLimit: string, cpuLimit?: string): ResourceRequirements {
  return {
    requests: { cpu: cpuRequest, memory: memoryRequest },
    limits: { memory: memoryLimit, ...(cpuLimit ? { cpu: cpuLimit } : {}) },
  };
}

/** `/run/xtables.lock`, shared with every other iptables user on the node (kube-proxy, node-local-dns). */
export const XTABLES_LOCK_VOLUME = {
  name: 'xtables-lock',
  hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' },
};

export const LINUX_NODE_SELECTOR = { 'kubernetes.io/os': 'linux' };

/** Tolerate every taint: node agents must run on every node. */
export const TOLERATE_ALL: ReadonlyArray<Record<string, string>> = [
  { key: 'CriticalAddonsOnly', operator: 'Exists' },
  { operator: 'Exists' },
];

/**
 * Stable short hash of a text, for config-hash annotations: they only need to change when the text
 * does (a rollout trigger, not a security boundary). Two 32-bit FNV-1a-style lanes over the UTF-16 code
 * units, in plain JavaScript: loading node:crypto for it cost more than the rest of a small app's synthesis.
 */
/* eslint-disable no-bitwise -- a hash is bit arithmetic */
export function hashOf(text: string): string {
  // an FNV-1a lane and a second lane (another basis, an extra shift) make 64 bits
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
/* eslint-enable no-bitwise */

/**
 * Every object the library emits is a plain ApiObject built from JSON-shaped props (quantities as
 * strings, IntOrString as a number or a string). A cdk8s-plus L1 (k8s.KubeDaemonSet...) resolves its
 * props and then converts them again on every toJson() through generated code (cdk8s-plus-28
 * imports/k8s.js, each level re-spreading its keys): about 3x a plain object's serialization, and
 * the cold cost of compiling those converters. The output is the same: both sort keys by code point.
 * Field names are the API's (clusterIP, hostPID), not the L1's camel-cased props.
 */
export function apiObject(
  scope: IConstruct, id: string, apiVersion: string, kind: string, props: { readonly metadata: k8s.ObjectMeta } & Record<string, unknown>,
): ApiObject {
  return new ApiObject(scope, id, { apiVersion, kind, ...props });
}

/** apiObject with the metadata and the body apart. */
export function plainObject(
  scope: IConstruct, id: string, apiVersion: string, kind: string, metadata: k8s.ObjectMeta, body: Record<string, unknown> = {},
): ApiObject {
  return new ApiObject(scope, id, { apiVersion, kind, metadata, ...body });
}

/** A ConfigMap (see apiObject): string data, or Lazy values that cdk8s resolves. */
export function configMap(scope: IConstruct, id: string, props: k8s.KubeConfigMapProps): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', ...props });
}

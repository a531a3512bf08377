import { k8s } from 'cdk8s-plus-28';

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

export function quantity(value: string): k8s.Quantity {
  return k8s.Quantity.fromString(value);
}

/** Requests for CPU and memory, a memory limit and (optionally) a CPU limit. */
export function resources(cpuRequest: string, memoryRequest: string, memoryLimit: string, cpuLimit?: string): k8s.ResourceRequirements {
  return {
    requests: { cpu: quantity(cpuRequest), memory: quantity(memoryRequest) },
    limits: { memory: quantity(memoryLimit), ...(cpuLimit ? { cpu: quantity(cpuLimit) } : {}) },
  };
}

export function port(n: number): k8s.IntOrString {
  return k8s.IntOrString.fromNumber(n);
}

/** `/run/xtables.lock`, shared with every other iptables user on the node (kube-proxy, node-local-dns). */
export const XTABLES_LOCK_VOLUME: k8s.Volume = {
  name: 'xtables-lock',
  hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' },
};

export const LINUX_NODE_SELECTOR = { 'kubernetes.io/os': 'linux' };

/** Tolerate every taint: node agents must run on every node. */
export const TOLERATE_ALL: k8s.Toleration[] = [
  { key: 'CriticalAddonsOnly', operator: 'Exists' },
  { operator: 'Exists' },
];

/** Stable short hash of a text (for config-hash annotations). */
export function hashOf(text: string): string {
  // Loaded on first use: most apps never hash, and every import would pay for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createHash } = require('crypto') as typeof import('crypto');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

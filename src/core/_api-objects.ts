import { ApiObject } from 'cdk8s';
import { keptJson } from './_synth-scope';

/* Finding and changing the API objects users write (workloads, Services). */

/** Where the pod spec sits in each workload kind (apiVersion/kind -> path). */
const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  'v1/Pod': ['spec'],
  'apps/v1/Deployment': ['spec', 'template', 'spec'],
  'apps/v1/StatefulSet': ['spec', 'template', 'spec'],
  'apps/v1/DaemonSet': ['spec', 'template', 'spec'],
  'apps/v1/ReplicaSet': ['spec', 'template', 'spec'],
  'batch/v1/Job': ['spec', 'template', 'spec'],
  'batch/v1/CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** The workload kinds whose pod templates can be tuned. */
export const WORKLOAD_KINDS = Object.keys(POD_SPEC_PATHS).map((k) => k.split('/').pop()!);

/** Whether an API object is a workload with a pod template (raw or made by cdk8s-plus). */
export function isWorkload(obj: ApiObject): boolean {
  return POD_SPEC_PATHS[`${obj.apiVersion}/${obj.kind}`] !== undefined;
}

/** The pod spec inside a synthesized workload, created if missing. */
export function podSpecOf(json: any): any | undefined {
  const path = POD_SPEC_PATHS[`${json?.apiVersion}/${json?.kind}`];
  if (!path) return undefined;
  let node = json;
  for (const key of path) {
    node[key] = node[key] ?? {};
    node = node[key];
  }
  return node;
}

export type PodSpecTransform = (podSpec: any, json: any) => void;

/** Changes a workload's pod spec when it is synthesized (see transformJson). */
export function transformPodSpec(obj: ApiObject, key: string, fn: PodSpecTransform): void {
  transformJson(obj, `pod-spec:${key}`, (json) => {
    const spec = podSpecOf(json);
    if (spec) fn(spec, json);
  });
}

export type JsonTransform = (json: any) => void;

const TRANSFORMS = new WeakMap<ApiObject, Map<string, JsonTransform>>();

/**
 * Changes an API object's JSON when it is synthesized, after its own values
 * (and JSON patches) are resolved, so the transform sees what the object
 * states and can keep it. Registering the same `key` again replaces the transform.
 */
export function transformJson(obj: ApiObject, key: string, fn: JsonTransform): void {
  let transforms = TRANSFORMS.get(obj);
  if (!transforms) {
    transforms = new Map();
    TRANSFORMS.set(obj, transforms);
    const registered = transforms;
    const original = obj.toJson.bind(obj);
    // ApiObject has no hook that runs after patches and sees the resolved
    // object, so wrap this instance's toJson (once).
    Object.defineProperty(obj, 'toJson', {
      configurable: true,
      value: () => {
        // the evaluation's serialization of this object, already transformed, when this synthesis kept it
        const reused = keptJson(obj);
        if (reused !== undefined) return reused;
        const json = original();
        for (const transform of registered.values()) transform(json);
        return json;
      },
    });
  }
  transforms.set(key, fn);
}

/**
 * Kinds the API server serves without a namespace. A `metadata.namespace` on them is dropped by the
 * API server but kept by GitOps diffs and policy tools, so these objects never carry one, also
 * inside a chart that has a namespace (cdk8s gives every object the chart's).
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'CustomResourceDefinition',
  'FelixConfiguration', 'IPPool', 'Installation',
]);

/** Drops the namespace a chart gives a cluster-scoped object (see CLUSTER_SCOPED_KINDS). */
export function clusterScoped<T extends ApiObject>(obj: T): T {
  if (!CLUSTER_SCOPED_KINDS.has(obj.kind)) throw new Error(`${obj.kind} is not a cluster-scoped kind`);
  transformJson(obj, 'cluster-scoped', (json) => {
    if (json.metadata) delete json.metadata.namespace;
  });
  return obj;
}

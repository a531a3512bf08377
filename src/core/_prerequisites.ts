import { ApiObject } from 'cdk8s';
import { byCodePoint } from './_order';
import { ApplyPrerequisite, PrerequisiteKind } from './report-types';

/** API groups every conformant cluster serves (no CRD needed). */
const BUILT_IN_GROUPS: ReadonlySet<string> = new Set([
  '', 'apps', 'batch', 'policy', 'autoscaling', 'rbac.authorization.k8s.io', 'networking.k8s.io', 'scheduling.k8s.io',
  'discovery.k8s.io', 'storage.k8s.io', 'apiextensions.k8s.io', 'admissionregistration.k8s.io', 'coordination.k8s.io', 'node.k8s.io',
  'certificates.k8s.io', 'flowcontrol.apiserver.k8s.io',
]);

/** Namespaces a fresh kubeadm cluster has. */
export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** The CRDs this library's output uses, and what installs them. */
export const CRD_SOURCES: Readonly<Record<string, { readonly kinds: readonly string[]; readonly installedBy: string }>> = {
  'monitoring.coreos.com': {
    kinds: ['PrometheusRule', 'ServiceMonitor'],
    installedBy: 'the Prometheus Operator (kube-prometheus-stack installs its CRDs)',
  },
  'projectcalico.org': {
    kinds: ['FelixConfiguration', 'IPPool'],
    installedBy: 'Calico: its projectcalico.org/v3 CRDs (3.32+), or the Calico API server on older releases (crd.projectcalico.org/v1 is its storage, not for kubectl)',
  },
  'operator.tigera.io': {
    kinds: ['Installation'],
    installedBy: 'the tigera-operator (its manifest or Helm chart installs the CRD)',
  },
  'cilium.io': {
    kinds: ['CiliumNetworkPolicy'],
    installedBy: 'Cilium itself: it is the CNI, so install it first (helm install with helm/cilium-values.yaml or valuesYaml; the operator registers its CRDs at start), then a HelmRelease keeps it in sync',
  },
  'helm.toolkit.fluxcd.io': { kinds: ['HelmRelease'], installedBy: 'Flux (flux install or flux bootstrap)' },
  'source.toolkit.fluxcd.io': { kinds: ['HelmRepository'], installedBy: 'Flux (flux install or flux bootstrap)' },
};

/** Namespaces other installs create. */
export const NAMESPACE_SOURCES: Readonly<Record<string, string>> = {
  'monitoring': 'the monitoring stack (install kube-prometheus-stack into it, or create it)',
  'flux-system': 'Flux (flux install or flux bootstrap)',
  'tigera-operator': 'the tigera-operator manifest or Helm chart',
  'kube-flannel': 'the Flannel manifest (kube-flannel.yml)',
};

/**
 * What one object needs that the cluster may not have: the CRD of its API group (apiVersion) and
 * its namespace, when neither a fresh cluster nor the same output (`created`) has it.
 */
export function needsOf(apiVersion: string, namespace: string | undefined, created: ReadonlySet<string>): { crd?: string; namespace?: string } {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  return {
    ...(BUILT_IN_GROUPS.has(group) ? {} : { crd: apiVersion }),
    ...(namespace && !SYSTEM_NAMESPACES.has(namespace) && !created.has(namespace) ? { namespace } : {}),
  };
}

/**
 * What the objects need before `kubectl apply` can create them in one pass: the CRDs of their
 * API groups and the namespaces no object of the app creates.
 */
export function prerequisitesOf(objects: readonly ApiObject[]): ApplyPrerequisite[] {
  const created = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => o.name));
  const crds = new Map<string, string[]>();
  const namespaces = new Map<string, string[]>();
  const add = (map: Map<string, string[]>, key: string, what: string) => {
    const list = map.get(key) ?? [];
    list.push(what);
    map.set(key, list);
  };
  for (const obj of objects) {
    const ns = obj.metadata.namespace;
    const what = ns ? `${obj.kind} ${ns}/${obj.name}` : `${obj.kind} ${obj.name}`;
    const needs = needsOf(obj.apiVersion, ns, created);
    if (needs.crd) add(crds, needs.crd, what);
    if (needs.namespace) add(namespaces, needs.namespace, what);
  }
  const keys = (m: Map<string, string[]>) => [...m.keys()].sort(byCodePoint);
  return [
    ...keys(crds).map((apiVersion) => ({
      kind: PrerequisiteKind.CUSTOM_RESOURCE_DEFINITION,
      name: apiVersion,
      neededBy: crds.get(apiVersion)!,
      installedBy: CRD_SOURCES[apiVersion.split('/')[0]]?.installedBy ?? 'not a CRD this library emits: the install that owns it',
    })),
    ...keys(namespaces).map((ns) => ({
      kind: PrerequisiteKind.NAMESPACE,
      name: ns,
      neededBy: namespaces.get(ns)!,
      installedBy: NAMESPACE_SOURCES[ns] ?? 'nothing in this app: create it first',
    })),
  ];
}

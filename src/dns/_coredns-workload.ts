import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { clusterScoped } from '../core/_api-objects';
import { DNS_AUTOSCALER_IMAGE } from '../core/_images';
import { apiObject, configMap, containerResources, KUBE_SYSTEM, LINUX_NODE_SELECTOR, meta, resources } from '../core/_k8s';
import { lazyValue } from '../core/_lazy';
import type { ResolvedResources } from '../core/_resources';

export const COREDNS_LABELS = { 'k8s-app': 'kube-dns' };

export interface CoreDnsWorkloadOptions {
  readonly image: string;
  readonly replicas?: number;
  readonly resources: ResolvedResources;
  readonly dnsServiceIp: string;
  readonly healthPort: number;
  readonly readyPort: number;
  readonly metricsPort?: number;
  readonly podDisruptionBudget: boolean;
  readonly pdbMaxUnavailable: number | string;
}

/**
 * CoreDNS as kubeadm and the Kubernetes addon deploy it: ServiceAccount,
 * `system:coredns` ClusterRole (EndpointSlices included, mandatory since
 * CoreDNS 1.8.1) and binding, Deployment, the `kube-dns` Service at the
 * profile's ClusterIP, and a PodDisruptionBudget.
 */
/** Emits CoreDNS's ServiceAccount, RBAC, Deployment, kube-dns Service and PodDisruptionBudget; returns the Deployment and the Service. */
export function addCoreDnsWorkload(scope: Construct, opts: CoreDnsWorkloadOptions): { deployment: ApiObject; service: ApiObject } {
  apiObject(scope, 'ServiceAccount', 'v1', 'ServiceAccount', { metadata: meta('coredns', KUBE_SYSTEM) });

  clusterScoped(apiObject(scope, 'ClusterRole', 'rbac.authorization.k8s.io/v1', 'ClusterRole', {
    metadata: meta('system:coredns', undefined),
    rules: [
      { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    ],
  }));

  clusterScoped(apiObject(scope, 'ClusterRoleBinding', 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', {
    metadata: meta('system:coredns', undefined),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' },
    subjects: [{ kind: 'ServiceAccount', name: 'coredns', namespace: KUBE_SYSTEM }],
  }));

  const ports = [
    { containerPort: 53, name: 'dns', protocol: 'UDP' },
    { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
    ...(opts.metricsPort ? [{ containerPort: opts.metricsPort, name: 'metrics', protocol: 'TCP' }] : []),
    { containerPort: opts.healthPort, name: 'liveness-probe', protocol: 'TCP' },
    { containerPort: opts.readyPort, name: 'readiness-probe', protocol: 'TCP' },
  ];

  const deployment = apiObject(scope, 'Deployment', 'apps/v1', 'Deployment', {
    metadata: meta('coredns', KUBE_SYSTEM, COREDNS_LABELS),
    spec: {
      // With the autoscaler, replicas is left out so applying the manifest never fights it.
      ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      selector: { matchLabels: COREDNS_LABELS },
      template: {
        metadata: { labels: COREDNS_LABELS },
        spec: {
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: 'coredns',
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [{
                weight: 100,
                podAffinityTerm: {
                  labelSelector: { matchExpressions: [{ key: 'k8s-app', operator: 'In', values: ['kube-dns'] }] },
                  topologyKey: 'kubernetes.io/hostname',
                },
              }],
            },
          },
          // Spread across zones too, so a zone outage leaves DNS running.
          topologySpreadConstraints: [{
            maxSkew: 1,
            topologyKey: 'topology.kubernetes.io/zone',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: COREDNS_LABELS },
          }],
          tolerations: [
            { key: 'CriticalAddonsOnly', operator: 'Exists' },
            { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
          ],
          nodeSelector: LINUX_NODE_SELECTOR,
          containers: [{
            name: 'coredns',
            image: opts.image,
            imagePullPolicy: 'IfNotPresent',
            resources: containerResources(opts.resources),
            args: ['-conf', '/etc/coredns/Corefile'],
            volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
            ports,
            livenessProbe: {
              httpGet: { path: '/health', port: 'liveness-probe', scheme: 'HTTP' },
              initialDelaySeconds: 60,
              timeoutSeconds: 5,
              successThreshold: 1,
              failureThreshold: 5,
            },
            readinessProbe: {
              httpGet: { path: '/ready', port: 'readiness-probe', scheme: 'HTTP' },
            },
            // Binds port 53 as non-root: NET_BIND_SERVICE is the only capability it keeps.
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
              readOnlyRootFilesystem: true,
            },
          }],
          // CoreDNS must resolve upstream names through the node, never through itself.
          dnsPolicy: 'Default',
          volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }],
        },
      },
    },
  });

  const service = apiObject(scope, 'Service', 'v1', 'Service', {
    metadata: meta('kube-dns', KUBE_SYSTEM, { ...COREDNS_LABELS, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      opts.metricsPort ? { 'prometheus.io/port': String(opts.metricsPort), 'prometheus.io/scrape': 'true' } : undefined),
    spec: {
      selector: COREDNS_LABELS,
      clusterIP: opts.dnsServiceIp,
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        ...(opts.metricsPort ? [{ name: 'metrics', port: opts.metricsPort, protocol: 'TCP', targetPort: opts.metricsPort }] : []),
      ],
    },
  });

  if (opts.podDisruptionBudget) {
    apiObject(scope, 'PodDisruptionBudget', 'policy/v1', 'PodDisruptionBudget', {
      metadata: meta('coredns', KUBE_SYSTEM, COREDNS_LABELS),
      spec: {
        maxUnavailable: opts.pdbMaxUnavailable,
        selector: { matchLabels: COREDNS_LABELS },
      },
    });
  }
  return { deployment, service };
}

export interface DnsAutoscalerOptions {
  /** The `linear` parameters, read at synthesis (they depend on the app's plan). */
  readonly linear: () => Record<string, unknown>;
  readonly image?: string;
}

/**
 * cluster-proportional-autoscaler for CoreDNS, as the Kubernetes
 * dns-horizontal-autoscaler addon runs it: replicas = max(ceil(cores /
 * coresPerReplica), ceil(nodes / nodesPerReplica)), at least `min`
 * (kubernetes-sigs/cluster-proportional-autoscaler linear_controller.go).
 */
export function addDnsAutoscaler(scope: Construct, opts: DnsAutoscalerOptions): void {
  const name = 'coredns-autoscaler';
  const labels = { 'k8s-app': name };

  apiObject(scope, 'AutoscalerServiceAccount', 'v1', 'ServiceAccount', { metadata: meta(name, KUBE_SYSTEM) });
  clusterScoped(apiObject(scope, 'AutoscalerClusterRole', 'rbac.authorization.k8s.io/v1', 'ClusterRole', {
    metadata: meta(`system:${name}`, undefined),
    rules: [
      { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['replicationcontrollers/scale'], verbs: ['get', 'update'] },
      { apiGroups: ['apps'], resources: ['deployments/scale', 'replicasets/scale'], verbs: ['get', 'update'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create'] },
    ],
  }));
  clusterScoped(apiObject(scope, 'AutoscalerClusterRoleBinding', 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', {
    metadata: meta(`system:${name}`, undefined),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `system:${name}` },
    subjects: [{ kind: 'ServiceAccount', name, namespace: KUBE_SYSTEM }],
  }));
  configMap(scope, 'AutoscalerConfigMap', {
    metadata: meta(name, KUBE_SYSTEM),
    data: { linear: lazyValue(scope, 'dns-autoscaler ConfigMap data[linear]', () => JSON.stringify(opts.linear())) },
  });
  apiObject(scope, 'AutoscalerDeployment', 'apps/v1', 'Deployment', {
    metadata: meta(name, KUBE_SYSTEM, labels),
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: name,
          securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
          nodeSelector: LINUX_NODE_SELECTOR,
          tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }],
          containers: [{
            name: 'autoscaler',
            image: opts.image ?? DNS_AUTOSCALER_IMAGE,
            imagePullPolicy: 'IfNotPresent',
            command: lazyValue(scope, 'dns-autoscaler command', () => [
              '/cluster-proportional-autoscaler',
              `--namespace=${KUBE_SYSTEM}`,
              `--configmap=${name}`,
              '--target=Deployment/coredns',
              `--default-params=${JSON.stringify({ linear: opts.linear() })}`,
              '--logtostderr=true',
              '--v=2',
            ]),
            resources: resources('20m', '10Mi', '64Mi'),
            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
          }],
        },
      },
    },
  });
}

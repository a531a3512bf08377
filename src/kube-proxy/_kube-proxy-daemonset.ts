import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { clusterScoped } from '../core/_api-objects';
import { apiObject, CONFIG_HASH_ANNOTATION, KUBE_SYSTEM, LINUX_NODE_SELECTOR, containerResources, meta, TOLERATE_ALL, XTABLES_LOCK_VOLUME } from '../core/_k8s';
import type { ResolvedResources } from '../core/_resources';

export interface KubeProxyWorkloadOptions {
  readonly image: string;
  readonly configMapName: string;
  readonly configHash: string; // may be a Lazy token, resolved at synthesis
  readonly resources: ResolvedResources;
}

const LABELS = { 'k8s-app': 'kube-proxy' };

/**
 * The kube-proxy workload as kubeadm deploys it (phases/addons/proxy): a
 * ServiceAccount, the `kubeadm:node-proxier` binding to the built-in
 * `system:node-proxier` role, and a privileged host-network DaemonSet.
 * kubeadm sets no probes; neither do we (a liveness probe would restart
 * kube-proxy during an API outage without fixing anything).
 */
/** Emits kube-proxy's ServiceAccount, node-proxier binding and DaemonSet; returns the DaemonSet. */
export function addKubeProxyWorkload(scope: Construct, opts: KubeProxyWorkloadOptions): ApiObject {
  apiObject(scope, 'ServiceAccount', 'v1', 'ServiceAccount', {
    metadata: meta('kube-proxy', KUBE_SYSTEM),
  });

  clusterScoped(apiObject(scope, 'NodeProxierBinding', 'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', {
    metadata: meta('kubeadm:node-proxier', undefined),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-proxier' },
    subjects: [{ kind: 'ServiceAccount', name: 'kube-proxy', namespace: KUBE_SYSTEM }],
  }));

  return apiObject(scope, 'DaemonSet', 'apps/v1', 'DaemonSet', {
    metadata: meta('kube-proxy', KUBE_SYSTEM, LABELS),
    spec: {
      selector: { matchLabels: LABELS },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: LABELS, annotations: { [CONFIG_HASH_ANNOTATION]: opts.configHash } },
        spec: {
          priorityClassName: 'system-node-critical',
          hostNetwork: true,
          serviceAccountName: 'kube-proxy',
          nodeSelector: LINUX_NODE_SELECTOR,
          tolerations: TOLERATE_ALL,
          containers: [{
            name: 'kube-proxy',
            image: opts.image,
            imagePullPolicy: 'IfNotPresent',
            command: [
              '/usr/local/bin/kube-proxy',
              '--config=/var/lib/kube-proxy/config.conf',
              '--hostname-override=$(NODE_NAME)',
            ],
            env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
            // kube-proxy programs netfilter/IPVS and writes /proc/sys/net/netfilter and
            // /sys/module/nf_conntrack: it needs a privileged container, as in kubeadm.
            securityContext: { privileged: true },
            resources: containerResources(opts.resources),
            volumeMounts: [
              { name: 'kube-proxy', mountPath: '/var/lib/kube-proxy' },
              { name: 'xtables-lock', mountPath: '/run/xtables.lock', readOnly: false },
              { name: 'lib-modules', mountPath: '/lib/modules', readOnly: true },
            ],
          }],
          volumes: [
            { name: 'kube-proxy', configMap: { name: opts.configMapName } },
            XTABLES_LOCK_VOLUME,
            { name: 'lib-modules', hostPath: { path: '/lib/modules' } },
          ],
        },
      },
    },
  });
}

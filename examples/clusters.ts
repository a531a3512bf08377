/**
 * Example clusters, one per scale tier. Each function fills a cdk8s App the way
 * a platform team would: one ClusterProfile, decided once, passed to every
 * component. Imported by name, exactly as users import the library.
 */
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ClusterProfile, KubernetesVersion, PodSysctlTuning, ScaleTier, SysctlTuner, TunedKubeProxy,
} from 'cdk8s-network-tuning';

/** A small demo workload, to show pod-level tuning. */
function demoApp(scope: Chart): void {
  new kplus.Deployment(scope, 'web', {
    replicas: 2,
    containers: [{ image: 'registry.k8s.io/e2e-test-images/agnhost:2.52', args: ['netexec', '--http-port=8080'], portNumber: 8080, securityContext: { user: 1000 } }],
  });
}

/** SMALL: under 50 nodes, iptables, node sysctls sized for small nodes. */
export function smallCluster(app: App): void {
  const profile = new ClusterProfile({ apiServerHost: '192.168.10.10' });
  const node = new Chart(app, 'node-tuning');
  new TunedKubeProxy(node, 'KubeProxy', { tier: ScaleTier.SMALL, profile });
  new SysctlTuner(node, 'Sysctls', { tier: ScaleTier.SMALL, profile });

  const apps = new Chart(app, 'apps');
  demoApp(apps);
  new PodSysctlTuning(apps, 'PodSysctls', { tier: ScaleTier.SMALL, profile });
}

/** MEDIUM: up to 500 nodes, iptables under the 1,000-Service limit, kube-proxy DaemonSet managed here. */
export function mediumCluster(app: App): void {
  const profile = new ClusterProfile({
    kubernetesVersion: KubernetesVersion.V1_30,
    apiServerHost: 'api.medium.example.internal',
    cpuCoresPerNode: 16,
  });
  const node = new Chart(app, 'node-tuning');
  new TunedKubeProxy(node, 'KubeProxy', {
    tier: ScaleTier.MEDIUM,
    profile,
    deployDaemonSet: true,
    iptables: { minSyncPeriod: Duration.seconds(2) },
  });
  new SysctlTuner(node, 'Sysctls', { tier: ScaleTier.MEDIUM, profile, sysctls: { 'net.ipv4.neigh.default.gc_thresh3': '16384' } });

  const apps = new Chart(app, 'apps');
  demoApp(apps);
  new PodSysctlTuning(apps, 'PodSysctls', { tier: ScaleTier.MEDIUM, profile });
}

/** LARGE: the guide's large-cluster example on Kubernetes 1.28 (IPVS, conntrack 65536/524288). */
export function largeCluster(app: App): void {
  const profile = new ClusterProfile({ apiServerHost: '10.0.0.100', cpuCoresPerNode: 32 });
  const node = new Chart(app, 'node-tuning');
  new TunedKubeProxy(node, 'KubeProxy', { tier: ScaleTier.LARGE, profile });
  // kube-proxy owns nf_conntrack_max here; the tuner leaves it out.
  new SysctlTuner(node, 'Sysctls', { tier: ScaleTier.LARGE, profile });

  const apps = new Chart(app, 'apps');
  demoApp(apps);
  new PodSysctlTuning(apps, 'PodSysctls', { tier: ScaleTier.LARGE, profile });
}

/** Every example cluster by name (the folder it is written to). */
export const CLUSTERS: Record<string, (app: App) => void> = {
  small: smallCluster,
  medium: mediumCluster,
  large: largeCluster,
};

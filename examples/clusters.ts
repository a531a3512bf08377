/**
 * Example clusters, one per scale tier. Each function fills a cdk8s App the way
 * a platform team would: one ClusterProfile, decided once, passed to every
 * component. Imported by name, exactly as users import the library.
 */
import {
  AlertLanguage, AllowPolicy, CalicoTuning, CiliumTuning, ClusterProfile, CorefilePlugin, DefaultDenyPolicy, FlannelTuning, KubernetesVersion,
  NetworkAlerts, NodeLocalDns, PodDnsTuning, PodSysctlTuning, PolicyLint, PolicyPeer, ScaleTier, ServerBlock, ServiceTuning, SysctlTuner,
  TunedCoreDns, TunedKubeProxy,
} from 'cdk8s-network-tuning';
import { App, Chart, Duration, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

/** What an example cluster adds beyond its charts: files written next to the YAML. */
export interface ExampleCluster {
  /** Extra files (name -> content), read after synthesis when every value is decided. */
  readonly files: () => Record<string, string>;
}

/** kubelet's config for the node-local cache, and the alerts as a plain rule file for a Prometheus without the operator. */
function clusterFiles(nodeLocal: NodeLocalDns, alerts: NetworkAlerts): Record<string, string> {
  return {
    'kubelet-config.yaml': nodeLocal.kubeletConfigYaml(),
    'prometheus-rules.yaml': Yaml.stringify({ groups: alerts.ruleGroups() }),
  };
}

/**
 * The application side, the same in every cluster: a `production` namespace with
 * the guide's default deny (and its DNS allowance), a web Deployment behind a
 * tuned Service, the guide's allow-app policy, pod-level DNS and sysctl tuning,
 * and the NetworkPolicy lint over the whole app.
 */
function applications(app: App, tier: ScaleTier, profile: ClusterProfile, enforcesPolicies: boolean): void {
  // Flannel does not enforce NetworkPolicy (CniRecommendation picks Calico when
  // policies are needed), so the Flannel cluster gets none rather than inert ones.
  if (enforcesPolicies) {
    const policies = new Chart(app, 'policies');
    new DefaultDenyPolicy(policies, 'DefaultDeny', { tier, profile, namespaces: ['production'], createNamespaces: true });
    new PolicyLint(policies, 'PolicyLint', { tier, profile });
  }

  const apps = new Chart(app, 'apps', { namespace: 'production' });
  const web = new kplus.Deployment(apps, 'web', {
    replicas: tier === ScaleTier.SMALL ? 2 : 9,
    podMetadata: { labels: { app: 'web' } },
    containers: [{ image: 'registry.k8s.io/e2e-test-images/agnhost:2.52', args: ['netexec', '--http-port=8080'], portNumber: 8080, securityContext: { user: 1000 } }],
  });
  const service = web.exposeViaService({ name: 'web', ports: [{ port: 80, targetPort: 8080 }] });
  new ServiceTuning(apps, 'WebService', { service, tier, profile, clientIpAffinity: true });
  if (enforcesPolicies) {
    new AllowPolicy(apps, 'allow-app', {
      name: 'allow-app',
      policyNamespace: 'production',
      podLabels: { app: 'web' },
      ingress: [{ peers: [PolicyPeer.pods({ role: 'frontend' })], ports: [kplus.NetworkPolicyPort.tcp(8080)] }],
    });
  }
  new PodSysctlTuning(apps, 'PodSysctls', { tier, profile });
  new PodDnsTuning(apps, 'PodDns', { tier, profile });
}

/**
 * SMALL: under 50 nodes, Flannel, iptables. CoreDNS is tuned through its ConfigMap
 * only (kubeadm already runs it); NodeLocal DNSCache binds the kube-dns IP (iptables mode).
 */
export function smallCluster(app: App): ExampleCluster {
  const profile = new ClusterProfile({ apiServerHost: '192.168.10.10' });
  const node = new Chart(app, 'node-tuning');
  new TunedKubeProxy(node, 'KubeProxy', { tier: ScaleTier.SMALL, profile });
  new SysctlTuner(node, 'Sysctls', { tier: ScaleTier.SMALL, profile });

  const dns = new Chart(app, 'dns');
  new TunedCoreDns(dns, 'CoreDns', { tier: ScaleTier.SMALL, profile });
  const nodeLocal = new NodeLocalDns(dns, 'NodeLocalDns', { tier: ScaleTier.SMALL, profile });

  new FlannelTuning(new Chart(app, 'cni'), 'Flannel', { tier: ScaleTier.SMALL, profile });
  // Last, so it sees every component it watches.
  const alerts = new NetworkAlerts(new Chart(app, 'monitoring'), 'Alerts', { tier: ScaleTier.SMALL, profile });
  applications(app, ScaleTier.SMALL, profile, false);
  return { files: () => clusterFiles(nodeLocal, alerts) };
}

/**
 * MEDIUM: up to 500 nodes, Calico, iptables under the 1,000-Service limit, kube-proxy and
 * CoreDNS workloads managed here (CoreDNS scaled by cluster-proportional-autoscaler),
 * a corporate stub zone that NodeLocal DNSCache forwards to CoreDNS.
 */
export function mediumCluster(app: App): ExampleCluster {
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

  const dns = new Chart(app, 'dns');
  new TunedCoreDns(dns, 'CoreDns', {
    tier: ScaleTier.MEDIUM,
    profile,
    deploy: true,
    autoscaler: true,
    cachePrefetch: { amount: 10 },
    serverBlocks: [new ServerBlock({
      zones: ['corp.example.internal'],
      plugins: [CorefilePlugin.errors(), CorefilePlugin.cache({ ttl: 30 }), CorefilePlugin.forward({ to: ['10.20.0.53', '10.20.1.53'] })],
    })],
  });
  const nodeLocal = new NodeLocalDns(dns, 'NodeLocalDns', { tier: ScaleTier.MEDIUM, profile });

  new CalicoTuning(new Chart(app, 'cni'), 'Calico', { tier: ScaleTier.MEDIUM, profile });
  // The guide's alert summaries are Chinese: this team reads them in Chinese.
  const alerts = new NetworkAlerts(new Chart(app, 'monitoring'), 'Alerts', { tier: ScaleTier.MEDIUM, profile, language: AlertLanguage.CHINESE });
  applications(app, ScaleTier.MEDIUM, profile, true);
  return { files: () => clusterFiles(nodeLocal, alerts) };
}

/**
 * LARGE: Cilium, and the guide's large-cluster example on Kubernetes 1.28 (IPVS, conntrack
 * 65536/524288, CoreDNS cache 600 with 19968 entries, ttl 60). Under IPVS,
 * NodeLocal DNSCache binds only its link-local IP, so every kubelet needs the
 * clusterDNS in kubelet-config.yaml.
 */
export function largeCluster(app: App): ExampleCluster {
  const profile = new ClusterProfile({ apiServerHost: '10.0.0.100', cpuCoresPerNode: 32 });
  const node = new Chart(app, 'node-tuning');
  new TunedKubeProxy(node, 'KubeProxy', { tier: ScaleTier.LARGE, profile });
  // kube-proxy owns nf_conntrack_max here; the tuner leaves it out.
  new SysctlTuner(node, 'Sysctls', { tier: ScaleTier.LARGE, profile });

  const dns = new Chart(app, 'dns');
  new TunedCoreDns(dns, 'CoreDns', { tier: ScaleTier.LARGE, profile, deploy: true });
  const nodeLocal = new NodeLocalDns(dns, 'NodeLocalDns', { tier: ScaleTier.LARGE, profile });

  // Cilium as the CNI, kube-proxy (IPVS) kept as in the guide's example: no kube-proxy replacement.
  new CiliumTuning(new Chart(app, 'cni'), 'Cilium', { tier: ScaleTier.LARGE, profile, hubbleMetrics: ['dns', 'drop', 'tcp', 'flow'] });
  // kube-prometheus-stack selects rules and monitors by its release label.
  const alerts = new NetworkAlerts(new Chart(app, 'monitoring'), 'Alerts', {
    tier: ScaleTier.LARGE,
    profile,
    selectorLabels: { release: 'kube-prometheus-stack' },
  });
  applications(app, ScaleTier.LARGE, profile, true);
  return { files: () => clusterFiles(nodeLocal, alerts) };
}

/** Every example cluster by name (the folder it is written to). */
export const CLUSTERS: Record<string, (app: App) => ExampleCluster> = {
  small: smallCluster,
  medium: mediumCluster,
  large: largeCluster,
};

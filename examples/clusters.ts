/**
 * Example clusters: one per scale tier built with NetworkTuning (one line for the
 * whole guide), and one assembled component by component. Each function fills a
 * cdk8s App the way a platform team would: one ClusterProfile, decided once,
 * shared by every component. Imported by name, exactly as users import the library.
 */
import {
  AlertLanguage, AllowPolicy, CalicoInstallMethod, CalicoTuning, ClusterProfile, CniPlugin, CniRecommendation, CorefilePlugin,
  DefaultDenyPolicy,
  KubernetesVersion,
  NetworkAlerts, NetworkTuning, NodeLocalDns, PodDnsTuning, PodSysctlTuning, PolicyLint, PolicyPeer, ScaleTier, ServerBlock, ServiceTuning,
  SysctlTuner, TunedCoreDns, TunedKubeProxy,
} from 'cdk8s-network-tuning';
import * as fs from 'fs';
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/**
 * The application side: a `production` namespace with a web Deployment behind a
 * Service and, where the CNI enforces policies, the guide's allow-app policy and
 * the NetworkPolicy lint over the whole app. Returns the Service, for tuning.
 */
function applications(app: App, tier: ScaleTier, profile: ClusterProfile, enforcesPolicies: boolean): kplus.Service {
  const apps = new Chart(app, 'apps', { namespace: 'production' });
  // Where DefaultDenyPolicy creates the namespace (with Pod Security labels) the library orders
  // it first; without one, the namespace has a chart of its own that the apps depend on.
  if (!enforcesPolicies) {
    const namespaces = new Chart(app, 'namespaces');
    new kplus.Namespace(namespaces, 'production', { metadata: { name: 'production' } });
    apps.addDependency(namespaces);
  }
  const web = new kplus.Deployment(apps, 'web', {
    replicas: tier === ScaleTier.SMALL ? 2 : 9,
    podMetadata: { labels: { app: 'web' } },
    containers: [{ image: 'registry.k8s.io/e2e-test-images/agnhost:2.52', args: ['netexec', '--http-port=8080'], portNumber: 8080, securityContext: { user: 1000 } }],
  });
  // Flannel does not enforce NetworkPolicy (CniRecommendation picks Calico when
  // policies are needed), so the Flannel cluster gets none rather than inert ones.
  if (enforcesPolicies) {
    new AllowPolicy(apps, 'allow-app', {
      name: 'allow-app',
      policyNamespace: 'production',
      podLabels: { app: 'web' },
      ingress: [{ peers: [PolicyPeer.pods({ role: 'frontend' })], ports: [kplus.NetworkPolicyPort.tcp(8080)] }],
    });
    new PolicyLint(apps, 'PolicyLint', { tier, profile, appliesTo: app });
  }
  return web.exposeViaService({ name: 'web', ports: [{ port: 80, targetPort: 8080 }] });
}

/**
 * SMALL with NetworkTuning: under 50 nodes, Flannel, iptables, CoreDNS tuned through
 * its ConfigMap (kubeadm already runs it), NodeLocal DNSCache on the kube-dns IP.
 */
export function smallCluster(app: App): Construct {
  const profile = new ClusterProfile({ apiServerHost: '192.168.10.10' });
  const service = applications(app, ScaleTier.SMALL, profile, false);
  const tuning = new NetworkTuning(new Chart(app, 'network'), 'tuning', {
    tier: ScaleTier.SMALL,
    profile,
    services: [service],
    // kube-prometheus-stack selects rules and monitors by its release label.
    alerts: { selectorLabels: { release: 'kube-prometheus-stack' } },
  });
  return tuning;
}

/**
 * MEDIUM with NetworkTuning: up to 500 nodes, Calico installed by the tigera-operator
 * (default deny needs an enforcing CNI), iptables under the 1,000-Service limit, kube-proxy and CoreDNS workloads
 * managed here (CoreDNS scaled by cluster-proportional-autoscaler), alerts in Chinese.
 */
export function mediumCluster(app: App): Construct {
  const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_30, apiServerHost: 'api.medium.example.internal', cpuCoresPerNode: 16 });
  const service = applications(app, ScaleTier.MEDIUM, profile, true);
  const tuning = new NetworkTuning(new Chart(app, 'network'), 'tuning', {
    tier: ScaleTier.MEDIUM,
    profile,
    defaultDeny: { namespaces: ['production'], createNamespaces: true },
    // Calico installed by the tigera-operator: the pools and the data plane go in its Installation.
    calico: { installMethod: CalicoInstallMethod.OPERATOR },
    kubeProxy: { deployDaemonSet: true },
    coreDns: { deploy: true, autoscaler: true },
    // The guide's alert summaries are Chinese: this team reads them in Chinese.
    alerts: { language: AlertLanguage.CHINESE, selectorLabels: { release: 'kube-prometheus-stack' } },
    services: [service],
  });
  return tuning;
}

/**
 * LARGE with NetworkTuning: Cilium on Kubernetes 1.33 with the guide's Cilium snippet in
 * today's keys — kube-proxy replacement (the API server's address is known, so no
 * kube-proxy), native routing with direct node routes and DSR (the nodes share one L2
 * segment), Hubble — and the guide's large CoreDNS values (cache 600 with 19968 entries,
 * ttl 60), scaled by the autoscaler. Pods point at NodeLocal DNSCache's link-local IP
 * (no fallback under eBPF), so it runs highly available and every kubelet needs the drop-in.
 */
export function largeCluster(app: App): Construct {
  const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_33, apiServerHost: '10.0.0.100', cpuCoresPerNode: 32, nodesShareL2Segment: true });
  const service = applications(app, ScaleTier.LARGE, profile, true);
  const tuning = new NetworkTuning(new Chart(app, 'network'), 'tuning', {
    tier: ScaleTier.LARGE,
    profile,
    defaultDeny: { namespaces: ['production'], createNamespaces: true },
    coreDns: { deploy: true },
    cilium: { hubbleMetrics: ['dns', 'drop', 'tcp', 'flow'], helmRelease: true },
    // kube-prometheus-stack selects rules and monitors by its release label.
    alerts: { selectorLabels: { release: 'kube-prometheus-stack' } },
    services: [service],
  });
  return tuning;
}

/**
 * Component by component, for teams that assemble their own set: a medium-sized
 * Calico cluster on 1.30 with each construct configured directly — kube-proxy with a
 * longer minSyncPeriod, a node-wide ARP table, a CoreDNS stub zone that NodeLocal
 * DNSCache forwards to CoreDNS, pod-level sysctls and DNS, and a sticky Service.
 */
export function customCluster(app: App): Construct {
  const tier = ScaleTier.MEDIUM;
  const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_30, apiServerHost: 'api.custom.example.internal', cpuCoresPerNode: 16 });
  const choice = CniRecommendation.recommend({ tier, networkPolicy: true });
  const service = applications(app, tier, profile, true);

  const node = new Chart(app, 'node-tuning');
  new TunedKubeProxy(node, 'KubeProxy', { tier, profile, deployDaemonSet: true, iptables: { minSyncPeriod: Duration.seconds(2) } });
  new SysctlTuner(node, 'Sysctls', { tier, profile, sysctls: { 'net.ipv4.neigh.default.gc_thresh3': '16384' } });

  const dns = new Chart(app, 'dns');
  new TunedCoreDns(dns, 'CoreDns', {
    tier,
    profile,
    deploy: true,
    autoscaler: true,
    cachePrefetch: { amount: 10 },
    serverBlocks: [new ServerBlock({
      zones: ['corp.example.internal'],
      plugins: [CorefilePlugin.errors(), CorefilePlugin.cache({ ttl: 30 }), CorefilePlugin.forward({ to: ['10.20.0.53', '10.20.1.53'] })],
    })],
  });
  new NodeLocalDns(dns, 'NodeLocalDns', { tier, profile });

  if (choice.plugin === CniPlugin.CALICO) new CalicoTuning(new Chart(app, 'cni'), 'Calico', { tier, profile });

  const policies = new Chart(app, 'policies');
  new DefaultDenyPolicy(policies, 'DefaultDeny', { tier, profile, namespaces: ['production'], createNamespaces: true });

  const workloads = app.node.findChild('apps');
  new ServiceTuning(policies, 'WebService', { service, tier, profile, clientIpAffinity: true });
  new PodSysctlTuning(policies, 'PodSysctls', { tier, profile, appliesTo: workloads });
  new PodDnsTuning(policies, 'PodDns', { tier, profile, appliesTo: workloads });

  // Last, so it sees every component it watches.
  new NetworkAlerts(new Chart(app, 'monitoring'), 'Alerts', { tier, profile, selectorLabels: { release: 'kube-prometheus-stack' } });
  return policies;
}

/** Every example cluster by name (the folder it is written to). */
export const CLUSTERS: Record<string, (app: App) => Construct> = {
  small: smallCluster,
  medium: mediumCluster,
  large: largeCluster,
  custom: customCluster,
};

/**
 * Synthesizes one example cluster into `outdir`: its charts (in dependency order, with numbered
 * file names when charts depend on each other) and, written by `app.synth()` itself (TuningFiles),
 * the tuning report, the kubelet files, Helm values and the alert rule file in subfolders.
 */
export function writeCluster(build: (app: App) => Construct, outdir: string): string[] {
  const app = new App({ outdir });
  build(app);
  app.synth();
  return fs.readdirSync(outdir);
}

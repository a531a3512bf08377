/** A component `NetworkTuning` can leave out (`skip`). */
export enum NetworkComponent {
  /** The CNI configuration (Flannel, Calico or Cilium). */
  CNI = 'cni',
  /** kube-proxy's configuration (TunedKubeProxy). */
  KUBE_PROXY = 'kube-proxy',
  /** Node kernel parameters (SysctlTuner). */
  SYSCTLS = 'sysctls',
  /** CoreDNS's Corefile and workload (TunedCoreDns). */
  COREDNS = 'coredns',
  /** NodeLocal DNSCache. */
  NODE_LOCAL_DNS = 'node-local-dns',
  /** Pod `dnsConfig` defaults (PodDnsTuning). */
  POD_DNS = 'pod-dns',
  /** Alerts and scrape objects (NetworkAlerts). */
  ALERTS = 'alerts',
}

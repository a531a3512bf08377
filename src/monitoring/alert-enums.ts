/** The `severity` label of an alert. */
export enum AlertSeverity {
  /** Worth a look during working hours. */
  WARNING = 'warning',
  /** Pages: DNS or Service routing is failing now. */
  CRITICAL = 'critical',
}

/** The component an alert watches (its rule group). */
export enum AlertComponent {
  /** kube-proxy's rule syncs and conntrack. */
  KUBE_PROXY = 'kube-proxy',
  /** CoreDNS. */
  COREDNS = 'coredns',
  /** NodeLocal DNSCache. */
  NODE_LOCAL_DNS = 'node-local-dns',
  /** The node's kernel (conntrack table, sockets). */
  NODE = 'node',
}

/**
 * kube-proxy's `mode` on Linux.
 *
 * @see https://kubernetes.io/docs/reference/config-api/kube-proxy-config.v1alpha1/
 */
export enum KubeProxyMode {
  /** iptables rules; the default. Rule updates grow with the Service count (guide: < 1,000 Services). */
  IPTABLES = 'iptables',
  /** IPVS virtual servers: O(1) lookup and more schedulers. Deprecated from Kubernetes 1.35 (KEP-5495). */
  IPVS = 'ipvs',
  /** nftables with atomic updates. Kubernetes 1.29+ (GA 1.33), kernel 5.13+. */
  NFTABLES = 'nftables',
}

/**
 * IPVS schedulers kube-proxy accepts (`ipvs.scheduler`).
 *
 * @see https://kubernetes.io/docs/reference/networking/virtual-ips/#ipvs
 */
export enum IpvsScheduler {
  /** Round robin (kube-proxy's default). */
  ROUND_ROBIN = 'rr',
  /** Weighted round robin. */
  WEIGHTED_ROUND_ROBIN = 'wrr',
  /** Least connection. */
  LEAST_CONNECTION = 'lc',
  /** Weighted least connection. */
  WEIGHTED_LEAST_CONNECTION = 'wlc',
  /** Locality-based least connection. */
  LOCALITY_BASED_LEAST_CONNECTION = 'lblc',
  /** Locality-based least connection with replication. */
  LOCALITY_BASED_LEAST_CONNECTION_WITH_REPLICATION = 'lblcr',
  /** Source hashing. */
  SOURCE_HASHING = 'sh',
  /** Destination hashing. */
  DESTINATION_HASHING = 'dh',
  /** Shortest expected delay. */
  SHORTEST_EXPECTED_DELAY = 'sed',
  /** Never queue. */
  NEVER_QUEUE = 'nq',
}

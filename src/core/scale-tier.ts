/**
 * The scale a cluster is tuned for. Every per-tier number lives in `TierTable`.
 *
 * - `SMALL`: up to 50 nodes and fewer than 1,000 Services.
 * - `MEDIUM`: up to 500 nodes and fewer than 1,000 Services.
 * - `LARGE`: more than 500 nodes, or 1,000 Services or more (the guide's limit
 *   for kube-proxy iptables mode, whose rule updates grow with the Service count).
 *
 * Use `TierTable.tierFor({ nodes, services })` to pick one from the cluster size.
 */
export enum ScaleTier {
  /** Up to 50 nodes and fewer than 1,000 Services: Flannel, kube-proxy iptables. */
  SMALL = 'small',
  /** Up to 500 nodes and fewer than 1,000 Services: Calico, kube-proxy iptables. */
  MEDIUM = 'medium',
  /** More than 500 nodes or at least 1,000 Services: Cilium, kube-proxy IPVS (nftables from 1.35). */
  LARGE = 'large',
}

/** The size of a cluster, to pick a `ScaleTier`. */
export interface ClusterSize {
  /** Number of nodes (at least 1). */
  readonly nodes: number;
  /** Number of Services (0 or more). */
  readonly services: number;
}

/** The CNI plugins the guide compares and the library configures. */
export enum CniPlugin {
  /** Simple overlay (VXLAN or host-gw); the guide's choice for small clusters. */
  FLANNEL = 'flannel',
  /** BGP or VXLAN, optional eBPF data plane, rich NetworkPolicy; the guide's choice for medium clusters. */
  CALICO = 'calico',
  /** eBPF data plane, service proxy and observability; the guide's choice for large clusters. */
  CILIUM = 'cilium',
}

/** How Calico is installed: it decides who owns the data plane switch and the IP pools. */
export enum CalicoInstallMethod {
  /**
   * The calico.yaml manifest: calico-node creates the default pool at first start from its
   * CALICO_IPV4POOL_* environment; FelixConfiguration and IPPools are edited directly.
   */
  MANIFEST = 'manifest',
  /**
   * The tigera-operator: the `Installation` resource chooses the data plane
   * (`calicoNetwork.linuxDataplane`) and the pools (`calicoNetwork.ipPools`); the operator
   * owns FelixConfiguration `bpfEnabled` and the pools it creates.
   */
  OPERATOR = 'operator',
}

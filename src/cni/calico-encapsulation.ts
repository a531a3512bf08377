/**
 * IPPool `vxlanMode` / `ipipMode` values.
 *
 * @see https://docs.tigera.io/calico/latest/reference/resources/ippool
 */
export enum CalicoEncapsulationMode {
  /** No encapsulation of this kind. */
  NEVER = 'Never',
  /** Always encapsulate. */
  ALWAYS = 'Always',
  /** Encapsulate only between nodes in different subnets. */
  CROSS_SUBNET = 'CrossSubnet',
}

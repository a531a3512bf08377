/** Flannel `Backend.Type` in `net-conf.json`. */
export enum FlannelBackend {
  /** VXLAN overlay; works on any network (Flannel's default). */
  VXLAN = 'vxlan',
  /** Routes via node IPs; needs all nodes on one L2 segment, no encapsulation overhead. */
  HOST_GW = 'host-gw',
}

/** Cilium `routingMode`. */
export enum CiliumRoutingMode {
  /** Native routing: pod CIDRs are routed by the network (the guide's `tunnel: disabled`). */
  NATIVE = 'native',
  /** Encapsulation between nodes (`tunnelProtocol` picks VXLAN or Geneve). */
  TUNNEL = 'tunnel',
}

/** Cilium `tunnelProtocol`. */
export enum CiliumTunnelProtocol {
  /** VXLAN (UDP 8472). */
  VXLAN = 'vxlan',
  /** Geneve (UDP 6081); allows DSR in tunnel mode with `dsrDispatch: geneve`. */
  GENEVE = 'geneve',
}

/** Cilium `loadBalancer.mode` for NodePort / LoadBalancer traffic. */
export enum CiliumLoadBalancerMode {
  /** Source NAT (Cilium's default). */
  SNAT = 'snat',
  /** Direct Server Return: replies skip the ingress node. Needs kube-proxy replacement and native routing. */
  DSR = 'dsr',
  /** DSR for TCP, SNAT for UDP. Same needs as DSR. */
  HYBRID = 'hybrid',
}

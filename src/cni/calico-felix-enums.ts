/** Felix `logSeverityScreen`. */
export enum CalicoLogSeverity {
  /** Everything. */
  DEBUG = 'Debug',
  /** Informational and up. */
  INFO = 'Info',
  /** Warnings and up (the guide's). */
  WARNING = 'Warning',
  /** Errors and up. */
  ERROR = 'Error',
  /** Fatal only. */
  FATAL = 'Fatal',
}

/** Felix `bpfLogLevel`. */
export enum CalicoBpfLogLevel {
  /** No per-packet logging (the guide's). */
  OFF = 'Off',
  /** Some. */
  INFO = 'Info',
  /** Per-packet: very verbose, for debugging only. */
  DEBUG = 'Debug',
}

/** Felix `bpfExternalServiceMode`: how NodePort traffic is forwarded in eBPF mode. */
export enum CalicoExternalServiceMode {
  /** Forward through the ingress node (Calico's default). */
  TUNNEL = 'Tunnel',
  /** Direct Server Return: replies leave from the backend's node (needs a permissive L2 network). */
  DSR = 'DSR',
}

/** Felix `ipForwarding`. */
export enum CalicoIpForwarding {
  /** Felix turns IP forwarding on (the guide's). */
  ENABLED = 'Enabled',
  /** Felix leaves it alone. */
  DISABLED = 'Disabled',
}

/** Felix `nftablesMode`. */
export enum CalicoNftablesMode {
  /** iptables data plane. */
  DISABLED = 'Disabled',
  /** nftables data plane. */
  ENABLED = 'Enabled',
  /** Follow kube-proxy: nftables when kube-proxy runs in nftables mode (Calico 3.32's default). */
  AUTO = 'Auto',
}

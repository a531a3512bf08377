import { Duration } from 'cdk8s';
import { IpvsScheduler } from './kube-proxy-mode';

/**
 * The `ipvs` section of KubeProxyConfiguration. Only used when `mode` is IPVS;
 * set for another mode, it is not emitted and a warning says so.
 */
export interface IpvsOptions {
  /**
   * IPVS scheduler.
   *
   * @default - the tier's (IpvsScheduler.ROUND_ROBIN, the guide's `rr`)
   */
  readonly scheduler?: IpvsScheduler;

  /**
   * Interval of full resyncs (`ipvs.syncPeriod`). Must be > 0.
   *
   * @default - the tier's (30s)
   */
  readonly syncPeriod?: Duration;

  /**
   * Minimum interval between resyncs when Services or endpoints change (`ipvs.minSyncPeriod`). Must be <= `syncPeriod`.
   *
   * @default - the tier's (1s, the guide's)
   */
  readonly minSyncPeriod?: Duration;

  /**
   * IPVS TCP session timeout (`ipvs.tcpTimeout`). 0s keeps the kernel's value.
   *
   * @default - not set: kube-proxy keeps the kernel's value (the guide's `0s` tunes nothing)
   */
  readonly tcpTimeout?: Duration;

  /**
   * IPVS TCP FIN_WAIT timeout (`ipvs.tcpFinTimeout`). 0s keeps the kernel's value.
   *
   * @default - not set: kube-proxy keeps the kernel's value
   */
  readonly tcpFinTimeout?: Duration;

  /**
   * IPVS UDP timeout (`ipvs.udpTimeout`). 0s keeps the kernel's value.
   *
   * @default - not set: kube-proxy keeps the kernel's value
   */
  readonly udpTimeout?: Duration;

  /**
   * `ipvs.strictARP`: answer ARP only for addresses on the receiving interface.
   * Required by MetalLB L2 mode and kube-vip ARP with IPVS.
   *
   * @default - the tier's (true, the guide's)
   */
  readonly strictArp?: boolean;

  /**
   * CIDRs whose IPVS virtual servers kube-proxy must not clean up (`ipvs.excludeCIDRs`).
   *
   * @default - none
   */
  readonly excludeCidrs?: string[];
}

/**
 * The `iptables` section of KubeProxyConfiguration. Only used when `mode` is
 * IPTABLES; set for another mode, it is not emitted and a warning says so.
 */
export interface IptablesOptions {
  /**
   * Bit of the fwmark that marks packets to SNAT (`iptables.masqueradeBit`), 0..31.
   *
   * @default 14
   */
  readonly masqueradeBit?: number;

  /**
   * SNAT all traffic sent to Service IPs (`iptables.masqueradeAll`).
   *
   * @default false
   */
  readonly masqueradeAll?: boolean;

  /**
   * Accept NodePort connections on 127.0.0.1 (`iptables.localhostNodePorts`; IPv4 only).
   *
   * @default true
   */
  readonly localhostNodePorts?: boolean;

  /**
   * Interval of full resyncs (`iptables.syncPeriod`). Must be > 0.
   *
   * @default - the tier's (30s)
   */
  readonly syncPeriod?: Duration;

  /**
   * Minimum interval between resyncs (`iptables.minSyncPeriod`). Must be <= `syncPeriod`.
   *
   * @default - the tier's (1s)
   */
  readonly minSyncPeriod?: Duration;
}

/**
 * The `nftables` section of KubeProxyConfiguration. Only used when `mode` is
 * NFTABLES; set for another mode, it is not emitted and a warning says so.
 */
export interface NftablesOptions {
  /**
   * Bit of the fwmark that marks packets to SNAT (`nftables.masqueradeBit`), 0..31.
   *
   * @default 14
   */
  readonly masqueradeBit?: number;

  /**
   * SNAT all traffic sent to Service IPs (`nftables.masqueradeAll`).
   *
   * @default false
   */
  readonly masqueradeAll?: boolean;

  /**
   * Interval of full resyncs (`nftables.syncPeriod`). Must be > 0.
   *
   * @default - the tier's (30s)
   */
  readonly syncPeriod?: Duration;

  /**
   * Minimum interval between resyncs (`nftables.minSyncPeriod`). Must be <= `syncPeriod`.
   *
   * @default - the tier's (1s)
   */
  readonly minSyncPeriod?: Duration;
}

/**
 * The `conntrack` section of KubeProxyConfiguration. kube-proxy writes these to
 * the node's netfilter sysctls at start, overwriting other values.
 */
export interface ConntrackOptions {
  /**
   * Conntrack entries per CPU core (`conntrack.maxPerCore`). kube-proxy sets
   * `nf_conntrack_max = max(maxPerCore × cores, min)`. 0 leaves the kernel's value
   * alone (and ignores `min`): use it when a SysctlTuner owns `nf_conntrack_max`.
   *
   * @default - the tier's (32768; 65536 for LARGE)
   */
  readonly maxPerCore?: number;

  /**
   * Lower bound for nf_conntrack_max (`conntrack.min`).
   *
   * @default - the tier's (131072; 524288 for LARGE)
   */
  readonly min?: number;

  /**
   * Idle timeout of established TCP entries (`conntrack.tcpEstablishedTimeout`). 0s leaves the kernel's value.
   *
   * @default - the tier's (24h)
   */
  readonly tcpEstablishedTimeout?: Duration;

  /**
   * Timeout of CLOSE_WAIT entries (`conntrack.tcpCloseWaitTimeout`). 0s leaves the kernel's value.
   *
   * @default - the tier's (1h)
   */
  readonly tcpCloseWaitTimeout?: Duration;

  /**
   * Mark only out-of-window RST packets invalid (`conntrack.tcpBeLiberal`). Kubernetes 1.29+.
   *
   * @default - not set (false)
   */
  readonly tcpBeLiberal?: boolean;

  /**
   * UDP conntrack timeout (`conntrack.udpTimeout`). Kubernetes 1.29+. 0s leaves the kernel's value.
   *
   * @default - not set (kernel value)
   */
  readonly udpTimeout?: Duration;

  /**
   * UDP stream conntrack timeout (`conntrack.udpStreamTimeout`). Kubernetes 1.29+. 0s leaves the kernel's value.
   *
   * @default - not set (kernel value)
   */
  readonly udpStreamTimeout?: Duration;
}

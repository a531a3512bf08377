import { IConstruct } from 'constructs';
import type { HostPort } from './_host-ports';
import type { NetworkPlan } from './_plan';
import { ClusterProfile } from './cluster-profile';
import { ScaleTier } from './scale-tier';
import { CniPlugin } from '../cni/cni-plugin';
import { KubeProxyMode } from '../kube-proxy/kube-proxy-mode';

/**
 * What each component tells the rest of the app about itself. Rules and other
 * components read these facts instead of importing component classes, so the
 * rule engine has no import cycle with the constructs it checks. Getters may be
 * lazy: they are read at synthesis, after every construct exists.
 */
export interface BaseFacts {
  readonly scope: IConstruct;
  readonly profile: ClusterProfile;
  readonly tier: ScaleTier;
  /**
   * Objects a component could only create when it was constructed, from the plan
   * as it stood then; the PLAN-CHANGED-AFTER-CONSTRUCTION rule refuses an app
   * whose final plan would have created others.
   */
  readonly planChecks?: PlanCheck[];
}

/** One construction-time choice that followed the plan. */
export interface PlanCheck {
  /** What was decided, e.g. "the secondary node-local-dns DaemonSet". */
  readonly what: string;
  /** The choice made at construction. */
  readonly atConstruction: string;
  /** The same choice from the final plan. */
  readonly current: (plan: NetworkPlan) => string;
  /** How to fix a difference. */
  readonly fix: string;
}

/** A component with no facts beyond the base ones (used by tests and simple components). */
export interface GenericFacts extends BaseFacts {
  readonly kind: 'generic';
}

/** TunedKubeProxy. */
export interface KubeProxyFacts extends BaseFacts {
  readonly kind: 'kube-proxy';
  /** The mode the user set (`mode`); otherwise the plan decides it. */
  readonly explicitMode?: KubeProxyMode;
  readonly conntrackMaxPerCore: number;
  readonly conntrackMin: number;
  /** What kube-proxy writes to nf_conntrack_max at start (0 = leaves the kernel value). */
  readonly effectiveConntrackMax: number;
  /** Seconds kube-proxy writes to nf_conntrack_tcp_timeout_established (0 = leaves it). */
  readonly tcpEstablishedTimeoutSeconds: number;
  /** Seconds kube-proxy writes to nf_conntrack_tcp_timeout_close_wait (0 = leaves it). */
  readonly tcpCloseWaitTimeoutSeconds: number;
  readonly metricsBindAddress: string;
  /** Ports kube-proxy listens on in the host's network namespace (metrics, healthz). */
  readonly listeners: readonly HostPort[];
  readonly deploysDaemonSet: boolean;
  /** The longest minSyncPeriod of any mode section (a queued change waits at most this long for a sync). */
  readonly maxMinSyncPeriodSeconds: number;
}

/** PodDnsTuning. */
export interface PodDnsFacts extends BaseFacts {
  readonly kind: 'pod-dns';
  /** Nameservers added to pods' dnsConfig. */
  readonly nameservers: string[];
}

/** SysctlTuner. */
export interface SysctlTunerFacts extends BaseFacts {
  readonly kind: 'sysctl-tuner';
  /** Keys the user set explicitly, with their values. */
  readonly explicitSysctls: Readonly<Record<string, string>>;
  /** Every key the tuner writes, with its value (read at synthesis). */
  readonly effectiveSysctls: Readonly<Record<string, string>>;
}

/** PodSysctlTuning. */
export interface PodSysctlFacts extends BaseFacts {
  readonly kind: 'pod-sysctls';
  /** Keys set in pod securityContexts. */
  readonly keys: string[];
}

/** TunedCoreDns. */
export interface CoreDnsFacts extends BaseFacts {
  readonly kind: 'coredns';
  /** Whether the Deployment and kube-dns Service are emitted (not only the ConfigMap). */
  readonly deploys: boolean;
  /** Zones of the extra server blocks (stub zones). */
  readonly stubZones: string[];
  /** Port of the prometheus plugin, 0 when there is none. */
  readonly metricsPort: number;
  readonly forwardMaxConcurrent: number;
  /** Upstreams of the main block's `forward`. */
  readonly upstreams: string[];
  /** The CoreDNS minor version that runs: the deployed image's, else kubeadm's for the Kubernetes version. */
  readonly coreDnsMinor: number;
}

/** NodeLocalDns. */
export interface NodeLocalDnsFacts extends BaseFacts {
  readonly kind: 'node-local-dns';
  readonly localIp: string;
  /** The kube-proxy mode the user stated, if any (the plan decides the wiring). */
  readonly explicitMode?: KubeProxyMode;
  readonly healthPort: number;
  /** Ports node-cache listens on in the host's network namespace, every instance. */
  readonly listeners: readonly HostPort[];
}

/** DefaultDenyPolicy. */
export interface DefaultDenyFacts extends BaseFacts {
  readonly kind: 'default-deny';
  readonly namespaces: string[];
  readonly deniesIngress: boolean;
  readonly deniesEgress: boolean;
  readonly allowsDns: boolean;
}

/** A component group NetworkAlerts can watch. */
export type AlertGroupName = 'kube-proxy' | 'coredns' | 'node-local-dns' | 'node';

/** NetworkAlerts. */
export interface AlertsFacts extends BaseFacts {
  readonly kind: 'alerts';
  /** The groups watched, decided when the construct was created. */
  readonly watches: Readonly<Record<AlertGroupName, boolean>>;
  /** The groups the user turned on or off explicitly. */
  readonly explicit: Readonly<Record<AlertGroupName, boolean>>;
  /** The kube-proxy mode the user stated, if any. */
  readonly explicitKubeProxyMode?: KubeProxyMode;
}

/** CalicoTuning, CiliumTuning, FlannelTuning. */
export interface CniFacts extends BaseFacts {
  readonly kind: 'cni';
  readonly plugin: CniPlugin;
  /** Set when the CNI's eBPF data plane implements Services instead of kube-proxy (Calico eBPF, Cilium KPR). */
  readonly replacesKubeProxyWith?: string;
  /** Whether the CNI enforces NetworkPolicy. */
  readonly enforcesNetworkPolicy: boolean;
  /** Calico's nftablesMode, when set. */
  readonly calicoNftablesMode?: string;
}

export type ComponentFacts = GenericFacts | KubeProxyFacts | SysctlTunerFacts | PodSysctlFacts | PodDnsFacts
  | CoreDnsFacts | NodeLocalDnsFacts | DefaultDenyFacts | CniFacts | AlertsFacts;
export type ComponentKind = ComponentFacts['kind'];
export type FactsOf<K extends ComponentKind> = Extract<ComponentFacts, { kind: K }>;

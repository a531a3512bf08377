/** Where a tuned value came from. */
export enum DecisionSource {
  /** The tier table (see `TierTable`). */
  TIER = 'tier',
  /** The user set it explicitly. */
  OVERRIDE = 'override',
  /** A compatibility rule (Kubernetes version or another component) changed or forced it. */
  COMPATIBILITY = 'compatibility',
  /** Derived from the cluster profile or another value. */
  DERIVED = 'derived',
  /** The upstream manifest's value (kubeadm, the Kubernetes addon, the chart). */
  UPSTREAM = 'upstream',
}

/** Why one tuned value is what it is. */
export interface Decision {
  /** Construct path of the component. */
  readonly path: string;
  /** The setting, named after the field it produces (for example `conntrack.maxPerCore`). */
  readonly setting: string;
  /** The value as emitted. */
  readonly value: string;
  /** What decided it. */
  readonly source: DecisionSource;
  /** The rule, override or reason, in one line. */
  readonly reason: string;
}

/** Severity of a finding. */
export enum FindingSeverity {
  /** Synthesis stops. */
  ERROR = 'error',
  /** Valid but risky; printed at synthesis and listed in the report. */
  WARNING = 'warning',
}

/** A problem found in the input or in how components combine. */
export interface Finding {
  /** Stable identifier of the rule (for example `NLD-NFTABLES`). */
  readonly ruleId: string;
  /** Error or warning. */
  readonly severity: FindingSeverity;
  /** Construct path the finding is about. */
  readonly path: string;
  /** What is wrong and why. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /**
   * The reason a warning was acknowledged with (`Acknowledgements.acknowledge`); acknowledged
   * warnings are not printed and never fail synthesis.
   *
   * @default - not acknowledged
   */
  readonly acknowledgement?: string;
}

/** A warning rule acknowledged on a construct and everything under it (see `Acknowledgements`). */
export interface Acknowledgement {
  /** Path of the construct it was made on (empty for the app). */
  readonly path: string;
  /** The acknowledged rule. */
  readonly ruleId: string;
  /** Why the warning does not apply or is accepted. */
  readonly reason: string;
  /** Warnings it acknowledged in the last synthesis (or `check()`); 0 means it matched none. */
  readonly warnings: number;
}

/** One step of a DNS query's path (see `TuningReport.dnsPath`). */
export enum DnsHopKind {
  /** The pod's resolv.conf: kubelet `clusterDNS` and the pod's `dnsConfig`. */
  RESOLV_CONF = 'resolv.conf',
  /** What answers at that address on the node: NodeLocal DNSCache, or the kube-dns Service. */
  LISTENER = 'listener',
  /** NetworkPolicy on the pod's egress to that listener, under the CNI's semantics. */
  POLICY = 'policy',
  /** CoreDNS answering cluster names (reached from the pod or from node-local-dns). */
  COREDNS = 'coredns',
  /** The resolvers outside the cluster, for other names. */
  UPSTREAM = 'upstream',
}

/** Whether a query gets through a hop. */
export enum DnsHopVerdict {
  /** It does, by what `allowedBy` names. */
  PASS = 'pass',
  /** It does not: the query fails here. */
  FAIL = 'fail',
  /** Outside this app (kubeadm's CoreDNS, the node's resolvers): assumed to work. */
  ASSUMED = 'assumed',
}

/** One hop of a DNS query. */
export interface DnsHop {
  /** Which step. */
  readonly kind: DnsHopKind;
  /** Where the query goes at this step (an address, a Service, a set of pods). */
  readonly target: string;
  /** Whether it gets through. */
  readonly verdict: DnsHopVerdict;
  /** Why, in one line. */
  readonly detail: string;
  /** The objects, constructs or settings that let it through (empty when it fails). */
  readonly allowedBy: string[];
}

/** The path a pod's DNS query takes from one namespace. */
export interface DnsPathTrace {
  /** The pod's namespace. */
  readonly podNamespace: string;
  /** Whether both cluster and external names resolve. */
  readonly resolves: boolean;
  /** The hops, in order. */
  readonly hops: DnsHop[];
  /**
   * The first hop that fails.
   *
   * @default - none: the names resolve
   */
  readonly failedAt?: DnsHop;
}

/** What an apply prerequisite is. */
export enum PrerequisiteKind {
  /** A CustomResourceDefinition another install provides. */
  CUSTOM_RESOURCE_DEFINITION = 'crd',
  /** A namespace the app writes into but does not create. */
  NAMESPACE = 'namespace',
}

/** Something the cluster must have before the app's manifests apply in one pass. */
export interface ApplyPrerequisite {
  /** A CRD or a namespace. */
  readonly kind: PrerequisiteKind;
  /** The API group and version (CRDs, e.g. `monitoring.coreos.com/v1`) or the namespace. */
  readonly name: string;
  /** The objects that need it, as `Kind namespace/name` (or `Kind name`), in output order. */
  readonly neededBy: string[];
  /** What installs it. */
  readonly installedBy: string;
}

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
}

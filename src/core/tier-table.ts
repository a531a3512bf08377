import { checkCall } from './_boundary';
import { ConfigErrors } from './_errors';
import { renderTierValue, Rule, TIER_LIMITS, tierSettings } from './_tier-table';
import { ClusterSize, ScaleTier } from './scale-tier';

/** One row of the tier table. */
export interface TierRow {
  /** The setting, as `component.setting` (for example `kubeProxy.mode`). */
  readonly setting: string;
  /** The value, rendered as it appears in manifests. */
  readonly value: string;
  /** Why the tier uses this value. */
  readonly reason: string;
}

/**
 * Read access to the tier table: every per-tier number and choice the library
 * uses, each with its reason, and tier selection from the cluster size.
 */
export class TierTable {
  /**
   * Picks the tier for a cluster: SMALL up to 50 nodes, MEDIUM up to 500 nodes,
   * LARGE above that; 1,000 Services or more is always LARGE (the guide's limit
   * for kube-proxy iptables mode).
   */
  public static tierFor(size: ClusterSize): ScaleTier {
    [size] = checkCall('TierTable.tierFor', [size]) as [ClusterSize];
    const errors = new ConfigErrors('TierTable.tierFor');
    errors.int('nodes', size.nodes, 1);
    errors.int('services', size.services, 0);
    errors.throwIfAny();
    for (const tier of [ScaleTier.SMALL, ScaleTier.MEDIUM, ScaleTier.LARGE]) {
      const limits = TIER_LIMITS[tier];
      if (size.nodes <= limits.maxNodes && size.services <= limits.maxServices) return tier;
    }
    return ScaleTier.LARGE;
  }

  /** Every row for a tier, in a stable order. */
  public static rows(tier: ScaleTier): TierRow[] {
    [tier] = checkCall('TierTable.rows', [tier]) as [ScaleTier];
    const rows: TierRow[] = [];
    walk(tierSettings(tier), '', rows);
    return rows;
  }

  /** The settings the table knows (the same for every tier). */
  public static settings(): string[] {
    return TierTable.rows(ScaleTier.SMALL).map((row) => row.setting);
  }

  /** One value, by setting name (see `settings()`). */
  public static value(tier: ScaleTier, setting: string): string {
    [tier, setting] = checkCall('TierTable.value', [tier, setting]) as [ScaleTier, string];
    return TierTable.row(tier, setting).value;
  }

  /** Why a tier uses a value. */
  public static reason(tier: ScaleTier, setting: string): string {
    [tier, setting] = checkCall('TierTable.reason', [tier, setting]) as [ScaleTier, string];
    return TierTable.row(tier, setting).reason;
  }

  private static row(tier: ScaleTier, setting: string): TierRow {
    const row = TierTable.rows(tier).find((r) => r.setting === setting);
    if (!row) {
      ConfigErrors.fail('TierTable', 'setting', setting, 'is not in the tier table; see TierTable.settings()');
    }
    return row!;
  }

  /** Static members only. */
  private constructor() {}
}

function isRule(x: unknown): x is Rule<unknown> {
  return typeof x === 'object' && x !== null && 'value' in x && 'reason' in x;
}

function walk(node: object, prefix: string, out: TierRow[]): void {
  for (const [key, child] of Object.entries(node)) {
    const name = prefix ? (prefix.startsWith('sysctls') ? `${prefix}[${key}]` : `${prefix}.${key}`) : key;
    if (isRule(child)) {
      out.push({ setting: name, value: renderTierValue(child.value), reason: child.reason });
    } else if (typeof child === 'object' && child !== null) {
      walk(child, name, out);
    }
  }
}

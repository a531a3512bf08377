import { CniPlugin } from '../cni/cni-plugin';
import { defaultKubeProxyMode } from '../core/_plan';
import { renderTierValue, tierSettings } from '../core/_tier-table';
import { KubernetesVersion } from '../core/kubernetes-version';
import { ScaleTier } from '../core/scale-tier';
import { TierTable } from '../core/tier-table';

/*
 * The tier comparison of an audit: the cluster's settings (as the manifests say they run) against
 * each tier's table. The tier it resembles is the one matching most of the settings the tiers
 * differ in; each value that deviates from the target tier is listed with the table's reason.
 */

/** Tier-table settings of a cluster (`kubeProxy.mode`, `coreDns.cacheTtlSeconds`, ...) and where each came from. */
export type ClusterSettings = Map<string, { value: unknown; from: string }>;

export interface TierDeviation {
  readonly setting: string;
  readonly cluster: string;
  readonly tier: string;
  /** Why the tier uses its value (the table's reason). */
  readonly reason: string;
  readonly from: string;
}

export interface TierComparison {
  /** The tier matching most of the settings the tiers differ in; absent when none of them was read. */
  readonly resembles?: ScaleTier;
  /** Matches per tier, over `distinguishing` settings. */
  readonly matches: Record<string, number>;
  readonly distinguishing: number;
  /** The settings read from the manifests and compared. */
  readonly compared: number;
  /** The tier the deviations are against: the one given (or the cluster's size's), else the one it resembles. */
  readonly target?: ScaleTier;
  readonly targetFrom: string;
  readonly deviations: TierDeviation[];
}

export interface CompareOptions {
  readonly target?: ScaleTier;
  /** How the target was chosen, for the report. */
  readonly targetFrom?: string;
  readonly version: KubernetesVersion;
}

const TIERS = [ScaleTier.SMALL, ScaleTier.MEDIUM, ScaleTier.LARGE];

/** The value and reason a tier gives a setting on this cluster (the kube-proxy mode as the plan adjusts it for the version and CNI). */
function tierValue(tier: ScaleTier, setting: string, version: KubernetesVersion, cni: CniPlugin | undefined): { value: string; reason: string } {
  if (setting === 'kubeProxy.mode') {
    const d = defaultKubeProxyMode(tier, tierSettings(tier), version, cni);
    return { value: d.mode, reason: d.reason.replace(`${tier} tier: `, '') };
  }
  return { value: TierTable.value(tier, setting), reason: TierTable.reason(tier, setting) };
}

/** Compares the settings with every tier; deviations against `target` (else the tier they resemble). */
export function compareTiers(settings: ClusterSettings, opts: CompareOptions): TierComparison {
  const known = new Set(TierTable.settings());
  const compared = [...settings.entries()].filter(([s]) => known.has(s)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const cniValue = settings.get('cni')?.value;
  const cni = (Object.values(CniPlugin) as unknown[]).includes(cniValue) ? cniValue as CniPlugin : undefined;
  const matches: Record<string, number> = { small: 0, medium: 0, large: 0 };
  let distinguishing = 0;
  for (const [setting, { value }] of compared) {
    const values = TIERS.map((t) => tierValue(t, setting, opts.version, cni).value);
    if (new Set(values).size === 1) continue;
    distinguishing++;
    TIERS.forEach((t, i) => { if (values[i] === renderTierValue(value)) matches[t]++; });
  }
  // ties go to the smaller tier: fewer resources is the cheaper reading
  const best = distinguishing === 0 ? undefined : TIERS.reduce((a, b) => (matches[b] > matches[a] ? b : a));
  const resembles = best !== undefined && matches[best] > 0 ? best : undefined;
  const target = opts.target ?? resembles;
  const deviations: TierDeviation[] = [];
  if (target) {
    for (const [setting, { value, from }] of compared) {
      const t = tierValue(target, setting, opts.version, cni);
      const cluster = renderTierValue(value);
      if (cluster !== t.value) deviations.push({ setting, cluster, tier: t.value, reason: t.reason, from });
    }
  }
  return {
    ...(resembles ? { resembles } : {}),
    matches,
    distinguishing,
    compared: compared.length,
    ...(target ? { target } : {}),
    targetFrom: opts.target ? opts.targetFrom ?? 'given' : resembles ? 'the tier it resembles' : 'none',
    deviations,
  };
}

import { IConstruct } from 'constructs';
import { ConfigErrors } from './_errors';
import { shownProp } from './_input-names';
import { AppState } from './_registry';
import { renderTierValue, Rule, TierSettings, tierSettings } from './_tier-table';
import { ClusterProfile } from './cluster-profile';
import { Compatibility, FeatureSupport, KubernetesFeature } from './compatibility';
import { DecisionSource } from './report-types';
import { ScaleTier } from './scale-tier';

/** What every component resolves first: its tier, profile, tier settings and error collector. */
export interface ComponentContext {
  readonly scope: IConstruct;
  readonly state: AppState;
  readonly tier: ScaleTier;
  readonly profile: ClusterProfile;
  readonly settings: TierSettings;
  readonly errors: ConfigErrors;
}

export function componentContext(scope: IConstruct, tier: ScaleTier | undefined, profile: ClusterProfile | undefined): ComponentContext {
  const errors = new ConfigErrors(scope);
  const t = tier ?? ScaleTier.SMALL;
  if (!errors.oneOf('tier', t, Object.values(ScaleTier))) errors.throwIfAny();
  if (profile !== undefined && !(profile instanceof ClusterProfile)) {
    errors.add('profile', profile, 'must be a ClusterProfile');
    errors.throwIfAny();
  }
  const state = AppState.of(scope);
  const p = profile ?? new ClusterProfile();
  state.seed(p, t);
  return { scope, state, tier: t, profile: p, settings: tierSettings(t), errors };
}

/**
 * Picks a value: the user's override if given, else the tier table's, and
 * records which one decided it (for the explanation report).
 */
export function pick<T>(
  ctx: ComponentContext, setting: string, override: T | undefined, rule: Rule<T>, render: (v: T) => string = renderTierValue,
): T {
  if (override !== undefined) {
    ctx.state.decide(ctx.scope, setting, render(override), DecisionSource.OVERRIDE, 'set by the user');
    return override;
  }
  const prefix = `${ctx.tier} tier`;
  const reason = rule.reason.startsWith(prefix) ? rule.reason : `${prefix}: ${rule.reason}`;
  ctx.state.decide(ctx.scope, setting, render(rule.value), DecisionSource.TIER, reason);
  return rule.value;
}

/** Records a value that no tier rule or override decided. */
export function record(ctx: ComponentContext, setting: string, value: unknown, source: DecisionSource, reason: string): void {
  ctx.state.decide(ctx.scope, setting, renderTierValue(value), source, reason);
}

/**
 * Checks that the profile's Kubernetes version allows a feature. Refusals go to
 * `ctx.errors`; deprecations and pre-GA opt-ins become warnings. Returns whether
 * the feature may be emitted.
 */
export function checkFeature(ctx: ComponentContext, feature: KubernetesFeature, prop: string, value: unknown): boolean {
  const version = ctx.profile.kubernetesVersion;
  const cell = Compatibility._describe(feature, version);
  switch (cell.support) {
    case FeatureSupport.UNAVAILABLE: {
      const since = Compatibility.introducedIn(feature);
      ctx.errors.add(prop, value, `needs Kubernetes ${since ?? 'a newer version'} or newer (${cell.title}); the profile targets ${version.version}`);
      return false;
    }
    case FeatureSupport.OPT_IN: {
      if (!ctx.profile.optInFeatures.includes(feature)) {
        const gate = Compatibility.featureGate(feature);
        ctx.errors.add(prop, value, `is pre-GA on Kubernetes ${version.version} (${cell.note}; GA in ${Compatibility.generallyAvailableIn(feature)}): `
          + `add KubernetesFeature.${enumKey(feature)} to the profile's 'optInFeatures'${gate ? ` once feature gate ${gate} is enabled` : ''}`);
        return false;
      }
      return true;
    }
    case FeatureSupport.DEPRECATED:
      ctx.state.warn(ctx.scope, `DEPRECATED-${enumKey(feature).replace(/_/g, '-')}`, `'${shownProp(ctx.scope, prop)}' (${String(value)}) is deprecated on Kubernetes ${version.version}: ${cell.note}`,
        'move to the replacement named in the message before upgrading further');
      return true;
    default:
      return true;
  }
}

function enumKey(feature: KubernetesFeature): string {
  return Object.entries(KubernetesFeature).find(([, v]) => v === feature)![0];
}

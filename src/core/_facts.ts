import { IConstruct } from 'constructs';
import { ClusterProfile } from './cluster-profile';
import { ScaleTier } from './scale-tier';

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
}

/** Placeholder kinds are narrowed by later components; each adds its own fields. */
export interface GenericFacts extends BaseFacts {
  readonly kind: 'generic';
}

export type ComponentFacts = GenericFacts;
export type ComponentKind = ComponentFacts['kind'];
export type FactsOf<K extends ComponentKind> = Extract<ComponentFacts, { kind: K }>;

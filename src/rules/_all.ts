import { CONNTRACK_OWNERSHIP } from './conntrack-ownership';
import { DEFAULT_DENY_DNS } from './default-deny-dns';
import { DEFAULT_DENY_OVERLAP } from './default-deny-overlap';
import { PROFILE_CONSISTENCY } from './profile-consistency';
import { SINGLE_INSTANCE } from './single-instance';
import type { CrossComponentRule } from '../core/_registry';

/** Every cross-component rule, in the order findings are listed. */
export const CROSS_COMPONENT_RULES: readonly CrossComponentRule[] = [
  PROFILE_CONSISTENCY,
  SINGLE_INSTANCE,
  CONNTRACK_OWNERSHIP,
  DEFAULT_DENY_DNS,
  DEFAULT_DENY_OVERLAP,
];

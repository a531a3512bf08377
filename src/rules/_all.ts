import type { CrossComponentRule } from '../core/_registry';
import { PROFILE_CONSISTENCY } from './profile-consistency';

/** Every cross-component rule, in the order findings are listed. */
export const CROSS_COMPONENT_RULES: readonly CrossComponentRule[] = [
  PROFILE_CONSISTENCY,
];

import { CniPlugin } from './cni-plugin';
import { checkCall } from '../core/_boundary';
import { ConfigErrors } from '../core/_errors';
import { tierSettings } from '../core/_tier-table';
import { ScaleTier } from '../core/scale-tier';

/** What the cluster needs from its CNI. */
export interface CniRequirements {
  /** The scale tier. */
  readonly tier: ScaleTier;

  /**
   * NetworkPolicies must be enforced (for example DefaultDenyPolicy is used).
   *
   * @default false
   */
  readonly networkPolicy?: boolean;

  /**
   * Prefer an eBPF data plane (service proxy without kube-proxy, DSR, observability)
   * even below the LARGE tier.
   *
   * @default false
   */
  readonly highPerformance?: boolean;
}

/** A CNI recommendation and why. */
export interface CniChoice {
  /** The recommended plugin. */
  readonly plugin: CniPlugin;
  /** Why, one line each. */
  readonly reasons: string[];
  /** What the others would mean here, one line each. */
  readonly alternatives: string[];
}

/**
 * The guide's CNI comparison ("CNI 插件性能对比") and summary: Flannel for small
 * clusters, Calico for medium, Cilium for large or high-performance ones —
 * adjusted where the guide's choice would not do the job (Flannel does not
 * enforce NetworkPolicy).
 */
export class CniRecommendation {
  /** The plugin for these requirements, with reasons. */
  public static recommend(requirements: CniRequirements): CniChoice {
    [requirements] = checkCall('CniRecommendation.recommend', [requirements]) as [CniRequirements];
    const errors = new ConfigErrors('CniRecommendation');
    errors.oneOf('tier', requirements.tier, Object.values(ScaleTier));
    errors.throwIfAny();
    const guide = tierSettings(requirements.tier).cni;
    const reasons = [`${requirements.tier} tier: ${guide.reason}`];
    let plugin = guide.value;
    if (requirements.highPerformance && plugin !== CniPlugin.CILIUM) {
      plugin = CniPlugin.CILIUM;
      reasons.push('high performance asked: Cilium\'s eBPF data plane (kube-proxy replacement, DSR, Hubble), the guide\'s 大规模/高性能 choice');
    }
    if (requirements.networkPolicy && plugin === CniPlugin.FLANNEL) {
      plugin = CniPlugin.CALICO;
      reasons.push('NetworkPolicies must be enforced and Flannel does not enforce them: Calico (the guide\'s 丰富的网络策略支持)');
    }
    const alternatives = [
      `${CniPlugin.FLANNEL}: simplest (VXLAN or host-gw), no NetworkPolicy enforcement`,
      `${CniPlugin.CALICO}: BGP or VXLAN/IPIP, full NetworkPolicy, optional eBPF data plane`,
      `${CniPlugin.CILIUM}: eBPF data plane, kube-proxy replacement, Hubble observability`,
      'weave: not offered — Weave Net is archived upstream (Weaveworks shut down in 2024) and gets no fixes',
    ].filter((a) => !a.startsWith(`${plugin}:`));
    return { plugin, reasons, alternatives };
  }

  /** Static members only. */
  private constructor() {}
}

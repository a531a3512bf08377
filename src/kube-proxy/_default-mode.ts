import { KubeProxyMode } from './kube-proxy-mode';
import { TierSettings } from '../core/_tier-table';
import { Compatibility, FeatureSupport, KubernetesFeature } from '../core/compatibility';
import { KubernetesVersion } from '../core/kubernetes-version';
import { DecisionSource } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';

/**
 * The kube-proxy mode a tier gets on a Kubernetes version: the tier table's,
 * except that IPVS becomes nftables where IPVS is deprecated (1.35+, KEP-5495)
 * and nftables is GA. Every component that needs the mode without a
 * TunedKubeProxy in the app uses this, so they all agree with one.
 */
export function tierKubeProxyMode(
  tier: ScaleTier, settings: TierSettings, version: KubernetesVersion,
): { mode: KubeProxyMode; source: DecisionSource; reason: string } {
  const rule = settings.kubeProxy.mode;
  if (rule.value === KubeProxyMode.IPVS && Compatibility.support(KubernetesFeature.KUBE_PROXY_IPVS, version) === FeatureSupport.DEPRECATED) {
    return {
      mode: KubeProxyMode.NFTABLES,
      source: DecisionSource.COMPATIBILITY,
      reason: `the ${tier} tier's IPVS is deprecated on Kubernetes ${version.version} (KEP-5495); nftables (GA since 1.33) replaces it`,
    };
  }
  return { mode: rule.value, source: DecisionSource.TIER, reason: `${tier} tier: ${rule.reason}` };
}

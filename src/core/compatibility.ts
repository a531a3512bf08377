import { checkCall } from './_boundary';
import { KubernetesVersion } from './kubernetes-version';

/** How a Kubernetes version supports a feature. */
export enum FeatureSupport {
  /** Not in this version: the library refuses to emit it. */
  UNAVAILABLE = 'unavailable',
  /** Alpha or beta: emitted only when the cluster profile opts in (`optInFeatures`). */
  OPT_IN = 'opt-in',
  /** Generally available. */
  AVAILABLE = 'available',
  /** Still works but is deprecated upstream: emitted with a warning. */
  DEPRECATED = 'deprecated',
}

/** Version-dependent features the library emits. */
export enum KubernetesFeature {
  /** kube-proxy `mode: nftables` (KEP-3866: alpha 1.29, beta 1.31, GA 1.33; gate `NFTablesProxyMode`). */
  KUBE_PROXY_NFTABLES = 'kube-proxy-nftables',
  /** kube-proxy `mode: ipvs` (KEP-5495: deprecated in 1.35). */
  KUBE_PROXY_IPVS = 'kube-proxy-ipvs',
  /** kube-proxy `conntrack.tcpBeLiberal`, `udpTimeout`, `udpStreamTimeout` (added in 1.29). */
  KUBE_PROXY_CONNTRACK_UDP = 'kube-proxy-conntrack-udp',
  /** Service `trafficDistribution: PreferClose` (KEP-4444: alpha 1.30, beta 1.31, GA 1.33; gate `ServiceTrafficDistribution`). */
  TRAFFIC_DISTRIBUTION = 'traffic-distribution',
  /** Service `trafficDistribution: PreferSameZone | PreferSameNode` (KEP-3015: alpha 1.33, beta 1.34, GA 1.35; gate `PreferSameTrafficDistribution`). */
  TRAFFIC_DISTRIBUTION_PREFER_SAME = 'traffic-distribution-prefer-same',
  /** The `service.kubernetes.io/topology-mode: Auto` annotation (KEP-2433; its heuristics were left out of the 1.33 GA). */
  TOPOLOGY_MODE_ANNOTATION = 'topology-mode-annotation',
  /** EndpointSlices as kube-proxy's only source of endpoints (KEP-0752: GA 1.21). */
  ENDPOINT_SLICE = 'endpoint-slice',
}

interface Stage {
  readonly from: number;
  readonly support: FeatureSupport;
  readonly note: string;
}

interface FeatureRow {
  readonly title: string;
  /** Feature gate to set while the feature is pre-GA. */
  readonly gate?: string;
  readonly stages: readonly Stage[];
}

const U = FeatureSupport.UNAVAILABLE;
const O = FeatureSupport.OPT_IN;
const A = FeatureSupport.AVAILABLE;
const D = FeatureSupport.DEPRECATED;

// Sources: KEP yaml files (kubernetes/enhancements @64765b4b); see README "Compatibility matrix".
const FEATURES: Record<KubernetesFeature, FeatureRow> = {
  [KubernetesFeature.KUBE_PROXY_NFTABLES]: {
    title: 'kube-proxy nftables mode',
    gate: 'NFTablesProxyMode',
    stages: [
      { from: 28, support: U, note: 'not in kube-proxy before 1.29' },
      { from: 29, support: O, note: 'alpha: feature gate NFTablesProxyMode, kernel >= 5.13' },
      { from: 31, support: O, note: 'beta: pre-GA, kernel >= 5.13' },
      { from: 33, support: A, note: 'generally available, kernel >= 5.13' },
    ],
  },
  [KubernetesFeature.KUBE_PROXY_IPVS]: {
    title: 'kube-proxy ipvs mode',
    stages: [
      { from: 28, support: A, note: 'supported, generally available' },
      { from: 35, support: D, note: 'deprecated (KEP-5495): kube-proxy logs a warning; migrate to nftables' },
    ],
  },
  [KubernetesFeature.KUBE_PROXY_CONNTRACK_UDP]: {
    title: 'kube-proxy conntrack tcpBeLiberal / udpTimeout / udpStreamTimeout',
    stages: [
      { from: 28, support: U, note: 'fields not in KubeProxyConfiguration before 1.29' },
      { from: 29, support: A, note: 'supported, generally available' },
    ],
  },
  [KubernetesFeature.TRAFFIC_DISTRIBUTION]: {
    title: 'Service trafficDistribution: PreferClose',
    gate: 'ServiceTrafficDistribution',
    stages: [
      { from: 28, support: U, note: 'field not in the Service API before 1.30' },
      { from: 30, support: O, note: 'alpha: feature gate ServiceTrafficDistribution' },
      { from: 31, support: O, note: 'beta: pre-GA' },
      { from: 33, support: A, note: 'generally available' },
      { from: 35, support: D, note: 'PreferClose is a deprecated alias of PreferSameZone' },
    ],
  },
  [KubernetesFeature.TRAFFIC_DISTRIBUTION_PREFER_SAME]: {
    title: 'Service trafficDistribution: PreferSameZone / PreferSameNode',
    gate: 'PreferSameTrafficDistribution',
    stages: [
      { from: 28, support: U, note: 'values not accepted before 1.33' },
      { from: 33, support: O, note: 'alpha: feature gate PreferSameTrafficDistribution' },
      { from: 34, support: O, note: 'beta: pre-GA' },
      { from: 35, support: A, note: 'generally available' },
    ],
  },
  [KubernetesFeature.TOPOLOGY_MODE_ANNOTATION]: {
    title: 'service.kubernetes.io/topology-mode: Auto annotation',
    stages: [
      { from: 28, support: A, note: 'honoured by the EndpointSlice controller (heuristics need enough endpoints per zone)' },
    ],
  },
  [KubernetesFeature.ENDPOINT_SLICE]: {
    title: 'EndpointSlice (discovery.k8s.io/v1)',
    stages: [
      { from: 28, support: A, note: 'GA since 1.21; kube-proxy reads only EndpointSlices' },
    ],
  },
};

/** One cell of the compatibility matrix. */
export interface FeatureCompatibility {
  /** The feature. */
  readonly feature: KubernetesFeature;
  /** Human title. */
  readonly title: string;
  /** The Kubernetes version. */
  readonly version: string;
  /** How that version supports it. */
  readonly support: FeatureSupport;
  /** Why, in one line. */
  readonly note: string;
}

/**
 * What each Kubernetes version allows, warns about or refuses. Components
 * consult it before emitting a version-dependent field or mode.
 */
export class Compatibility {
  /** How `version` supports `feature`. */
  public static support(feature: KubernetesFeature, version: KubernetesVersion): FeatureSupport {
    [feature, version] = checkCall('Compatibility.support', [feature, version]) as [KubernetesFeature, KubernetesVersion];
    return Compatibility._support(feature, version);
  }

  /**
   * `support` without the argument checks, for the library's own callers (typed values, called once
   * per Service at scale).
   *
   * @internal
   */
  public static _support(feature: KubernetesFeature, version: KubernetesVersion): FeatureSupport {
    return Compatibility.stage(feature, version).support;
  }

  /** Every cell of the matrix, features in declaration order, versions oldest first. */
  public static matrix(): FeatureCompatibility[] {
    const rows: FeatureCompatibility[] = [];
    for (const feature of Object.values(KubernetesFeature)) {
      for (const version of KubernetesVersion.all()) {
        rows.push(Compatibility.describe(feature, version));
      }
    }
    return rows;
  }

  /** The matrix cell for one feature and version. */
  public static describe(feature: KubernetesFeature, version: KubernetesVersion): FeatureCompatibility {
    [feature, version] = checkCall('Compatibility.describe', [feature, version]) as [KubernetesFeature, KubernetesVersion];
    return Compatibility._describe(feature, version);
  }

  /**
   * `describe` without the argument checks, for the library's own callers.
   *
   * @internal
   */
  public static _describe(feature: KubernetesFeature, version: KubernetesVersion): FeatureCompatibility {
    const stage = Compatibility.stage(feature, version);
    return { feature, title: FEATURES[feature].title, version: version.version, support: stage.support, note: stage.note };
  }

  /** The feature gate that enables `feature` while it is pre-GA, if it has one. */
  public static featureGate(feature: KubernetesFeature): string | undefined {
    [feature] = checkCall('Compatibility.featureGate', [feature]) as [KubernetesFeature];
    return FEATURES[feature].gate;
  }

  /** The first version where `feature` is generally available, if any known version has it GA. */
  public static generallyAvailableIn(feature: KubernetesFeature): string | undefined {
    [feature] = checkCall('Compatibility.generallyAvailableIn', [feature]) as [KubernetesFeature];
    const ga = FEATURES[feature].stages.find((s) => s.support === A || s.support === D);
    return ga ? `1.${ga.from}` : undefined;
  }

  /** The first version where `feature` can be used at all (possibly opt-in). */
  public static introducedIn(feature: KubernetesFeature): string | undefined {
    [feature] = checkCall('Compatibility.introducedIn', [feature]) as [KubernetesFeature];
    const first = FEATURES[feature].stages.find((s) => s.support !== U);
    return first ? `1.${first.from}` : undefined;
  }

  private static stage(feature: KubernetesFeature, version: KubernetesVersion): Stage {
    const row = FEATURES[feature];
    let current = row.stages[0];
    for (const stage of row.stages) {
      if (version.minor >= stage.from) current = stage;
    }
    return current;
  }

  /** Static members only. */
  private constructor() {}
}

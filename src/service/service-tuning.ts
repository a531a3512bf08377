import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { isWorkload, transformJson } from '../core/_api-objects';
import { checkProps } from '../core/_boundary';
import { checkFeature, ComponentContext, componentContext, pick, record } from '../core/_component';
import { showDuration } from '../core/_errors';
import { shownProp } from '../core/_input-names';
import type { AppState } from '../core/_registry';
import { ClusterProfile } from '../core/cluster-profile';
import { Compatibility, FeatureSupport, KubernetesFeature } from '../core/compatibility';
import { DecisionSource, FindingSeverity } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';

/** Service `trafficDistribution` values. */
export enum TrafficDistribution {
  /** Prefer endpoints close to the client (1.30+; a deprecated alias of PreferSameZone from 1.35). */
  PREFER_CLOSE = 'PreferClose',
  /** Prefer endpoints in the client's zone (1.33+). */
  PREFER_SAME_ZONE = 'PreferSameZone',
  /** Prefer endpoints on the client's node (1.33+). */
  PREFER_SAME_NODE = 'PreferSameNode',
}

/** `internalTrafficPolicy` / `externalTrafficPolicy`. */
export enum TrafficPolicy {
  /** Any ready endpoint in the cluster. */
  CLUSTER = 'Cluster',
  /** Only endpoints on the node the traffic arrived at; dropped when there is none. */
  LOCAL = 'Local',
}

/** Properties of `ServiceTuning`. */
export interface ServiceTuningProps {
  /** The Service: a cdk8s-plus `Service` or a raw `v1/Service` ApiObject. */
  readonly service: IConstruct;

  /**
   * Keep traffic in its zone: the `trafficDistribution` field where the Kubernetes
   * version has it, else the `service.kubernetes.io/topology-mode: Auto` annotation.
   *
   * @default - the tier's (off for SMALL, on for MEDIUM and LARGE)
   */
  readonly topologyAwareRouting?: boolean;

  /**
   * Set `trafficDistribution` to this value (checked against the version).
   *
   * @default - chosen from the version when topologyAwareRouting is on
   */
  readonly trafficDistribution?: TrafficDistribution;

  /**
   * `internalTrafficPolicy`. `Local` drops traffic on nodes without an endpoint.
   *
   * @default - unchanged (Kubernetes: Cluster)
   */
  readonly internalTrafficPolicy?: TrafficPolicy;

  /**
   * `externalTrafficPolicy` (NodePort and LoadBalancer Services only). `Local` keeps the client IP.
   *
   * @default - unchanged (Kubernetes: Cluster)
   */
  readonly externalTrafficPolicy?: TrafficPolicy;

  /**
   * Send a client to the same endpoint each time (`sessionAffinity: ClientIP`).
   *
   * @default false
   */
  readonly clientIpAffinity?: boolean;

  /**
   * How long affinity lasts (`sessionAffinityConfig.clientIP.timeoutSeconds`), 1s..24h, whole seconds.
   *
   * @default - the tier's (3 hours, the guide's 10800 seconds)
   */
  readonly affinityTimeout?: Duration;

  /**
   * Zones the Service's endpoints spread over, to judge whether topology hints can work.
   *
   * @default 3
   */
  readonly zones?: number;

  /**
   * Ready endpoints the Service has, to judge whether topology hints can work: for Services whose
   * pods are not in this app (another chart, a Helm release), or to override the replicas counted.
   *
   * @default - the replicas of the app's workloads its selector matches; when none match, the
   *   endpoint count is unknown and not checked
   */
  readonly expectedEndpoints?: number;

  /**
   * The scale tier.
   *
   * @default ScaleTier.SMALL
   */
  readonly tier?: ScaleTier;

  /**
   * The cluster (its version decides between the field and the annotation).
   *
   * @default - a default ClusterProfile
   */
  readonly profile?: ClusterProfile;
}

const TOPOLOGY_ANNOTATION = 'service.kubernetes.io/topology-mode';

/** Who wrote a Service JSON's trafficDistribution in this serialization: a tuning's tier default or a caller. */
const DISTRIBUTION_WRITER = new WeakMap<object, 'tier' | 'caller'>();

/** The tunings of each Service so far, by the Service's ApiObject (no tree walk). */
const TUNINGS_OF = new WeakMap<ApiObject, ReadonlyArray<{ path: string; decided: Record<string, string> }>>();

/**
 * The guide's "Service 优化" applied to one Service: topology-aware routing (the
 * `trafficDistribution` field or the `topology-mode` annotation, never both),
 * traffic policies and ClientIP session affinity (`timeoutSeconds` 1..86400,
 * default 10800). Warns about the failure modes: hints with too few endpoints
 * per zone, `Local` policies that drop traffic on nodes without an endpoint,
 * affinity settings without ClientIP.
 *
 * kube-proxy and the topology logic read EndpointSlices (discovery.k8s.io/v1, GA
 * since 1.21), which every version this library targets has.
 */
export class ServiceTuning extends Construct {
  private readonly ctx: ComponentContext;
  private readonly service: ApiObject;
  private readonly conflicts: string[] = [];

  public constructor(scope: Construct, id: string, props: ServiceTuningProps) {
    super(scope, id);
    props = checkProps(this, 'ServiceTuningProps', props);
    this.ctx = componentContext(this, props.tier, props.profile);
    const { errors, settings, state } = this.ctx;

    const service = findService(props.service);
    if (!service) {
      errors.add('service', props.service?.node?.path ?? props.service, 'must be a Service: a cdk8s-plus Service or a v1/Service ApiObject');
    }
    if (props.service && props.service.node.root !== this.node.root) {
      errors.add('service', props.service.node.path, 'must be in the same app as this construct');
    }
    const zones = props.zones ?? 3;
    errors.int('zones', zones, 1, 100);
    errors.int('expectedEndpoints', props.expectedEndpoints, 0, 1000000);
    for (const [name, value] of [['internalTrafficPolicy', props.internalTrafficPolicy], ['externalTrafficPolicy', props.externalTrafficPolicy]] as const) {
      errors.oneOf(name, value, Object.values(TrafficPolicy));
    }
    if (props.trafficDistribution !== undefined) errors.oneOf('trafficDistribution', props.trafficDistribution, Object.values(TrafficDistribution));

    // ---- topology ----
    const topology = pick(this.ctx, 'topologyAwareRouting', props.topologyAwareRouting, settings.service.topologyAwareRouting);
    let distribution: TrafficDistribution | undefined;
    let annotation = false;
    if (props.trafficDistribution !== undefined) {
      const feature = props.trafficDistribution === TrafficDistribution.PREFER_CLOSE
        ? KubernetesFeature.TRAFFIC_DISTRIBUTION : KubernetesFeature.TRAFFIC_DISTRIBUTION_PREFER_SAME;
      if (checkFeature(this.ctx, feature, 'trafficDistribution', props.trafficDistribution)) distribution = props.trafficDistribution;
      record(this.ctx, 'trafficDistribution', props.trafficDistribution, DecisionSource.OVERRIDE, 'set by the user');
    } else if (topology) {
      const chosen = this.chooseTopology();
      distribution = chosen.distribution;
      annotation = distribution === undefined;
      record(this.ctx, distribution ? 'trafficDistribution' : `annotation ${TOPOLOGY_ANNOTATION}`, distribution ?? 'Auto', DecisionSource.COMPATIBILITY, chosen.reason);
    }

    // ---- session affinity ----
    const affinity = props.clientIpAffinity ?? false;
    let timeoutSeconds: number | undefined;
    if (affinity) {
      const timeout = props.affinityTimeout ?? Duration.seconds(settings.service.sessionAffinityTimeoutSeconds.value);
      if (props.affinityTimeout === undefined) {
        record(this.ctx, 'sessionAffinityConfig.clientIP.timeoutSeconds', timeout.toSeconds(), DecisionSource.TIER,
          `${this.ctx.tier} tier: ${settings.service.sessionAffinityTimeoutSeconds.reason}`);
      } else {
        record(this.ctx, 'sessionAffinityConfig.clientIP.timeoutSeconds', showDuration(timeout), DecisionSource.OVERRIDE, 'set by the user');
      }
      if (errors.duration('affinityTimeout', timeout, Duration.seconds(1), Duration.days(1))) {
        const seconds = timeout.toSeconds({ integral: false });
        if (!Number.isInteger(seconds)) errors.add('affinityTimeout', timeout, 'must be a whole number of seconds');
        else timeoutSeconds = seconds;
      }
    } else if (props.affinityTimeout !== undefined) {
      state.warn(this, 'SVC-AFFINITY-WITHOUT-CLIENTIP', `'${shownProp(this, 'affinityTimeout')}' (${showDuration(props.affinityTimeout)}) is set without '${shownProp(this, 'clientIpAffinity')}': the API refuses sessionAffinityConfig with sessionAffinity None, so it is not emitted`,
        "set 'clientIpAffinity' to true, or drop 'affinityTimeout'");
    }

    checkFeature(this.ctx, KubernetesFeature.ENDPOINT_SLICE, 'endpointSlices', 'discovery.k8s.io/v1');
    record(this.ctx, 'EndpointSlice', 'discovery.k8s.io/v1', DecisionSource.COMPATIBILITY,
      `GA since 1.21, so Kubernetes ${this.ctx.profile.kubernetesVersion.version} serves it; kube-proxy and topology hints read only EndpointSlices`);
    errors.throwIfAny();
    this.service = service!;

    // One Service, several tunings: settings both callers set must agree, or the last transform would win
    // silently. Tier defaults are not compared (the caller never asked for them), and PreferClose is
    // PreferSameZone's alias (KEP-3015), so the two agree.
    const same = (d: TrafficDistribution) => (d === TrafficDistribution.PREFER_CLOSE ? TrafficDistribution.PREFER_SAME_ZONE : d);
    const topologyStated = props.trafficDistribution !== undefined || props.topologyAwareRouting !== undefined;
    const decided: Record<string, string> = {
      ...(!topologyStated ? {} : distribution ? { trafficDistribution: same(distribution) }
        : annotation ? { [`annotation ${TOPOLOGY_ANNOTATION}`]: 'Auto' } : { trafficDistribution: 'none (topologyAwareRouting false)' }),
      ...(props.internalTrafficPolicy ? { internalTrafficPolicy: props.internalTrafficPolicy } : {}),
      ...(props.externalTrafficPolicy ? { externalTrafficPolicy: props.externalTrafficPolicy } : {}),
      ...(affinity && timeoutSeconds !== undefined ? { sessionAffinity: `ClientIP (${timeoutSeconds}s)` } : props.clientIpAffinity === false ? { sessionAffinity: 'None' } : {}),
    };
    const earlier = TUNINGS_OF.get(this.service) ?? [];
    for (const other of earlier) {
      for (const [field, value] of Object.entries(decided)) {
        const theirs = other.decided[field];
        if (theirs !== undefined && theirs !== value) {
          errors.add('service', this.service.name, `is tuned by [${other.path}] too, with ${field} ${theirs} there and ${value} here: two ServiceTunings of one Service must agree`);
        }
      }
      if (distribution && other.decided[`annotation ${TOPOLOGY_ANNOTATION}`] || annotation && other.decided.trafficDistribution) {
        errors.add('service', this.service.name, `is tuned by [${other.path}] too, one with trafficDistribution and one with the ${TOPOLOGY_ANNOTATION} annotation: never set both (KEP-4444)`);
      }
    }
    errors.throwIfAny();
    TUNINGS_OF.set(this.service, [...earlier, { path: this.node.path, decided }]);

    // A tier default yields to topology another ServiceTuning of this Service states (a value, or
    // topologyAwareRouting false): the caller asked for that, and the default was never asked for.
    const statedElsewhere = () => !topologyStated && (TUNINGS_OF.get(this.service) ?? [])
      .some((t) => t.path !== this.node.path && Object.keys(t.decided).some((k) => k === 'trafficDistribution' || k.startsWith('annotation ')));
    transformJson(this.service, `service-tuning:${this.node.path}`, (json) => {
      this.conflicts.length = 0;
      const spec = json.spec ?? (json.spec = {});
      const annotations = json.metadata.annotations ?? {};
      if ((distribution || annotation) && statedElsewhere()) {
        record(this.ctx, distribution ? 'trafficDistribution' : `annotation ${TOPOLOGY_ANNOTATION}`, 'not set', DecisionSource.OVERRIDE,
          'another ServiceTuning of this Service states the topology (the tier default yields)');
      } else if (distribution) {
        if (annotations[TOPOLOGY_ANNOTATION] !== undefined) {
          this.conflicts.push(`the Service already has the ${TOPOLOGY_ANNOTATION} annotation, which would override trafficDistribution (KEP-4444): never set both`);
        } else {
          this.applyDistribution(json, spec, distribution, props.trafficDistribution !== undefined);
        }
      }
      if (annotation && !statedElsewhere()) {
        if (spec.trafficDistribution !== undefined) {
          this.conflicts.push(`the Service already sets trafficDistribution (${spec.trafficDistribution}); adding the ${TOPOLOGY_ANNOTATION} annotation would override it: never set both`);
        } else {
          json.metadata.annotations = { ...annotations, [TOPOLOGY_ANNOTATION]: 'Auto' };
        }
      }
      if (props.internalTrafficPolicy) spec.internalTrafficPolicy = props.internalTrafficPolicy;
      if (props.externalTrafficPolicy) {
        if (spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') {
          this.conflicts.push(`'externalTrafficPolicy' only applies to NodePort and LoadBalancer Services; this one is ${spec.type ?? 'ClusterIP'}`);
        } else {
          spec.externalTrafficPolicy = props.externalTrafficPolicy;
        }
      }
      if (affinity && timeoutSeconds !== undefined) {
        spec.sessionAffinity = 'ClientIP';
        spec.sessionAffinityConfig = { clientIP: { timeoutSeconds } };
      }
    });

    // checked after every component prepared: the Service's and workloads' JSON are final then
    state.register({ kind: 'generic', scope: this, profile: this.ctx.profile, tier: this.ctx.tier },
      undefined, () => this.check({ distribution, annotation, zones, props }));
  }

  /**
   * Writes trafficDistribution unless the Service states its own: a value the Service (or a caller's
   * ServiceTuning) sets is kept over a tier default, and a caller's value that differs from the
   * Service's own is a conflict, never a silent replacement.
   */
  private applyDistribution(json: object, spec: any, distribution: TrafficDistribution, stated: boolean): void {
    const existing: unknown = spec.trafficDistribution;
    const writer = DISTRIBUTION_WRITER.get(json);
    if (existing === undefined || (stated && writer === 'tier')) {
      spec.trafficDistribution = distribution;
      DISTRIBUTION_WRITER.set(json, stated ? 'caller' : 'tier');
      return;
    }
    if (typeof existing === 'string' && sameDistribution(existing, distribution)) return;
    if (!stated) {
      record(this.ctx, 'trafficDistribution', String(existing), DecisionSource.OVERRIDE,
        writer === 'caller' ? 'set by another ServiceTuning of this Service (the tier default yields)' : 'the Service sets it itself (the tier default yields)');
      return;
    }
    this.conflicts.push(`the Service already sets trafficDistribution (${String(existing)}); 'trafficDistribution' (${distribution}) would replace it: state it in one place`);
  }

  private chooseTopology(): { distribution?: TrafficDistribution; reason: string } {
    const { profile } = this.ctx;
    const version = profile.kubernetesVersion.version;
    if (profile._featureSupport(KubernetesFeature.TRAFFIC_DISTRIBUTION_PREFER_SAME) !== FeatureSupport.UNAVAILABLE) {
      return { distribution: TrafficDistribution.PREFER_SAME_ZONE, reason: `Kubernetes ${version} has trafficDistribution: PreferSameZone (PreferClose is its deprecated alias)` };
    }
    if (profile._featureSupport(KubernetesFeature.TRAFFIC_DISTRIBUTION) !== FeatureSupport.UNAVAILABLE) {
      return { distribution: TrafficDistribution.PREFER_CLOSE, reason: `Kubernetes ${version} has trafficDistribution: PreferClose` };
    }
    const since = Compatibility.generallyAvailableIn(KubernetesFeature.TRAFFIC_DISTRIBUTION);
    return { reason: `Kubernetes ${version} has no generally available trafficDistribution (GA in ${since}): the guide's topology-mode: Auto annotation` };
  }

  private check(opts: { distribution?: TrafficDistribution; annotation: boolean; zones: number; props: ServiceTuningProps }): void {
    const { state } = this.ctx;
    const json = state.jsonOf(this.service);
    for (const c of this.conflicts) {
      state.report(this, FindingSeverity.ERROR, 'SVC-CONFLICT', c, 'remove the conflicting setting from the Service or from ServiceTuning');
    }
    const backing = backingWorkloads(state, json);
    const daemonOnly = backing.length > 0 && backing.every((w) => w.kind === 'DaemonSet');
    // No workload of the app backs it: its pods live elsewhere, and their number is unknown here.
    const counted = backing.length === 0 || backing.some((w) => w.kind === 'DaemonSet' || w.replicas === undefined)
      ? undefined : backing.reduce((n, w) => n + (w.replicas ?? 0), 0);
    const replicas = opts.props.expectedEndpoints ?? counted;
    const name = `${json.metadata.namespace ?? 'default'}/${json.metadata.name}`;

    if (opts.annotation && replicas !== undefined && replicas < 3 * opts.zones) {
      state.report(this, FindingSeverity.WARNING, 'SVC-HINTS-FEW-ENDPOINTS',
        `${name} has ${replicas} endpoint(s) for ${opts.zones} zones: the EndpointSlice controller only sets topology hints when each zone gets enough endpoints (KEP-2433), so routing stays cluster-wide`,
        `run at least ${3 * opts.zones} replicas spread across zones, or drop topology-aware routing for this Service`);
    }
    if (opts.distribution && replicas !== undefined && replicas < opts.zones) {
      state.report(this, FindingSeverity.WARNING, 'SVC-HINTS-FEW-ENDPOINTS',
        `${name} has ${replicas} endpoint(s) for ${opts.zones} zones: clients in zones without one cross zones anyway, and trafficDistribution has no overload safeguard`,
        'run at least one replica per zone (topology spread constraints), or drop trafficDistribution');
    }
    if (json.spec?.clusterIP === 'None' && (opts.distribution || opts.annotation || opts.props.clientIpAffinity)) {
      state.report(this, FindingSeverity.WARNING, 'SVC-HEADLESS',
        `${name} is headless: clients connect to pod IPs directly, so topology routing and session affinity have no effect`,
        'tune a Service with a ClusterIP, or leave this one as it is');
    }
    for (const [field, value] of [['internalTrafficPolicy', opts.props.internalTrafficPolicy], ['externalTrafficPolicy', opts.props.externalTrafficPolicy]] as const) {
      if (value !== TrafficPolicy.LOCAL || daemonOnly) continue;
      state.report(this, FindingSeverity.WARNING, 'SVC-LOCAL-BLACKHOLE',
        `${name} uses ${field}: Local, and its endpoints ${backing.length === 0 ? 'are not known here' : 'do not run on every node (not a DaemonSet)'}: `
        + (field === 'internalTrafficPolicy' ? 'traffic from nodes without a local endpoint is dropped' : 'NodePort traffic to nodes without a local endpoint is dropped; load balancers must health-check healthCheckNodePort'),
        field === 'internalTrafficPolicy' ? 'back the Service with a DaemonSet, or use Cluster (with topology-aware routing for locality)' : 'use a load balancer that health-checks nodes, or Cluster');
    }
  }
}

/** The Service API object of a cdk8s-plus Service or a raw ApiObject. */
function sameDistribution(a: string, b: string): boolean {
  // PreferClose is PreferSameZone's deprecated alias (KEP-3015)
  const canonical = (d: string) => (d === TrafficDistribution.PREFER_CLOSE ? TrafficDistribution.PREFER_SAME_ZONE : d);
  return canonical(a) === canonical(b);
}

function findService(c: IConstruct | undefined): ApiObject | undefined {
  if (!c) return undefined;
  const candidates = [c, ...c.node.children];
  return candidates.find((x): x is ApiObject => ApiObject.isApiObject(x) && x.kind === 'Service' && x.apiVersion === 'v1');
}

interface BackingWorkload {
  readonly kind: string;
  readonly replicas?: number;
  readonly labels: Record<string, string>;
}

/**
 * The app's long-running workloads by namespace and pod-template label, built once per
 * synthesis from the one walk and one serialization of the app (AppState), so a thousand
 * ServiceTunings cost one pass over the workloads, not a thousand.
 */
function workloadIndex(state: AppState): Map<string, BackingWorkload[]> {
  return state.memo('service-tuning:workloads', () => {
    const index = new Map<string, BackingWorkload[]>();
    for (const w of state.apiObjects()) {
      if (!isWorkload(w) || w.kind === 'Pod' || w.kind === 'Job' || w.kind === 'CronJob') continue;
      const wj = state.jsonOf(w);
      const ns = wj.metadata?.namespace ?? 'default';
      const labels: Record<string, string> = wj.spec?.template?.metadata?.labels ?? {};
      const entry = { kind: w.kind, replicas: w.kind === 'DaemonSet' ? undefined : (wj.spec?.replicas ?? 1), labels };
      for (const [k, v] of Object.entries(labels)) {
        const key = `${ns}\u0000${k}=${v}`;
        const list = index.get(key) ?? [];
        list.push(entry);
        index.set(key, list);
      }
    }
    return index;
  });
}

/** Workloads in the app whose pod labels match the Service's selector. */
function backingWorkloads(state: AppState, json: any): BackingWorkload[] {
  const selector: Record<string, string> = json.spec?.selector ?? {};
  const entries = Object.entries(selector);
  if (entries.length === 0) return [];
  const ns = json.metadata.namespace ?? 'default';
  // candidates share the selector's first label; each must match all of it
  const [k0, v0] = entries[0];
  const candidates = workloadIndex(state).get(`${ns}\u0000${k0}=${v0}`) ?? [];
  return candidates.filter((w) => entries.every(([k, v]) => w.labels[k] === v));
}

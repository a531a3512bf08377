import { ApiObject, Yaml } from 'cdk8s';
import { Construct } from 'constructs';
import { jsonValue, mergeUnder } from './_helm-values';
import { CiliumLoadBalancerMode, CiliumRoutingMode, CiliumTunnelProtocol } from './cilium-modes';
import { CniPlugin } from './cni-plugin';
import { checkProps } from '../core/_boundary';
import { blocksOf, podCidrCapacityProblem } from '../core/_capacity';
import { ComponentContext, componentContext, pick, record } from '../core/_component';
import { shownProp } from '../core/_input-names';
import { configMap, meta } from '../core/_k8s';
import { lazyValue } from '../core/_lazy';
import { cidrContains } from '../core/_net';
import { ClusterProfile } from '../core/cluster-profile';
import { DecisionSource } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';

/** Cilium `bpf.datapathMode`. */
export enum CiliumDatapathMode {
  /** veth pairs (Cilium's default). */
  VETH = 'veth',
  /** netkit devices (kernel 6.7+); incompatible with bpf.tproxy. */
  NETKIT = 'netkit',
  /** netkit in L2 mode; incompatible with bpf.tproxy. */
  NETKIT_L2 = 'netkit-l2',
  /** netkit when the kernel has it, veth otherwise. */
  AUTO = 'auto',
}

/** Options of `CiliumTuning`: its properties except the tier and the profile, which a parent such as `NetworkTuning` decides once for every component. */
export interface CiliumTuningOptions {
  /**
   * Cilium chart version (1.16 or newer: the values below are today's keys).
   *
   * @default '1.20.0'
   */
  readonly chartVersion?: string;

  /**
   * `kubeProxyReplacement` (the guide's `strict` is `true` today). Cilium then
   * implements Services, kube-proxy must not run (no TunedKubeProxy in the app), and
   * `k8sServiceHost`/`k8sServicePort` come from the profile's API server.
   *
   * @default - the tier's (false: keeps kube-proxy, as in the guide's large-cluster example)
   */
  readonly kubeProxyReplacement?: boolean;

  /**
   * `routingMode` (the guide's `tunnel: disabled` is `native` today).
   *
   * @default - the tier's (native)
   */
  readonly routingMode?: CiliumRoutingMode;

  /**
   * `tunnelProtocol` (tunnel routing only).
   *
   * @default CiliumTunnelProtocol.VXLAN
   */
  readonly tunnelProtocol?: CiliumTunnelProtocol;

  /**
   * `ipv4NativeRoutingCIDR`: traffic to it is routed, not masqueraded (native routing only).
   *
   * @default - the profile's IPv4 Pod CIDR
   */
  readonly ipv4NativeRoutingCidr?: string;

  /**
   * `autoDirectNodeRoutes`: nodes on one L2 segment route each other's Pod CIDRs (native routing only).
   *
   * @default - the tier's (true, the guide's)
   */
  readonly autoDirectNodeRoutes?: boolean;

  /**
   * `enableIPv4Masquerade`.
   *
   * @default - the tier's (true)
   */
  readonly enableIpv4Masquerade?: boolean;

  /**
   * `bpf.masquerade` (needs kube-proxy replacement).
   *
   * @default - the tier's (true with kube-proxy replacement, false without)
   */
  readonly bpfMasquerade?: boolean;

  /**
   * `bpf.tproxy`: eBPF TPROXY for L7 proxy redirection (beta; not with netkit).
   *
   * @default - the tier's (true, the guide's; false with netkit)
   */
  readonly bpfTproxy?: boolean;

  /**
   * `bpf.datapathMode`.
   *
   * @default - not set (Cilium: veth)
   */
  readonly datapathMode?: CiliumDatapathMode;

  /**
   * `bpf.mapDynamicSizeRatio`: share of node memory for conntrack/NAT maps, 0 < ratio <= 1.
   *
   * @default - the tier's (0.0025; 0.005 for LARGE)
   */
  readonly mapDynamicSizeRatio?: number;

  /**
   * `bpf.ctTcpMax`, static TCP conntrack map size (1024..16777216).
   *
   * @default - sized by mapDynamicSizeRatio
   */
  readonly bpfCtTcpMax?: number;

  /**
   * `bpf.ctAnyMax`, static non-TCP conntrack map size (1024..16777216).
   *
   * @default - sized by mapDynamicSizeRatio
   */
  readonly bpfCtAnyMax?: number;

  /**
   * `bpf.lbMapMax`, Service backend map size (1024..16777216).
   *
   * @default - Cilium's 65536
   */
  readonly bpfLbMapMax?: number;

  /**
   * `bpf.policyMapMax`, policy entries per endpoint (1024..65536).
   *
   * @default - Cilium's 16384
   */
  readonly bpfPolicyMapMax?: number;

  /**
   * `hubble.enabled`.
   *
   * @default - the tier's (true)
   */
  readonly hubble?: boolean;

  /**
   * `hubble.relay.enabled` (needs Hubble).
   *
   * @default - the tier's (true)
   */
  readonly hubbleRelay?: boolean;

  /**
   * `hubble.ui.enabled` (needs the relay).
   *
   * @default false
   */
  readonly hubbleUi?: boolean;

  /**
   * `hubble.metrics.enabled`, e.g. ['dns', 'drop', 'tcp', 'flow'].
   *
   * @default - none
   */
  readonly hubbleMetrics?: string[];

  /**
   * `loadBalancer.mode` (DSR and hybrid need kube-proxy replacement and native routing, or Geneve).
   *
   * @default - the tier's (dsr with kube-proxy replacement and native routing, snat otherwise)
   */
  readonly loadBalancerMode?: CiliumLoadBalancerMode;

  /**
   * `localRedirectPolicies.enabled` (for CiliumLocalRedirectPolicy, e.g. a node-local DNS cache).
   *
   * @default false
   */
  readonly localRedirectPolicies?: boolean;

  /**
   * Namespace Cilium is installed in.
   *
   * @default 'kube-system'
   */
  readonly releaseNamespace?: string;

  /**
   * Emit a Flux HelmRepository and HelmRelease (and the values ConfigMap) for GitOps. They are
   * custom resources: applying them needs Flux's CRDs in the cluster (TuningReport.prerequisites).
   *
   * @default false - only `valuesYaml`, for `helm upgrade --install cilium cilium/cilium -f`
   */
  readonly helmRelease?: boolean;

  /**
   * Namespace of the Flux objects and the values ConfigMap.
   *
   * @default 'flux-system'
   */
  readonly fluxNamespace?: string;

  /**
   * More Helm values (JSON: objects, lists, strings, numbers, booleans), merged under the
   * tuned ones: a key this construct sets keeps its tuned value and the difference is a warning
   * (CILIUM-EXTRA-VALUE-OVERRIDDEN) naming the property that sets it; a key a typed property
   * sets but the tuned values omit, or one the app's plan assumes (policyEnforcementMode,
   * ipv6, cni.chainingMode), is refused; every other key is passed to the chart as given and
   * listed in the report. The chart, not this library, checks those.
   *
   * @default - none
   */
  readonly extraValues?: Record<string, unknown>;
}

/** Properties of `CiliumTuning`. */
export interface CiliumTuningProps extends CiliumTuningOptions {
  /**
   * The scale tier.
   *
   * @default ScaleTier.SMALL
   */
  readonly tier?: ScaleTier;

  /**
   * The cluster (Pod CIDR for IPAM and native routing, API server for kube-proxy replacement).
   *
   * @default - a default ClusterProfile
   */
  readonly profile?: ClusterProfile;
}

/** The property (or profile field) that decides each tuned Helm value, for CILIUM-EXTRA-VALUE-OVERRIDDEN. */
const TUNED_BY: Record<string, string> = {
  'kubeProxyReplacement': "'kubeProxyReplacement'",
  'k8sServiceHost': "the profile's 'apiServerHost'",
  'k8sServicePort': "the profile's 'apiServerPort'",
  'routingMode': "'routingMode'",
  'tunnelProtocol': "'tunnelProtocol'",
  'ipv4NativeRoutingCIDR': "'ipv4NativeRoutingCidr'",
  'ipv6NativeRoutingCIDR': "the profile's 'podCidrs'",
  'autoDirectNodeRoutes': "'autoDirectNodeRoutes'",
  'enableIPv4Masquerade': "'enableIpv4Masquerade'",
  'ipv6': "the profile's 'podCidrs' (an IPv6 Pod CIDR)",
  'ipam': "the profile's 'podCidrs' and 'maxPodsPerNode'",
  'bpf.masquerade': "'bpfMasquerade'",
  'bpf.tproxy': "'bpfTproxy'",
  'bpf.mapDynamicSizeRatio': "'mapDynamicSizeRatio'",
  'bpf.datapathMode': "'datapathMode'",
  'bpf.ctTcpMax': "'bpfCtTcpMax'",
  'bpf.ctAnyMax': "'bpfCtAnyMax'",
  'bpf.lbMapMax': "'bpfLbMapMax'",
  'bpf.policyMapMax': "'bpfPolicyMapMax'",
  'hubble.enabled': "'hubble'",
  'hubble.relay.enabled': "'hubbleRelay'",
  'hubble.ui.enabled': "'hubbleUi'",
  'hubble.metrics.enabled': "'hubbleMetrics'",
  'loadBalancer.mode': "'loadBalancerMode'",
  'loadBalancer.dsrDispatch': "'loadBalancerMode' and 'routingMode'",
  'loadBalancer.serviceTopology': "the tier's topology-aware routing (with kubeProxyReplacement)",
  'localRedirectPolicies.enabled': "'localRedirectPolicies'",
};

/** Helm values the app's plan assumes (other components are built from them), so extraValues may not change them. */
const PLAN_KEYS: Record<string, string> = {
  'policyEnforcementMode': 'the DNS path traces and default deny assume Cilium enforces NetworkPolicies as its default mode does',
  'ipv6': "the profile's Pod CIDRs decide IPv6 (an IPv6 podCidr turns it on)",
  'cni.chainingMode': 'the plan treats Cilium as the only CNI; chaining it behind another is not modelled',
};

/** The dotted paths of a JSON object's leaves (lists are leaves). */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return prefix ? [prefix] : [];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
}

function valueAt(values: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined), values);
}

const CT_MIN = 1024;
const CT_MAX = 16777216; // Cilium LimitTableMax (cilium#44635)

/**
 * Cilium Helm values for the guide's "Cilium 优化", in today's keys, with what
 * the chart would reject refused at synthesis (DSR without native routing or
 * Geneve, DSR or eBPF masquerading without kube-proxy replacement, relay
 * without Hubble, UI without relay, TPROXY with netkit, direct node routes with
 * tunnels). IPAM and native routing use the profile's Pod CIDR (Cilium would
 * otherwise allocate from 10.0.0.0/8).
 *
 * Output: `valuesYaml`, and with `helmRelease` a ConfigMap `cilium-values` holding it
 * and a Flux `HelmRepository` + `HelmRelease` that install the chart with those values.
 */
export class CiliumTuning extends Construct {
  /** The chart version. */
  public readonly chartVersion: string;
  /**
   * The `cilium-values` ConfigMap the HelmRelease reads (with `helmRelease`).
   *
   * @default - none without helmRelease
   */
  public readonly valuesConfigMap?: ApiObject;
  /**
   * The Flux HelmRepository (with `helmRelease`).
   *
   * @default - none without helmRelease
   */
  public readonly helmRepositoryObject?: ApiObject;
  /**
   * The Flux HelmRelease (with `helmRelease`).
   *
   * @default - none without helmRelease
   */
  public readonly helmReleaseObject?: ApiObject;

  private readonly ctx: ComponentContext;
  private readonly values: Record<string, unknown>;
  private renderedValues?: string;

  public constructor(scope: Construct, id: string, props: CiliumTuningProps = {}) {
    super(scope, id);
    props = checkProps(this, 'CiliumTuningProps', props);
    this.ctx = componentContext(this, props.tier, props.profile);
    const { errors, settings, profile, state } = this.ctx;
    const c = settings.cilium;

    this.chartVersion = props.chartVersion ?? '1.20.0';
    const m = /^1\.(\d+)\.(\d+)$/.exec(this.chartVersion);
    if (!m || Number(m[1]) < 16) {
      errors.add('chartVersion', this.chartVersion, 'must be a Cilium chart version 1.16.0 or newer (x.y.z): older charts use the removed kubeProxyReplacement and tunnel values');
    } else if (Number(m[1]) > 20) {
      state.warn(this, 'CILIUM-NEWER-CHART', `'${shownProp(this, 'chartVersion')}' (${this.chartVersion}) is newer than 1.20, the chart these values were checked against`,
        'check the chart\'s release notes for renamed or removed values');
    }

    // ---- kube-proxy replacement (the plan then leaves kube-proxy out) ----
    const kpr = this.compat('kubeProxyReplacement', 'kubeProxyReplacement', props.kubeProxyReplacement, c.kubeProxyReplacement, !!profile.apiServerHost,
      "needs the profile's 'apiServerHost' (k8sServiceHost): without kube-proxy, the agent cannot reach the API through the 'kubernetes' Service");

    // ---- routing ----
    // Native routing needs nodes that reach each other's Pod CIDRs; autoDirectNodeRoutes does that
    // only "if all nodes share a single L2 network" (Cilium routing docs). Without that fact: VXLAN.
    const l2 = profile.nodesShareL2Segment;
    let routingMode: CiliumRoutingMode;
    if (props.routingMode !== undefined) {
      routingMode = pick(this.ctx, 'routingMode', props.routingMode, c.routingMode);
    } else if (c.routingMode.value === CiliumRoutingMode.NATIVE && !l2) {
      routingMode = CiliumRoutingMode.TUNNEL;
      record(this.ctx, 'routingMode', routingMode, DecisionSource.COMPATIBILITY,
        `the ${this.ctx.tier} tier's native routing (${c.routingMode.reason}) needs nodes on one L2 segment for autoDirectNodeRoutes; the profile does not state nodesShareL2Segment, so pod traffic is tunnelled (VXLAN)`);
    } else {
      routingMode = pick(this.ctx, 'routingMode', undefined, c.routingMode);
    }
    errors.oneOf('routingMode', routingMode, Object.values(CiliumRoutingMode));
    const native = routingMode === CiliumRoutingMode.NATIVE;
    const tunnelProtocol = props.tunnelProtocol ?? CiliumTunnelProtocol.VXLAN;
    errors.oneOf('tunnelProtocol', tunnelProtocol, Object.values(CiliumTunnelProtocol));
    if (props.tunnelProtocol !== undefined && native) errors.addMissing('tunnelProtocol', "only applies with routingMode 'tunnel'");
    // ---- IPAM: cluster-pool carves each Pod CIDR into one block per node (the operator writes CiliumNode podCIDRs) ----
    const plan = state.plan();
    const capacity = plan.capacity;
    const v4 = plan.podCidrs.find((p) => p.family === 4);
    const v6 = plan.podCidrs.find((p) => p.family === 6);
    if (v4) {
      const problem = podCidrCapacityProblem(v4, capacity.nodePrefix4, capacity);
      if (problem) errors.add('podCidr', v4.text, problem);
    }
    if (v6) {
      // pkg/ipam/cidrset: an IPv6 pool splits into at most 2^16 node blocks ("node CIDR size is too big").
      if (capacity.nodePrefix6 - v6.prefix > 16) {
        errors.add('podCidr', v6.text, `is too large for Cilium's cluster-pool: with /${capacity.nodePrefix6} per node it may span at most 16 more bits (use a /${capacity.nodePrefix6 - 16} or longer)`);
      } else {
        const problem = podCidrCapacityProblem(v6, capacity.nodePrefix6, capacity);
        if (problem) errors.add('podCidr', v6.text, problem);
      }
    }
    const nativeCidr = props.ipv4NativeRoutingCidr ?? v4?.text;
    if (props.ipv4NativeRoutingCidr !== undefined) {
      const given = errors.cidr('ipv4NativeRoutingCidr', props.ipv4NativeRoutingCidr, 4);
      if (!native) errors.addMissing('ipv4NativeRoutingCidr', "only applies with routingMode 'native'");
      // The agent masquerades traffic to destinations outside this CIDR (Cilium masquerading docs; not
      // when masquerading is off):
      // pods elsewhere in the Pod CIDR would see the node's address, and policies the wrong identity.
      if (given && native && !v4) {
        errors.add('ipv4NativeRoutingCidr', props.ipv4NativeRoutingCidr, `needs an IPv4 Pod CIDR to route, but the profile's podCidr (${profile.podCidrs.join(',')}) has none`);
      } else if (given && native && v4 && props.enableIpv4Masquerade !== false
        && !(given.prefix <= v4.prefix && cidrContains(given, { family: 4, value: v4.network, text: '' }))) {
        errors.add('ipv4NativeRoutingCidr', props.ipv4NativeRoutingCidr, `must contain the Pod CIDR (${v4.text}): Cilium masquerades pod traffic to addresses outside it, so pods on other nodes would see node addresses`);
      }
    }
    if (native && !nativeCidr && !v6) errors.addMissing('ipv4NativeRoutingCidr', 'is needed for native routing (the profile has no IPv4 Pod CIDR)');
    const autoRoutes = this.compat('autoDirectNodeRoutes', 'autoDirectNodeRoutes', props.autoDirectNodeRoutes, c.autoDirectNodeRoutes, native,
      "needs routingMode 'native' (the agent refuses direct node routes with tunnels)") && (l2 || props.autoDirectNodeRoutes === true);
    if (native && !l2 && props.autoDirectNodeRoutes === true) {
      state.warn(this, 'CILIUM-DIRECT-ROUTES-L2', `'${shownProp(this, 'autoDirectNodeRoutes')}' (true) but the profile does not state nodesShareL2Segment: direct routes only work between nodes on one L2 segment (Cilium routing docs), others lose pod traffic`,
        "set the profile's nodesShareL2Segment if the nodes share one segment, or route Pod CIDRs with BGP or cloud routes and leave autoDirectNodeRoutes off");
    }
    if (native && !l2 && props.autoDirectNodeRoutes === undefined) {
      record(this.ctx, 'autoDirectNodeRoutes', false, DecisionSource.COMPATIBILITY,
        'native routing without a shared L2 segment: the underlay (BGP, cloud routes) must route the Pod CIDRs');
    }

    // ---- eBPF features ----
    const bpfMasquerade = this.compat('bpfMasquerade', 'bpf.masquerade', props.bpfMasquerade, c.bpfMasquerade, kpr,
      'needs kubeProxyReplacement (eBPF masquerading runs in the eBPF NodePort datapath)');
    const datapath = props.datapathMode;
    if (datapath !== undefined) errors.oneOf('datapathMode', datapath, Object.values(CiliumDatapathMode));
    const netkit = datapath === CiliumDatapathMode.NETKIT || datapath === CiliumDatapathMode.NETKIT_L2;
    const tproxy = this.compat('bpfTproxy', 'bpf.tproxy', props.bpfTproxy, c.bpfTproxy, !netkit, `cannot be combined with bpf.datapathMode ${datapath} (the chart refuses it)`);
    const ratio = pick(this.ctx, 'bpf.mapDynamicSizeRatio', props.mapDynamicSizeRatio, c.mapDynamicSizeRatio);
    if (!(typeof ratio === 'number' && ratio > 0 && ratio <= 1)) errors.add('mapDynamicSizeRatio', ratio, 'must be a number with 0 < ratio <= 1 (share of node memory)');
    errors.int('bpfCtTcpMax', props.bpfCtTcpMax, CT_MIN, CT_MAX);
    errors.int('bpfCtAnyMax', props.bpfCtAnyMax, CT_MIN, CT_MAX);
    errors.int('bpfLbMapMax', props.bpfLbMapMax, CT_MIN, CT_MAX);
    errors.int('bpfPolicyMapMax', props.bpfPolicyMapMax, CT_MIN, 65536);

    // ---- load balancing ----
    const dsrCapable = kpr && (native || tunnelProtocol === CiliumTunnelProtocol.GENEVE);
    const lbMode = this.compat('loadBalancerMode', 'loadBalancer.mode', props.loadBalancerMode, c.loadBalancerMode, true, '');
    errors.oneOf('loadBalancerMode', lbMode, Object.values(CiliumLoadBalancerMode));
    let effectiveLb = lbMode;
    if (lbMode !== CiliumLoadBalancerMode.SNAT && !dsrCapable) {
      const why = !kpr ? 'needs kubeProxyReplacement (DSR is done by the eBPF NodePort datapath)'
        : 'needs routingMode native, or a Geneve tunnel with dsrDispatch geneve ("DSR currently requires native routing")';
      if (props.loadBalancerMode !== undefined) {
        errors.add('loadBalancerMode', lbMode, why);
      } else {
        effectiveLb = CiliumLoadBalancerMode.SNAT;
        record(this.ctx, 'loadBalancer.mode', effectiveLb, DecisionSource.COMPATIBILITY, `the ${this.ctx.tier} tier's ${lbMode} ${why}; using snat`);
      }
    }
    const serviceTopology = kpr && settings.service.topologyAwareRouting.value;

    // ---- Hubble ----
    const hubble = pick(this.ctx, 'hubble.enabled', props.hubble, c.hubble);
    const relay = this.compat('hubbleRelay', 'hubble.relay.enabled', props.hubbleRelay, c.hubbleRelay, hubble, "needs 'hubble' (the chart: relay requires hubble.enabled=true)");
    const ui = props.hubbleUi ?? false;
    if (ui && !relay) errors.add('hubbleUi', true, "needs 'hubbleRelay' (the chart: Hubble UI requires hubble.relay.enabled=true)");
    (props.hubbleMetrics ?? []).forEach((metric, i) => {
      if (!/^[a-z][a-z0-9-]*(:[A-Za-z0-9;=,|_-]+)?$/.test(metric)) errors.add(`hubbleMetrics[${i}]`, metric, 'must be a Hubble metric name with optional options, e.g. dns:query;ignoreAAAA');
    });
    if (props.hubbleMetrics && !hubble) errors.addMissing('hubbleMetrics', "needs 'hubble'");

    const releaseNs = props.releaseNamespace ?? 'kube-system';
    const fluxNs = props.fluxNamespace ?? 'flux-system';
    errors.namespace('releaseNamespace', releaseNs);
    errors.namespace('fluxNamespace', fluxNs);
    errors.throwIfAny();

    const bpf: Record<string, unknown> = { masquerade: bpfMasquerade, tproxy, mapDynamicSizeRatio: ratio };
    if (datapath) bpf.datapathMode = datapath;
    if (props.bpfCtTcpMax !== undefined) bpf.ctTcpMax = props.bpfCtTcpMax;
    if (props.bpfCtAnyMax !== undefined) bpf.ctAnyMax = props.bpfCtAnyMax;
    if (props.bpfLbMapMax !== undefined) bpf.lbMapMax = props.bpfLbMapMax;
    if (props.bpfPolicyMapMax !== undefined) bpf.policyMapMax = props.bpfPolicyMapMax;
    const operator: Record<string, unknown> = {};
    // The mask cannot change once nodes have blocks (Cilium docs "Expanding the cluster pool"): sized from maxPods now.
    if (v4) Object.assign(operator, { clusterPoolIPv4PodCIDRList: [v4.text], clusterPoolIPv4MaskSize: capacity.nodePrefix4 });
    if (v6) Object.assign(operator, { clusterPoolIPv6PodCIDRList: [v6.text], clusterPoolIPv6MaskSize: capacity.nodePrefix6 });
    const nativeRouting = {
      ...(nativeCidr ? { ipv4NativeRoutingCIDR: nativeCidr } : {}),
      ...(v6 ? { ipv6NativeRoutingCIDR: v6.text } : {}),
      autoDirectNodeRoutes: autoRoutes,
    };
    const values: Record<string, unknown> = {
      kubeProxyReplacement: kpr,
      ...(kpr ? { k8sServiceHost: profile.apiServerHost, k8sServicePort: profile.apiServerPort } : {}),
      routingMode,
      ...(native ? nativeRouting : { tunnelProtocol }),
      enableIPv4Masquerade: pick(this.ctx, 'enableIPv4Masquerade', props.enableIpv4Masquerade, c.enableIpv4Masquerade),
      ...(v6 ? { ipv6: { enabled: true } } : {}),
      ipam: { mode: 'cluster-pool', operator },
      bpf,
      hubble: {
        enabled: hubble,
        relay: { enabled: relay },
        ui: { enabled: ui },
        ...(props.hubbleMetrics ? { metrics: { enabled: [...props.hubbleMetrics] } } : {}),
      },
      loadBalancer: {
        mode: effectiveLb,
        ...(effectiveLb !== CiliumLoadBalancerMode.SNAT && !native ? { dsrDispatch: 'geneve' } : {}),
        serviceTopology,
      },
      ...(props.localRedirectPolicies ? { localRedirectPolicies: { enabled: true } } : {}),
    };
    record(this.ctx, 'ipam.operator.clusterPoolIPv4PodCIDRList', plan.podCidrs.map((x) => x.text).join(','), DecisionSource.DERIVED,
      `${plan.podCidrFrom} (Cilium's default pool, 10.0.0.0/8, would disagree with kube-proxy, CoreDNS and policies)`);
    record(this.ctx, 'ipam.operator.clusterPoolIPv4MaskSize', capacity.nodePrefix4, DecisionSource.DERIVED,
      `twice ${capacity.podsPerNode} pods per node; the pool holds ${v4 ? blocksOf(v4, capacity.nodePrefix4) : 0} such blocks for ${capacity.nodes} planned nodes`);
    record(this.ctx, 'loadBalancer.serviceTopology', serviceTopology, DecisionSource.DERIVED,
      kpr ? 'Cilium implements Services: it honours topology hints only with serviceTopology (the tier\'s topology-aware routing)' : 'kube-proxy implements Services (no kube-proxy replacement)');
    this.values = this.withExtraValues(props.extraValues, values);

    if (props.helmRelease ?? false) {
      const cm = configMap(this, 'Values', {
        metadata: meta('cilium-values', fluxNs),
        data: { 'values.yaml': lazyValue(this, 'ConfigMap data[values.yaml]', () => this.valuesYaml) },
      });
      this.valuesConfigMap = cm;
      this.helmRepositoryObject = new ApiObject(this, 'HelmRepository', {
        apiVersion: 'source.toolkit.fluxcd.io/v1',
        kind: 'HelmRepository',
        metadata: meta('cilium', fluxNs),
        spec: { url: 'https://helm.cilium.io/', interval: '1h' },
      });
      this.helmReleaseObject = new ApiObject(this, 'HelmRelease', {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: meta('cilium', fluxNs),
        spec: {
          interval: '10m',
          releaseName: 'cilium',
          targetNamespace: releaseNs,
          chart: { spec: { chart: 'cilium', version: this.chartVersion, sourceRef: { kind: 'HelmRepository', name: 'cilium', namespace: fluxNs } } },
          install: { crds: 'CreateReplace' },
          upgrade: { crds: 'CreateReplace' },
          valuesFrom: [{ kind: 'ConfigMap', name: cm.name, valuesKey: 'values.yaml' }],
        },
      });
    }

    state.addOutputFile(this, 'helm/cilium-values.yaml', () => this.valuesYaml,
      `Helm values: helm upgrade --install cilium cilium/cilium --version ${this.chartVersion} --namespace ${releaseNs} -f helm/cilium-values.yaml`);

    state.register({
      kind: 'cni',
      scope: this,
      profile,
      tier: this.ctx.tier,
      plugin: CniPlugin.CILIUM,
      replacesKubeProxyWith: kpr ? 'Cilium kube-proxy replacement' : undefined,
      enforcesNetworkPolicy: true,
    });
  }

  /** The caller's extraValues under the tuned values (see CiliumTuningOptions.extraValues). */
  private withExtraValues(extraValues: unknown, values: Record<string, unknown>): Record<string, unknown> {
    if (extraValues === undefined) return values;
    const { errors, state } = this.ctx;
    const extra = jsonValue(errors, 'extraValues', extraValues);
    if (extra !== undefined && (extra === null || typeof extra !== 'object' || Array.isArray(extra))) {
      errors.add('extraValues', extraValues, 'must be an object of Helm values (a values.yaml document)');
    }
    errors.throwIfAny();
    // Keys a typed property sets are checked there (ranges, netkit with tproxy, ...), and keys the app's
    // plan depends on cannot change behind it: both are refused here, even where the tuned values omit them.
    for (const path of leafPaths(extra)) {
      const owner = TUNED_BY[path] ?? Object.entries(TUNED_BY).find(([k]) => path.startsWith(`${k}.`))?.[1];
      const plan = PLAN_KEYS[path] ?? Object.entries(PLAN_KEYS).find(([k]) => path.startsWith(`${k}.`))?.[1];
      const tuned = valueAt(values, path) !== undefined;
      if (plan) errors.addMissing(`extraValues.${path}`, `cannot be set here: ${plan}`);
      else if (owner && !tuned) errors.addMissing(`extraValues.${path}`, `is set by ${owner}, which checks it against the other values: use that instead`);
    }
    errors.throwIfAny();
    const merged = mergeUnder(extra as Record<string, never>, values);
    for (const o of merged.overridden) {
      const prop = TUNED_BY[o.path] ?? TUNED_BY[o.path.split('.')[0]];
      state.warn(this, 'CILIUM-EXTRA-VALUE-OVERRIDDEN',
        `'${shownProp(this, `extraValues.${o.path}`)}' (${JSON.stringify(o.given)}) is a value this construct decides: it stays ${JSON.stringify(o.tuned)}, so the plan (kube-proxy, DNS, policies, alerts) matches what Cilium runs`,
        prop ? `set it with ${prop}` : `drop 'extraValues.${o.path}'`);
    }
    if (merged.added.length > 0) {
      record(this.ctx, 'extraValues', merged.added.join(', '), DecisionSource.OVERRIDE, 'set by the user and passed to the chart as given (not checked by this library)');
    }
    return merged.values;
  }

  /** The Helm values as YAML (rendered on first read). */
  public get valuesYaml(): string {
    this.renderedValues ??= Yaml.stringify(this.values);
    return this.renderedValues;
  }

  /**
   * A value that needs a condition: the user's value (an error when the condition
   * fails), or the tier's (turned off, with the reason recorded, when it fails).
   */
  private compat<T>(prop: string, setting: string, override: T | undefined, rule: { value: T; reason: string }, ok: boolean, why: string): T {
    if (override !== undefined) {
      if (override && !ok) this.ctx.errors.add(prop, override, why);
      return pick(this.ctx, setting, override, rule);
    }
    if (rule.value && !ok && typeof rule.value === 'boolean') {
      record(this.ctx, setting, false, DecisionSource.COMPATIBILITY, `the ${this.ctx.tier} tier's ${setting} (${rule.reason}) ${why}; turned off`);
      return false as unknown as T;
    }
    return pick(this.ctx, setting, undefined, rule);
  }
}

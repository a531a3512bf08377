import { Construct, IConstruct } from 'constructs';
import { CalicoTuning, CalicoTuningOptions } from './cni/calico-tuning';
import { CiliumTuning, CiliumTuningOptions } from './cni/cilium-tuning';
import { CniPlugin } from './cni/cni-plugin';
import { CniRecommendation } from './cni/cni-recommendation';
import { FlannelTuning, FlannelTuningOptions } from './cni/flannel-tuning';
import { checkProps } from './core/_boundary';
import { componentContext, ComponentContext, record } from './core/_component';
import { kubeletConfigFiles, kubeletDropIn } from './core/_kubelet';
import { ClusterProfile } from './core/cluster-profile';
import { KubeletConfigFile } from './core/kubelet-config-file';
import { TuningReport } from './core/report';
import { DecisionSource } from './core/report-types';
import { ScaleTier } from './core/scale-tier';
import { NodeLocalDns, NodeLocalDnsOptions } from './dns/node-local-dns';
import { PodDnsTuning, PodDnsTuningOptions } from './dns/pod-dns-tuning';
import { TunedCoreDns, TunedCoreDnsOptions } from './dns/tuned-coredns';
import { TunedKubeProxy, TunedKubeProxyOptions } from './kube-proxy/tuned-kube-proxy';
import { NetworkAlerts, NetworkAlertsOptions } from './monitoring/network-alerts';
import { NetworkComponent } from './network-component';
import { SysctlTuner, SysctlTunerOptions } from './node/sysctl-tuner';
import { DefaultDenyPolicy, DefaultDenyPolicyOptions } from './policy/default-deny-policy';
import { ServiceTuning } from './service/service-tuning';

/** Properties of `NetworkTuning`. */
export interface NetworkTuningProps {
  /**
   * The scale tier: every component's defaults come from it.
   *
   * @default ScaleTier.SMALL
   */
  readonly tier?: ScaleTier;

  /**
   * The cluster's facts, shared by every component.
   *
   * @default - a default ClusterProfile (KubernetesVersion.DEFAULT, cluster.local, 10.96.0.10)
   */
  readonly profile?: ClusterProfile;

  /**
   * The CNI plugin.
   *
   * @default - CniRecommendation for the tier (Calico instead of Flannel when `defaultDeny` is set)
   */
  readonly cniPlugin?: CniPlugin;

  /**
   * Components to leave out (managed elsewhere).
   *
   * @default - none
   */
  readonly skip?: NetworkComponent[];

  /**
   * Overrides for kube-proxy (leave `tier` and `profile` unset: they come from here).
   *
   * @default - the tier's. Left out when the CNI replaces kube-proxy (Calico eBPF, Cilium kube-proxy replacement).
   */
  readonly kubeProxy?: TunedKubeProxyOptions;

  /**
   * Overrides for the node sysctls.
   *
   * @default - the tier's
   */
  readonly sysctls?: SysctlTunerOptions;

  /**
   * Overrides for CoreDNS.
   *
   * @default - the tier's
   */
  readonly coreDns?: TunedCoreDnsOptions;

  /**
   * Overrides for NodeLocal DNSCache.
   *
   * @default - the tier's, wired for the kube-proxy mode or eBPF data plane decided here
   */
  readonly nodeLocalDns?: NodeLocalDnsOptions;

  /**
   * Overrides for pod DNS defaults.
   *
   * @default - the tier's options, applied to every workload in the app that this library does not manage
   */
  readonly podDns?: PodDnsTuningOptions;

  /**
   * Overrides for Calico (when the CNI is Calico).
   *
   * @default - the tier's
   */
  readonly calico?: CalicoTuningOptions;

  /**
   * Overrides for Cilium (when the CNI is Cilium).
   *
   * @default - the tier's
   */
  readonly cilium?: CiliumTuningOptions;

  /**
   * Overrides for Flannel (when the CNI is Flannel).
   *
   * @default - the tier's
   */
  readonly flannel?: FlannelTuningOptions;

  /**
   * The guide's default deny (with its DNS allowance) for these namespaces.
   *
   * @default - no default deny
   */
  readonly defaultDeny?: DefaultDenyPolicyOptions;

  /**
   * Services (cdk8s-plus or raw) to tune with the tier's Service defaults
   * (topology-aware routing on MEDIUM and LARGE).
   *
   * @default - none
   */
  readonly services?: IConstruct[];

  /**
   * Overrides for the alerts and scrape objects.
   *
   * @default - the tier's thresholds, for the components emitted here
   */
  readonly alerts?: NetworkAlertsOptions;
}

/**
 * The whole guide from one tier: CNI configuration, kube-proxy, node sysctls,
 * CoreDNS, NodeLocal DNSCache, pod DNS defaults, default deny for the listed
 * namespaces, Service defaults, alerts and scrape objects — with one cluster
 * profile, one tier and one kube-proxy decision shared by all of them.
 *
 * The cross-component rules run at synthesis on everything in the app, whether
 * it came from here or was added one construct at a time; `report()` explains
 * every tuned value.
 */
export class NetworkTuning extends Construct {
  /** The tier. */
  public readonly tier: ScaleTier;
  /** The cluster's facts, as every component sees them. */
  public readonly profile: ClusterProfile;
  /** The CNI plugin configured (also when the CNI component is skipped). */
  public readonly cniPlugin: CniPlugin;
  /** Why this CNI. */
  public readonly cniReasons: string[];
  /** Calico's configuration, when the CNI is Calico. */
  public readonly calico?: CalicoTuning;
  /** Cilium's configuration, when the CNI is Cilium. */
  public readonly cilium?: CiliumTuning;
  /** Flannel's configuration, when the CNI is Flannel. */
  public readonly flannel?: FlannelTuning;
  /** kube-proxy, unless skipped or replaced by the CNI. */
  public readonly kubeProxy?: TunedKubeProxy;
  /** The node sysctls, unless skipped. */
  public readonly sysctlTuner?: SysctlTuner;
  /** CoreDNS, unless skipped. */
  public readonly coreDns?: TunedCoreDns;
  /** NodeLocal DNSCache, unless skipped. */
  public readonly nodeLocalDns?: NodeLocalDns;
  /** Pod DNS defaults, unless skipped. */
  public readonly podDns?: PodDnsTuning;
  /** The default deny, when namespaces were given. */
  public readonly defaultDeny?: DefaultDenyPolicy;
  /** The Service tunings, one per Service given. */
  public readonly serviceTunings: ServiceTuning[];
  /** Alerts and scrape objects, unless skipped. */
  public readonly alerts?: NetworkAlerts;

  private readonly ctx: ComponentContext;

  public constructor(scope: Construct, id: string, props: NetworkTuningProps = {}) {
    super(scope, id);
    props = checkProps(this, 'NetworkTuningProps', props);
    this.ctx = componentContext(this, props.tier, props.profile);
    const { errors } = this.ctx;
    this.tier = this.ctx.tier;
    this.profile = this.ctx.profile;
    const tier = this.tier;
    const profile = this.profile;

    const skip = new Set(props.skip ?? []);
    (props.skip ?? []).forEach((c, i) => errors.oneOf(`skip[${i}]`, c, Object.values(NetworkComponent)));
    if (props.cniPlugin !== undefined) errors.oneOf('cniPlugin', props.cniPlugin, Object.values(CniPlugin));

    // One tier and one profile: the components' options have neither (XOptions), and the boundary
    // check refuses them from JavaScript and other languages too.
    const skipped: Array<[string, NetworkComponent, unknown]> = [
      ['kubeProxy', NetworkComponent.KUBE_PROXY, props.kubeProxy], ['sysctls', NetworkComponent.SYSCTLS, props.sysctls],
      ['coreDns', NetworkComponent.COREDNS, props.coreDns], ['nodeLocalDns', NetworkComponent.NODE_LOCAL_DNS, props.nodeLocalDns],
      ['podDns', NetworkComponent.POD_DNS, props.podDns], ['alerts', NetworkComponent.ALERTS, props.alerts],
    ];
    for (const [name, component, p] of skipped) {
      if (hasSettings(p) && skip.has(component)) errors.add(name, '<set>', `must be unset: 'skip' leaves out ${component}`);
    }

    // The CNI: decided once, from the user or the guide's recommendation.
    const choice = CniRecommendation.recommend({ tier, networkPolicy: props.defaultDeny !== undefined });
    this.cniPlugin = props.cniPlugin ?? choice.plugin;
    this.cniReasons = props.cniPlugin ? ['set by the user'] : choice.reasons;
    const cniProps: Array<[string, CniPlugin, unknown]> = [
      ['calico', CniPlugin.CALICO, props.calico], ['cilium', CniPlugin.CILIUM, props.cilium], ['flannel', CniPlugin.FLANNEL, props.flannel],
    ];
    for (const [name, plugin, p] of cniProps) {
      if (p !== undefined && plugin !== this.cniPlugin) {
        errors.add(name, '<set>', `must be unset: the CNI is ${this.cniPlugin} (${props.cniPlugin ? "'cniPlugin'" : `the ${tier} tier's recommendation`}); set 'cniPlugin' to ${plugin} to configure it`);
      }
      if (p !== undefined && skip.has(NetworkComponent.CNI)) errors.add(name, '<set>', "must be unset: 'skip' leaves out cni");
    }
    errors.throwIfAny();
    record(this.ctx, 'cni', this.cniPlugin, props.cniPlugin ? DecisionSource.OVERRIDE : DecisionSource.TIER, this.cniReasons.join('; '));

    const common = { tier, profile };
    if (!skip.has(NetworkComponent.CNI)) {
      if (this.cniPlugin === CniPlugin.CALICO) this.calico = new CalicoTuning(this, 'Calico', { ...props.calico, ...common });
      if (this.cniPlugin === CniPlugin.CILIUM) this.cilium = new CiliumTuning(this, 'Cilium', { ...props.cilium, ...common });
      if (this.cniPlugin === CniPlugin.FLANNEL) this.flannel = new FlannelTuning(this, 'Flannel', { ...props.flannel, ...common });
    }

    // kube-proxy: left out when the plan's data plane is an eBPF replacement.
    const plane = this.ctx.state.plan().dataPlane;
    if (plane.kind === 'ebpf' && !skip.has(NetworkComponent.KUBE_PROXY)) {
      if (hasSettings(props.kubeProxy)) {
        errors.add('kubeProxy', '<set>', `must be unset: ${plane.replacement} replaces kube-proxy (or turn the replacement off)`);
        errors.throwIfAny();
      }
      record(this.ctx, 'kubeProxy', 'not deployed', DecisionSource.COMPATIBILITY, `${plane.replacement} implements Services; kube-proxy must not run beside it`);
    } else if (!skip.has(NetworkComponent.KUBE_PROXY)) {
      this.kubeProxy = new TunedKubeProxy(this, 'KubeProxy', { ...props.kubeProxy, ...common });
    }
    if (!skip.has(NetworkComponent.SYSCTLS)) this.sysctlTuner = new SysctlTuner(this, 'Sysctls', { ...props.sysctls, ...common });
    if (!skip.has(NetworkComponent.COREDNS)) this.coreDns = new TunedCoreDns(this, 'CoreDns', { ...props.coreDns, ...common });
    if (!skip.has(NetworkComponent.NODE_LOCAL_DNS)) this.nodeLocalDns = new NodeLocalDns(this, 'NodeLocalDns', { ...props.nodeLocalDns, ...common });
    if (!skip.has(NetworkComponent.POD_DNS)) {
      // Every workload of the app; the library's own (CoreDNS, node-cache, tuner) keep dnsPolicy Default.
      this.podDns = new PodDnsTuning(this, 'PodDns', { appliesTo: this.node.root, ...props.podDns, ...common });
    }
    if (props.defaultDeny) this.defaultDeny = new DefaultDenyPolicy(this, 'DefaultDeny', { ...props.defaultDeny, ...common });
    this.serviceTunings = (props.services ?? []).map((service, i) => new ServiceTuning(this, `Service${i}`, { service, ...common }));
    // Last: the alerts watch what exists when they are created.
    if (!skip.has(NetworkComponent.ALERTS)) this.alerts = new NetworkAlerts(this, 'Alerts', { ...props.alerts, ...common });
  }

  /**
   * The kubelet drop-in the cluster's nodes need: `clusterDNS` (the node-local IP or
   * the kube-dns IP, as the plan decided) and `clusterDomain` (and `resolvConf` when the
   * profile states it). See `kubeletConfigFiles()` for where it goes.
   */
  public kubeletConfigYaml(): string {
    return kubeletDropIn(this.ctx.state.plan());
  }

  /**
   * The kubelet settings as files: a drop-in for the kubelet config directory and the
   * same fields as a kubeadm patch, the one for the profile's Kubernetes version first.
   */
  public kubeletConfigFiles(): KubeletConfigFile[] {
    return kubeletConfigFiles(this.ctx.state.plan());
  }

  /** The explanation report of the app this construct is in (every decision, every finding). */
  public report(): TuningReport {
    return TuningReport.of(this);
  }
}

/** Whether an options object sets anything (`{}` and all-undefined fields set nothing). */
function hasSettings(options: unknown): boolean {
  return options !== undefined && (typeof options !== 'object' || options === null || Object.values(options).some((v) => v !== undefined));
}

import { ApiObject, Duration, Yaml } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addKubeProxyWorkload } from './_kube-proxy-daemonset';
import { IpvsScheduler, KubeProxyMode } from './kube-proxy-mode';
import { ConntrackOptions, IptablesOptions, IpvsOptions, NftablesOptions } from './kube-proxy-options';
import { checkProps } from '../core/_boundary';
import { checkFeature, ComponentContext, componentContext, pick, record } from '../core/_component';
import { GO_INT32_MAX, goDuration, showDuration } from '../core/_errors';
import { boundAddress } from '../core/_host-ports';
import { kubeProxyImage } from '../core/_images';
import { shownProp } from '../core/_input-names';
import { configMap, hashOf, KUBE_SYSTEM, meta } from '../core/_k8s';
import { lazyValue } from '../core/_lazy';
import { canonicalIp, parseCidr, parseHostPort, sloppyCidr } from '../core/_net';
import { resolveResources } from '../core/_resources';
import { renderTierValue, Rule } from '../core/_tier-table';
import { ClusterProfile } from '../core/cluster-profile';
import { Compatibility, FeatureSupport, KubernetesFeature } from '../core/compatibility';
import { DecisionSource, FindingSeverity } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';


/** Options of `TunedKubeProxy`: its properties except the tier and the profile, which a parent such as `NetworkTuning` decides once for every component. */
export interface TunedKubeProxyOptions {
  /**
   * The proxy mode.
   *
   * @default - the app's plan: the tier's (iptables for SMALL and MEDIUM, IPVS for LARGE),
   * nftables instead of IPVS beside Cilium (iptables before 1.33) and from Kubernetes 1.35,
   * where IPVS is deprecated; or the mode stated on NodeLocalDns or NetworkAlerts
   */
  readonly mode?: KubeProxyMode;

  /**
   * IPVS settings (mode IPVS only).
   *
   * @default - the tier's scheduler, sync periods and strictARP
   */
  readonly ipvs?: IpvsOptions;

  /**
   * iptables settings (mode IPTABLES only).
   *
   * @default - the tier's sync periods, kube-proxy defaults otherwise
   */
  readonly iptables?: IptablesOptions;

  /**
   * nftables settings (mode NFTABLES only).
   *
   * @default - the tier's sync periods, kube-proxy defaults otherwise
   */
  readonly nftables?: NftablesOptions;

  /**
   * Connection tracking settings kube-proxy writes to the node at start.
   *
   * @default - the tier's maxPerCore, min and TCP timeouts
   */
  readonly conntrack?: ConntrackOptions;

  /**
   * Address of the metrics endpoint (`metricsBindAddress`, "ip:port"). The library's
   * alerts scrape kube-proxy, which needs a non-loopback address.
   *
   * @default '0.0.0.0:10249' (kube-proxy's own default, 127.0.0.1:10249, cannot be scraped)
   */
  readonly metricsBindAddress?: string;

  /**
   * Address of the health endpoint (`healthzBindAddress`, "ip:port").
   *
   * @default '0.0.0.0:10256'
   */
  readonly healthzBindAddress?: string;

  /**
   * CIDRs of node addresses that accept NodePort traffic (`nodePortAddresses`).
   *
   * @default - every node address (nftables mode: the node's primary address)
   */
  readonly nodePortAddresses?: string[];

  /**
   * Also emit the kube-proxy ServiceAccount, ClusterRoleBinding and DaemonSet as
   * kubeadm deploys them, for clusters that manage kube-proxy themselves.
   *
   * @default false (only the ConfigMap, for a kubeadm cluster's existing kube-proxy)
   */
  readonly deployDaemonSet?: boolean;

  /**
   * kube-proxy image for the DaemonSet. Match your cluster's exact patch version.
   *
   * @default - registry.k8s.io/kube-proxy at the latest patch of the profile's Kubernetes minor the library knows
   */
  readonly image?: string;

  /**
   * Resources of the kube-proxy container in the DaemonSet (with `deployDaemonSet`), over
   * the tier's. A CPU limit is accepted with a warning (RESOURCES-CPU-LIMIT): a throttled
   * kube-proxy falls behind on rule syncs.
   *
   * @default - the tier's requests and memory limit, no CPU limit (as kubeadm)
   */
  readonly resources?: kplus.ContainerResources;
}

/** Properties of `TunedKubeProxy`. */
export interface TunedKubeProxyProps extends TunedKubeProxyOptions {
  /**
   * The scale tier whose defaults apply.
   *
   * @default ScaleTier.SMALL
   */
  readonly tier?: ScaleTier;

  /**
   * The cluster this configuration is for (version, Pod CIDR, API server, cores per node).
   *
   * @default - a default ClusterProfile (KubernetesVersion.DEFAULT, kubeadm CIDRs)
   */
  readonly profile?: ClusterProfile;
}

/**
 * kube-proxy tuned for a scale tier: the guide's "kube-proxy 优化" and "连接跟踪优化".
 *
 * Emits the `kube-proxy` ConfigMap in `kube-system` with a complete
 * `KubeProxyConfiguration` under `config.conf` (and `kubeconfig.conf` when the
 * profile knows the API server), exactly where kubeadm keeps it; optionally the
 * DaemonSet, ServiceAccount and ClusterRoleBinding. `configYaml` holds the
 * configuration for kubeadm config files.
 *
 * @see https://kubernetes.io/docs/reference/config-api/kube-proxy-config.v1alpha1/
 */
export class TunedKubeProxy extends Construct {
  /**
   * What kube-proxy will write to `nf_conntrack_max` at start on a node with the
   * profile's core count: `max(maxPerCore × cores, min)`, or 0 when it leaves the kernel value.
   */
  public readonly effectiveConntrackMax: number;

  /** The ConfigMap holding the configuration. */
  public readonly configMap: ApiObject;
  /**
   * The kube-proxy DaemonSet (with `deployDaemonSet`), for escape hatches such as `addJsonPatch`.
   *
   * @default - none: kubeadm's DaemonSet runs kube-proxy
   */
  public readonly daemonSet?: ApiObject;


  private readonly deploysDaemonSet: boolean;
  private readonly ctx: ComponentContext;
  private readonly props: TunedKubeProxyProps;
  private readonly explicitMode?: KubeProxyMode;
  private readonly conntrack: Record<string, unknown>;
  private readonly metricsBindAddress: string;
  private readonly healthzBindAddress: string;
  private readonly nodePortAddresses?: string[];
  private readonly kubeconfig?: string;
  private readonly rendered = new Map<KubeProxyMode, Rendered>();

  public constructor(scope: Construct, id: string, props: TunedKubeProxyProps = {}) {
    super(scope, id);
    props = checkProps(this, 'TunedKubeProxyProps', props);
    const ctx = componentContext(this, props.tier, props.profile);
    this.ctx = ctx;
    this.props = props;
    const { errors, settings, profile } = ctx;
    const kp = settings.kubeProxy;

    if (props.mode !== undefined && errors.oneOf('mode', props.mode, Object.values(KubeProxyMode))) {
      this.explicitMode = props.mode;
      record(ctx, 'mode', props.mode, DecisionSource.OVERRIDE, 'set by the user');
      if (props.mode === KubeProxyMode.NFTABLES) checkFeature(ctx, KubernetesFeature.KUBE_PROXY_NFTABLES, 'mode', props.mode);
      if (props.mode === KubeProxyMode.IPVS) checkFeature(ctx, KubernetesFeature.KUBE_PROXY_IPVS, 'mode', props.mode);
    }

    // Every section given is validated, active or not: the plan may pick the mode later.
    let maxMinSyncPeriodSeconds = kp.minSyncPeriod.value.toSeconds({ integral: false });
    for (const mode of Object.values(KubeProxyMode)) {
      const active = sectionProps(props, mode) as (IptablesOptions & IpvsOptions & NftablesOptions) | undefined;
      if (active === undefined) continue;
      const syncPeriod = active.syncPeriod ?? kp.syncPeriod.value;
      const minSyncPeriod = active.minSyncPeriod ?? kp.minSyncPeriod.value;
      if (minSyncPeriod instanceof Duration) {
        maxMinSyncPeriodSeconds = Math.max(maxMinSyncPeriodSeconds, minSyncPeriod.toSeconds({ integral: false }));
      }
      if (errors.duration(`${mode}.syncPeriod`, syncPeriod, Duration.millis(1))
        && errors.duration(`${mode}.minSyncPeriod`, minSyncPeriod)
        && minSyncPeriod.toMilliseconds() > syncPeriod.toMilliseconds()) {
        errors.add(`${mode}.minSyncPeriod`, minSyncPeriod, `must be <= '${mode}.syncPeriod' (${goDuration(syncPeriod)})`);
      }
      if (mode === KubeProxyMode.IPVS) {
        if (active.scheduler !== undefined) errors.oneOf('ipvs.scheduler', active.scheduler, Object.values(IpvsScheduler));
        for (const [key, value] of [['tcpTimeout', active.tcpTimeout], ['tcpFinTimeout', active.tcpFinTimeout], ['udpTimeout', active.udpTimeout]] as const) {
          errors.duration(`ipvs.${key}`, value);
        }
        // kube-proxy parses these with ParseCIDRSloppy (host bits allowed); emitted as networks
        (active.excludeCidrs ?? []).forEach((c, i) => errors.networkCidr(`ipvs.excludeCidrs[${i}]`, c, 'must be a CIDR such as 10.0.0.0/8'));
      } else {
        errors.int(`${mode}.masqueradeBit`, active.masqueradeBit, 0, 31);
      }
    }

    // ---- conntrack ----
    const ct = props.conntrack ?? {};
    const maxPerCore = pick(ctx, 'conntrack.maxPerCore', ct.maxPerCore, kp.conntrackMaxPerCore);
    const min = pick(ctx, 'conntrack.min', ct.min, kp.conntrackMin);
    errors.int('conntrack.maxPerCore', maxPerCore, 0, GO_INT32_MAX);
    errors.int('conntrack.min', min, 0, GO_INT32_MAX);
    // kube-proxy writes max(maxPerCore × CPUs, min) to nf_conntrack_max, a 32-bit int: a larger
    // product makes the write fail and kube-proxy exit (cmd/kube-proxy/app/server_linux.go).
    const cores = profile.cpuCoresPerNode;
    if (Number.isInteger(maxPerCore) && maxPerCore <= GO_INT32_MAX && maxPerCore * cores > GO_INT32_MAX) {
      errors.add('conntrack.maxPerCore', maxPerCore, `× the profile's ${cores} CPU cores is ${maxPerCore * cores}: nf_conntrack_max is a 32-bit int (<= ${GO_INT32_MAX})`);
    }
    const established = pick(ctx, 'conntrack.tcpEstablishedTimeout', ct.tcpEstablishedTimeout, kp.conntrackTcpEstablishedTimeout, showDuration);
    const closeWait = pick(ctx, 'conntrack.tcpCloseWaitTimeout', ct.tcpCloseWaitTimeout, kp.conntrackTcpCloseWaitTimeout, showDuration);
    errors.duration('conntrack.tcpEstablishedTimeout', established);
    errors.duration('conntrack.tcpCloseWaitTimeout', closeWait);
    this.conntrack = {
      maxPerCore,
      min,
      tcpEstablishedTimeout: showDuration(established),
      tcpCloseWaitTimeout: showDuration(closeWait),
    };
    for (const [key, value] of [['tcpBeLiberal', ct.tcpBeLiberal], ['udpTimeout', ct.udpTimeout], ['udpStreamTimeout', ct.udpStreamTimeout]] as const) {
      if (value === undefined) continue;
      if (!checkFeature(ctx, KubernetesFeature.KUBE_PROXY_CONNTRACK_UDP, `conntrack.${key}`, value instanceof Duration ? showDuration(value) : value)) continue;
      if (value instanceof Duration && !errors.duration(`conntrack.${key}`, value)) continue;
      this.conntrack[key] = value instanceof Duration ? showDuration(value) : value;
      record(ctx, `conntrack.${key}`, this.conntrack[key], DecisionSource.OVERRIDE, 'set by the user');
    }
    this.effectiveConntrackMax = Number.isInteger(maxPerCore) && maxPerCore > 0 ? Math.max(maxPerCore * profile.cpuCoresPerNode, min) : 0;
    record(ctx, 'nf_conntrack_max (written by kube-proxy)', this.effectiveConntrackMax, DecisionSource.DERIVED,
      this.effectiveConntrackMax > 0
        ? `max(conntrack.maxPerCore ${maxPerCore} × ${profile.cpuCoresPerNode} cores, conntrack.min ${min})`
        : 'conntrack.maxPerCore is 0: kube-proxy leaves the kernel value alone');

    // ---- endpoints ----
    this.metricsBindAddress = props.metricsBindAddress ?? '0.0.0.0:10249';
    record(ctx, 'metricsBindAddress', this.metricsBindAddress, props.metricsBindAddress ? DecisionSource.OVERRIDE : DecisionSource.DERIVED,
      props.metricsBindAddress ? 'set by the user' : 'Prometheus must reach kube-proxy metrics; its default 127.0.0.1:10249 only listens on loopback');
    this.healthzBindAddress = props.healthzBindAddress ?? '0.0.0.0:10256';
    if (!parseHostPort(this.metricsBindAddress)) errors.add('metricsBindAddress', this.metricsBindAddress, 'must be "ip:port" (for example 0.0.0.0:10249)');
    if (!parseHostPort(this.healthzBindAddress)) errors.add('healthzBindAddress', this.healthzBindAddress, 'must be "ip:port" (for example 0.0.0.0:10256)');
    this.nodePortAddresses = this.checkNodePortAddresses(props.nodePortAddresses);
    errors.throwIfAny();

    const data: Record<string, string> = { 'config.conf': lazyValue(this, 'ConfigMap data[config.conf]', () => this.configYaml) };
    this.kubeconfig = renderKubeconfig(profile);
    if (this.kubeconfig) {
      data['kubeconfig.conf'] = this.kubeconfig;
    } else {
      ctx.state.warn(this, 'KP-NO-KUBECONFIG',
        "the ConfigMap has no 'kubeconfig.conf' because the profile has no 'apiServerHost'; kube-proxy cannot reach the API through the 'kubernetes' Service it implements",
        "set 'apiServerHost' in the ClusterProfile, or apply with server-side apply so a kubeadm cluster keeps its existing kubeconfig.conf");
    }
    this.configMap = configMap(this, 'ConfigMap', {
      metadata: meta('kube-proxy', KUBE_SYSTEM, { app: 'kube-proxy' }),
      data,
    });

    const deploy = props.deployDaemonSet ?? false;
    this.deploysDaemonSet = deploy;
    if (props.resources !== undefined && !deploy) {
      errors.addMissing('resources', "needs 'deployDaemonSet' (they are the DaemonSet's container resources)");
      errors.throwIfAny();
    }
    if (deploy) {
      if (!this.kubeconfig) {
        errors.addMissing('deployDaemonSet', "needs the profile's 'apiServerHost' (kube-proxy's kubeconfig must point at the API server directly)");
        errors.throwIfAny();
      }
      const image = props.image ?? kubeProxyImage(profile.kubernetesVersion);
      errors.image('image', image);
      const resources = resolveResources(ctx, 'resources', props.resources, kp);
      errors.throwIfAny();
      record(ctx, 'image', image, props.image ? DecisionSource.OVERRIDE : DecisionSource.DERIVED,
        props.image ? 'set by the user' : `kube-proxy matching Kubernetes ${profile.kubernetesVersion.version}`);
      this.daemonSet = addKubeProxyWorkload(this, {
        image,
        configMapName: 'kube-proxy',
        configHash: lazyValue(this, 'DaemonSet config-hash annotation', () => hashOf(this.configYaml + (this.kubeconfig ?? ''))),
        resources,
      });
    }

    ctx.state.register({
      kind: 'kube-proxy',
      scope: this,
      profile,
      tier: ctx.tier,
      explicitMode: this.explicitMode,
      conntrackMaxPerCore: maxPerCore,
      conntrackMin: min,
      effectiveConntrackMax: this.effectiveConntrackMax,
      tcpEstablishedTimeoutSeconds: established.toSeconds({ integral: false }),
      tcpCloseWaitTimeoutSeconds: closeWait.toSeconds({ integral: false }),
      metricsBindAddress: this.metricsBindAddress,
      listeners: ([['metrics', this.metricsBindAddress], ['healthz', this.healthzBindAddress]] as const).map(([what, bind]) => {
        const { ip, port } = parseHostPort(bind)!;
        return { port, who: `kube-proxy ${what} (${bind})`, address: boundAddress(canonicalIp(ip).text) };
      }),
      deploysDaemonSet: deploy,
      maxMinSyncPeriodSeconds,
    }, () => this.prepare());
  }

  /**
   * The proxy mode emitted: the one set here, else the app's plan (the tier's mode
   * for the Kubernetes version and the CNI, or a mode stated on another component).
   */
  public get mode(): KubeProxyMode {
    return this.ctx.state.plan().dataPlane.mode ?? this.explicitMode ?? this.ctx.settings.kubeProxy.mode.value;
  }

  /** The KubeProxyConfiguration as YAML, for a kubeadm config file. */
  public get configYaml(): string {
    return this.render(this.mode).yaml;
  }

  private prepare(): void {
    const mode = this.mode;
    if (!this.deploysDaemonSet) {
      // kube-proxy reads its config file once, at start (cmd/kube-proxy/app/server.go): a changed ConfigMap waits for a restart.
      this.ctx.state.afterApply(this, 'kubectl -n kube-system rollout restart daemonset kube-proxy: kube-proxy reads its ConfigMap only at start '
        + '(until then it keeps its old mode and metrics address, and KubeProxyDown may fire)');
    }
    if (!this.explicitMode) {
      const plane = this.ctx.state.plan().dataPlane;
      record(this.ctx, 'mode', mode, plane.source, plane.reason);
    }
    for (const d of this.render(mode).decisions) record(this.ctx, d.setting, d.value, d.source, d.reason);

    // kube-proxy reads only the active mode's section: the others are not emitted.
    for (const other of Object.values(KubeProxyMode)) {
      const section = sectionProps(this.props, other);
      if (other === mode || section === undefined) continue;
      const keys = Object.keys(section).filter((k) => (section as Record<string, unknown>)[k] !== undefined);
      if (keys.length === 0) continue;
      const strictArpOnly = other === KubeProxyMode.IPVS && keys.length === 1 && keys[0] === 'strictArp';
      this.ctx.state.report(this, FindingSeverity.WARNING, strictArpOnly ? 'KP-STRICTARP-NOT-IPVS' : 'KP-INACTIVE-MODE-SETTINGS',
        strictArpOnly
          ? `'${shownProp(this, 'ipvs.strictArp')}' is only read in IPVS mode; '${shownProp(this, 'mode')}' is ${mode}, so it is not emitted`
          : `'${shownProp(this, other)}' settings (${keys.join(', ')}) are ignored by kube-proxy in '${mode}' mode and are not emitted`,
        `remove the '${other}' settings or set 'mode' to KubeProxyMode.${other.toUpperCase()}`);
    }
  }

  /** The configuration for one mode, built once (its values were validated in the constructor). */
  private render(mode: KubeProxyMode): Rendered {
    const cached = this.rendered.get(mode);
    if (cached) return cached;
    const { settings, profile, tier } = this.ctx;
    const kp = settings.kubeProxy;
    const active = (sectionProps(this.props, mode) ?? {}) as IptablesOptions & IpvsOptions & NftablesOptions;
    const decisions: Decided[] = [];
    const choose = <T>(setting: string, override: T | undefined, rule: Rule<T>, show: (v: T) => string = renderTierValue): T => {
      decisions.push(override !== undefined
        ? { setting, value: show(override), source: DecisionSource.OVERRIDE, reason: 'set by the user' }
        : { setting, value: show(rule.value), source: DecisionSource.TIER, reason: `${tier} tier: ${rule.reason}` });
      return override ?? rule.value;
    };
    const syncPeriod = choose(`${mode}.syncPeriod`, active.syncPeriod, kp.syncPeriod, showDuration);
    const minSyncPeriod = choose(`${mode}.minSyncPeriod`, active.minSyncPeriod, kp.minSyncPeriod, showDuration);
    const section: Record<string, unknown> = {};
    if (mode === KubeProxyMode.IPVS) {
      section.scheduler = choose('ipvs.scheduler', active.scheduler, kp.ipvsScheduler);
      section.strictARP = choose('ipvs.strictARP', active.strictArp, kp.strictArp);
      for (const [key, value] of [['tcpTimeout', active.tcpTimeout], ['tcpFinTimeout', active.tcpFinTimeout], ['udpTimeout', active.udpTimeout]] as const) {
        if (value === undefined) continue;
        section[key] = showDuration(value);
        decisions.push({ setting: `ipvs.${key}`, value: showDuration(value), source: DecisionSource.OVERRIDE, reason: 'set by the user' });
      }
      if (active.excludeCidrs !== undefined) section.excludeCIDRs = active.excludeCidrs.map((c) => sloppyCidr(c)!.text);
    } else {
      section.masqueradeAll = active.masqueradeAll ?? false;
      section.masqueradeBit = active.masqueradeBit ?? 14;
      if (mode === KubeProxyMode.IPTABLES) section.localhostNodePorts = active.localhostNodePorts ?? true;
    }
    section.syncPeriod = showDuration(syncPeriod);
    section.minSyncPeriod = showDuration(minSyncPeriod);

    // Feature gates only while the gate exists and the feature is pre-GA.
    const featureGates: Record<string, boolean> = {};
    if (mode === KubeProxyMode.NFTABLES
      && Compatibility._support(KubernetesFeature.KUBE_PROXY_NFTABLES, profile.kubernetesVersion) === FeatureSupport.OPT_IN) {
      featureGates[Compatibility.featureGate(KubernetesFeature.KUBE_PROXY_NFTABLES)!] = true;
    }
    const config: Record<string, unknown> = {
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      kind: 'KubeProxyConfiguration',
      bindAddress: '0.0.0.0',
      healthzBindAddress: this.healthzBindAddress,
      metricsBindAddress: this.metricsBindAddress,
      clientConnection: { kubeconfig: '/var/lib/kube-proxy/kubeconfig.conf' },
      clusterCIDR: this.ctx.state.plan().podCidrs.map((c) => c.text).join(','),
      detectLocalMode: 'ClusterCIDR',
      conntrack: this.conntrack,
      ...(Object.keys(featureGates).length > 0 ? { featureGates } : {}),
      mode,
      [mode]: section,
      ...(this.nodePortAddresses ? { nodePortAddresses: [...this.nodePortAddresses] } : {}),
      oomScoreAdj: -999,
    };
    const out = { yaml: Yaml.stringify(config), decisions };
    this.rendered.set(mode, out);
    return out;
  }

  /**
   * kube-proxy's own rule (pkg/proxy/apis/config/validation): 'primary' alone (1.29+, the node's
   * primary IPs), or CIDRs parsed with ParseCIDRSloppy, which accepts host bits. Emitted as networks.
   */
  private checkNodePortAddresses(list: string[] | undefined): string[] | undefined {
    if (list === undefined) return undefined;
    const { errors, profile, state } = this.ctx;
    if (list.includes('primary')) {
      if (list.length !== 1) errors.add('nodePortAddresses', list, "can't use both 'primary' and CIDRs (kube-proxy takes 'primary' alone)");
      if (profile.kubernetesVersion.minor < 29) {
        errors.add('nodePortAddresses[0]', 'primary', `needs Kubernetes 1.29 or newer (kube-proxy's 'primary' value); the profile targets ${profile.kubernetesVersion.version}`);
      }
      return [...list];
    }
    const out: string[] = [];
    list.forEach((text, i) => {
      const c = errors.networkCidr(`nodePortAddresses[${i}]`, text, "must be a CIDR such as 10.0.0.0/8, or 'primary' alone");
      if (!c) return;
      // (duplicates are harmless: kube-proxy's validation takes them)
      out.push(c.text);
    });
    // A family with no CIDR here makes kube-proxy's proxier for that family accept NodePorts on every address
    // (pkg/proxy/util/nodeport_addresses.go), the opposite of what a list means.
    const families = new Set(profile._serviceCidrs.map((c) => c.family));
    for (const family of families) {
      if (out.length > 0 && !out.some((t) => parseCidr(t)?.family === family)) {
        state.warn(this, 'KP-NODEPORT-FAMILY', `'${shownProp(this, 'nodePortAddresses')}' (${list.join(',')}) has no IPv${family} CIDR: kube-proxy's IPv${family} proxier then serves NodePorts on every node address`,
          `add the IPv${family} node range, or leave nodePortAddresses unset`);
      }
    }
    return out;
  }
}

interface Decided {
  readonly setting: string;
  readonly value: string;
  readonly source: DecisionSource;
  readonly reason: string;
}

interface Rendered {
  readonly yaml: string;
  readonly decisions: Decided[];
}

/** The props section for a mode (the YAML key equals the mode name). */
function sectionProps(props: TunedKubeProxyProps, mode: KubeProxyMode): object | undefined {
  return mode === KubeProxyMode.IPVS ? props.ipvs : mode === KubeProxyMode.NFTABLES ? props.nftables : props.iptables;
}

/**
 * kube-proxy's kubeconfig as kubeadm writes it: the in-cluster service account
 * token and CA, and the API server's direct address (not the `kubernetes`
 * Service, which kube-proxy itself implements).
 */
function renderKubeconfig(profile: ClusterProfile): string | undefined {
  const server = profile.apiServerUrl;
  if (!server) return undefined;
  return Yaml.stringify({
    'apiVersion': 'v1',
    'kind': 'Config',
    'clusters': [{
      name: 'default',
      cluster: { 'certificate-authority': '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt', 'server': server },
    }],
    'contexts': [{ name: 'default', context: { cluster: 'default', namespace: 'default', user: 'default' } }],
    'current-context': 'default',
    'users': [{ name: 'default', user: { tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' } }],
  });
}

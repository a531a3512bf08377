import { Duration, Yaml } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { tierKubeProxyMode } from './_default-mode';
import { addKubeProxyWorkload } from './_kube-proxy-daemonset';
import { IpvsScheduler, KubeProxyMode } from './kube-proxy-mode';
import { ConntrackOptions, IptablesOptions, IpvsOptions, NftablesOptions } from './kube-proxy-options';
import { checkFeature, ComponentContext, componentContext, pick, record } from '../core/_component';
import { goDuration, showDuration } from '../core/_errors';
import { kubeProxyImage } from '../core/_images';
import { hashOf, KUBE_SYSTEM, meta } from '../core/_k8s';
import { parseHostPort } from '../core/_net';
import { ClusterProfile } from '../core/cluster-profile';
import { Compatibility, FeatureSupport, KubernetesFeature } from '../core/compatibility';
import { DecisionSource } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';

const INT32_MAX = 2147483647;

/** Properties of `TunedKubeProxy`. */
export interface TunedKubeProxyProps {
  /**
   * The scale tier whose defaults apply.
   *
   * @default ScaleTier.SMALL
   */
  readonly tier?: ScaleTier;

  /**
   * The cluster this configuration is for (version, Pod CIDR, API server, cores per node).
   *
   * @default - a default ClusterProfile (Kubernetes 1.28, kubeadm CIDRs)
   */
  readonly profile?: ClusterProfile;

  /**
   * The proxy mode.
   *
   * @default - the tier's: iptables (SMALL, MEDIUM), ipvs (LARGE); LARGE uses nftables
   * from Kubernetes 1.35, where IPVS is deprecated
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
  /** The proxy mode emitted. */
  public readonly mode: KubeProxyMode;

  /** The KubeProxyConfiguration as YAML, for a kubeadm config file. */
  public readonly configYaml: string;

  /**
   * What kube-proxy will write to `nf_conntrack_max` at start on a node with the
   * profile's core count: `max(maxPerCore × cores, min)`, or 0 when it leaves the kernel value.
   */
  public readonly effectiveConntrackMax: number;

  /** The ConfigMap holding the configuration. */
  public readonly configMap: k8s.KubeConfigMap;

  public constructor(scope: Construct, id: string, props: TunedKubeProxyProps = {}) {
    super(scope, id);
    const ctx = componentContext(this, props.tier, props.profile);
    const { errors, settings, profile } = ctx;
    const kp = settings.kubeProxy;

    this.mode = resolveMode(ctx, props.mode);

    // ---- the active mode's section; settings for other modes are not emitted ----
    const sections: Record<KubeProxyMode, object | undefined> = {
      [KubeProxyMode.IPTABLES]: props.iptables,
      [KubeProxyMode.IPVS]: props.ipvs,
      [KubeProxyMode.NFTABLES]: props.nftables,
    };
    for (const [mode, section] of Object.entries(sections)) {
      if (mode === this.mode || section === undefined) continue;
      const keys = Object.keys(section).filter((k) => (section as any)[k] !== undefined);
      if (keys.length === 0) continue;
      const strictArpOnly = mode === KubeProxyMode.IPVS && keys.length === 1 && keys[0] === 'strictArp';
      ctx.state.warn(this, strictArpOnly ? 'KP-STRICTARP-NOT-IPVS' : 'KP-INACTIVE-MODE-SETTINGS',
        strictArpOnly
          ? `'ipvs.strictArp' is only read in IPVS mode; 'mode' is ${this.mode}, so it is not emitted`
          : `'${mode}' settings (${keys.join(', ')}) are ignored by kube-proxy in '${this.mode}' mode and are not emitted`,
        `remove the '${mode}' settings or set 'mode' to KubeProxyMode.${mode.toUpperCase()}`);
    }

    const active = sections[this.mode] as (IptablesOptions & IpvsOptions & NftablesOptions) | undefined ?? {};
    const section = this.mode; // the YAML key equals the mode name
    const syncPeriod = pick(ctx, `${section}.syncPeriod`, active.syncPeriod, kp.syncPeriod, showDuration);
    const minSyncPeriod = pick(ctx, `${section}.minSyncPeriod`, active.minSyncPeriod, kp.minSyncPeriod, showDuration);
    if (errors.duration(`${section}.syncPeriod`, syncPeriod, Duration.millis(1))
      && errors.duration(`${section}.minSyncPeriod`, minSyncPeriod)
      && minSyncPeriod.toMilliseconds() > syncPeriod.toMilliseconds()) {
      errors.add(`${section}.minSyncPeriod`, minSyncPeriod, `must be <= '${section}.syncPeriod' (${goDuration(syncPeriod)})`);
    }

    const modeSection: Record<string, unknown> = {};
    if (this.mode === KubeProxyMode.IPVS) {
      const scheduler = pick(ctx, 'ipvs.scheduler', active.scheduler, kp.ipvsScheduler);
      errors.oneOf('ipvs.scheduler', scheduler, Object.values(IpvsScheduler));
      const strictArp = pick(ctx, 'ipvs.strictARP', active.strictArp, kp.strictArp);
      modeSection.scheduler = scheduler;
      modeSection.strictARP = strictArp;
      for (const [key, value] of [['tcpTimeout', active.tcpTimeout], ['tcpFinTimeout', active.tcpFinTimeout], ['udpTimeout', active.udpTimeout]] as const) {
        if (value !== undefined && errors.duration(`ipvs.${key}`, value)) {
          modeSection[key] = showDuration(value);
          record(ctx, `ipvs.${key}`, modeSection[key], DecisionSource.OVERRIDE, 'set by the user');
        }
      }
      if (active.excludeCidrs !== undefined) {
        active.excludeCidrs.forEach((c, i) => errors.cidr(`ipvs.excludeCidrs[${i}]`, c));
        modeSection.excludeCIDRs = [...active.excludeCidrs];
      }
    } else {
      const masqueradeBit = active.masqueradeBit ?? 14;
      errors.int(`${section}.masqueradeBit`, masqueradeBit, 0, 31);
      modeSection.masqueradeAll = active.masqueradeAll ?? false;
      modeSection.masqueradeBit = masqueradeBit;
      if (this.mode === KubeProxyMode.IPTABLES) {
        modeSection.localhostNodePorts = active.localhostNodePorts ?? true;
      }
    }
    modeSection.syncPeriod = showDuration(syncPeriod);
    modeSection.minSyncPeriod = showDuration(minSyncPeriod);

    // ---- conntrack ----
    const ct = props.conntrack ?? {};
    const maxPerCore = pick(ctx, 'conntrack.maxPerCore', ct.maxPerCore, kp.conntrackMaxPerCore);
    const min = pick(ctx, 'conntrack.min', ct.min, kp.conntrackMin);
    errors.int('conntrack.maxPerCore', maxPerCore, 0, INT32_MAX);
    errors.int('conntrack.min', min, 0, INT32_MAX);
    const established = pick(ctx, 'conntrack.tcpEstablishedTimeout', ct.tcpEstablishedTimeout, kp.conntrackTcpEstablishedTimeout, showDuration);
    const closeWait = pick(ctx, 'conntrack.tcpCloseWaitTimeout', ct.tcpCloseWaitTimeout, kp.conntrackTcpCloseWaitTimeout, showDuration);
    errors.duration('conntrack.tcpEstablishedTimeout', established);
    errors.duration('conntrack.tcpCloseWaitTimeout', closeWait);
    const conntrack: Record<string, unknown> = {
      maxPerCore,
      min,
      tcpEstablishedTimeout: showDuration(established),
      tcpCloseWaitTimeout: showDuration(closeWait),
    };
    for (const [key, value] of [['tcpBeLiberal', ct.tcpBeLiberal], ['udpTimeout', ct.udpTimeout], ['udpStreamTimeout', ct.udpStreamTimeout]] as const) {
      if (value === undefined) continue;
      if (!checkFeature(ctx, KubernetesFeature.KUBE_PROXY_CONNTRACK_UDP, `conntrack.${key}`, value instanceof Duration ? showDuration(value) : value)) continue;
      if (value instanceof Duration && !errors.duration(`conntrack.${key}`, value)) continue;
      conntrack[key] = value instanceof Duration ? showDuration(value) : value;
      record(ctx, `conntrack.${key}`, conntrack[key], DecisionSource.OVERRIDE, 'set by the user');
    }
    this.effectiveConntrackMax = Number.isInteger(maxPerCore) && maxPerCore > 0 ? Math.max(maxPerCore * profile.cpuCoresPerNode, min) : 0;
    record(ctx, 'nf_conntrack_max (written by kube-proxy)', this.effectiveConntrackMax, DecisionSource.DERIVED,
      this.effectiveConntrackMax > 0
        ? `max(conntrack.maxPerCore ${maxPerCore} × ${profile.cpuCoresPerNode} cores, conntrack.min ${min})`
        : 'conntrack.maxPerCore is 0: kube-proxy leaves the kernel value alone');

    // ---- endpoints ----
    const metricsBindAddress = props.metricsBindAddress ?? '0.0.0.0:10249';
    record(ctx, 'metricsBindAddress', metricsBindAddress, props.metricsBindAddress ? DecisionSource.OVERRIDE : DecisionSource.DERIVED,
      props.metricsBindAddress ? 'set by the user' : 'Prometheus must reach kube-proxy metrics; its default 127.0.0.1:10249 only listens on loopback');
    const healthzBindAddress = props.healthzBindAddress ?? '0.0.0.0:10256';
    if (!parseHostPort(metricsBindAddress)) errors.add('metricsBindAddress', metricsBindAddress, 'must be "ip:port" (for example 0.0.0.0:10249)');
    if (!parseHostPort(healthzBindAddress)) errors.add('healthzBindAddress', healthzBindAddress, 'must be "ip:port" (for example 0.0.0.0:10256)');
    (props.nodePortAddresses ?? []).forEach((c, i) => errors.cidr(`nodePortAddresses[${i}]`, c));

    // ---- feature gates: only while the gate exists and the feature is pre-GA ----
    const featureGates: Record<string, boolean> = {};
    if (this.mode === KubeProxyMode.NFTABLES
      && Compatibility.support(KubernetesFeature.KUBE_PROXY_NFTABLES, profile.kubernetesVersion) === FeatureSupport.OPT_IN) {
      featureGates[Compatibility.featureGate(KubernetesFeature.KUBE_PROXY_NFTABLES)!] = true;
    }

    errors.throwIfAny();

    const config: Record<string, unknown> = {
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      kind: 'KubeProxyConfiguration',
      bindAddress: '0.0.0.0',
      healthzBindAddress,
      metricsBindAddress,
      clientConnection: { kubeconfig: '/var/lib/kube-proxy/kubeconfig.conf' },
      clusterCIDR: profile.podCidrs.join(','),
      detectLocalMode: 'ClusterCIDR',
      conntrack,
      ...(Object.keys(featureGates).length > 0 ? { featureGates } : {}),
      mode: this.mode,
      [section]: modeSection,
      ...(props.nodePortAddresses ? { nodePortAddresses: [...props.nodePortAddresses] } : {}),
      oomScoreAdj: -999,
    };
    this.configYaml = Yaml.stringify(config);

    const data: Record<string, string> = { 'config.conf': this.configYaml };
    const kubeconfig = renderKubeconfig(profile);
    if (kubeconfig) {
      data['kubeconfig.conf'] = kubeconfig;
    } else {
      ctx.state.warn(this, 'KP-NO-KUBECONFIG',
        "the ConfigMap has no 'kubeconfig.conf' because the profile has no 'apiServerHost'; kube-proxy cannot reach the API through the 'kubernetes' Service it implements",
        "set 'apiServerHost' in the ClusterProfile, or apply with server-side apply so a kubeadm cluster keeps its existing kubeconfig.conf");
    }
    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: meta('kube-proxy', KUBE_SYSTEM, { app: 'kube-proxy' }),
      data,
    });

    const deploy = props.deployDaemonSet ?? false;
    if (deploy) {
      if (!kubeconfig) {
        errors.addMissing('deployDaemonSet', "needs the profile's 'apiServerHost' (kube-proxy's kubeconfig must point at the API server directly)");
        errors.throwIfAny();
      }
      const image = props.image ?? kubeProxyImage(profile.kubernetesVersion);
      errors.image('image', image);
      errors.throwIfAny();
      record(ctx, 'image', image, props.image ? DecisionSource.OVERRIDE : DecisionSource.DERIVED,
        props.image ? 'set by the user' : `kube-proxy matching Kubernetes ${profile.kubernetesVersion.version}`);
      addKubeProxyWorkload(this, {
        image,
        configMapName: 'kube-proxy',
        configHash: hashOf(JSON.stringify(data)),
        cpuRequest: pick(ctx, 'resources.requests.cpu', undefined, kp.cpuRequest),
        memoryRequest: pick(ctx, 'resources.requests.memory', undefined, kp.memoryRequest),
        memoryLimit: pick(ctx, 'resources.limits.memory', undefined, kp.memoryLimit),
      });
    }

    const self = this;
    ctx.state.register({
      kind: 'kube-proxy',
      scope: this,
      profile,
      tier: ctx.tier,
      mode: this.mode,
      conntrackMaxPerCore: maxPerCore,
      conntrackMin: min,
      effectiveConntrackMax: self.effectiveConntrackMax,
      tcpEstablishedTimeoutSeconds: established.toSeconds({ integral: false }),
      tcpCloseWaitTimeoutSeconds: closeWait.toSeconds({ integral: false }),
      metricsBindAddress,
      strictArp: this.mode === KubeProxyMode.IPVS && modeSection.strictARP === true,
      deploysDaemonSet: deploy,
    });
  }
}

function resolveMode(ctx: ComponentContext, override: KubeProxyMode | undefined): KubeProxyMode {
  const version = ctx.profile.kubernetesVersion;
  if (override !== undefined) {
    if (!ctx.errors.oneOf('mode', override, Object.values(KubeProxyMode))) return KubeProxyMode.IPTABLES;
    pick(ctx, 'mode', override, ctx.settings.kubeProxy.mode);
    if (override === KubeProxyMode.NFTABLES) checkFeature(ctx, KubernetesFeature.KUBE_PROXY_NFTABLES, 'mode', override);
    if (override === KubeProxyMode.IPVS) checkFeature(ctx, KubernetesFeature.KUBE_PROXY_IPVS, 'mode', override);
    return override;
  }
  const chosen = tierKubeProxyMode(ctx.tier, ctx.settings, version);
  record(ctx, 'mode', chosen.mode, chosen.source, chosen.reason);
  return chosen.mode;
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

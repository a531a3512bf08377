import { ApiObject, Duration } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { addCoreDnsWorkload, addDnsAutoscaler } from './_coredns-workload';
import { normalZone } from './_tokens';
import { Corefile, ServerBlock } from './corefile';
import { CachePrefetch, CacheServeStale, CorefilePlugin, ForwardPolicy, KubernetesPodsMode } from './corefile-plugin';
import { checkProps } from '../core/_boundary';
import { ComponentContext, componentContext, pick, record } from '../core/_component';
import { ConfigErrors, GO_INT32_MAX, showDuration } from '../core/_errors';
import { coreDnsImage, coreDnsMinor, coreDnsMinorOfImage } from '../core/_images';
import { shownProp } from '../core/_input-names';
import { configMap, KUBE_SYSTEM, meta } from '../core/_k8s';
import { lazyValue } from '../core/_lazy';
import { cidrsOverlap, isLoopback, parseIp, reverseZoneCidr, sameAddress } from '../core/_net';
import { resolveResources } from '../core/_resources';
import { ClusterProfile } from '../core/cluster-profile';
import { DecisionSource, FindingSeverity } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';

/** Options of `TunedCoreDns`: its properties except the tier and the profile, which a parent such as `NetworkTuning` decides once for every component. */
export interface TunedCoreDnsOptions {
  /**
   * Cap on how long answers are cached, in seconds (`cache TTL`). It never extends a
   * record's own TTL: cluster records keep the `kubernetes` TTL.
   *
   * @default - the tier's (300; 600 for LARGE)
   */
  readonly cacheTtlSeconds?: number;

  /**
   * Positive cache entries (`success`), at least 1024, rounded down to a multiple of 256.
   *
   * @default - the tier's (9984; 19968 for LARGE)
   */
  readonly cacheSuccessCapacity?: number;

  /**
   * Negative cache entries (`denial`), at least 1024, rounded down to a multiple of 256.
   *
   * @default - the tier's (9984; 19968 for LARGE)
   */
  readonly cacheDenialCapacity?: number;

  /**
   * Refresh popular entries before they expire.
   *
   * @default - no prefetch
   */
  readonly cachePrefetch?: CachePrefetch;

  /**
   * Serve expired entries when upstreams fail.
   *
   * @default - no stale answers
   */
  readonly cacheServeStale?: CacheServeStale;

  /**
   * Do not cache answers for the cluster domain (`disable success|denial <domain>`), as
   * kubeadm does from Kubernetes 1.32 (kubernetes/kubernetes#128359, RFC 1035 §6.1.2): the
   * kubernetes plugin answers from its own watch, so a second cache only makes answers for
   * deleted endpoints linger.
   *
   * @default - true from Kubernetes 1.32 (kubeadm's Corefile) and whenever NodeLocal DNSCache
   * is in front (it caches the cluster zone itself); false before 1.32 without it
   */
  readonly disableClusterZoneCache?: boolean;

  /**
   * TTL of cluster answers in seconds, 0..3600 (`kubernetes { ttl }`).
   *
   * @default - the tier's (30; 60 for LARGE)
   */
  readonly kubernetesTtlSeconds?: number;

  /**
   * Pod records mode (`kubernetes { pods }`).
   *
   * @default KubernetesPodsMode.INSECURE
   */
  readonly pods?: KubernetesPodsMode;

  /**
   * Upstream resolvers for names outside the cluster.
   *
   * @default ['/etc/resolv.conf'] (the node's resolvers; CoreDNS runs with dnsPolicy Default)
   */
  readonly upstreamServers?: string[];

  /**
   * In-flight upstream query limit (`forward { max_concurrent }`).
   *
   * @default - the tier's (1000)
   */
  readonly forwardMaxConcurrent?: number;

  /**
   * Upstream selection (`forward { policy }`).
   *
   * @default - CoreDNS's random
   */
  readonly forwardPolicy?: ForwardPolicy;

  /**
   * Use UDP to upstreams even for TCP queries (`forward { prefer_udp }`; kubespray sets it).
   *
   * @default false
   */
  readonly forwardPreferUdp?: boolean;

  /**
   * Lame-duck period of `health`: keep answering this long while a pod shuts down.
   *
   * @default - the tier's (5s)
   */
  readonly lameduck?: Duration;

  /**
   * Log every query (`log`). Verbose: for debugging only.
   *
   * @default false
   */
  readonly logQueries?: boolean;

  /**
   * More plugins for the main (`.:53`) block, such as `hosts` or `rewriteName`.
   *
   * @default - none
   */
  readonly extraPlugins?: CorefilePlugin[];

  /**
   * More server blocks, such as stub zones forwarded to other resolvers. When a
   * NodeLocalDns is in the app, it forwards these zones to CoreDNS too.
   *
   * @default - none
   */
  readonly serverBlocks?: ServerBlock[];

  /**
   * Also emit the CoreDNS workload as kubeadm deploys it: ServiceAccount, ClusterRole
   * `system:coredns` and binding, Deployment, Service `kube-dns` and a PodDisruptionBudget.
   *
   * @default false (only the `coredns` ConfigMap, for a cluster whose CoreDNS exists)
   */
  readonly deploy?: boolean;

  /**
   * Resources of the coredns container in the Deployment (with `deploy`), over the tier's.
   * A CPU limit is accepted with a warning (RESOURCES-CPU-LIMIT): throttled CoreDNS answers late.
   *
   * @default - the tier's requests and memory limit, no CPU limit (as kubeadm)
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Deployment replicas (without the autoscaler) or the autoscaler's minimum.
   *
   * @default - the tier's (2, 3, 5)
   */
  readonly replicas?: number;

  /**
   * Run cluster-proportional-autoscaler for CoreDNS (with `deploy`): one replica per 16
   * nodes or 256 cores, per 64 nodes or 1024 cores behind NodeLocal DNSCache, at least
   * `replicas`.
   *
   * @default - the tier's when `deploy` is set (off for SMALL, on for MEDIUM and LARGE)
   */
  readonly autoscaler?: boolean;

  /**
   * CoreDNS image.
   *
   * @default - the version kubeadm pins for the profile's Kubernetes version
   */
  readonly image?: string;

  /**
   * PodDisruptionBudget (maxUnavailable 1) with the Deployment.
   *
   * @default true
   */
  readonly podDisruptionBudget?: boolean;
}

/** Properties of `TunedCoreDns`. */
export interface TunedCoreDnsProps extends TunedCoreDnsOptions {
  /**
   * The scale tier whose defaults apply.
   *
   * @default ScaleTier.SMALL
   */
  readonly tier?: ScaleTier;

  /**
   * The cluster (domain, kube-dns IP, version).
   *
   * @default - a default ClusterProfile
   */
  readonly profile?: ClusterProfile;
}

/**
 * CoreDNS tuned for a scale tier: the guide's "CoreDNS 配置".
 *
 * Emits the `coredns` ConfigMap in `kube-system` with a Corefile built from the
 * tier (cache size and TTL, kubernetes TTL, forward max_concurrent, health
 * lame-duck) and your overrides, and optionally the whole CoreDNS workload as
 * kubeadm deploys it. The Corefile is a typed `Corefile` (`corefile`), so
 * every plugin and token is validated.
 */
export class TunedCoreDns extends Construct {
  /**
   * The Corefile. Server blocks and plugins added to it later still reach the
   * ConfigMap (and NodeLocal DNSCache's stub zones): both render at synthesis.
   */
  public readonly corefile: Corefile;
  /** The ConfigMap holding the Corefile. */
  public readonly configMap: ApiObject;
  /**
   * The CoreDNS Deployment (with `deploy`), for escape hatches such as `addJsonPatch`.
   *
   * @default - none: kubeadm's Deployment runs CoreDNS
   */
  public readonly deployment?: ApiObject;
  /**
   * The kube-dns Service (with `deploy`).
   *
   * @default - none
   */
  public readonly service?: ApiObject;

  private readonly ctx: ComponentContext;

  public constructor(scope: Construct, id: string, props: TunedCoreDnsProps = {}) {
    super(scope, id);
    props = checkProps(this, 'TunedCoreDnsProps', props);
    const ctx = componentContext(this, props.tier, props.profile);
    this.ctx = ctx;
    const { errors, settings, profile, state } = ctx;
    const c = settings.coreDns;
    const domain = profile.clusterDomain;

    const cacheTtlSeconds = pick(ctx, 'cache.ttl', props.cacheTtlSeconds, c.cacheTtlSeconds);
    const success = pick(ctx, 'cache.success', props.cacheSuccessCapacity, c.cacheSuccessCapacity);
    const denial = pick(ctx, 'cache.denial', props.cacheDenialCapacity, c.cacheDenialCapacity);
    for (const [name, value] of [['cacheSuccessCapacity', success], ['cacheDenialCapacity', denial]] as const) {
      if (Number.isInteger(value) && value >= 1024 && value % 256 !== 0) {
        state.warn(this, 'COREDNS-CACHE-ROUNDING', `'${shownProp(this, name)}' (${value}) is not a multiple of 256: CoreDNS rounds it down to ${value - (value % 256)}`,
          `use ${value - (value % 256)} or ${value - (value % 256) + 256}`);
      }
    }
    const kubernetesTtlSeconds = pick(ctx, 'kubernetes.ttl', props.kubernetesTtlSeconds, c.kubernetesTtlSeconds);
    // Checked here so the error names this construct's properties, not the plugin's.
    errors.int('cacheTtlSeconds', cacheTtlSeconds, 1, GO_INT32_MAX);
    errors.int('cacheSuccessCapacity', success, 1024, GO_INT32_MAX);
    errors.int('cacheDenialCapacity', denial, 1024, GO_INT32_MAX);
    errors.int('kubernetesTtlSeconds', kubernetesTtlSeconds, 0, 3600);
    errors.throwIfAny();
    const maxConcurrent = pick(ctx, 'forward.max_concurrent', props.forwardMaxConcurrent, c.forwardMaxConcurrent);
    const lameduck = pick(ctx, 'health.lameduck', props.lameduck, c.lameduck, showDuration);
    const upstreams = props.upstreamServers ?? ['/etc/resolv.conf'];
    // Checked here, under the names the caller set, before the forward plugin would name its own.
    if (upstreams.length < 1 || upstreams.length > 15) errors.add('upstreamServers', upstreams, 'must list 1 to 15 upstreams (CoreDNS forward)');
    upstreams.forEach((u, i) => CorefilePlugin._checkUpstream(errors, `upstreamServers[${i}]`, u));
    errors.int('forwardMaxConcurrent', maxConcurrent, 1, GO_INT32_MAX);
    errors.throwIfAny();
    // CoreDNS runs with dnsPolicy Default: loopback is its own pod, the kube-dns IP is
    // itself through the Service. Either loops (the loop plugin then stops CoreDNS).
    upstreams.forEach((u, i) => {
      // compared as addresses, not text: fd00:10:96:0:0:0:0:a, [fd00:10:96::a]:53 and ::ffff:10.96.0.10 are the same hosts
      const ip = parseIp(upstreamHost(u));
      if (ip && isLoopback(ip)) {
        errors.add(`upstreamServers[${i}]`, u, 'must not be a loopback address: CoreDNS would query itself (systemd-resolved\'s 127.0.0.53 belongs in the kubelet\'s resolvConf, not here)');
      } else if (ip && sameAddress(ip, profile._dnsServiceIp)) {
        errors.add(`upstreamServers[${i}]`, u, `must not be the kube-dns IP (${profile.dnsServiceIp}): CoreDNS would forward to itself`);
      }
    });
    record(ctx, 'forward.to', upstreams.join(' '), props.upstreamServers ? DecisionSource.OVERRIDE : DecisionSource.UPSTREAM,
      props.upstreamServers ? 'set by the user' : 'kubeadm: the node\'s resolvers (CoreDNS runs with dnsPolicy Default)');
    if (props.disableClusterZoneCache !== undefined && typeof props.disableClusterZoneCache !== 'boolean') {
      errors.add('disableClusterZoneCache', props.disableClusterZoneCache, 'must be true or false');
    }
    errors.throwIfAny();

    // kubeadm's Corefile for the version (cmd/kubeadm/app/phases/addons/dns/manifests.go), with the
    // guide's tuning where it still acts: the cache TTL caps external answers, capacities above
    // CoreDNS's built-in 9984 entries. The cache's options depend on NodeLocal DNSCache, so the
    // plugin is built at synthesis.
    const cacheOptions = (disable: boolean) => ({
      ttl: cacheTtlSeconds,
      success: success !== DEFAULT_CACHE_CAPACITY ? { capacity: success } : undefined,
      denial: denial !== DEFAULT_CACHE_CAPACITY ? { capacity: denial } : undefined,
      prefetch: props.cachePrefetch,
      serveStale: props.cacheServeStale,
      disableSuccessFor: disable ? [domain] : undefined,
      disableDenialFor: disable ? [domain] : undefined,
    });
    // Built through the typed plugins, which check the options under this construct's names.
    const asProps = errors.renamed({
      'ttl': 'cacheTtlSeconds',
      'success.capacity': 'cacheSuccessCapacity',
      'denial.capacity': 'cacheDenialCapacity',
      'prefetch': 'cachePrefetch',
      'serveStale': 'cacheServeStale',
      'lameduck': 'lameduck',
    });
    CorefilePlugin._cache(cacheOptions(false), asProps);
    const health = CorefilePlugin._health({ lameduck }, asProps);
    errors.throwIfAny();
    // valid now; the cache's disable lines depend on NodeLocal DNSCache, so it is built at synthesis
    const cache = () => CorefilePlugin.cache(cacheOptions(this.clusterZoneCacheDisabled(props.disableClusterZoneCache)));
    const block = new ServerBlock({ zones: ['.'] });
    block.addPlugin(CorefilePlugin.errors());
    block.addPlugin(health);
    block.addPlugin(CorefilePlugin.ready());
    if (props.logQueries) block.addPlugin(CorefilePlugin.log());
    block.addPlugin(CorefilePlugin.kubernetes({
      zones: [domain, 'in-addr.arpa', 'ip6.arpa'],
      pods: props.pods ?? KubernetesPodsMode.INSECURE,
      fallthroughZones: ['in-addr.arpa', 'ip6.arpa'],
      ttl: kubernetesTtlSeconds,
    }));
    block.addPlugin(CorefilePlugin.prometheus(':9153'));
    block.addPlugin(CorefilePlugin.forward({
      to: upstreams,
      maxConcurrent,
      policy: props.forwardPolicy,
      preferUdp: props.forwardPreferUdp,
    }));
    block.addPlugin(CorefilePlugin._deferred('cache', cache));
    block.addPlugin(CorefilePlugin.loop());
    block.addPlugin(CorefilePlugin.reload());
    block.addPlugin(CorefilePlugin.loadbalance());
    (props.extraPlugins ?? []).forEach((p, i) => {
      const problem = block._problemAdding(p);
      if (problem) errors.add(`extraPlugins[${i}]`, p.name, problem);
      else block.addPlugin(p);
    });
    const corefile = new Corefile(block);
    (props.serverBlocks ?? []).forEach((b, i) => {
      const problem = corefile._problemAdding(b);
      if (problem) errors.add(`serverBlocks[${i}].${problem.prop}`, problem.value, problem.rule);
      else corefile.addServerBlock(b);
    });
    errors.throwIfAny();
    const main = corefile;
    this.corefile = main;

    const deploy = props.deploy ?? false;
    if (props.autoscaler !== undefined && typeof props.autoscaler !== 'boolean') errors.add('autoscaler', props.autoscaler, 'must be true or false');
    const autoscaler = deploy && pick(ctx, 'autoscaler', props.autoscaler, c.autoscaler);
    const replicas = pick(ctx, 'replicas', props.replicas, c.replicas);
    errors.int('replicas', replicas, 1, 1000);
    const image = props.image ?? coreDnsImage(profile.kubernetesVersion);
    errors.image('image', image);
    if (props.autoscaler === true && !deploy) errors.addMissing('autoscaler', "needs 'deploy' (the autoscaler scales the Deployment this construct emits)");
    if (props.resources !== undefined && !deploy) errors.addMissing('resources', "needs 'deploy' (they are the Deployment's container resources)");
    const resources = deploy ? resolveResources(ctx, 'resources', props.resources, c) : undefined;
    errors.throwIfAny();

    this.configMap = configMap(this, 'ConfigMap', {
      metadata: meta('coredns', KUBE_SYSTEM),
      data: { Corefile: lazyValue(this, 'ConfigMap data[Corefile]', () => this.corefileText) },
    });

    if (deploy) {
      const mainBlock = main.serverBlocks[0];
      record(ctx, 'image', image, props.image ? DecisionSource.OVERRIDE : DecisionSource.UPSTREAM,
        props.image ? 'set by the user' : `the CoreDNS version kubeadm pins for Kubernetes ${profile.kubernetesVersion.version}`);
      const workload = addCoreDnsWorkload(this, {
        image,
        replicas: autoscaler ? undefined : replicas,
        resources: resources!,
        dnsServiceIp: profile.dnsServiceIp,
        healthPort: portOf(mainBlock.plugin('health'), 8080),
        readyPort: portOf(mainBlock.plugin('ready'), 8181),
        metricsPort: portOf(mainBlock.plugin('prometheus'), 9153),
        podDisruptionBudget: props.podDisruptionBudget ?? true,
        // Many replicas: let drains take a tenth at a time (rounded up, so at least one).
        pdbMaxUnavailable: autoscaler ? '10%' : 1,
      });
      this.deployment = workload.deployment;
      this.service = workload.service;
      record(ctx, 'service.clusterIP', profile.dnsServiceIp, DecisionSource.DERIVED, 'the profile\'s kube-dns IP (kubelet clusterDNS without NodeLocal DNSCache)');
      if (autoscaler) {
        addDnsAutoscaler(this, { linear: () => this.autoscalerParams(replicas) });
      }
    }

    const self = this;
    state.register({
      kind: 'coredns',
      scope: this,
      profile,
      tier: ctx.tier,
      deploys: deploy,
      get stubZones() {
        // Only blocks on the main block's port are reachable through the kube-dns Service (port 53);
        // NodeLocal DNSCache forwards these zones there. One zone per spelling CoreDNS would see.
        const [mainBlock, ...rest] = self.corefile.serverBlocks;
        const zones = rest.filter((b) => b.port === mainBlock.port).flatMap((b) => b.zones).filter((z) => z !== '.');
        return zones.filter((z, i) => zones.findIndex((o) => normalZone(o) === normalZone(z)) === i);
      },
      metricsPort: portOf(main.serverBlocks[0].plugin('prometheus'), 0),
      forwardMaxConcurrent: maxConcurrent,
      upstreams,
      coreDnsMinor: (deploy ? coreDnsMinorOfImage(image) : undefined) ?? coreDnsMinor(profile.kubernetesVersion),
    }, () => this.prepare(props, autoscaler, replicas));
  }

  /** The Corefile as text (the ConfigMap's `Corefile` key), as it renders now. */
  public get corefileText(): string {
    return this.corefile.render();
  }

  /** Whether the cluster zone is left out of the cache: the user's choice, else kubeadm's (1.32+) or NodeLocal in front. */
  private clusterZoneCacheDisabled(explicit: boolean | undefined): boolean {
    if (explicit !== undefined) return explicit;
    return this.ctx.profile.kubernetesVersion.minor >= 32 || this.ctx.state.plan().dns.nodeLocal !== undefined;
  }

  /** cluster-proportional-autoscaler's linear parameters (coresPerReplica, nodesPerReplica, min). */
  private autoscalerParams(min: number): Record<string, unknown> {
    const c = this.ctx.settings.coreDns;
    const behind = this.ctx.state.plan().dns.nodeLocal !== undefined;
    return {
      coresPerReplica: (behind ? c.autoscalerCoresPerReplicaBehindNodeLocal : c.autoscalerCoresPerReplica).value,
      nodesPerReplica: (behind ? c.autoscalerNodesPerReplicaBehindNodeLocal : c.autoscalerNodesPerReplica).value,
      min,
      preventSinglePointFailure: true,
      includeUnschedulableNodes: true,
    };
  }

  /**
   * A server block for the cluster domain (or below it), or a reverse zone that covers the Pod or
   * Service CIDR, on the main port takes those names away from the main block's kubernetes plugin:
   * CoreDNS picks the most specific zone, so Service names or their PTR records stop resolving.
   * A block with its own kubernetes plugin serves them itself and is fine. Checked at synthesis,
   * after every addServerBlock.
   */
  private checkShadowedZones(): void {
    const [mainBlock, ...rest] = this.corefile.serverBlocks;
    const { profile } = this.ctx;
    const cluster = normalZone(profile.clusterDomain);
    const cidrs = [...profile._podCidrs, ...profile._serviceCidrs];
    const errors = new ConfigErrors(this);
    for (const block of rest.filter((b) => b.port === mainBlock.port && !b.plugin('kubernetes'))) {
      for (const zone of block.zones) {
        const z = normalZone(zone);
        const reverse = reverseZoneCidr(z);
        const covered = reverse ? cidrs.find((c) => cidrsOverlap(c, reverse)) : undefined;
        if (z === cluster || z.endsWith(`.${cluster}`)) {
          errors.add('serverBlocks', `${zone}:${block.port}`, `would take ${zone} from the kubernetes plugin of the main block (CoreDNS serves a name from the most specific zone): `
            + `Service and pod names would stop resolving; use a zone outside ${profile.clusterDomain}, or give the block its own kubernetes plugin`);
        } else if (covered) {
          errors.add('serverBlocks', `${zone}:${block.port}`, `covers ${covered.text}, whose reverse lookups the main block's kubernetes plugin answers (CoreDNS serves a name from the most specific zone): `
            + "they would stop resolving; serve a narrower reverse zone outside the cluster's Pod and Service CIDRs, or give the block its own kubernetes plugin");
        }
      }
    }
    errors.throwIfAny();
  }

  private prepare(props: TunedCoreDnsProps, autoscaler: boolean, replicas: number): void {
    const ctx = this.ctx;
    const plan = ctx.state.plan();
    const disabled = this.clusterZoneCacheDisabled(props.disableClusterZoneCache);
    const version = ctx.profile.kubernetesVersion;
    this.checkShadowedZones();
    record(ctx, 'cache (cluster zone)', disabled ? `disable success|denial ${ctx.profile.clusterDomain}` : 'cached',
      props.disableClusterZoneCache !== undefined ? DecisionSource.OVERRIDE
        : version.minor >= 32 || !disabled ? DecisionSource.UPSTREAM : DecisionSource.COMPATIBILITY,
      props.disableClusterZoneCache !== undefined ? 'set by the user'
        : version.minor >= 32 ? `kubeadm's Corefile for Kubernetes ${version.version} (kubernetes/kubernetes#128359, RFC 1035 §6.1.2): the kubernetes plugin answers from its own watch`
          : disabled ? `kubeadm ${version.version} still caches the cluster zone, but NodeLocal DNSCache caches it in front: two caches would keep answers for deleted endpoints twice as long`
            : `kubeadm's Corefile for Kubernetes ${version.version} (it disables the cluster-zone cache from 1.32)`);
    if (props.disableClusterZoneCache === false && plan.dns.nodeLocal) {
      ctx.state.report(this, FindingSeverity.WARNING, 'COREDNS-DOUBLE-CACHE',
        `'${shownProp(this, 'disableClusterZoneCache')}' (false) with NodeLocal DNSCache in front: cluster answers are cached on every node and again in CoreDNS, so deleted endpoints keep resolving for both TTLs`,
        'leave disableClusterZoneCache unset (NodeLocal DNSCache caches the cluster zone)');
    }
    if (autoscaler) {
      const params = this.autoscalerParams(replicas);
      record(ctx, 'autoscaler.params', JSON.stringify({ linear: params }), DecisionSource.TIER,
        plan.dns.nodeLocal
          ? `${ctx.tier} tier: ${ctx.settings.coreDns.autoscalerNodesPerReplicaBehindNodeLocal.reason}; min = replicas`
          : `${ctx.tier} tier: ${ctx.settings.coreDns.autoscalerNodesPerReplica.reason}; min = replicas`);
    }
  }
}

/** CoreDNS's cache capacity when none is given (plugin/cache: 256 shards of 39 entries). */
const DEFAULT_CACHE_CAPACITY = 9984;

/** The host of a forward destination ("dns://1.2.3.4:53", "[::1]:53", "1.2.3.4"). */
function upstreamHost(to: string): string {
  const bare = to.replace(/^[a-z]+:\/\//, '');
  const bracketed = /^\[([^\]]+)\]/.exec(bare);
  if (bracketed) return bracketed[1];
  return bare.split(':').length === 2 ? bare.split(':')[0] : bare;
}

/** The port of a plugin's listen address argument (":9153", "1.2.3.4:8080"), or `fallback`. */
function portOf(plugin: CorefilePlugin | undefined, fallback: number): number {
  if (!plugin) return fallback;
  const address = plugin._args[0];
  return address ? Number(address.split(':').pop()) : fallback;
}

/** Runs a builder; errors from the typed Corefile API are re-labelled with this construct's path. */

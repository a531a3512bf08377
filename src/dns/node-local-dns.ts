import { ApiObject, Duration } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { COREDNS_LABELS } from './_coredns-workload';
import { Corefile, ServerBlock } from './corefile';
import { CacheCapacity, CorefilePlugin } from './corefile-plugin';
import { checkProps } from '../core/_boundary';
import { checkFeature, ComponentContext, componentContext, pick, record } from '../core/_component';
import { showDuration } from '../core/_errors';
import { NODE_CACHE_IMAGE } from '../core/_images';
import { shownProp } from '../core/_input-names';
import { apiObject, CONFIG_HASH_ANNOTATION, configMap, containerResources, hashOf, KUBE_SYSTEM, LINUX_NODE_SELECTOR, meta, XTABLES_LOCK_VOLUME } from '../core/_k8s';
import { addKubeletOutputFiles, kubeletConfigFiles, kubeletDropIn } from '../core/_kubelet';
import { lazyValue } from '../core/_lazy';
import { cidrContains, isLinkLocal, parseCidr, ParsedCidr, parseIp } from '../core/_net';
import type { NetworkPlan, NodeLocalPlan } from '../core/_plan';
import { quantityValue, ResolvedResources, resolveResources } from '../core/_resources';
import { ClusterProfile } from '../core/cluster-profile';
import { KubernetesFeature } from '../core/compatibility';
import { KubeletConfigFile } from '../core/kubelet-config-file';
import { DecisionSource } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';
import { KubeProxyMode } from '../kube-proxy/kube-proxy-mode';

/** Options of `NodeLocalDns`: its properties except the tier and the profile, which a parent such as `NetworkTuning` decides once for every component. */
export interface NodeLocalDnsOptions {
  /**
   * The link-local address the cache listens on on every node.
   *
   * @default '169.254.20.10' (the address the Kubernetes documentation uses)
   */
  readonly localIp?: string;

  /**
   * The cluster's kube-proxy mode, for clusters whose kube-proxy is not managed in
   * this app. It must agree with the app's plan (a TunedKubeProxy's mode, or the
   * CNI's eBPF replacement).
   *
   * @default - the app's plan
   */
  readonly kubeProxyMode?: KubeProxyMode;

  /**
   * Port of the health endpoint on the local IP (the host network: pick a free port).
   * The secondary DaemonSet uses the next port.
   *
   * @default 8080
   */
  readonly healthPort?: number;

  /**
   * Run a second DaemonSet, `node-local-dns-secondary`, beside the first, so a node
   * always has a listener while either restarts (kubespray's HA shape: both bind the
   * same addresses with SO_REUSEPORT and skip teardown; the secondary delays its
   * shutdown). Without it, a restarting node-cache removes its interface on exit
   * and, where pods point only at the link-local IP, the node has no DNS until the
   * new pod is ready.
   *
   * @default - on where pods have no fallback (kubelet `clusterDNS` is the link-local IP:
   * kube-proxy IPVS or nftables, eBPF data planes, Cilium); off with kube-proxy iptables,
   * where node-cache's teardown hands queries back to kube-proxy and CoreDNS
   */
  readonly highAvailability?: boolean;

  /**
   * How long the secondary keeps serving after it is told to stop (preStop sleep and
   * grace period), so a primary restarted at the same time is up again first.
   *
   * @default - the tier's (20s)
   */
  readonly secondaryShutdownDelay?: Duration;

  /**
   * node-cache image.
   *
   * @default 'registry.k8s.io/dns/k8s-dns-node-cache:1.26.7'
   */
  readonly image?: string;

  /**
   * Resources of the node-cache container (both DaemonSets), over the tier's. A memory limit
   * below what full caches need warns (NLD-MEMORY-LIMIT): an OOM kill skips node-cache's
   * teardown and leaves the node without DNS; a CPU limit warns (RESOURCES-CPU-LIMIT).
   *
   * @default - the tier's requests; a memory limit sized for full caches; no CPU limit
   */
  readonly resources?: kplus.ContainerResources;
}

/** Properties of `NodeLocalDns`. */
export interface NodeLocalDnsProps extends NodeLocalDnsOptions {
  /**
   * The scale tier whose defaults apply (resources, cache).
   *
   * @default ScaleTier.SMALL
   */
  readonly tier?: ScaleTier;

  /**
   * The cluster (kube-dns IP, domain, version).
   *
   * @default - a default ClusterProfile
   */
  readonly profile?: ClusterProfile;
}

const NAME = 'node-local-dns';
const SECONDARY = 'node-local-dns-secondary';
const LABELS = { 'k8s-app': NAME };
const SECONDARY_LABELS = { 'k8s-app': SECONDARY };
const UPSTREAM_SERVICE = 'kube-dns-upstream';

/** One node-cache instance: the primary DaemonSet or the secondary. */
interface Instance {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly corefileKey: string;
  readonly healthPort: number;
  /** The prometheus plugin's port (cache metrics). */
  readonly metricsPort: number;
  /** node-cache's own -metrics-listen-address port (setup errors). */
  readonly setupMetricsPort: number;
}

/*
 * Memory (kubernetes/website nodelocaldns.md "Setting memory limits"; coredns/deployment
 * Scaling_CoreDNS.md): a full 10,000-entry cache takes about 30 MB, CoreDNS's own working
 * set about 20 MB, and each in-flight forwarded query about 2 KB. An OOM kill skips
 * node-cache's teardown, so its rules keep steering queries to a dead listener: the
 * limit must hold every cache full.
 */
const BYTES_PER_CACHE_ENTRY = 3 * 1024;
const BASE_BYTES = 24 * 1024 * 1024;
const BYTES_PER_INFLIGHT_QUERY = 2 * 1024;

/**
 * NodeLocal DNSCache: the guide's "本地 DNS 缓存", as the Kubernetes addon
 * deploys it, wired for the data plane the app's plan decides.
 *
 * Emits the ServiceAccount, the `kube-dns-upstream` Service, the
 * `node-local-dns` ConfigMap (cluster domain, in-addr.arpa, ip6.arpa, CoreDNS's
 * stub zones, and `.`), the DaemonSet (and the secondary one when highly
 * available) and the metrics Services.
 *
 * - kube-proxy **iptables**: node-cache binds the link-local IP *and* the kube-dns
 *   ClusterIP (NOTRACK rules make it answer there), forwards cluster zones to
 *   `kube-dns-upstream` (never `kube-dns`, which it binds: that loops), and the
 *   kubelet `clusterDNS` stays the kube-dns IP.
 * - **IPVS, nftables, eBPF data planes and Cilium** (whose datapath translates
 *   ClusterIPs before netfilter): it binds only the link-local IP and the kubelet
 *   `clusterDNS` must become that IP (`kubeletConfigFiles()`), after the cache is
 *   ready on every node.
 *
 * @see https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/
 */
export class NodeLocalDns extends Construct {
  /** The link-local address. */
  public readonly localIp: string;
  /** Whether the secondary DaemonSet is emitted. */
  public readonly highAvailability: boolean;
  /** The `node-local-dns` ConfigMap (the Corefiles), for escape hatches such as `addJsonPatch`. */
  public readonly configMap: ApiObject;
  /** The `node-local-dns` DaemonSet. */
  public readonly daemonSet: ApiObject;
  /**
   * The `node-local-dns-secondary` DaemonSet (with `highAvailability`).
   *
   * @default - none without high availability
   */
  public readonly secondaryDaemonSet?: ApiObject;
  /** The `kube-dns-upstream` Service node-cache forwards cluster zones to. */
  public readonly upstreamService: ApiObject;
  /** The headless metrics Service of the DaemonSet. */
  public readonly metricsService: ApiObject;
  /**
   * The headless metrics Service of the secondary DaemonSet (with `highAvailability`).
   *
   * @default - none without high availability
   */
  public readonly secondaryMetricsService?: ApiObject;

  private readonly ctx: ComponentContext;
  private readonly instances: Instance[];
  private readonly renderedCorefiles = new WeakMap<NetworkPlan, Map<string, string>>();
  private readonly resources: ResolvedResources;

  public constructor(scope: Construct, id: string, props: NodeLocalDnsProps = {}) {
    super(scope, id);
    props = checkProps(this, 'NodeLocalDnsProps', props);
    this.ctx = componentContext(this, props.tier, props.profile);
    const { errors, settings, profile, state } = this.ctx;
    const n = settings.nodeLocalDns;

    const local = errors.ip('localIp', props.localIp ?? '169.254.20.10');
    this.localIp = local?.text ?? props.localIp ?? '169.254.20.10';
    if (local) {
      const taken = local.family === 4 ? RESERVED_LINK_LOCAL.find(([c]) => cidrContains(c, local)) : undefined;
      const inside = [...profile._podCidrs, ...profile._serviceCidrs].find((c) => cidrContains(c, local));
      if (taken) {
        errors.add('localIp', props.localIp, `is ${taken[1]}: node-cache adds it to a dummy interface on every node and would take it over; use 169.254.20.10`);
      } else if (inside) {
        errors.add('localIp', props.localIp, `is inside the profile's ${profile._podCidrs.includes(inside) ? 'Pod' : 'Service'} CIDR (${inside.text}): an address a pod or Service may get`);
      } else if (local.family === 4 ? !isLinkLocal(local) : !cidrContains(UNIQUE_LOCAL, local)) {
        // Kubernetes' NodeLocal DNSCache page: link-local for IPv4, a unique-local (fd00::/8) address for IPv6.
        // An IPv6 link-local address needs a zone (interface) to be reached, which clusterDNS cannot carry.
        errors.add('localIp', this.localIp, 'must be a link-local IPv4 address (169.254.0.0/16) or a unique-local IPv6 address (fd00::/8) that no node or Service uses, '
          + 'e.g. 169.254.20.10 or fd00::10 (IPv6 link-local fe80::/10 needs an interface zone, which kubelet clusterDNS cannot give)');
      } else if (local.family !== profile._dnsServiceIp.family) {
        errors.add('localIp', this.localIp, `must be the same IP family as the kube-dns IP (${profile.dnsServiceIp}): node-cache binds both`);
      }
      // (the kube-dns IP itself lies in the Service CIDR, refused above)
    }
    const explicitMode = props.kubeProxyMode;
    if (explicitMode !== undefined && errors.oneOf('kubeProxyMode', explicitMode, Object.values(KubeProxyMode))) {
      if (explicitMode === KubeProxyMode.NFTABLES) checkFeature(this.ctx, KubernetesFeature.KUBE_PROXY_NFTABLES, 'kubeProxyMode', explicitMode);
    }
    const healthPort = props.healthPort ?? 8080;
    const image = props.image ?? NODE_CACHE_IMAGE;
    errors.image('image', image);
    const shutdownDelay = pick(this.ctx, 'secondary shutdown delay', props.secondaryShutdownDelay, n.secondaryShutdownDelay, showDuration);
    errors.duration('secondaryShutdownDelay', shutdownDelay, Duration.seconds(1), Duration.minutes(5));
    if (props.highAvailability !== undefined && typeof props.highAvailability !== 'boolean') {
      errors.add('highAvailability', props.highAvailability, 'must be true or false');
    }
    this.resources = resolveResources(this.ctx, 'resources', props.resources, { cpuRequest: n.cpuRequest, memoryRequest: n.memoryRequest });

    errors.throwIfAny();

    // Every node's kubelet must point at this DNS path: its files go beside the manifests (TuningFiles).
    addKubeletOutputFiles(state, this);

    // Registered before HA is decided, so the plan that decides it includes this component.
    const self = this;
    const fallback = (plan: NetworkPlan) => plan.dns.nodeLocal?.bindsDnsServiceIp ?? false;
    state.register({
      kind: 'node-local-dns',
      scope: this,
      profile,
      tier: this.ctx.tier,
      localIp: this.localIp,
      explicitMode,
      healthPort,
      get listeners() {
        return self.instances.flatMap((i) => [
          // the health plugin binds the link-local IP; the metrics endpoints every address (":9253")
          { port: i.healthPort, who: `${i.name} health (${self.localIp})`, address: self.localIp },
          { port: i.metricsPort, who: `${i.name} metrics` }, { port: i.setupMetricsPort, who: `${i.name} setup metrics` },
        ]);
      },
      // HA follows the plan as it stands now (the DaemonSet exists or not); a data plane
      // added afterwards that changes it fails PLAN-CHANGED-AFTER-CONSTRUCTION.
      get planChecks() {
        return props.highAvailability !== undefined ? [] : [{
          what: 'whether the secondary node-local-dns DaemonSet is emitted (pods without a fallback need it)',
          atConstruction: String(self.highAvailability),
          current: (plan: NetworkPlan) => String(!fallback(plan)),
          fix: "create the CNI and TunedKubeProxy components before NodeLocalDns, or set 'highAvailability' explicitly",
        }];
      },
    }, () => self.prepare());
    this.highAvailability = props.highAvailability ?? !fallback(state.plan());
    this.instances = [{ name: NAME, labels: LABELS, corefileKey: 'Corefile', healthPort, metricsPort: 9253, setupMetricsPort: 9353 }];
    if (this.highAvailability) {
      // kubespray's secondary ports (nodelocaldns_secondary_prometheus_port 9255), node-cache's
      // setup metrics moved off 9353 so both instances export them (kubernetes/dns#667).
      this.instances.push({ name: SECONDARY, labels: SECONDARY_LABELS, corefileKey: 'Corefile-secondary', healthPort: healthPort + 1, metricsPort: 9255, setupMetricsPort: 9355 });
    }
    const ports = this.instances.flatMap((i) => [['healthPort', i.healthPort], ['metrics', i.metricsPort], ['setup metrics', i.setupMetricsPort]] as const);
    if (errors.int('healthPort', healthPort, 1, this.highAvailability ? 65534 : 65535)) {
      const taken = ports.filter(([name]) => name !== 'healthPort').map(([, p]) => p);
      for (const i of this.instances) {
        if (i.healthPort === 53 || taken.includes(i.healthPort)) {
          errors.add('healthPort', healthPort, `must not make node-cache listen twice on one port (53 and ${taken.join(', ')} are taken${this.highAvailability ? '; the secondary uses healthPort + 1' : ''})`);
          break;
        }
      }
    }
    errors.throwIfAny();
    record(this.ctx, 'localIp', this.localIp, props.localIp ? DecisionSource.OVERRIDE : DecisionSource.UPSTREAM, props.localIp ? 'set by the user' : 'the address in the Kubernetes NodeLocal DNSCache documentation');
    record(this.ctx, 'highAvailability', this.highAvailability, props.highAvailability !== undefined ? DecisionSource.OVERRIDE : DecisionSource.DERIVED,
      props.highAvailability !== undefined ? 'set by the user'
        : this.highAvailability
          ? 'pods point only at the link-local IP, so a restarting node-cache would leave the node without DNS: a secondary DaemonSet keeps a listener (kubespray enable_nodelocaldns_secondary)'
          : 'kube-proxy iptables: node-cache\'s teardown on exit removes its NOTRACK rules and queries to the kube-dns IP fall back to CoreDNS (KEP-1024)');

    apiObject(this, 'ServiceAccount', 'v1', 'ServiceAccount', { metadata: meta(NAME, KUBE_SYSTEM) });

    // Must exist before the pods start: node-cache reads its ClusterIP from the
    // KUBE_DNS_UPSTREAM_SERVICE_HOST service-link variable.
    this.upstreamService = apiObject(this, 'UpstreamService', 'v1', 'Service', {
      metadata: meta(UPSTREAM_SERVICE, KUBE_SYSTEM, { ...COREDNS_LABELS, 'kubernetes.io/name': 'KubeDNSUpstream' }),
      spec: {
        selector: COREDNS_LABELS,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        ],
      },
    });

    this.configMap = configMap(this, 'ConfigMap', {
      metadata: meta(NAME, KUBE_SYSTEM),
      data: Object.fromEntries(this.instances.map((i) => [i.corefileKey, lazyValue(this, `ConfigMap data[${i.corefileKey}]`, () => this.corefileFor(i))])),
    });

    // set by the caller, or sized for full caches once the plan (stub zones) is known
    const memoryLimit = this.resources.memoryLimit !== undefined ? undefined : lazyValue(this, 'resources.limits.memory', () => this.memoryLimit());
    const [primary, secondary] = this.instances.map((instance) => this.addDaemonSet(instance, image, memoryLimit, shutdownDelay));
    this.daemonSet = primary.daemonSet;
    this.metricsService = primary.service;
    this.secondaryDaemonSet = secondary?.daemonSet;
    this.secondaryMetricsService = secondary?.service;

  }

  /** What kubelet `clusterDNS` must be: the kube-dns IP (iptables mode) or the local IP. */
  public kubeletClusterDns(): string {
    return this.ctx.state.plan().dns.kubeletClusterDns;
  }

  /**
   * The kubelet drop-in every node needs (`clusterDNS`, `clusterDomain`): the content
   * of the first file of `kubeletConfigFiles()` for Kubernetes 1.30 and newer.
   */
  public kubeletConfigYaml(): string {
    return kubeletDropIn(this.ctx.state.plan());
  }

  /**
   * The kubelet settings as files: a drop-in for the kubelet config directory and the
   * same fields as a kubeadm patch, the one for the profile's Kubernetes version first.
   * In kube-proxy iptables mode they restate the defaults.
   */
  public kubeletConfigFiles(): KubeletConfigFile[] {
    return kubeletConfigFiles(this.ctx.state.plan());
  }

  /** The Corefile template as node-cache reads it (`Corefile.base`), for the primary DaemonSet. */
  public renderCorefile(): string {
    return this.corefileFor(this.instances[0]);
  }

  /**
   * The Corefile of one DaemonSet, rendered once per plan: the ConfigMap and the DaemonSet's
   * config-hash both read it, and it depends on nothing but the plan and this construct's props.
   */
  private corefileFor(instance: Instance): string {
    const plan = this.ctx.state.plan();
    let byInstance = this.renderedCorefiles.get(plan);
    if (!byInstance) {
      byInstance = new Map();
      this.renderedCorefiles.set(plan, byInstance);
    }
    let text = byInstance.get(instance.name);
    if (text === undefined) {
      text = this.renderCorefileFor(plan, instance);
      byInstance.set(instance.name, text);
    }
    return text;
  }

  private renderCorefileFor(plan: NetworkPlan, instance: Instance): string {
    const wiring = this.wiring(plan);
    const n = this.ctx.settings.nodeLocalDns;
    const bind = wiring.listenIps;
    const maxConcurrent = n.forwardMaxConcurrent.value;
    const small = (): CacheCapacity => ({ capacity: n.reverseZoneCacheCapacity.value });
    const toCoreDns = (zones: string[], cache: CorefilePlugin, health: boolean) => new ServerBlock({
      zones,
      plugins: [
        CorefilePlugin.errors(),
        cache,
        CorefilePlugin.reload(),
        CorefilePlugin.loop(),
        CorefilePlugin.bind(...bind),
        CorefilePlugin._forward({ to: [wiring.clusterUpstream], forceTcp: true, maxConcurrent }, true),
        CorefilePlugin.prometheus(`:${instance.metricsPort}`),
        ...(health ? [CorefilePlugin.health({ address: `${hostOf(this.localIp)}:${instance.healthPort}` })] : []),
      ],
    });
    const ttl = n.externalCacheTtl.value;
    const reverse = CorefilePlugin.cache({ ttl, success: small(), denial: small() });
    const corefile = new Corefile(
      toCoreDns([plan.dns.clusterDomain], CorefilePlugin.cache({
        success: { capacity: n.clusterZoneSuccessCapacity.value, ttl: n.clusterZoneSuccessTtl.value },
        denial: { capacity: n.clusterZoneSuccessCapacity.value, ttl: n.clusterZoneDenialTtl.value },
      }), true),
      toCoreDns(['in-addr.arpa'], reverse, false),
      toCoreDns(['ip6.arpa'], reverse, false),
      ...plan.dns.stubZones.map((z) => toCoreDns([z], reverse, false)),
      new ServerBlock({
        zones: ['.'],
        plugins: [
          CorefilePlugin.errors(),
          CorefilePlugin.cache({ ttl }),
          CorefilePlugin.reload(),
          CorefilePlugin.loop(),
          CorefilePlugin.bind(...bind),
          // node-cache fills in the node's resolvers (or kube-dns upstreamNameservers).
          CorefilePlugin._forward({ to: ['__PILLAR__UPSTREAM__SERVERS__'], maxConcurrent }, true),
          CorefilePlugin.prometheus(`:${instance.metricsPort}`),
        ],
      }),
    );
    return corefile.render();
  }

  /** The container memory limit: the tier's, raised to hold every cache of the Corefile when full. */
  /** The derived limit: full caches, at least the tier's, and never below the memory request (the API server refuses that). */
  private memoryLimit(): string {
    const floor = this.ctx.settings.nodeLocalDns.memoryLimit.value;
    const needed = Math.max(this.memoryNeeded(), quantityValue(this.resources.memoryRequest)!);
    const floorBytes = quantityValue(floor)!;
    return needed > floorBytes ? `${Math.ceil(needed / (32 * 1024 * 1024)) * 32}Mi` : floor;
  }

  /** Worst-case working set of one node-cache: every cache full, every forward at max_concurrent. */
  private memoryNeeded(): number {
    const n = this.ctx.settings.nodeLocalDns;
    const plan = this.ctx.state.plan();
    const reverseZones = 2 + plan.dns.stubZones.length;
    const entries = 2 * n.clusterZoneSuccessCapacity.value + 2 * 9984 + reverseZones * 2 * n.reverseZoneCacheCapacity.value;
    const forwards = 1 + reverseZones + 1;
    return BASE_BYTES + entries * BYTES_PER_CACHE_ENTRY + forwards * n.forwardMaxConcurrent.value * BYTES_PER_INFLIGHT_QUERY;
  }

  private addDaemonSet(
    instance: Instance, image: string, memoryLimit: unknown, shutdownDelay: Duration,
  ): { daemonSet: ApiObject; service: ApiObject } {
    const secondary = instance.name === SECONDARY;
    const delay = shutdownDelay.toSeconds();
    // kubelet joins host and port itself: a bare IPv6 address here.
    const probe = { httpGet: { host: this.localIp, path: '/health', port: instance.healthPort }, timeoutSeconds: 5 };
    const daemonSet = apiObject(this, secondary ? 'SecondaryDaemonSet' : 'DaemonSet', 'apps/v1', 'DaemonSet', {
      metadata: meta(instance.name, KUBE_SYSTEM, instance.labels),
      spec: {
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
        selector: { matchLabels: instance.labels },
        template: {
          metadata: {
            labels: instance.labels,
            annotations: {
              'prometheus.io/port': String(instance.metricsPort),
              'prometheus.io/scrape': 'true',
              [CONFIG_HASH_ANNOTATION]: lazyValue(this, `${instance.name} config-hash annotation`, () => hashOf(this.corefileFor(instance) + this.args(instance).join(' '))),
            },
          },
          spec: {
            priorityClassName: 'system-node-critical',
            serviceAccountName: NAME,
            hostNetwork: true,
            // node-cache must not resolve through itself.
            dnsPolicy: 'Default',
            nodeSelector: LINUX_NODE_SELECTOR,
            tolerations: [
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { effect: 'NoExecute', operator: 'Exists' },
              { effect: 'NoSchedule', operator: 'Exists' },
            ],
            // HA: skew the two instances' shutdowns so one keeps port 53 while the other restarts
            // (kubespray nodelocaldns-second-daemonset: preStop sleep, grace period = skew; primary 0).
            ...(this.highAvailability ? { terminationGracePeriodSeconds: secondary ? delay + 5 : 0 } : {}),
            containers: [{
              name: 'node-cache',
              image,
              imagePullPolicy: 'IfNotPresent',
              resources: containerResources(this.resources, memoryLimit),
              args: lazyValue(this, `${instance.name} args`, () => this.args(instance)),
              // NET_ADMIN: node-cache creates the dummy interface for the local IP and
              // installs its iptables NOTRACK/ACCEPT rules (upstream's only addition).
              securityContext: { capabilities: { add: ['NET_ADMIN'] } },
              ports: [
                { containerPort: 53, name: 'dns', protocol: 'UDP' },
                { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
                { containerPort: instance.metricsPort, name: 'metrics', protocol: 'TCP' },
                { containerPort: instance.setupMetricsPort, name: 'setup-metrics', protocol: 'TCP' },
              ],
              livenessProbe: { ...probe, initialDelaySeconds: 60 },
              // Readiness does not protect the node during a rolling update: the old pod is
              // stopped before the new one starts. The secondary DaemonSet (or, in iptables
              // mode, the teardown fallback to kube-proxy) does.
              readinessProbe: { ...probe, periodSeconds: 10 },
              ...(secondary ? { lifecycle: { preStop: { exec: { command: ['sh', '-c', `sleep ${delay}`] } } } } : {}),
              volumeMounts: [
                { name: 'xtables-lock', mountPath: '/run/xtables.lock', readOnly: false },
                { name: 'config-volume', mountPath: '/etc/coredns' },
                { name: 'kube-dns-config', mountPath: '/etc/kube-dns' },
              ],
            }],
            volumes: [
              XTABLES_LOCK_VOLUME,
              { name: 'kube-dns-config', configMap: { name: 'kube-dns', optional: true } },
              { name: 'config-volume', configMap: { name: NAME, items: [{ key: instance.corefileKey, path: 'Corefile.base' }] } },
            ],
          },
        },
      },
    });

    const service = apiObject(this, secondary ? 'SecondaryMetricsService' : 'MetricsService', 'v1', 'Service', {
      // One job for both instances: the ServiceMonitor takes `job` from the k8s-app label.
      metadata: meta(instance.name, KUBE_SYSTEM, LABELS, { 'prometheus.io/port': String(instance.metricsPort), 'prometheus.io/scrape': 'true' }),
      spec: {
        clusterIP: 'None',
        // A NotReady node-cache stays a scrape target, so NodeLocalDNSInstanceDown sees it
        // (setups that keep only ready endpoints would otherwise drop the target silently).
        publishNotReadyAddresses: true,
        selector: instance.labels,
        ports: [
          { name: 'metrics', port: instance.metricsPort, targetPort: instance.metricsPort },
          { name: 'setup-metrics', port: instance.setupMetricsPort, targetPort: instance.setupMetricsPort },
        ],
      },
    });
    return { daemonSet, service };
  }

  private args(instance: Instance): string[] {
    const wiring = this.wiring(this.ctx.state.plan());
    const secondary = instance.name === SECONDARY;
    return [
      '-localip', wiring.listenIps.join(','),
      '-conf', '/etc/Corefile',
      '-upstreamsvc', UPSTREAM_SERVICE,
      '-pidfile', secondary ? '/tmp/node-cache-secondary.pid' : '/tmp/node-cache.pid',
      ...(instance.healthPort !== 8080 ? ['-health-port', String(instance.healthPort)] : []),
      ...(secondary ? ['-metrics-listen-address', `0.0.0.0:${instance.setupMetricsPort}`] : []),
      // HA: neither instance removes the interface and rules the other one serves on.
      ...(this.highAvailability ? ['-skipteardown'] : []),
    ];
  }

  /** This component's wiring, from the plan. */
  private wiring(plan: NetworkPlan): NodeLocalPlan {
    return plan.dns.nodeLocal!;
  }

  private prepare(): void {
    const plan = this.ctx.state.plan();
    const w = this.wiring(plan);
    const { profile } = this.ctx;
    if (w.bindsDnsServiceIp) {
      record(this.ctx, '-localip', w.listenIps.join(','), DecisionSource.COMPATIBILITY,
        `${w.why}: bind the link-local IP and the kube-dns IP, whose traffic NOTRACK rules keep away from kube-proxy's DNAT`);
      record(this.ctx, 'forward (cluster zones)', `${UPSTREAM_SERVICE} via __PILLAR__CLUSTER__DNS__`, DecisionSource.COMPATIBILITY,
        'the kube-dns IP is bound by node-cache itself: forwarding to it would loop, so forward to the kube-dns-upstream Service');
      record(this.ctx, 'kubelet clusterDNS', profile.dnsServiceIp, DecisionSource.COMPATIBILITY, 'unchanged: node-cache answers on the kube-dns IP');
    } else {
      record(this.ctx, '-localip', this.localIp, DecisionSource.COMPATIBILITY,
        `${w.why}: node-cache cannot take over the kube-dns IP here, so it binds only the link-local IP`);
      record(this.ctx, 'forward (cluster zones)', profile.dnsServiceIp, DecisionSource.COMPATIBILITY, 'the kube-dns IP is not bound locally, so it is a safe upstream');
      record(this.ctx, 'kubelet clusterDNS', this.localIp, DecisionSource.COMPATIBILITY,
        'pods must be pointed at the link-local IP: roll out node-local-dns, wait until it is ready on every node, then apply the kubelet drop-in (kubeletConfigFiles()) node by node');
      this.ctx.state.afterApply(this, 'when node-local-dns is ready on every node, install the kubelet drop-in (kubeletConfigFiles()) on each node and restart kubelet, '
        + 'node by node: kubelet writes a pod\'s resolv.conf when the pod starts, so running pods keep kube-dns until they are recreated');
    }
    const needed = this.memoryNeeded();
    const given = this.resources.memoryLimit;
    if (given !== undefined) {
      if (quantityValue(given)! < needed) {
        this.ctx.state.warn(this, 'NLD-MEMORY-LIMIT',
          `'${shownProp(this, 'resources.memory.limit')}' (${given}) is below what node-cache needs with every cache full (${Math.round(needed / (1024 * 1024))} MiB at about 3 KB per entry): `
          + 'an OOM kill skips its teardown, so the node\'s pods query a link-local address nobody answers until the pod restarts',
          `raise 'resources.memory.limit' to ${Math.ceil(needed / (32 * 1024 * 1024)) * 32}Mi, or lower the cache capacities`);
      }
      return;
    }
    record(this.ctx, 'resources.limits.memory', this.memoryLimit(), DecisionSource.DERIVED,
      `every cache full (${Math.round(this.memoryNeeded() / (1024 * 1024))} MiB at about 3 KB per entry, kubernetes/website nodelocaldns.md) within the ${this.ctx.tier} tier's ${this.ctx.settings.nodeLocalDns.memoryLimit.value}: an OOM kill skips teardown and blackholes the node's DNS`);
  }
}

const UNIQUE_LOCAL = parseCidr('fc00::/7')!;

/** Link-local addresses that are someone's: cloud metadata and DNS endpoints, and RFC 3927's reserved first and last /24. */
const RESERVED_LINK_LOCAL: ReadonlyArray<[ParsedCidr, string]> = [
  [parseCidr('169.254.169.254/32')!, 'the cloud instance-metadata address (AWS, GCP, Azure, OpenStack)'],
  [parseCidr('169.254.169.253/32')!, "AWS's VPC DNS resolver address"],
  [parseCidr('169.254.169.123/32')!, "AWS's time-sync address"],
  [parseCidr('169.254.170.0/24')!, "AWS ECS's task-metadata range"],
  [parseCidr('169.254.0.0/24')!, 'in 169.254.0.0/24, which RFC 3927 reserves'],
  [parseCidr('169.254.255.0/24')!, 'in 169.254.255.0/24, which RFC 3927 reserves'],
];

/** An address as an HTTP host (IPv6 in brackets). */
function hostOf(ip: string): string {
  return parseIp(ip)?.family === 6 ? `[${ip}]` : ip;
}


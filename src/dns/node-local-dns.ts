import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { COREDNS_LABELS } from './_coredns-workload';
import { Corefile, ServerBlock } from './corefile';
import { CorefilePlugin } from './corefile-plugin';
import { ComponentContext, componentContext, pick, record } from '../core/_component';
import { NODE_CACHE_IMAGE } from '../core/_images';
import { CONFIG_HASH_ANNOTATION, hashOf, KUBE_SYSTEM, kubeletDnsConfigYaml, LINUX_NODE_SELECTOR, meta, port, resources, XTABLES_LOCK_VOLUME } from '../core/_k8s';
import { isLinkLocal, parseIp } from '../core/_net';
import { ClusterProfile } from '../core/cluster-profile';
import { DecisionSource } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';
import { tierKubeProxyMode } from '../kube-proxy/_default-mode';
import { KubeProxyMode } from '../kube-proxy/kube-proxy-mode';

/** Properties of `NodeLocalDns`. */
export interface NodeLocalDnsProps {
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

  /**
   * The link-local address the cache listens on on every node.
   *
   * @default '169.254.20.10' (the address the Kubernetes documentation uses)
   */
  readonly localIp?: string;

  /**
   * The cluster's kube-proxy mode, which decides how the cache is wired in.
   * With a TunedKubeProxy in the app, its mode is used and this must agree.
   *
   * @default - the TunedKubeProxy's mode if the app has one, else the tier's (as TunedKubeProxy would pick it)
   */
  readonly kubeProxyMode?: KubeProxyMode;

  /**
   * Port of the health endpoint on the local IP (the host network: pick a free port).
   *
   * @default 8080
   */
  readonly healthPort?: number;

  /**
   * node-cache image.
   *
   * @default 'registry.k8s.io/dns/k8s-dns-node-cache:1.26.7'
   */
  readonly image?: string;
}

const NAME = 'node-local-dns';
const LABELS = { 'k8s-app': NAME };
const UPSTREAM_SERVICE = 'kube-dns-upstream';
const METRICS_PORT = 9253;
// node-cache's own metrics (coredns_nodecache_setup_errors_total): its -metrics-listen-address default.
const SETUP_METRICS_PORT = 9353;

interface Wiring {
  /** kube-proxy's mode, or the eBPF data plane that replaces it. */
  readonly mode: KubeProxyMode | string;
  readonly bindsDnsServiceIp: boolean;
  readonly why: string;
}

/**
 * NodeLocal DNSCache: the guide's "本地 DNS 缓存", as the Kubernetes addon
 * deploys it, wired for the cluster's kube-proxy mode.
 *
 * Emits the ServiceAccount, the `kube-dns-upstream` Service, the
 * `node-local-dns` ConfigMap (cluster domain, in-addr.arpa, ip6.arpa, stub
 * zones of a TunedCoreDns in the app, and `.`), the DaemonSet and the metrics
 * Service.
 *
 * - kube-proxy **iptables**: node-cache binds the link-local IP *and* the kube-dns
 *   ClusterIP (NOTRACK rules make it answer there), forwards cluster zones to
 *   `kube-dns-upstream` (never `kube-dns`, which it binds: that loops), and the
 *   kubelet `clusterDNS` stays the kube-dns IP.
 * - **IPVS, nftables and eBPF data planes**: it binds only the link-local IP and the
 *   kubelet `clusterDNS` must become that IP (`kubeletConfigYaml()`).
 *
 * @see https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/
 */
export class NodeLocalDns extends Construct {
  /** The link-local address. */
  public readonly localIp: string;

  private readonly ctx: ComponentContext;
  private readonly explicitMode?: KubeProxyMode;
  private readonly healthPort: number;

  public constructor(scope: Construct, id: string, props: NodeLocalDnsProps = {}) {
    super(scope, id);
    this.ctx = componentContext(this, props.tier, props.profile);
    const { errors, settings, profile } = this.ctx;
    const n = settings.nodeLocalDns;

    this.localIp = props.localIp ?? '169.254.20.10';
    const local = errors.ip('localIp', this.localIp);
    if (local) {
      if (!isLinkLocal(local)) {
        errors.add('localIp', this.localIp, 'must be a link-local address (169.254.0.0/16 or fe80::/10) that no node or Service uses, e.g. 169.254.20.10');
      } else if (local.family !== profile._dnsServiceIp.family) {
        errors.add('localIp', this.localIp, `must be the same IP family as the kube-dns IP (${profile.dnsServiceIp}): node-cache binds both`);
      }
      if (local.value === parseIp(profile.dnsServiceIp)?.value) {
        errors.add('localIp', this.localIp, 'must differ from the kube-dns IP');
      }
    }
    this.explicitMode = props.kubeProxyMode;
    if (this.explicitMode !== undefined) errors.oneOf('kubeProxyMode', this.explicitMode, Object.values(KubeProxyMode));
    this.healthPort = props.healthPort ?? 8080;
    if (errors.int('healthPort', this.healthPort, 1, 65535) && [53, METRICS_PORT].includes(this.healthPort)) {
      errors.add('healthPort', this.healthPort, `must not be 53 or ${METRICS_PORT}, which node-cache already listens on`);
    }
    const image = props.image ?? NODE_CACHE_IMAGE;
    errors.image('image', image);
    errors.throwIfAny();
    record(this.ctx, 'localIp', this.localIp, props.localIp ? DecisionSource.OVERRIDE : DecisionSource.UPSTREAM, props.localIp ? 'set by the user' : 'the address in the Kubernetes NodeLocal DNSCache documentation');

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: meta(NAME, KUBE_SYSTEM) });

    // Must exist before the pods start: node-cache reads its ClusterIP from the
    // KUBE_DNS_UPSTREAM_SERVICE_HOST service-link variable.
    new k8s.KubeService(this, 'UpstreamService', {
      metadata: meta(UPSTREAM_SERVICE, KUBE_SYSTEM, { ...COREDNS_LABELS, 'kubernetes.io/name': 'KubeDNSUpstream' }),
      spec: {
        selector: COREDNS_LABELS,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: port(53) },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: port(53) },
        ],
      },
    });

    const corefile = Lazy.any({ produce: () => this.renderCorefile() });
    new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: meta(NAME, KUBE_SYSTEM),
      data: { Corefile: corefile },
    });

    const args = Lazy.any({ produce: () => this.args() });
    new k8s.KubeDaemonSet(this, 'DaemonSet', {
      metadata: meta(NAME, KUBE_SYSTEM, LABELS),
      spec: {
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromString('10%') } },
        selector: { matchLabels: LABELS },
        template: {
          metadata: {
            labels: LABELS,
            annotations: {
              'prometheus.io/port': String(METRICS_PORT),
              'prometheus.io/scrape': 'true',
              [CONFIG_HASH_ANNOTATION]: Lazy.any({ produce: () => hashOf(this.renderCorefile() + this.args().join(' ')) }),
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
            containers: [{
              name: 'node-cache',
              image,
              imagePullPolicy: 'IfNotPresent',
              resources: resources(
                pick(this.ctx, 'resources.requests.cpu', undefined, n.cpuRequest),
                pick(this.ctx, 'resources.requests.memory', undefined, n.memoryRequest),
                pick(this.ctx, 'resources.limits.memory', undefined, n.memoryLimit),
              ),
              args,
              // NET_ADMIN: node-cache creates the dummy interface for the local IP and
              // installs its iptables NOTRACK/ACCEPT rules (upstream's only addition).
              securityContext: { capabilities: { add: ['NET_ADMIN'] } },
              ports: [
                { containerPort: 53, name: 'dns', protocol: 'UDP' },
                { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
                { containerPort: METRICS_PORT, name: 'metrics', protocol: 'TCP' },
                { containerPort: SETUP_METRICS_PORT, name: 'setup-metrics', protocol: 'TCP' },
              ],
              livenessProbe: {
                httpGet: { host: this.localIp, path: '/health', port: port(this.healthPort) },
                initialDelaySeconds: 60,
                timeoutSeconds: 5,
              },
              // Readiness gates the rolling update, so a node is never left without its cache.
              readinessProbe: {
                httpGet: { host: this.localIp, path: '/health', port: port(this.healthPort) },
                periodSeconds: 10,
                timeoutSeconds: 5,
              },
              volumeMounts: [
                { name: 'xtables-lock', mountPath: '/run/xtables.lock', readOnly: false },
                { name: 'config-volume', mountPath: '/etc/coredns' },
                { name: 'kube-dns-config', mountPath: '/etc/kube-dns' },
              ],
            }],
            volumes: [
              XTABLES_LOCK_VOLUME,
              { name: 'kube-dns-config', configMap: { name: 'kube-dns', optional: true } },
              { name: 'config-volume', configMap: { name: NAME, items: [{ key: 'Corefile', path: 'Corefile.base' }] } },
            ],
          },
        },
      },
    });

    new k8s.KubeService(this, 'MetricsService', {
      metadata: meta(NAME, KUBE_SYSTEM, LABELS, { 'prometheus.io/port': String(METRICS_PORT), 'prometheus.io/scrape': 'true' }),
      spec: {
        clusterIp: 'None',
        selector: LABELS,
        ports: [
          { name: 'metrics', port: METRICS_PORT, targetPort: port(METRICS_PORT) },
          { name: 'setup-metrics', port: SETUP_METRICS_PORT, targetPort: port(SETUP_METRICS_PORT) },
        ],
      },
    });

    const self = this;
    this.ctx.state.register({
      kind: 'node-local-dns',
      scope: this,
      profile,
      tier: this.ctx.tier,
      localIp: this.localIp,
      explicitMode: this.explicitMode,
      get bindsDnsServiceIp() { return self.wiring().bindsDnsServiceIp; },
      get kubeletClusterDns() { return self.kubeletClusterDns(); },
      get wiredFor() { return self.wiring().mode; },
      metricsPort: METRICS_PORT,
      healthPort: this.healthPort,
    }, () => this.prepare());
  }

  /** What kubelet `clusterDNS` must be: the kube-dns IP (iptables mode) or the local IP. */
  public kubeletClusterDns(): string {
    return this.wiring().bindsDnsServiceIp ? this.ctx.profile.dnsServiceIp : this.localIp;
  }

  /**
   * The KubeletConfiguration fragment every node needs (`clusterDNS`, `clusterDomain`).
   * Merge it into the kubelet configuration (kubeadm: the `kubelet-config` ConfigMap and
   * /var/lib/kubelet/config.yaml). In iptables mode it restates the defaults.
   */
  public kubeletConfigYaml(): string {
    return kubeletDnsConfigYaml(this.kubeletClusterDns(), this.ctx.profile.clusterDomain);
  }

  /** The Corefile template as node-cache reads it (`Corefile.base`). */
  public renderCorefile(): string {
    const { profile, settings } = this.ctx;
    const n = settings.nodeLocalDns;
    const w = this.wiring();
    const bind = w.bindsDnsServiceIp ? [this.localIp, profile.dnsServiceIp] : [this.localIp];
    // iptables: node-cache fills in the kube-dns-upstream ClusterIP; otherwise the kube-dns IP is not bound here and can be used directly.
    const clusterUpstream = w.bindsDnsServiceIp ? '__PILLAR__CLUSTER__DNS__' : profile.dnsServiceIp;
    const stubZones = this.ctx.state.components('coredns').flatMap((c) => c.stubZones);
    const toCoreDns = (zones: string[], cache: CorefilePlugin, health: boolean) => new ServerBlock({
      zones,
      plugins: [
        CorefilePlugin.errors(),
        cache,
        CorefilePlugin.reload(),
        CorefilePlugin.loop(),
        CorefilePlugin.bind(...bind),
        CorefilePlugin._forward({ to: [clusterUpstream], forceTcp: true }, true),
        CorefilePlugin.prometheus(`:${METRICS_PORT}`),
        ...(health ? [CorefilePlugin.health({ address: `${this.localIp}:${this.healthPort}` })] : []),
      ],
    });
    const external = CorefilePlugin.cache({ ttl: n.externalCacheTtl.value });
    const corefile = new Corefile(
      toCoreDns([profile.clusterDomain], CorefilePlugin.cache({
        success: { capacity: n.clusterZoneSuccessCapacity.value, ttl: n.clusterZoneSuccessTtl.value },
        denial: { capacity: n.clusterZoneSuccessCapacity.value, ttl: n.clusterZoneDenialTtl.value },
      }), true),
      toCoreDns(['in-addr.arpa'], external, false),
      toCoreDns(['ip6.arpa'], external, false),
      ...[...new Set(stubZones)].map((z) => toCoreDns([z], external, false)),
      new ServerBlock({
        zones: ['.'],
        plugins: [
          CorefilePlugin.errors(),
          external,
          CorefilePlugin.reload(),
          CorefilePlugin.loop(),
          CorefilePlugin.bind(...bind),
          // node-cache fills in the node's resolvers (or kube-dns upstreamNameservers).
          CorefilePlugin._forward({ to: ['__PILLAR__UPSTREAM__SERVERS__'] }, true),
          CorefilePlugin.prometheus(`:${METRICS_PORT}`),
        ],
      }),
    );
    return corefile.render();
  }

  private args(): string[] {
    const w = this.wiring();
    const localIps = w.bindsDnsServiceIp ? `${this.localIp},${this.ctx.profile.dnsServiceIp}` : this.localIp;
    return [
      '-localip', localIps,
      '-conf', '/etc/Corefile',
      '-upstreamsvc', UPSTREAM_SERVICE,
      '-pidfile', '/tmp/node-cache.pid',
      ...(this.healthPort !== 8080 ? ['-health-port', String(this.healthPort)] : []),
    ];
  }

  /** How node-cache is wired in, from the data plane in the app. */
  private wiring(): Wiring {
    const proxies = this.ctx.state.components('kube-proxy');
    const ebpf = this.ctx.state.components('cni').find((c) => c.replacesKubeProxyWith);
    let mode: KubeProxyMode | string;
    let why: string;
    if (ebpf) {
      mode = ebpf.replacesKubeProxyWith!;
      why = `${mode} (from [${ebpf.scope.node.path}]) translates Service IPs before netfilter, so the iptables NOTRACK trick does not apply`;
    } else if (this.explicitMode) {
      mode = this.explicitMode;
      why = `kube-proxy mode ${mode}, as set by the user`;
    } else if (proxies.length > 0) {
      mode = proxies[0].mode;
      why = `kube-proxy mode ${mode}, from [${proxies[0].scope.node.path}]`;
    } else {
      const chosen = tierKubeProxyMode(this.ctx.tier, this.ctx.settings, this.ctx.profile.kubernetesVersion);
      mode = chosen.mode;
      why = `kube-proxy mode ${mode}, the one the ${this.ctx.tier} tier uses (${chosen.reason})`;
    }
    return { mode, bindsDnsServiceIp: mode === KubeProxyMode.IPTABLES, why };
  }

  private prepare(): void {
    const w = this.wiring();
    const { profile } = this.ctx;
    if (w.bindsDnsServiceIp) {
      record(this.ctx, '-localip', `${this.localIp},${profile.dnsServiceIp}`, DecisionSource.COMPATIBILITY,
        `${w.why}: bind the link-local IP and the kube-dns IP, whose traffic NOTRACK rules keep away from kube-proxy's DNAT`);
      record(this.ctx, 'forward (cluster zones)', `${UPSTREAM_SERVICE} via __PILLAR__CLUSTER__DNS__`, DecisionSource.COMPATIBILITY,
        'the kube-dns IP is bound by node-cache itself: forwarding to it would loop, so forward to the kube-dns-upstream Service');
      record(this.ctx, 'kubelet clusterDNS', profile.dnsServiceIp, DecisionSource.COMPATIBILITY, 'unchanged: node-cache answers on the kube-dns IP');
    } else {
      record(this.ctx, '-localip', this.localIp, DecisionSource.COMPATIBILITY,
        `${w.why}: node-cache cannot bind the kube-dns IP (the IPVS/nftables/eBPF Service path owns it), so it binds only the link-local IP`);
      record(this.ctx, 'forward (cluster zones)', profile.dnsServiceIp, DecisionSource.COMPATIBILITY, 'the kube-dns IP is not bound locally, so it is a safe upstream');
      record(this.ctx, 'kubelet clusterDNS', this.localIp, DecisionSource.COMPATIBILITY,
        'pods must be pointed at the link-local IP: apply kubeletConfigYaml() to every node, or pods keep using kube-dns directly');
    }
  }
}

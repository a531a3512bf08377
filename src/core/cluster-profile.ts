import { checkCall, checkProps, registerValueClass } from './_boundary';
import { ConfigErrors } from './_errors';
import { canonicalIp, cidrContains, cidrsOverlap, isDnsSubdomain, overlapsLinkLocal, nthAddress, parseIp, ParsedCidr, ParsedIp, blockSize } from './_net';
import { Compatibility, FeatureSupport, KubernetesFeature } from './compatibility';
import { KubernetesVersion } from './kubernetes-version';

/** Properties of a `ClusterProfile`. Every field has a kubeadm-compatible default. */
export interface ClusterProfileProps {
  /**
   * The Kubernetes version the manifests target. Decides which fields and modes
   * are allowed and which warnings fire.
   *
   * @default KubernetesVersion.DEFAULT (1.36: the newest release the library was checked against)
   */
  readonly kubernetesVersion?: KubernetesVersion;

  /**
   * The cluster DNS domain (kubelet `clusterDomain`).
   *
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;

  /**
   * The Service CIDR (kube-apiserver `--service-cluster-ip-range`). A dual-stack
   * pair is written as two comma-separated CIDRs, one per IP family.
   *
   * @default '10.96.0.0/12' (kubeadm)
   */
  readonly serviceCidr?: string;

  /**
   * The Pod CIDR (kube-controller-manager `--cluster-cidr`, kube-proxy `clusterCIDR`,
   * the CNI's pool). A dual-stack pair is written as two comma-separated CIDRs. It must
   * give every planned node (`nodes`) its per-node block.
   *
   * @default - the guide's '10.244.0.0/16' (its IPPool, Flannel's default) when it holds the
   * planned nodes, else the aligned supernet of 10.244.0.0 that does (10.244.0.0/15 for 500
   * nodes, 10.224.0.0/11 for 5,000)
   */
  readonly podCidr?: string;

  /**
   * How many nodes the cluster is planned for: every Pod CIDR, IP pool and per-node
   * block is checked against it.
   *
   * @default - the tier's upper bound (50, 500, 5,000)
   */
  readonly nodes?: number;

  /**
   * kubelet's `maxPods` on the nodes: each node's Pod CIDR block holds twice as many
   * addresses (/24 for 110).
   *
   * @default 110 (kubelet's default)
   */
  readonly maxPodsPerNode?: number;

  /**
   * How many Services the cluster is planned for: the Service CIDR must hold them.
   *
   * @default - the tier's (999, 999, 10,000)
   */
  readonly services?: number;

  /**
   * The ClusterIP of the `kube-dns` Service (kubelet `clusterDNS` without NodeLocal
   * DNSCache). Must lie inside the Service CIDR.
   *
   * @default - the 10th address of the first Service CIDR (10.96.0.10 for the default), as kubeadm picks it
   */
  readonly dnsServiceIp?: string;

  /**
   * CPU cores per node, used to size conntrack: kube-proxy sets
   * `nf_conntrack_max = max(maxPerCore × cores, min)`.
   *
   * @default 8
   */
  readonly cpuCoresPerNode?: number;

  /**
   * Address of the Kubernetes API server that does not depend on a Service
   * ClusterIP (a load balancer, VIP or control-plane node). Needed by kube-proxy's
   * kubeconfig, Cilium kube-proxy replacement and Calico eBPF, which cannot reach
   * the API through the `kubernetes` Service they themselves implement.
   *
   * @default - none; components that need it say so
   */
  readonly apiServerHost?: string;

  /**
   * Port of the API server at `apiServerHost`.
   *
   * @default 6443
   */
  readonly apiServerPort?: number;

  /**
   * The NodePort range (kube-apiserver `--service-node-port-range`), as "low-high".
   *
   * @default '30000-32767'
   */
  readonly nodePortRange?: string;

  /**
   * Whether every node sits on one L2 segment, so nodes can route each other's Pod
   * CIDRs directly (Cilium `autoDirectNodeRoutes`, Flannel `host-gw`). Without it,
   * pod traffic between nodes is tunnelled.
   *
   * @default false
   */
  readonly nodesShareL2Segment?: boolean;

  /**
   * The resolv.conf kubelet gives pods with `dnsPolicy: Default` (CoreDNS and
   * node-local-dns forward to its servers). On hosts running systemd-resolved it must
   * be `/run/systemd/resolve/resolv.conf`: /etc/resolv.conf lists 127.0.0.53, which
   * loops (kubeadm picks it itself when resolved runs and the field is unset).
   *
   * @default - kubelet's own (/etc/resolv.conf, or kubeadm's choice)
   */
  readonly nodeResolvConf?: string;

  /**
   * Pre-GA features this cluster has enabled (their feature gates are on).
   * Without an opt-in, alpha and beta features are refused.
   *
   * @default - none
   */
  readonly optInFeatures?: KubernetesFeature[];
}

/**
 * The facts every component shares: Kubernetes version, cluster domain, Service
 * and Pod CIDRs, the kube-dns IP, node size and API server address.
 *
 * Decide them once and pass the same profile to every component (or to
 * `NetworkTuning`); the cross-component checks refuse an app whose components
 * disagree. Every field is validated when the profile is created.
 */
export class ClusterProfile {
  /** The Kubernetes version targeted. */
  public readonly kubernetesVersion: KubernetesVersion;
  /** The cluster DNS domain. */
  public readonly clusterDomain: string;
  /** The Service CIDRs (one, or one per family for dual-stack). */
  public readonly serviceCidrs: string[];
  /** The Pod CIDRs as stated (one, or one per family for dual-stack); the guide's 10.244.0.0/16 when none was. */
  public readonly podCidrs: string[];
  /** The planned node count, when stated. */
  public readonly nodes?: number;
  /** kubelet's maxPods, when stated. */
  public readonly maxPodsPerNode?: number;
  /** The planned Service count, when stated. */
  public readonly services?: number;
  /** The kube-dns Service ClusterIP. */
  public readonly dnsServiceIp: string;
  /** CPU cores per node. */
  public readonly cpuCoresPerNode: number;
  /** The API server host, when known. */
  public readonly apiServerHost?: string;
  /** The API server port. */
  public readonly apiServerPort: number;
  /** First port of the NodePort range. */
  public readonly nodePortMin: number;
  /** Last port of the NodePort range. */
  public readonly nodePortMax: number;
  /** Pre-GA features this cluster has enabled. */
  public readonly optInFeatures: KubernetesFeature[];
  /** Whether the nodes share one L2 segment. */
  public readonly nodesShareL2Segment: boolean;
  /** The resolv.conf kubelet hands to `dnsPolicy: Default` pods, when stated. */
  public readonly nodeResolvConf?: string;

  /** @internal */
  public readonly _serviceCidrs: ParsedCidr[];
  /** @internal */
  public readonly _podCidrs: ParsedCidr[];
  /** @internal */
  public readonly _dnsServiceIp: ParsedIp;
  /** @internal whether `podCidr` was given (else the plan may widen the default to fit the cluster) */
  public readonly _podCidrStated: boolean;

  public constructor(props: ClusterProfileProps = {}) {
    props = checkProps('ClusterProfile', 'ClusterProfileProps', props);
    const errors = new ConfigErrors('ClusterProfile');

    this.kubernetesVersion = props.kubernetesVersion ?? KubernetesVersion.DEFAULT;
    if (!(this.kubernetesVersion instanceof KubernetesVersion)) {
      errors.add('kubernetesVersion', props.kubernetesVersion, 'must be a KubernetesVersion (for example KubernetesVersion.V1_30 or KubernetesVersion.of(\'1.30\'))');
    }

    this.clusterDomain = props.clusterDomain ?? 'cluster.local';
    if (!isDnsSubdomain(this.clusterDomain)) {
      errors.add('clusterDomain', this.clusterDomain, 'must be a lowercase DNS name such as cluster.local (labels of a-z, 0-9 and \'-\', no trailing dot)');
    }

    const serviceCidrText = props.serviceCidr ?? '10.96.0.0/12';
    this._serviceCidrs = parseCidrList(errors, 'serviceCidr', serviceCidrText);
    this.serviceCidrs = this._serviceCidrs.map((c) => c.text);
    for (const c of this._serviceCidrs) {
      // kube-apiserver refuses IPv4 Service ranges larger than /12 and IPv6 ranges larger than /108 (2^20 addresses).
      if (blockSize(c) > 2n ** 20n) {
        errors.add('serviceCidr', c.text, `is too large: kube-apiserver accepts at most 2^20 Service addresses (/${c.family === 4 ? 12 : 108} or longer)`);
      }
    }

    this._podCidrStated = props.podCidr !== undefined;
    const podCidrText = props.podCidr ?? '10.244.0.0/16';
    this._podCidrs = parseCidrList(errors, 'podCidr', podCidrText);
    this.podCidrs = this._podCidrs.map((c) => c.text);

    // A Service family needs pods of that family: its ClusterIPs would have no endpoints. (Pods with an
    // extra family are fine: that is the first step of a dual-stack migration, Kubernetes dual-stack docs.)
    const podFamilies = new Set(this._podCidrs.map((c) => c.family));
    const orphan = this._serviceCidrs.find((c) => this._podCidrs.length > 0 && !podFamilies.has(c.family));
    if (orphan) {
      const names = (list: readonly ParsedCidr[]) => list.map((c) => `IPv${c.family}`).join(' and ');
      const rule = `a Service range of IPv${orphan.family} needs pods of that family (dual-stack lists one IPv4 and one IPv6 CIDR in each)`;
      if (this._podCidrStated) {
        errors.add('podCidr', podCidrText, `is ${names(this._podCidrs)} but 'serviceCidr' (${serviceCidrText}) is ${names(this._serviceCidrs)}: ${rule}`);
      } else {
        errors.addMissing('podCidr', `must be set: its default (${podCidrText}) is IPv4 but 'serviceCidr' (${serviceCidrText}) is ${names(this._serviceCidrs)}, and ${rule}`);
      }
    }

    // 169.254.0.0/16 and fe80::/10 are each node's own: cloud metadata, NodeLocal DNSCache, interface addresses
    for (const [prop, list] of [['serviceCidr', this._serviceCidrs], ['podCidr', this._podCidrs]] as const) {
      for (const c of list.filter(overlapsLinkLocal)) {
        errors.add(prop, c.text, `must not overlap link-local space (${c.family === 4 ? '169.254.0.0/16' : 'fe80::/10'}): cloud metadata and NodeLocal DNSCache live there`);
      }
    }

    for (const s of this._serviceCidrs) {
      for (const p of this._podCidrs) {
        if (cidrsOverlap(s, p)) {
          errors.add('podCidr', p.text, `must not overlap 'serviceCidr' (${s.text})`);
        }
      }
    }

    const defaultDns = this._serviceCidrs.length > 0 ? nthAddress(this._serviceCidrs[0], 10) : parseIp('10.96.0.10')!;
    const dnsText = props.dnsServiceIp ?? defaultDns.text;
    const dns = errors.ip('dnsServiceIp', dnsText);
    this._dnsServiceIp = dns ?? defaultDns;
    this.dnsServiceIp = this._dnsServiceIp.text;
    if (dns && this._serviceCidrs.length > 0) {
      const home = this._serviceCidrs.find((c) => cidrContains(c, dns));
      if (!home) {
        errors.add('dnsServiceIp', dnsText, `must lie inside 'serviceCidr' (${this.serviceCidrs.join(',')})`);
      } else if (dns.value === home.network) {
        errors.add('dnsServiceIp', dnsText, `is the network address of ${home.text}; pick a host address such as ${nthAddress(home, 10).text}`);
      } else if (dns.value === home.network + 1n) {
        errors.add('dnsServiceIp', dnsText, `is reserved for the 'kubernetes' Service (first address of ${home.text}); pick another such as ${nthAddress(home, 10).text}`);
      } else if (home.family === 4 && dns.value === home.network + blockSize(home) - 1n) {
        errors.add('dnsServiceIp', dnsText, `is the broadcast address of ${home.text}`);
      }
    }

    this.nodes = props.nodes;
    errors.int('nodes', this.nodes, 1, 100000);
    this.maxPodsPerNode = props.maxPodsPerNode;
    errors.int('maxPodsPerNode', this.maxPodsPerNode, 1, 2048);
    this.services = props.services;
    errors.int('services', this.services, 0, 1000000);

    this.cpuCoresPerNode = props.cpuCoresPerNode ?? 8;
    errors.int('cpuCoresPerNode', this.cpuCoresPerNode, 1, 1024);

    const apiIp = props.apiServerHost === undefined ? undefined : parseIp(props.apiServerHost);
    this.apiServerHost = apiIp ? canonicalIp(apiIp).text : props.apiServerHost;
    if (this.apiServerHost !== undefined && !apiIp && !isDnsSubdomain(this.apiServerHost)) {
      errors.add('apiServerHost', this.apiServerHost, 'must be an IP address or a lowercase DNS name (no scheme, no port)');
    }
    // The host is what kube-proxy, Cilium and Calico eBPF dial before any Service works: a ClusterIP
    // (10.96.0.1, the 'kubernetes' Service) is only reachable through the rules they are about to write.
    const apiHome = apiIp ? this._serviceCidrs.find((c) => cidrContains(c, apiIp)) : undefined;
    if (apiHome) {
      errors.add('apiServerHost', props.apiServerHost, `is inside 'serviceCidr' (${apiHome.text}), a ClusterIP: give the API server's own address `
        + '(a control-plane node, or its load balancer), which works before kube-proxy or the CNI has programmed any Service');
    }
    // A Service name resolves only through the cluster DNS, which needs the data plane that needs this host.
    if (!apiIp && typeof this.apiServerHost === 'string' && isDnsSubdomain(this.apiServerHost)
      && (this.apiServerHost.endsWith('.svc') || this.apiServerHost.endsWith(`.svc.${this.clusterDomain}`)
        || this.apiServerHost === this.clusterDomain || this.apiServerHost.endsWith(`.${this.clusterDomain}`))) {
      errors.add('apiServerHost', this.apiServerHost, "is a cluster DNS name: it resolves through CoreDNS, which cannot start before kube-proxy or the CNI reach the API server; give the API server's own address or an external name");
    }
    // (loopback stays allowed: kubespray's and k3s's per-node API proxies listen on 127.0.0.1 for host-network agents)
    if (apiIp && apiIp.value === 0n) {
      errors.add('apiServerHost', props.apiServerHost, 'must be an address to dial, not the unspecified address');
    }
    this.apiServerPort = props.apiServerPort ?? 6443;
    errors.int('apiServerPort', this.apiServerPort, 1, 65535);

    const range = props.nodePortRange ?? '30000-32767';
    const m = typeof range === 'string' ? /^(\d{1,5})-(\d{1,5})$/.exec(range) : null;
    this.nodePortMin = m ? Number(m[1]) : 30000;
    this.nodePortMax = m ? Number(m[2]) : 32767;
    if (!m || this.nodePortMin < 1 || this.nodePortMax > 65535 || this.nodePortMin >= this.nodePortMax) {
      errors.add('nodePortRange', range, 'must be "low-high" with 1 <= low < high <= 65535, e.g. 30000-32767');
    }

    this.nodesShareL2Segment = props.nodesShareL2Segment ?? false;
    if (typeof this.nodesShareL2Segment !== 'boolean') errors.add('nodesShareL2Segment', props.nodesShareL2Segment, 'must be true or false');
    this.nodeResolvConf = props.nodeResolvConf;
    // kubelet opens it: a Linux path of at most PATH_MAX (4096) bytes
    if (this.nodeResolvConf !== undefined && (typeof this.nodeResolvConf !== 'string' || this.nodeResolvConf.length > 4095 || !/^\/[A-Za-z0-9._\/-]+$/.test(this.nodeResolvConf))) {
      errors.add('nodeResolvConf', this.nodeResolvConf, 'must be an absolute file path such as /run/systemd/resolve/resolv.conf');
    }

    this.optInFeatures = [...(props.optInFeatures ?? [])];
    for (const f of this.optInFeatures) {
      errors.oneOf('optInFeatures', f, Object.values(KubernetesFeature));
    }

    errors.throwIfAny();
  }

  /** The API server as `https://host:port`, when the host is known. */
  public get apiServerUrl(): string | undefined {
    if (this.apiServerHost === undefined) return undefined;
    const host = parseIp(this.apiServerHost)?.family === 6 ? `[${this.apiServerHost}]` : this.apiServerHost;
    return `https://${host}:${this.apiServerPort}`;
  }

  /** The NodePort range as "low-high". */
  public get nodePortRange(): string {
    return `${this.nodePortMin}-${this.nodePortMax}`;
  }

  /**
   * How this profile's Kubernetes version supports `feature`, taking the opt-ins
   * into account: an opted-in pre-GA feature reports `OPT_IN`, one that is not
   * opted in reports `UNAVAILABLE`.
   */
  public featureSupport(feature: KubernetesFeature): FeatureSupport {
    [feature] = checkCall('ClusterProfile#featureSupport', [feature]) as [KubernetesFeature];
    return this._featureSupport(feature);
  }

  /**
   * `featureSupport` without the argument check, for the library's own callers.
   *
   * @internal
   */
  public _featureSupport(feature: KubernetesFeature): FeatureSupport {
    const support = Compatibility._support(feature, this.kubernetesVersion);
    if (support === FeatureSupport.OPT_IN && !this.optInFeatures.includes(feature)) {
      return FeatureSupport.UNAVAILABLE;
    }
    return support;
  }

  /** Whether the two profiles state the same facts. */
  public sameAs(other: ClusterProfile): boolean {
    [other] = checkCall('ClusterProfile#sameAs', [other]) as [ClusterProfile];
    return this.describe() === other.describe();
  }

  /** The profile's facts, one per line, for reports and error messages. */
  public describe(): string {
    return [
      `kubernetesVersion=${this.kubernetesVersion.version}`,
      `clusterDomain=${this.clusterDomain}`,
      `serviceCidr=${this.serviceCidrs.join(',')}`,
      `podCidr=${this._podCidrStated ? this.podCidrs.join(',') : '(default)'}`,
      `nodes=${this.nodes ?? '(tier)'}`,
      `maxPodsPerNode=${this.maxPodsPerNode ?? '(110)'}`,
      `services=${this.services ?? '(tier)'}`,
      `dnsServiceIp=${this.dnsServiceIp}`,
      `cpuCoresPerNode=${this.cpuCoresPerNode}`,
      `apiServer=${this.apiServerUrl ?? '(not set)'}`,
      `nodePortRange=${this.nodePortRange}`,
      `nodesShareL2Segment=${this.nodesShareL2Segment}`,
      `nodeResolvConf=${this.nodeResolvConf ?? '(kubelet default)'}`,
      `optInFeatures=${[...this.optInFeatures].sort().join(',') || '(none)'}`,
    ].join('\n');
  }
}

function parseCidrList(errors: ConfigErrors, prop: string, text: string): ParsedCidr[] {
  if (typeof text !== 'string' || text.trim() === '') {
    errors.add(prop, text, 'must be a CIDR such as 10.96.0.0/12, or a dual-stack pair "10.96.0.0/12,fd00:10:96::/108"');
    return [];
  }
  const parts = text.split(',');
  const out: ParsedCidr[] = [];
  for (const part of parts) {
    const c = errors.cidr(prop, part);
    if (c) out.push(c);
  }
  if (parts.length > 2 || (out.length === 2 && out[0].family === out[1].family)) {
    errors.add(prop, text, 'may hold at most two CIDRs, one IPv4 and one IPv6 (dual-stack)');
  }
  return out;
}

registerValueClass('ClusterProfile', ClusterProfile);

import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { CalicoEncapsulationMode } from './calico-encapsulation';
import { CalicoBpfLogLevel, CalicoExternalServiceMode, CalicoIpForwarding, CalicoLogSeverity, CalicoNftablesMode } from './calico-felix-enums';
import { CalicoInstallMethod } from './calico-install-method';
import { CniPlugin } from './cni-plugin';
import { clusterScoped } from '../core/_api-objects';
import { checkProps } from '../core/_boundary';
import { blocksOf } from '../core/_capacity';
import { ComponentContext, componentContext, pick, record } from '../core/_component';
import { showDuration } from '../core/_errors';
import { shownProp } from '../core/_input-names';
import { configMap, meta } from '../core/_k8s';
import { blockSize as addressCount, cidrContains, cidrsOverlap, isDnsSubdomain, overlapsLinkLocal, parseCidr, ParsedCidr } from '../core/_net';
import { ClusterProfile } from '../core/cluster-profile';
import { DecisionSource } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';

/** One Calico IPPool. */
export interface CalicoIpPoolOptions {
  /**
   * Name of the pool.
   *
   * @default 'default-ipv4-ippool' / 'default-ipv6-ippool'
   */
  readonly name?: string;

  /** The pool CIDR; must be a network address, outside link-local space. */
  readonly cidr: string;

  /**
   * VXLAN encapsulation (`vxlanMode`).
   *
   * @default - the tier's (Always, the guide's)
   */
  readonly vxlanMode?: CalicoEncapsulationMode;

  /**
   * IPIP encapsulation (`ipipMode`); never on IPv6 pools, never with VXLAN.
   *
   * @default - the tier's (Never)
   */
  readonly ipipMode?: CalicoEncapsulationMode;

  /**
   * Masquerade traffic leaving the pool (`natOutgoing`).
   *
   * @default - the tier's (true)
   */
  readonly natOutgoing?: boolean;

  /**
   * Prefix length of the per-node blocks (`blockSize`): 20..32 for IPv4, 116..128 for IPv6.
   *
   * @default - the tier's 26 (IPv4) / 122 (IPv6)
   */
  readonly blockSize?: number;

  /**
   * Nodes that use this pool (`nodeSelector`).
   *
   * @default 'all()'
   */
  readonly nodeSelector?: string;
}

/** Options of `CalicoTuning`: its properties except the tier and the profile, which a parent such as `NetworkTuning` decides once for every component. */
export interface CalicoTuningOptions {
  /**
   * How Calico is installed. With the tigera-operator the data plane and the pools go in
   * its `Installation` (the operator owns FelixConfiguration `bpfEnabled` and the pools:
   * editing them directly degrades it); with the manifest they are FelixConfiguration and
   * IPPool objects.
   *
   * @default CalicoInstallMethod.MANIFEST (the guide's objects)
   */
  readonly installMethod?: CalicoInstallMethod;

  /**
   * The eBPF data plane (`bpfEnabled`, or `linuxDataplane: BPF` with the operator). It replaces
   * kube-proxy, so no TunedKubeProxy may be in the app, and it needs the profile's `apiServerHost`.
   *
   * @default - the tier's (false: the guide enables it, but it replaces kube-proxy)
   */
  readonly bpfEnabled?: boolean;

  /**
   * `bpfDisableUnprivileged`. Calico's default (true) keeps
   * `kernel.unprivileged_bpf_disabled` set; false is a security downgrade and needs
   * `allowUnprivilegedBpf`. (The guide's `bpfDisableUnprivilegedBPF` does not exist.)
   *
   * @default - not set (Calico: true)
   */
  readonly bpfDisableUnprivileged?: boolean;

  /**
   * Accept `bpfDisableUnprivileged: false`.
   *
   * @default false
   */
  readonly allowUnprivilegedBpf?: boolean;

  /**
   * `bpfLogLevel`.
   *
   * @default - the tier's (Off)
   */
  readonly bpfLogLevel?: CalicoBpfLogLevel;

  /**
   * `bpfExternalServiceMode` (eBPF only).
   *
   * @default - not set (Calico: Tunnel)
   */
  readonly bpfExternalServiceMode?: CalicoExternalServiceMode;

  /**
   * `ipForwarding`.
   *
   * @default - the tier's (Enabled)
   */
  readonly ipForwarding?: CalicoIpForwarding;

  /**
   * `logSeverityScreen`.
   *
   * @default - the tier's (Warning)
   */
  readonly logSeverityScreen?: CalicoLogSeverity;

  /**
   * `reportingInterval`: how often Felix writes status reports to the datastore. calico-node
   * sets it to 0 at startup (FELIX_REPORTINGINTERVALSECS; node/pkg/lifecycle/startup) because
   * only OpenStack reads them; set it only for an OpenStack deployment.
   *
   * @default - not set (calico-node's 0: no reports)
   */
  readonly reportingInterval?: Duration;

  /**
   * `nftablesMode` (Calico 3.29+). With the operator it becomes `linuxDataplane: Nftables`
   * (Enabled, Auto) or `Iptables` (Disabled): the operator owns the field.
   *
   * @default - not set (Calico 3.32: Auto, following kube-proxy)
   */
  readonly nftablesMode?: CalicoNftablesMode;

  /**
   * IP pools.
   *
   * @default - one pool per Pod CIDR of the profile, with the tier's encapsulation
   */
  readonly ipPools?: CalicoIpPoolOptions[];

  /**
   * Namespace of the `kubernetes-services-endpoint` ConfigMap eBPF mode needs (calico-node
   * reads it from its own namespace).
   *
   * @default - 'tigera-operator' with the operator, 'kube-system' with the manifest
   */
  readonly servicesEndpointNamespace?: string;
}

/** Properties of `CalicoTuning`. */
export interface CalicoTuningProps extends CalicoTuningOptions {
  /**
   * The scale tier.
   *
   * @default ScaleTier.SMALL
   */
  readonly tier?: ScaleTier;

  /**
   * The cluster (Pod CIDR for the default pools, API server for eBPF).
   *
   * @default - a default ClusterProfile
   */
  readonly profile?: ClusterProfile;
}

/**
 * Calico tuned as in the guide's "Calico 优化": the FelixConfiguration `default`
 * and the IPPools, in `projectcalico.org/v3` with the real field names, validated
 * as Calico's CRDs do; with the tigera-operator, its `Installation` carries the data
 * plane and the pools instead. In eBPF mode also the `kubernetes-services-endpoint`
 * ConfigMap, which gives Felix the API server's real address (the `kubernetes`
 * Service IP is served by Felix itself).
 *
 * The objects need Calico's API server or its v3 CRDs (Calico 3.32+). A pool's `cidr`
 * and `blockSize` cannot change once it exists (Calico rejects the update): the values
 * must be right before calico-node or the operator first creates the pool.
 */
export class CalicoTuning extends Construct {
  /** The FelixConfiguration `default`, for escape hatches such as `addJsonPatch`. */
  public readonly felixConfiguration: ApiObject;
  /**
   * The tigera-operator's Installation `default` (with the operator install method).
   *
   * @default - none with manifest installs
   */
  public readonly installation?: ApiObject;
  /** The IPPools, in the order of `ipPools` (none with the operator: its Installation holds them). */
  public readonly ipPoolObjects: ApiObject[];
  /**
   * The `kubernetes-services-endpoint` ConfigMap (eBPF mode).
   *
   * @default - none outside eBPF mode
   */
  public readonly servicesEndpoint?: ApiObject;

  private readonly ctx: ComponentContext;

  public constructor(scope: Construct, id: string, props: CalicoTuningProps = {}) {
    super(scope, id);
    props = checkProps(this, 'CalicoTuningProps', props);
    this.ctx = componentContext(this, props.tier, props.profile);
    const { errors, settings, profile, state } = this.ctx;
    const c = settings.calico;

    const installMethod = props.installMethod ?? CalicoInstallMethod.MANIFEST;
    errors.oneOf('installMethod', installMethod, Object.values(CalicoInstallMethod));
    const operator = installMethod === CalicoInstallMethod.OPERATOR;
    const bpfEnabled = pick(this.ctx, 'bpfEnabled', props.bpfEnabled, c.bpfEnabled);
    // The operator writes bpfEnabled from linuxDataplane and refuses (degrades) when someone
    // else changed it (tigera/operator pkg/controller/installation: bpfEnabled is owned).
    const spec: Record<string, unknown> = operator ? {} : { bpfEnabled };
    if (props.bpfDisableUnprivileged !== undefined) {
      if (props.bpfDisableUnprivileged === false && !props.allowUnprivilegedBpf) {
        errors.add('bpfDisableUnprivileged', false, "lets unprivileged users load BPF programs (a security downgrade): set 'allowUnprivilegedBpf' to accept it");
      }
      if (props.bpfDisableUnprivileged === false && props.allowUnprivilegedBpf) {
        state.warn(this, 'CALICO-UNPRIVILEGED-BPF', `'${shownProp(this, 'bpfDisableUnprivileged')}' (false): unprivileged users may load BPF programs on every node`,
          'keep Calico\'s default unless a workload needs unprivileged BPF');
      }
      spec.bpfDisableUnprivileged = props.bpfDisableUnprivileged;
      record(this.ctx, 'bpfDisableUnprivileged', props.bpfDisableUnprivileged, DecisionSource.OVERRIDE, 'set by the user');
    } else {
      record(this.ctx, 'bpfDisableUnprivileged', '(Calico default: true)', DecisionSource.UPSTREAM,
        'the guide\'s bpfDisableUnprivilegedBPF: false names no Calico field (the CRD would prune it); the real field stays at its secure default');
    }
    const bpfLogLevel = pick(this.ctx, 'bpfLogLevel', props.bpfLogLevel, c.bpfLogLevel);
    errors.oneOf('bpfLogLevel', bpfLogLevel, Object.values(CalicoBpfLogLevel));
    spec.bpfLogLevel = bpfLogLevel;
    if (props.bpfExternalServiceMode !== undefined) {
      errors.oneOf('bpfExternalServiceMode', props.bpfExternalServiceMode, Object.values(CalicoExternalServiceMode));
      if (!bpfEnabled) errors.addMissing('bpfExternalServiceMode', "only applies with 'bpfEnabled'");
      spec.bpfExternalServiceMode = props.bpfExternalServiceMode;
    }
    const ipForwarding = pick(this.ctx, 'ipForwarding', props.ipForwarding, c.ipForwarding);
    errors.oneOf('ipForwarding', ipForwarding, Object.values(CalicoIpForwarding));
    spec.ipForwarding = ipForwarding;
    const logSeverity = pick(this.ctx, 'logSeverityScreen', props.logSeverityScreen, c.logSeverityScreen);
    errors.oneOf('logSeverityScreen', logSeverity, Object.values(CalicoLogSeverity));
    spec.logSeverityScreen = logSeverity;
    if (props.reportingInterval !== undefined) {
      if (errors.duration('reportingInterval', props.reportingInterval, Duration.seconds(0))) spec.reportingInterval = showDuration(props.reportingInterval);
      record(this.ctx, 'reportingInterval', showDuration(props.reportingInterval), DecisionSource.OVERRIDE, 'set by the user (status reports are read by OpenStack only)');
    } else {
      record(this.ctx, 'reportingInterval', '(calico-node: 0)', DecisionSource.UPSTREAM,
        'not written: calico-node sets 0 at startup on purpose (node/pkg/lifecycle/startup; only OpenStack reads status reports), the guide\'s 30s would add datastore writes per node');
    }
    if (props.nftablesMode !== undefined) {
      errors.oneOf('nftablesMode', props.nftablesMode, Object.values(CalicoNftablesMode));
      if (!operator) spec.nftablesMode = props.nftablesMode;
      record(this.ctx, 'nftablesMode', props.nftablesMode, DecisionSource.OVERRIDE, operator ? 'set by the user: written as the Installation\'s linuxDataplane' : 'set by the user');
    }

    const endpointNs = props.servicesEndpointNamespace ?? (operator ? 'tigera-operator' : 'kube-system');
    errors.namespace('servicesEndpointNamespace', endpointNs);
    if (bpfEnabled && !profile.apiServerHost) {
      errors.addMissing('bpfEnabled', "needs the profile's 'apiServerHost': in eBPF mode Felix serves the 'kubernetes' Service itself and must reach the API server directly");
    }

    const pools = this.pools(props.ipPools);
    errors.throwIfAny();

    this.felixConfiguration = clusterScoped(new ApiObject(this, 'FelixConfiguration', {
      apiVersion: 'projectcalico.org/v3',
      kind: 'FelixConfiguration',
      metadata: meta('default', undefined),
      spec,
    }));
    if (operator) {
      const linuxDataplane = bpfEnabled ? 'BPF'
        : props.nftablesMode === CalicoNftablesMode.ENABLED || props.nftablesMode === CalicoNftablesMode.AUTO ? 'Nftables' : 'Iptables';
      this.installation = clusterScoped(new ApiObject(this, 'Installation', {
        apiVersion: 'operator.tigera.io/v1',
        kind: 'Installation',
        // The operator reads the Installation named default (utils.DefaultInstanceKey).
        metadata: meta('default', undefined),
        spec: { calicoNetwork: { linuxDataplane, ipPools: pools.map((p) => operatorPool(p)) } },
      }));
      record(this.ctx, 'Installation.calicoNetwork.linuxDataplane', linuxDataplane, DecisionSource.DERIVED,
        'the tigera-operator writes FelixConfiguration bpfEnabled (and nftablesMode) from it; the pools are the Installation\'s, created and owned by the operator');
      this.ipPoolObjects = [];
    } else {
      this.ipPoolObjects = pools.map((pool) => clusterScoped(new ApiObject(this, `IPPool-${pool.name}`, {
        apiVersion: 'projectcalico.org/v3',
        kind: 'IPPool',
        metadata: meta(pool.name, undefined),
        spec: pool.spec,
      })));
      this.warnImmutablePools(pools);
    }
    if (bpfEnabled) {
      this.servicesEndpoint = configMap(this, 'ServicesEndpoint', {
        metadata: meta('kubernetes-services-endpoint', endpointNs),
        data: { KUBERNETES_SERVICE_HOST: profile.apiServerHost!, KUBERNETES_SERVICE_PORT: String(profile.apiServerPort) },
      });
      record(this.ctx, 'kubernetes-services-endpoint', `${profile.apiServerHost}:${profile.apiServerPort}`, DecisionSource.DERIVED,
        'the profile\'s API server: eBPF mode replaces kube-proxy, so Felix cannot use the kubernetes Service');
    }

    state.register({
      kind: 'cni',
      scope: this,
      profile,
      tier: this.ctx.tier,
      plugin: CniPlugin.CALICO,
      replacesKubeProxyWith: bpfEnabled ? 'Calico eBPF (bpfEnabled)' : undefined,
      enforcesNetworkPolicy: true,
      calicoNftablesMode: props.nftablesMode,
    });
  }

  private pools(given: CalicoIpPoolOptions[] | undefined): Array<{ name: string; spec: Record<string, unknown> }> {
    const { errors, settings } = this.ctx;
    const c = settings.calico;
    const plan = this.ctx.state.plan();
    const capacity = plan.capacity;
    const options: CalicoIpPoolOptions[] = given ?? plan.podCidrs.map((cidr) => ({ cidr: cidr.text }));
    if (given !== undefined && given.length === 0) errors.add('ipPools', given, 'must list at least one pool');
    const names = new Set<string>();
    const parsed: Array<ParsedCidr | undefined> = [];
    const pools = options.map((o, i) => {
      const at = `ipPools[${i}]`;
      const cidr = errors.cidr(`${at}.cidr`, o.cidr);
      parsed.push(cidr);
      // calico-ipam hands out each address once per pool: overlapping pools give two pods one IP
      // (Calico refuses overlapping IPPools at admission, projectcalico/calico libcalico-go ippool validation).
      const clash = cidr ? parsed.findIndex((other, j) => j < i && other !== undefined && cidrsOverlap(other, cidr)) : -1;
      if (clash >= 0) errors.add(`${at}.cidr`, o.cidr, `overlaps 'ipPools[${clash}].cidr' (${options[clash].cidr}): pools must not share addresses`);
      const service = cidr ? this.ctx.profile._serviceCidrs.find((sc) => cidrsOverlap(sc, cidr)) : undefined;
      if (service) errors.add(`${at}.cidr`, o.cidr, `overlaps the profile's Service CIDR (${service.text}): a pod could get a ClusterIP that kube-proxy rewrites`);
      const v6 = cidr?.family === 6;
      const name = o.name ?? (v6 ? 'default-ipv6-ippool' : 'default-ipv4-ippool');
      if (!isDnsSubdomain(name)) errors.add(`${at}.name`, name, 'must be a lowercase DNS name');
      if (names.has(name)) errors.add(`${at}.name`, name, 'is used by another pool');
      names.add(name);
      const vxlan = o.vxlanMode ?? c.vxlanMode.value;
      const ipip = o.ipipMode ?? c.ipipMode.value;
      errors.oneOf(`${at}.vxlanMode`, vxlan, Object.values(CalicoEncapsulationMode));
      errors.oneOf(`${at}.ipipMode`, ipip, Object.values(CalicoEncapsulationMode));
      // Calico's CEL rules (api/pkg/apis/projectcalico/v3/ippool.go).
      if (vxlan !== CalicoEncapsulationMode.NEVER && ipip !== CalicoEncapsulationMode.NEVER) {
        errors.add(`${at}.ipipMode`, ipip, `cannot be enabled together with vxlanMode (${vxlan}): ipipMode and vxlanMode cannot both be enabled`);
      }
      if (v6 && ipip !== CalicoEncapsulationMode.NEVER) errors.add(`${at}.ipipMode`, ipip, 'must be Never: IPIP is not supported on IPv6 pools');
      const [lo, hi] = v6 ? [116, 128] : [20, 32];
      let blockSize = o.blockSize ?? (v6 ? 122 : c.blockSize.value);
      // Each node claims at least one block (Calico IPAM block affinity); a pool with fewer blocks than
      // planned nodes makes the rest borrow single addresses from others' blocks (/32 routes each).
      // A default block size shrinks to give every node one; blockSize cannot change later (CRD rule).
      if (o.blockSize === undefined && cidr && blocksOf(cidr, blockSize) < BigInt(capacity.nodes)) {
        const fitted = cidr.prefix + Math.ceil(Math.log2(capacity.nodes));
        if (fitted <= hi) {
          record(this.ctx, `ipPool[${o.name ?? (v6 ? 'default-ipv6-ippool' : 'default-ipv4-ippool')}].blockSize`, fitted, DecisionSource.COMPATIBILITY,
            `a /${blockSize} block per node gives ${o.cidr} ${blocksOf(cidr, blockSize)} blocks for ${capacity.nodes} planned nodes (${capacity.nodesFrom}): /${fitted} gives each node one`);
          blockSize = fitted;
        }
      }
      errors.int(`${at}.blockSize`, blockSize, lo, hi);
      if (cidr && Number.isInteger(blockSize) && cidr.prefix > blockSize) {
        errors.add(`${at}.blockSize`, blockSize, `must be >= the pool's prefix length (/${cidr.prefix}): the pool is smaller than one block`);
      }
      if (cidr && overlapsLinkLocal(cidr)) errors.add(`${at}.cidr`, o.cidr, `must not overlap link-local space (${v6 ? 'fe80::/10' : '169.254.0.0/16'})`);
      if (cidr && !plan.podCidrs.some((p) => inside(cidr, p))) {
        this.ctx.state.warn(this, 'CALICO-POOL-OUTSIDE-POD-CIDR', `'${shownProp(this, `${at}.cidr`)}' (${o.cidr}) is not inside the profile's Pod CIDR (${plan.podCidrs.map((p) => p.text).join(',')}): kube-proxy's clusterCIDR and the kubelet disagree with the addresses pods get`,
          'make the pools and the profile\'s podCidr describe the same range');
      }
      if (o.nodeSelector !== undefined && (o.nodeSelector.length === 0 || o.nodeSelector.length > 1024 || /[\n"`]/.test(o.nodeSelector))) {
        errors.add(`${at}.nodeSelector`, o.nodeSelector, 'must be a Calico selector expression of 1..1024 characters, e.g. all() or zone == "a"');
      }
      const natOutgoing = o.natOutgoing ?? c.natOutgoing.value;
      record(this.ctx, `ipPool[${name}]`, `${o.cidr} vxlan=${vxlan} ipip=${ipip} nat=${natOutgoing} block=/${blockSize}`,
        given ? DecisionSource.OVERRIDE : DecisionSource.TIER, given ? 'set by the user' : `${this.ctx.tier} tier: ${c.vxlanMode.reason}; ${plan.podCidrFrom}`);
      return {
        name,
        spec: { cidr: o.cidr, vxlanMode: vxlan, ipipMode: ipip, natOutgoing, blockSize, nodeSelector: o.nodeSelector ?? 'all()' },
      };
    });
    this.checkCapacity(pools, given !== undefined);
    return pools;
  }

  /**
   * calico-node creates `default-ipv4-ippool` at its first start when no IPv4 pool exists, from
   * CALICO_IPV4POOL_CIDR (192.168.0.0/16 unset) and CALICO_IPV4POOL_BLOCK_SIZE (26), and
   * Calico refuses later changes to a pool's cidr or blockSize ("IPPool CIDR cannot be
   * modified", libcalico-go clientv3/ippool.go): apply fails unless calico-node was set up to match.
   */
  private warnImmutablePools(pools: Array<{ name: string; spec: Record<string, unknown> }>): void {
    const env = pools.map((p) => {
      const v6 = String(p.spec.cidr).includes(':');
      const f = v6 ? 'IPV6' : 'IPV4';
      return `CALICO_${f}POOL_CIDR=${p.spec.cidr} CALICO_${f}POOL_BLOCK_SIZE=${p.spec.blockSize}`;
    });
    for (const p of pools) {
      record(this.ctx, `ipPool[${p.name}].immutable`, `cidr ${p.spec.cidr}, blockSize ${p.spec.blockSize}`, DecisionSource.UPSTREAM,
        'cannot change once the pool exists: calico-node must create it with these values, or not create one (NO_DEFAULT_POOLS=true)');
    }
    this.ctx.state.warn(this, 'CALICO-IPPOOL-IMMUTABLE',
      `IPPool ${pools.map((p) => `'${p.name}' (${p.spec.cidr}, blockSize ${p.spec.blockSize})`).join(', ')}: cidr and blockSize cannot change once a pool exists, `
      + 'and calico-node creates default-ipv4-ippool at first start from CALICO_IPV4POOL_CIDR (192.168.0.0/16 when unset): applying a different pool then fails',
      `before calico-node first starts set ${env.join(' ')} on it (or NO_DEFAULT_POOLS=true and apply these pools first), or install with the tigera-operator `
      + '(installMethod: CalicoInstallMethod.OPERATOR); on a running cluster create a new pool and migrate instead of editing one');
  }

  /** The pools of each family must hold every planned node's pods (Calico IPAM hands out addresses from any pool of the family). */
  private checkCapacity(pools: Array<{ name: string; spec: Record<string, unknown> }>, given: boolean): void {
    const { capacity } = this.ctx.state.plan();
    for (const family of [4, 6] as const) {
      const cidrs = pools.map((p) => parseCidr(String(p.spec.cidr))).filter((x): x is ParsedCidr => x !== undefined && x.family === family);
      if (cidrs.length === 0) continue;
      const addresses = cidrs.reduce((n, x) => n + addressCount(x), 0n);
      const needed = BigInt(capacity.nodes) * BigInt(capacity.podsPerNode);
      if (addresses < needed) {
        const prop = given ? 'ipPools' : 'podCidr';
        this.ctx.errors.add(prop, cidrs.map((x) => x.text).join(','), `holds ${addresses} IPv${family} addresses; ${capacity.nodes} nodes × ${capacity.podsPerNode} pods need ${needed} `
          + `(${capacity.nodesFrom}): use a /${(family === 4 ? 32 : 128) - Math.ceil(Math.log2(Number(needed)))} or larger`);
      }
    }
  }
}

function inside(inner: ParsedCidr, outer: ParsedCidr): boolean {
  return inner.family === outer.family && inner.prefix >= outer.prefix && cidrContains(outer, { family: inner.family, value: inner.network, text: '' });
}

/** An IPPool in the operator's Installation shape (tigera/operator api/v1 IPPool). */
function operatorPool(pool: { name: string; spec: Record<string, unknown> }): Record<string, unknown> {
  const { cidr, vxlanMode, ipipMode, natOutgoing, blockSize, nodeSelector } = pool.spec;
  const cross = (m: unknown) => m === CalicoEncapsulationMode.CROSS_SUBNET ? 'CrossSubnet' : '';
  const encapsulation = vxlanMode !== CalicoEncapsulationMode.NEVER ? `VXLAN${cross(vxlanMode)}`
    : ipipMode !== CalicoEncapsulationMode.NEVER ? `IPIP${cross(ipipMode)}` : 'None';
  return { name: pool.name, cidr, blockSize, encapsulation, natOutgoing: natOutgoing ? 'Enabled' : 'Disabled', nodeSelector };
}

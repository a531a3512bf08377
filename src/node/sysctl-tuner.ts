import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { APPLY_SYSCTLS_SCRIPT } from './_apply-sysctls-script';
import { SysctlCatalogue, SysctlScope } from './sysctl-catalogue';
import { checkProps } from '../core/_boundary';
import { ComponentContext, componentContext, record } from '../core/_component';
import { showDuration } from '../core/_errors';
import { appListeners, hostPorts, portList, portsOf } from '../core/_host-ports';
import { PAUSE_IMAGE, SYSCTL_INIT_IMAGE } from '../core/_images';
import { shownProp } from '../core/_input-names';
import { apiObject, CONFIG_HASH_ANNOTATION, configMap, hashOf, KUBE_SYSTEM, LINUX_NODE_SELECTOR, meta, resources, TOLERATE_ALL } from '../core/_k8s';
import { lazyValue } from '../core/_lazy';
import { ClusterProfile } from '../core/cluster-profile';
import { DecisionSource } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';
import { KubeProxyMode } from '../kube-proxy/kube-proxy-mode';

/** Options of `SysctlTuner`: its properties except the tier and the profile, which a parent such as `NetworkTuning` decides once for every component. */
export interface SysctlTunerOptions {
  /**
   * Sysctls to add to the preset or to override in it, as they are written to
   * the sysctl file (`{ 'net.core.somaxconn': '65535' }`).
   *
   * @default - the tier's preset only
   */
  readonly sysctls?: Record<string, string>;

  /**
   * Preset keys to leave out.
   *
   * @default - none
   */
  readonly removeSysctls?: string[];

  /**
   * Emit keys that are not in `SysctlCatalogue` (their syntax is still checked).
   *
   * @default false
   */
  readonly allowUnknownSysctls?: boolean;

  /**
   * Run only on nodes with these labels (in addition to `kubernetes.io/os: linux`).
   *
   * @default - every Linux node
   */
  readonly nodeSelector?: Record<string, string>;

  /**
   * Image of the init step that writes the sysctls (needs `sh`, `tr` and `sed`).
   *
   * @default 'docker.io/library/busybox:1.36.1'
   */
  readonly initImage?: string;

  /**
   * Image of the long-running container when `reapplyInterval` is 0 (it only keeps the pod Ready).
   *
   * @default 'registry.k8s.io/pause:3.10'
   */
  readonly pauseImage?: string;

  /**
   * How often the long-running container applies the file again, so keys whose module
   * is loaded later (br_netfilter by the container runtime, ip_vs by kube-proxy) still get
   * their values. 0 applies once and keeps the pod Ready with a pause container.
   *
   * @default Duration.minutes(5)
   */
  readonly reapplyInterval?: Duration;
}

/** Properties of `SysctlTuner`. */
export interface SysctlTunerProps extends SysctlTunerOptions {
  /**
   * The scale tier whose sysctl preset applies (the guide's `99-kubernetes-network.conf`).
   *
   * @default ScaleTier.SMALL
   */
  readonly tier?: ScaleTier;

  /**
   * The cluster (Kubernetes version, NodePort range).
   *
   * @default - a default ClusterProfile
   */
  readonly profile?: ClusterProfile;
}

/** One sysctl as emitted, and why. */
interface Effective {
  readonly value: string;
  readonly source: DecisionSource;
  readonly reason: string;
}

const NAME = 'network-sysctl-tuner';
const CONF_FILE = '99-kubernetes-network.conf';
const MOUNT = '/etc/network-sysctl-tuner';

/**
 * Node kernel parameters for a scale tier: the guide's "内核参数调优" and the
 * system side of "连接跟踪优化".
 *
 * Emits a ConfigMap with the sysctl file and a DaemonSet in `kube-system` that
 * applies it on every node: a privileged, host-network init step writes
 * `/proc/sys`, then a pause container keeps the pod Ready. A hash of the file
 * in the pod template rolls the DaemonSet when the parameters change.
 *
 * Per-namespace keys (`net.core.somaxconn`, `net.ipv4.tcp_tw_reuse`,
 * `net.ipv4.ip_local_port_range`, ...) set here reach only host-network pods;
 * use `PodSysctlTuning` for other pods.
 *
 * When a `TunedKubeProxy` is in the same app, kube-proxy owns the conntrack
 * keys it writes at start (`nf_conntrack_max`, the established and close-wait
 * timeouts): the tuner leaves them out unless you set them explicitly, and
 * then the two must agree.
 */
export class SysctlTuner extends Construct {
  /** The DaemonSet that writes the sysctls on every node, for escape hatches such as `addJsonPatch`. */
  public readonly daemonSet: ApiObject;
  /** The ConfigMap holding the sysctl file. */
  public readonly configMap: ApiObject;

  private readonly ctx: ComponentContext;
  private readonly preset: Map<string, Effective>;
  private readonly explicit: Map<string, string>;
  private lastEffective?: Map<string, Effective>;
  private dropped = new Map<string, string>();

  public constructor(scope: Construct, id: string, props: SysctlTunerProps = {}) {
    super(scope, id);
    props = checkProps(this, 'SysctlTunerProps', props);
    this.ctx = componentContext(this, props.tier, props.profile);
    const { errors, settings } = this.ctx;
    const allowUnknown = props.allowUnknownSysctls ?? false;

    const removed = new Set(props.removeSysctls ?? []);
    for (const key of removed) {
      if (!(key in settings.sysctls)) {
        errors.add('removeSysctls', key, `is not in the ${this.ctx.tier} tier's preset (${Object.keys(settings.sysctls).join(', ')})`);
      }
    }

    this.preset = new Map();
    for (const [key, rule] of Object.entries(settings.sysctls)) {
      if (removed.has(key)) continue;
      this.preset.set(key, { value: rule.value, source: DecisionSource.TIER, reason: `${this.ctx.tier} tier: ${rule.reason}` });
    }

    this.explicit = new Map();
    for (const [key, value] of Object.entries(props.sysctls ?? {})) {
      const canonical = SysctlCatalogue._check(errors, 'sysctls', key, value, allowUnknown);
      const earlier = this.explicit.get(canonical);
      if (earlier !== undefined && earlier !== value) {
        errors.add(`sysctls[${key}]`, value, `conflicts with '${canonical}' (${earlier}): the two keys name the same kernel setting`);
      }
      this.explicit.set(canonical, value);
    }
    if (this.explicit.get('kernel.unprivileged_bpf_disabled') === '0') {
      this.ctx.state.warn(this, 'SYSCTL-UNPRIVILEGED-BPF',
        `'${shownProp(this, 'sysctls[kernel.unprivileged_bpf_disabled]')}' (0) lets unprivileged users load BPF programs, a security downgrade (Calico eBPF sets it to 1 itself)`,
        'leave the key out unless a workload needs unprivileged BPF');
    }

    // The tuner is a Linux DaemonSet (sysctl, modprobe): its OS selector is not the caller's to change.
    errors.labels('nodeSelector', props.nodeSelector, false, LINUX_NODE_SELECTOR);
    const nodeSelector = { ...LINUX_NODE_SELECTOR, ...(props.nodeSelector ?? {}) };
    const initImage = props.initImage ?? SYSCTL_INIT_IMAGE;
    const pauseImage = props.pauseImage ?? PAUSE_IMAGE;
    errors.image('initImage', initImage);
    errors.image('pauseImage', pauseImage);
    const reapply = props.reapplyInterval ?? Duration.minutes(5);
    const reapplySeconds = errors.duration('reapplyInterval', reapply, Duration.seconds(0), Duration.days(1)) ? reapply.toSeconds({ integral: false }) : 0;
    if (reapplySeconds > 0 && (!Number.isInteger(reapplySeconds) || reapplySeconds < 10)) {
      errors.add('reapplyInterval', reapply, 'must be 0 or whole seconds of at least 10s');
    }
    errors.throwIfAny();
    record(this.ctx, 'reapplyInterval', showDuration(reapply), props.reapplyInterval ? DecisionSource.OVERRIDE : DecisionSource.DERIVED,
      props.reapplyInterval ? 'set by the user' : 'keys of modules loaded after boot (br_netfilter, ip_vs) get their values within minutes');

    const file = lazyValue(this, `ConfigMap data[${CONF_FILE}]`, () => this.renderFile());
    const modules = lazyValue(this, 'ConfigMap data[modules]', () => this.modules().join('\n') + '\n');
    const atLeast = lazyValue(this, 'ConfigMap data[at-least]', () => this.atLeastKeys().join('\n') + '\n');
    const sysctlsConfigMap = this.configMap = configMap(this, 'ConfigMap', {
      metadata: meta(NAME, KUBE_SYSTEM, { 'app.kubernetes.io/name': NAME }),
      data: { [CONF_FILE]: file, 'modules': modules, 'at-least': atLeast, 'apply-sysctls.sh': APPLY_SYSCTLS_SCRIPT },
    });

    const labels = { 'app.kubernetes.io/name': NAME };
    const mounts = [{ name: 'sysctls', mountPath: MOUNT, readOnly: true }];
    // The long-running container applies the file again every few minutes: it writes /proc/sys and
    // loads modules through the host's modprobe, so it needs the same privileges as the first pass.
    const main = reapplySeconds > 0
      ? {
        name: 'reapply-sysctls',
        image: initImage,
        imagePullPolicy: 'IfNotPresent',
        command: ['sh', `${MOUNT}/apply-sysctls.sh`, MOUNT, '--watch', String(reapplySeconds)],
        securityContext: { privileged: true },
        resources: resources('5m', '16Mi', '32Mi'),
        volumeMounts: mounts,
      }
      : {
        name: 'pause',
        image: pauseImage,
        imagePullPolicy: 'IfNotPresent',
        securityContext: {
          runAsNonRoot: true,
          runAsUser: 65535,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
        resources: resources('1m', '8Mi', '16Mi'),
      };
    this.daemonSet = apiObject(this, 'DaemonSet', 'apps/v1', 'DaemonSet', {
      metadata: meta(NAME, KUBE_SYSTEM, labels),
      spec: {
        selector: { matchLabels: labels },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } },
        template: {
          metadata: {
            labels,
            annotations: {
              [CONFIG_HASH_ANNOTATION]: lazyValue(this, 'DaemonSet config-hash annotation',
                () => hashOf(this.renderFile() + this.modules().join() + this.atLeastKeys().join() + APPLY_SYSCTLS_SCRIPT)),
            },
          },
          spec: {
            // net.* keys must land in the host's network namespace.
            hostNetwork: true,
            // nsenter -t 1 -m: modules are loaded with the host's own modprobe.
            hostPID: true,
            priorityClassName: 'system-node-critical',
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 5,
            nodeSelector,
            tolerations: TOLERATE_ALL,
            initContainers: [{
              name: 'apply-sysctls',
              image: initImage,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', `${MOUNT}/apply-sysctls.sh`, MOUNT],
              // /proc/sys is read-only in unprivileged containers: writing node
              // sysctls is what this pod is for.
              securityContext: { privileged: true },
              resources: resources('10m', '16Mi', '32Mi'),
              volumeMounts: mounts,
            }],
            containers: [main],
            volumes: [{ name: 'sysctls', configMap: { name: sysctlsConfigMap.name } }],
          },
        },
      },
    });

    const self = this;
    this.ctx.state.register({
      kind: 'sysctl-tuner',
      scope: this,
      profile: this.ctx.profile,
      tier: this.ctx.tier,
      get explicitSysctls() {
        return Object.fromEntries(self.explicit);
      },
      get effectiveSysctls() {
        return Object.fromEntries([...self._effective].map(([k, e]) => [k, e.value]));
      },
    }, () => this.recordDecisions());
  }

  /**
   * The sysctl file as it will be emitted, given the components now in the app.
   * Call it after adding every component (a later TunedKubeProxy changes it).
   */
  public renderFile(): string {
    const effective = this.effective();
    const lines = [...effective.keys()].sort().map((key) => `${key} = ${effective.get(key)!.value}`);
    return `# Generated by cdk8s-network-tuning (tier: ${this.ctx.tier}). Applied by the ${NAME} DaemonSet.\n${lines.join('\n')}\n`;
  }

  /** The emitted keys that are per network namespace: on the host they reach only host-network pods. */
  public namespacedKeys(): string[] {
    return [...this.effective().keys()].filter((k) => SysctlCatalogue.lookup(k)?.scope === SysctlScope.NAMESPACED).sort();
  }

  private recordDecisions(): void {
    const effective = this.effective();
    for (const key of new Set([...this.preset.keys(), ...this.explicit.keys(), ...effective.keys()])) {
      const e = effective.get(key);
      if (!e) continue;
      const info = SysctlCatalogue.lookup(key);
      // Per-network-namespace keys set here change the host's namespace only: say so, never claim pod effects.
      const hostOnly = info?.scope === SysctlScope.NAMESPACED && !info.forHost
        ? "; per network namespace: this sets the host's (node daemons, host-network pods), pods keep their own (PodSysctlTuning sets them)" : '';
      const floor = info?.atLeast ? '; a floor: a higher value the node has is kept' : '';
      record(this.ctx, `sysctls[${key}]`, e.value, e.source, `${e.reason}${hostOnly}${floor}`);
    }
    for (const [key, why] of this.dropped) {
      record(this.ctx, `sysctls[${key}]`, '(left out)', DecisionSource.COMPATIBILITY, why);
    }
  }

  /** Preset, then overrides, then what the plan adds: kube-proxy's keys out, neighbour tables, reserved ports. */
  private effective(): Map<string, Effective> {
    const out = new Map<string, Effective>(this.preset);
    for (const [key, value] of this.explicit) {
      out.set(key, { value, source: DecisionSource.OVERRIDE, reason: 'set by the user' });
    }
    const plan = this.ctx.state.plan();

    // kube-proxy writes these at start and overwrites other values (conntrack.go setIntSysCtl): the plan says whose they are.
    this.dropped = new Map();
    const kp = plan.conntrack.kubeProxy;
    if (kp) {
      const owned: Array<[string, number, string, string]> = [
        ['net.netfilter.nf_conntrack_max', kp.max, kp.maxFrom, 'set its conntrack.maxPerCore to 0'],
        ['net.netfilter.nf_conntrack_tcp_timeout_established', kp.tcpEstablishedSeconds, 'conntrack.tcpEstablishedTimeout', 'set its conntrack.tcpEstablishedTimeout to 0s'],
        ['net.netfilter.nf_conntrack_tcp_timeout_close_wait', kp.tcpCloseWaitSeconds, 'conntrack.tcpCloseWaitTimeout', 'set its conntrack.tcpCloseWaitTimeout to 0s'],
      ];
      for (const [key, value, from, hand] of owned) {
        if (value > 0 && out.get(key)?.source === DecisionSource.TIER) {
          out.delete(key);
          this.dropped.set(key, `[${kp.scope.node.path}] kube-proxy writes ${value} (${from}) at every start and would overwrite the tuner; ${hand} (kube-proxy then leaves it) or set the key explicitly to make the tuner own it`);
        }
      }
    }

    // Neighbour tables: on flat networks every other node (and each local pod) is a neighbour; the kernel's
    // gc_thresh3 of 1024 overflows ("neighbour table overflow") long before 5,000 nodes. The three are set together.
    const { capacity } = plan;
    const neighbours = 2 * (capacity.nodes + capacity.podsPerNode);
    if (neighbours > 1024) {
      const hard = 2 ** Math.ceil(Math.log2(neighbours));
      const families = plan.podCidrs.some((c) => c.family === 6) ? ['ipv4', 'ipv6'] : ['ipv4'];
      for (const family of families) {
        [hard / 4, hard / 2, hard].forEach((value, i) => {
          const key = `net.${family}.neigh.default.gc_thresh${i + 1}`;
          if (out.has(key)) return;
          out.set(key, {
            value: String(value),
            source: DecisionSource.DERIVED,
            reason: `${capacity.nodes} planned nodes and ${capacity.podsPerNode} pods per node are up to ${capacity.nodes + capacity.podsPerNode} neighbours (the kernel's gc_thresh3 is 1024): thresholds of ${hard / 4} / ${hard / 2} / ${hard}`,
          });
        });
      }
    }

    // Ephemeral ports must never take a node daemon's port or a NodePort (a restarting listener then fails with
    // EADDRINUSE): reserve those inside the range; the script merges them with what the node reserves already.
    const range = out.get('net.ipv4.ip_local_port_range')?.value;
    const m = range ? /^(\d+)\s+(\d+)$/.exec(range) : null;
    if (m) {
      const [lo, hi] = [Number(m[1]), Number(m[2])];
      const { nodePortMin, nodePortMax } = this.ctx.profile;
      const inRange = hostPorts(plan, appListeners(this.ctx.state)).filter((p) => p.port >= lo && p.port <= hi);
      const nodePorts = nodePortMin <= hi && nodePortMax >= lo;
      const wanted = [...inRange.map((p) => p.port), ...(nodePorts ? rangeOf(Math.max(lo, nodePortMin), Math.min(hi, nodePortMax)) : [])];
      const reserved = out.get('net.ipv4.ip_local_reserved_ports');
      if (!reserved && wanted.length > 0) {
        out.set('net.ipv4.ip_local_reserved_ports', {
          value: portList(wanted),
          source: DecisionSource.DERIVED,
          reason: `ip_local_port_range (${range}) holds ${[...(nodePorts ? [`the NodePort range ${this.ctx.profile.nodePortRange}`] : []), ...inRange.map((p) => `${p.who} (${p.port})`)].join(', ')}: `
            + 'reserved so outgoing connections never take them (merged with the node\'s own reservations at apply time)',
        });
      } else if (reserved) {
        const have = new Set(portsOf(reserved.value));
        const missing = wanted.filter((p) => !have.has(p));
        if (missing.length > 0) {
          this.ctx.state.warn(this, 'SYSCTL-NODEPORT-OVERLAP',
            `'${shownProp(this, 'sysctls[net.ipv4.ip_local_port_range]')}' (${range}) holds ports that 'net.ipv4.ip_local_reserved_ports' (${reserved.value}) does not reserve: ${portList(missing)}`
            + `${nodePorts ? ` (the NodePort range is ${this.ctx.profile.nodePortRange})` : ''}`,
            `add ${portList(missing)} to net.ipv4.ip_local_reserved_ports, or keep the port range above ${nodePortMax}`);
        }
      }
    }
    this.lastEffective = out;
    return out;
  }

  /** Kernel modules the emitted keys (and the data plane) need, loaded before the keys are written. */
  private modules(): string[] {
    const plan = this.ctx.state.plan();
    const out = new Set<string>();
    for (const key of this._effective.keys()) {
      const m = SysctlCatalogue._module(key);
      if (m) out.add(m);
    }
    if (plan.dataPlane.mode === KubeProxyMode.IPVS) {
      // kube-proxy's IPVS proxier needs ip_vs and the scheduler modules (kubespray kube-proxy role).
      for (const m of ['ip_vs', 'ip_vs_rr', 'ip_vs_wrr', 'ip_vs_sh', 'nf_conntrack']) out.add(m);
    }
    // node-cache creates a dummy interface for its addresses; numdummies=0 keeps modprobe from adding dummy0 (kubespray).
    if (plan.dns.nodeLocal) out.add('dummy numdummies=0');
    return [...out].sort();
  }

  /** Keys whose value is a floor: never lowered below what the node has. */
  private atLeastKeys(): string[] {
    return [...this._effective.keys()].filter((k) => SysctlCatalogue.lookup(k)?.atLeast).sort();
  }

  /** @internal The sysctls of the last rendering, for rules and tests. */
  public get _effective(): Map<string, Effective> {
    return this.lastEffective ?? this.effective();
  }
}

function rangeOf(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

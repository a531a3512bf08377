import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { APPLY_SYSCTLS_SCRIPT } from './_apply-sysctls-script';
import { SysctlCatalogue, SysctlScope } from './sysctl-catalogue';
import { ComponentContext, componentContext, record } from '../core/_component';
import { PAUSE_IMAGE, SYSCTL_INIT_IMAGE } from '../core/_images';
import { CONFIG_HASH_ANNOTATION, hashOf, KUBE_SYSTEM, LINUX_NODE_SELECTOR, meta, resources, TOLERATE_ALL } from '../core/_k8s';
import { ClusterProfile } from '../core/cluster-profile';
import { DecisionSource } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';

/** Properties of `SysctlTuner`. */
export interface SysctlTunerProps {
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
   * Image of the long-running container that keeps the pod Ready.
   *
   * @default 'registry.k8s.io/pause:3.10'
   */
  readonly pauseImage?: string;
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
  private readonly ctx: ComponentContext;
  private readonly preset: Map<string, Effective>;
  private readonly explicit: Map<string, string>;
  private lastEffective?: Map<string, Effective>;
  private dropped = new Map<string, string>();

  public constructor(scope: Construct, id: string, props: SysctlTunerProps = {}) {
    super(scope, id);
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
        "'sysctls[kernel.unprivileged_bpf_disabled]' (0) lets unprivileged users load BPF programs, a security downgrade (Calico eBPF sets it to 1 itself)",
        'leave the key out unless a workload needs unprivileged BPF');
    }

    const nodeSelector = { ...LINUX_NODE_SELECTOR, ...(props.nodeSelector ?? {}) };
    const initImage = props.initImage ?? SYSCTL_INIT_IMAGE;
    const pauseImage = props.pauseImage ?? PAUSE_IMAGE;
    errors.image('initImage', initImage);
    errors.image('pauseImage', pauseImage);
    errors.throwIfAny();

    const file = Lazy.any({ produce: () => this.renderFile() });
    const configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: meta(NAME, KUBE_SYSTEM, { 'app.kubernetes.io/name': NAME }),
      data: { [CONF_FILE]: file, 'apply-sysctls.sh': APPLY_SYSCTLS_SCRIPT },
    });

    const labels = { 'app.kubernetes.io/name': NAME };
    new k8s.KubeDaemonSet(this, 'DaemonSet', {
      metadata: meta(NAME, KUBE_SYSTEM, labels),
      spec: {
        selector: { matchLabels: labels },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromString('10%') } },
        template: {
          metadata: {
            labels,
            annotations: { [CONFIG_HASH_ANNOTATION]: Lazy.any({ produce: () => hashOf(this.renderFile() + APPLY_SYSCTLS_SCRIPT) }) },
          },
          spec: {
            // net.* keys must land in the host's network namespace.
            hostNetwork: true,
            priorityClassName: 'system-node-critical',
            automountServiceAccountToken: false,
            terminationGracePeriodSeconds: 5,
            nodeSelector,
            tolerations: TOLERATE_ALL,
            initContainers: [{
              name: 'apply-sysctls',
              image: initImage,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', `${MOUNT}/apply-sysctls.sh`, `${MOUNT}/${CONF_FILE}`],
              // /proc/sys is read-only in unprivileged containers: writing node
              // sysctls is what this pod is for.
              securityContext: { privileged: true },
              resources: resources('10m', '16Mi', '32Mi'),
              volumeMounts: [{ name: 'sysctls', mountPath: MOUNT, readOnly: true }],
            }],
            containers: [{
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
            }],
            volumes: [{ name: 'sysctls', configMap: { name: configMap.name } }],
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
      if (e) {
        record(this.ctx, `sysctls[${key}]`, e.value, e.source, e.reason);
      }
    }
    for (const [key, why] of this.dropped) {
      record(this.ctx, `sysctls[${key}]`, '(left out)', DecisionSource.COMPATIBILITY, why);
    }
  }

  /** Preset, then overrides, then the rules that involve kube-proxy and the NodePort range. */
  private effective(): Map<string, Effective> {
    const out = new Map<string, Effective>(this.preset);
    for (const [key, value] of this.explicit) {
      out.set(key, { value, source: DecisionSource.OVERRIDE, reason: 'set by the user' });
    }

    // kube-proxy writes these at start and overwrites other values (conntrack.go setIntSysCtl): the plan says whose they are.
    this.dropped = new Map();
    const kp = this.ctx.state.plan().conntrack.kubeProxy;
    if (kp) {
      const owned: Array<[string, number, string]> = [
        ['net.netfilter.nf_conntrack_max', kp.max, 'conntrack.maxPerCore/min'],
        ['net.netfilter.nf_conntrack_tcp_timeout_established', kp.tcpEstablishedSeconds, 'conntrack.tcpEstablishedTimeout'],
        ['net.netfilter.nf_conntrack_tcp_timeout_close_wait', kp.tcpCloseWaitSeconds, 'conntrack.tcpCloseWaitTimeout'],
      ];
      for (const [key, value, field] of owned) {
        if (value > 0 && out.get(key)?.source === DecisionSource.TIER) {
          out.delete(key);
          this.dropped.set(key, `[${kp.scope.node.path}] kube-proxy writes ${value} from its ${field} at start and would overwrite the tuner; set its conntrack.maxPerCore to 0 or set the key explicitly to make the tuner own it`);
        }
      }
    }

    // A wider ephemeral range must not hand out NodePorts (kubespray reserves them).
    const range = out.get('net.ipv4.ip_local_port_range')?.value;
    const m = range ? /^(\d+)\s+(\d+)$/.exec(range) : null;
    const { nodePortMin, nodePortMax } = this.ctx.profile;
    if (m && Number(m[1]) <= nodePortMax && Number(m[2]) >= nodePortMin) {
      const reserved = out.get('net.ipv4.ip_local_reserved_ports');
      if (!reserved) {
        out.set('net.ipv4.ip_local_reserved_ports', {
          value: `${nodePortMin}-${nodePortMax}`,
          source: DecisionSource.DERIVED,
          reason: `ip_local_port_range (${range}) overlaps the NodePort range ${this.ctx.profile.nodePortRange}: reserve it so outgoing connections never take a NodePort`,
        });
      } else if (!coversRange(reserved.value, nodePortMin, nodePortMax)) {
        this.ctx.state.warn(this, 'SYSCTL-NODEPORT-OVERLAP',
          `'sysctls[net.ipv4.ip_local_port_range]' (${range}) overlaps the NodePort range ${this.ctx.profile.nodePortRange}, which 'net.ipv4.ip_local_reserved_ports' (${reserved.value}) does not fully reserve`,
          `add ${nodePortMin}-${nodePortMax} to net.ipv4.ip_local_reserved_ports or start the port range above ${nodePortMax}`);
      }
    }
    this.lastEffective = out;
    return out;
  }

  /** @internal The sysctls of the last rendering, for rules and tests. */
  public get _effective(): Map<string, Effective> {
    return this.lastEffective ?? this.effective();
  }
}

function coversRange(list: string, lo: number, hi: number): boolean {
  return list.split(',').some((part) => {
    const [a, b] = part.trim().split('-').map(Number);
    return a <= lo && (b ?? a) >= hi;
  });
}

import { Yaml } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { SysctlCatalogue, SysctlScope } from './sysctl-catalogue';
import { isWorkload, transformPodSpec } from '../core/_api-objects';
import { checkProps } from '../core/_boundary';
import { componentContext, record } from '../core/_component';
import { ConfigErrors } from '../core/_errors';
import { MANAGED_BY } from '../core/_k8s';
import { byCodePoint } from '../core/_order';
import { ClusterProfile } from '../core/cluster-profile';
import { DecisionSource } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';

/** A sysctl for a pod's `securityContext.sysctls`. */
export interface PodSysctl {
  /** The key. */
  readonly name: string;
  /** The value. */
  readonly value: string;
}

/** Properties of `PodSysctlTuning`. */
export interface PodSysctlTuningProps {
  /**
   * The scale tier whose preset supplies the default sysctls.
   *
   * @default ScaleTier.SMALL
   */
  readonly tier?: ScaleTier;

  /**
   * The cluster; its Kubernetes version decides which sysctls are safe for pods.
   *
   * @default - a default ClusterProfile
   */
  readonly profile?: ClusterProfile;

  /**
   * Per-namespace sysctls to set in pods. Node-wide keys are refused (Kubernetes
   * rejects them in a pod's securityContext).
   *
   * @default - the application-facing TCP keys of the tier's preset (somaxconn,
   * tcp_max_syn_backlog, tcp_slow_start_after_idle, tcp_tw_reuse, ip_local_port_range,
   * keepalive), of which only the ones safe on the profile's version are applied
   */
  readonly sysctls?: Record<string, string>;

  /**
   * Also put sysctls that are unsafe on the profile's version into pods. Those pods
   * only start on nodes whose kubelet lists them in `allowedUnsafeSysctls`
   * (see `kubeletConfigYaml`), and they violate Pod Security `baseline`.
   *
   * @default false
   */
  readonly includeUnsafe?: boolean;

  /**
   * Replace sysctls a workload already sets.
   *
   * @default false (a workload's own values win)
   */
  readonly overrideExisting?: boolean;

  /**
   * Where to look for workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet,
   * Job, CronJob, Pod), raw or made with cdk8s-plus.
   *
   * @default - the scope this construct is added to
   */
  readonly appliesTo?: IConstruct;
}

/** The application-facing keys of the guide's sysctl list that make sense inside a pod. */
const POD_KEYS = [
  'net.core.somaxconn',
  'net.ipv4.tcp_max_syn_backlog',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_tw_reuse',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];

/**
 * The pod side of the guide's sysctls. Per-namespace keys such as
 * `net.core.somaxconn` set on a node do not reach pods, which get their own
 * network namespace; they need `securityContext.sysctls`.
 *
 * Applies the sysctls that are safe on the profile's Kubernetes version to every
 * workload's pod template in scope (skipping host-network pods, where the kubelet
 * refuses `net.*` sysctls, and the library's own components), and reports the rest
 * with the kubelet `allowedUnsafeSysctls` they would need.
 *
 * @see https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/
 */
export class PodSysctlTuning extends Construct {
  /** Sysctls safe on the profile's version: applied to pods. */
  public readonly safeSysctls: PodSysctl[];
  /** Sysctls unsafe on the profile's version: applied only with `includeUnsafe`. */
  public readonly unsafeSysctls: PodSysctl[];
  /** The kubelet `allowedUnsafeSysctls` entries the unsafe sysctls need. */
  public readonly allowedUnsafeSysctls: string[];
  /** A KubeletConfiguration fragment with `allowedUnsafeSysctls`, for the nodes that run such pods. */
  public readonly kubeletConfigYaml: string;

  public constructor(scope: Construct, id: string, props: PodSysctlTuningProps = {}) {
    super(scope, id);
    props = checkProps(this, 'PodSysctlTuningProps', props);
    const ctx = componentContext(this, props.tier, props.profile);
    const { errors, profile } = ctx;
    const version = profile.kubernetesVersion;
    const includeUnsafe = props.includeUnsafe ?? false;

    const wanted = new Map<string, { value: string; explicit: boolean }>();
    if (props.sysctls) {
      for (const [key, value] of Object.entries(props.sysctls)) {
        const canonical = SysctlCatalogue._check(errors, 'sysctls', key, value, false);
        const info = SysctlCatalogue.lookup(canonical);
        if (info?.scope === SysctlScope.NODE) {
          errors.add('sysctls', key, 'is node-wide: Kubernetes refuses it in a pod\'s securityContext; set it on nodes with SysctlTuner');
        }
        wanted.set(canonical, { value, explicit: true });
      }
    } else {
      for (const key of POD_KEYS) {
        const rule = ctx.settings.sysctls[key];
        if (rule) wanted.set(key, { value: rule.value, explicit: false });
      }
    }

    this.safeSysctls = [];
    this.unsafeSysctls = [];
    for (const [name, { value, explicit }] of [...wanted.entries()].sort(([a], [b]) => byCodePoint(a, b))) {
      if (SysctlCatalogue.isPodSafe(name, version)) {
        this.safeSysctls.push({ name, value });
        record(ctx, `securityContext.sysctls[${name}]`, value, explicit ? DecisionSource.OVERRIDE : DecisionSource.TIER,
          `safe for pods on Kubernetes ${version.version}`);
        continue;
      }
      this.unsafeSysctls.push({ name, value });
      const since = SysctlCatalogue.lookup(name)?.podSafeSince;
      const why = since ? `safe for pods only from Kubernetes ${since}` : 'never in the kubelet\'s safe set';
      if (explicit && !includeUnsafe) {
        errors.add(`sysctls[${name}]`, value, `is unsafe on Kubernetes ${version.version} (${why}): set 'includeUnsafe' and list it in the kubelet's allowedUnsafeSysctls on the target nodes`);
      }
      record(ctx, `securityContext.sysctls[${name}]`, includeUnsafe ? value : '(not applied)', DecisionSource.COMPATIBILITY,
        includeUnsafe ? `unsafe (${why}): needs kubelet allowedUnsafeSysctls` : `unsafe on Kubernetes ${version.version} (${why}); needs kubelet allowedUnsafeSysctls and includeUnsafe`);
    }
    const target = props.appliesTo ?? scope;
    if (target.node.root !== this.node.root) {
      errors.add('appliesTo', target.node.path, 'must be in the same app as this construct (it is tuned when this app is synthesized)');
    }
    errors.throwIfAny();

    this.allowedUnsafeSysctls = this.unsafeSysctls.map((s) => s.name);
    this.kubeletConfigYaml = Yaml.stringify({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      allowedUnsafeSysctls: this.allowedUnsafeSysctls,
    });
    if (includeUnsafe && this.unsafeSysctls.length > 0) {
      const file = `kubelet/91-cdk8s-network-tuning-sysctls-${ConfigErrors.labelOf(this).replace(/[^A-Za-z0-9-]+/g, '-')}.conf`;
      ctx.state.addOutputFile(this, file, () => this.kubeletConfigYaml,
        'kubelet drop-in allowing the unsafe sysctls: copy to /etc/kubernetes/kubelet.conf.d/ on the nodes these pods run on');
      ctx.state.warn(this, 'POD-SYSCTL-UNSAFE',
        `pods get unsafe sysctls (${this.allowedUnsafeSysctls.join(', ')}): they fail to start (SysctlForbidden) on nodes whose kubelet does not allow them, and violate Pod Security baseline`,
        'add them to allowedUnsafeSysctls on the target nodes (kubeletConfigYaml) and taint those nodes');
    }

    const applied = includeUnsafe ? [...this.safeSysctls, ...this.unsafeSysctls] : this.safeSysctls;
    const overrideExisting = props.overrideExisting ?? false;
    const managedKey = Object.keys(MANAGED_BY)[0];
    const apply = () => {
      for (const workload of ctx.state.apiObjectsUnder(target).filter(isWorkload)) {
        if (workload.metadata.getLabel(managedKey) === MANAGED_BY[managedKey as keyof typeof MANAGED_BY]) continue;
        transformPodSpec(workload, 'pod-sysctls', (podSpec) => {
          // the kubelet refuses net.* sysctls for host-network pods
          const usable = applied.filter((s) => !(podSpec.hostNetwork === true && s.name.startsWith('net.')));
          if (usable.length === 0) return;
          const securityContext = podSpec.securityContext ?? {};
          const existing: PodSysctl[] = securityContext.sysctls ?? [];
          const merged = new Map(existing.map((s) => [s.name, s.value]));
          for (const s of usable) {
            if (overrideExisting || !merged.has(s.name)) merged.set(s.name, s.value);
          }
          securityContext.sysctls = [...merged.entries()].map(([name, value]) => ({ name, value }));
          podSpec.securityContext = securityContext;
        });
      }
    };
    const keys = [...this.safeSysctls, ...this.unsafeSysctls].map((x) => x.name);
    ctx.state.register({ kind: 'pod-sysctls', scope: this, profile, tier: ctx.tier, keys }, apply);
  }
}

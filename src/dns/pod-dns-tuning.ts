import { Construct, IConstruct } from 'constructs';
import { isWorkload, transformPodSpec } from '../core/_api-objects';
import { checkProps } from '../core/_boundary';
import { componentContext, pick, record } from '../core/_component';
import { ConfigErrors } from '../core/_errors';
import { shownProp } from '../core/_input-names';
import { MANAGED_BY } from '../core/_k8s';
import { isDnsSubdomain, parseIp } from '../core/_net';
import { ClusterProfile } from '../core/cluster-profile';
import { DecisionSource } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';

/** A resolv.conf option for `dnsConfig.options`. */
export interface DnsResolverOption {
  /** The option, e.g. `single-request-reopen`, `edns0`, `use-vc`. */
  readonly name: string;

  /**
   * Its value, for options that take one.
   *
   * @default - no value
   */
  readonly value?: string;
}

/** Options of `PodDnsTuning`: its properties except the tier and the profile, which a parent such as `NetworkTuning` decides once for every component. */
export interface PodDnsTuningOptions {
  /**
   * `ndots`, 0..15: names with fewer dots walk the search list first.
   *
   * @default - the tier's (2, the guide's; Kubernetes sets 5)
   */
  readonly ndots?: number;

  /**
   * `timeout` in seconds, 1..30, before a query is retried.
   *
   * @default - the tier's (2; glibc's default is 5)
   */
  readonly timeoutSeconds?: number;

  /**
   * `attempts`, 1..5, per nameserver.
   *
   * @default - the tier's (2)
   */
  readonly attempts?: number;

  /**
   * Other resolv.conf options (`single-request-reopen`, `use-vc`, `edns0`, ...).
   *
   * @default - none
   */
  readonly options?: DnsResolverOption[];

  /**
   * Extra search domains (after the cluster's three).
   *
   * @default - none
   */
  readonly searches?: string[];

  /**
   * Extra nameservers (after the cluster DNS; a pod uses at most 3 in all).
   *
   * @default - none
   */
  readonly nameservers?: string[];

  /**
   * Replace options a workload already sets.
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

/** Properties of `PodDnsTuning`. */
export interface PodDnsTuningProps extends PodDnsTuningOptions {
  /**
   * The scale tier whose defaults apply.
   *
   * @default ScaleTier.SMALL
   */
  readonly tier?: ScaleTier;

  /**
   * The cluster (domain, version).
   *
   * @default - a default ClusterProfile
   */
  readonly profile?: ClusterProfile;
}

/** resolv.conf options glibc knows; only these three take a value. */
const VALUED = ['ndots', 'timeout', 'attempts'];
const FLAGS = ['rotate', 'no-check-names', 'inet6', 'edns0', 'single-request', 'single-request-reopen',
  'no-tld-query', 'use-vc', 'no-reload', 'trust-ad', 'no-aaaa'];

/** Kubernetes' limits since 1.28 (KEP-2595 expanded DNS config, GA). */
const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;
const MAX_SEARCH_CHARS = 2048;

/**
 * The guide's "Pod DNS 配置": `dnsConfig` options (ndots 2, timeout 2, attempts 2)
 * for every pod template in scope, raw objects or cdk8s-plus workloads alike.
 * Options a workload already states are kept unless `overrideExisting`.
 *
 * Kubernetes does not validate option values; this does (ndots 0..15, timeout
 * 1..30, attempts 1..5, what glibc honours), plus the nameserver and search-list
 * limits, including what a workload already has.
 */
export class PodDnsTuning extends Construct {
  /** The options applied, in order. */
  public readonly options: DnsResolverOption[];

  public constructor(scope: Construct, id: string, props: PodDnsTuningProps = {}) {
    super(scope, id);
    props = checkProps(this, 'PodDnsTuningProps', props);
    const ctx = componentContext(this, props.tier, props.profile);
    const { errors, settings, profile } = ctx;
    const p = settings.podDns;

    const ndots = pick(ctx, 'ndots', props.ndots, p.ndots);
    const timeout = pick(ctx, 'timeout', props.timeoutSeconds, p.timeoutSeconds);
    const attempts = pick(ctx, 'attempts', props.attempts, p.attempts);
    errors.int('ndots', ndots, 0, 15);
    errors.int('timeoutSeconds', timeout, 1, 30);
    errors.int('attempts', attempts, 1, 5);

    const extra = props.options ?? [];
    extra.forEach((o, i) => {
      if (VALUED.includes(o.name)) {
        errors.add(`options[${i}].name`, o.name, `is set with the '${o.name}' property`);
      } else if (!FLAGS.includes(o.name)) {
        errors.add(`options[${i}].name`, o.name, `must be a resolv.conf option: ${[...VALUED, ...FLAGS].join(', ')}`);
      } else if (o.value !== undefined) {
        errors.add(`options[${i}].value`, o.value, `must be unset: '${o.name}' takes no value`);
      }
    });
    const nameservers = props.nameservers ?? [];
    nameservers.forEach((n, i) => { if (!parseIp(n)) errors.add(`nameservers[${i}]`, n, 'must be an IPv4 or IPv6 address'); });
    if (nameservers.length > MAX_NAMESERVERS) errors.add('nameservers', nameservers, `must list at most ${MAX_NAMESERVERS} (Kubernetes rejects more)`);
    const searches = props.searches ?? [];
    searches.forEach((s, i) => { if (!isDnsSubdomain(s.replace(/\.$/, ''))) errors.add(`searches[${i}]`, s, 'must be a lowercase DNS name'); });
    const target = props.appliesTo ?? scope;
    if (target.node.root !== this.node.root) {
      errors.add('appliesTo', target.node.path, 'must be in the same app as this construct (it is tuned when this app is synthesized)');
    }
    errors.throwIfAny();
    if (nameservers.length > MAX_NAMESERVERS - 1) {
      ctx.state.warn(this, 'POD-DNS-NAMESERVERS',
        `'${shownProp(this, 'nameservers')}' (${nameservers.join(', ')}) plus the cluster DNS exceed ${MAX_NAMESERVERS} for pods with dnsPolicy ClusterFirst: the resolver ignores the rest`,
        `keep at most ${MAX_NAMESERVERS - 1} extra nameservers`);
    }

    this.options = [
      { name: 'ndots', value: String(ndots) },
      { name: 'timeout', value: String(timeout) },
      { name: 'attempts', value: String(attempts) },
      ...extra.map((o) => ({ name: o.name })),
    ];
    const overrideExisting = props.overrideExisting ?? false;
    const clusterSearches = 3; // <ns>.svc.<domain>, svc.<domain>, <domain>
    const managedKey = Object.keys(MANAGED_BY)[0];
    const label = ConfigErrors.labelOf(this);

    const apply = () => {
      for (const workload of ctx.state.apiObjectsUnder(target).filter(isWorkload)) {
        if (workload.metadata.getLabel(managedKey) === MANAGED_BY[managedKey as keyof typeof MANAGED_BY]) continue;
        const where = `${workload.kind}/${workload.name}`;
        transformPodSpec(workload, 'pod-dns', (podSpec, json) => {
          const dnsConfig = podSpec.dnsConfig ?? {};
          const merged = new Map<string, string | undefined>((dnsConfig.options ?? []).map((o: DnsResolverOption) => [o.name, o.value]));
          for (const o of this.options) {
            if (overrideExisting || !merged.has(o.name)) merged.set(o.name, o.value);
          }
          dnsConfig.options = [...merged.entries()].map(([name, value]) => (value === undefined ? { name } : { name, value }));
          const servers = [...new Set([...(dnsConfig.nameservers ?? []), ...nameservers])];
          const allSearches = [...new Set([...(dnsConfig.searches ?? []), ...searches])];
          const problems = new ConfigErrors(label);
          if (servers.length > MAX_NAMESERVERS) {
            problems.add('nameservers', servers, `with the ones ${where} sets, exceed ${MAX_NAMESERVERS}, the most a pod may have`);
          }
          if (allSearches.length + clusterSearches > MAX_SEARCHES) {
            problems.add('searches', allSearches.length, `with the ones ${where} sets and the cluster's 3, exceed ${MAX_SEARCHES} search domains`);
          }
          const ns = json.metadata?.namespace ?? 'default';
          const domain = profile.clusterDomain;
          const searchLine = [`${ns}.svc.${domain}`, `svc.${domain}`, domain, ...allSearches].join(' ');
          if (searchLine.length > MAX_SEARCH_CHARS) {
            problems.add('searches', searchLine.length, `characters in ${where}'s search list exceed ${MAX_SEARCH_CHARS}`);
          }
          problems.throwIfAny();
          if (servers.length > 0) dnsConfig.nameservers = servers;
          if (allSearches.length > 0) dnsConfig.searches = allSearches;
          podSpec.dnsConfig = dnsConfig;
        });
      }
    };
    record(ctx, 'dnsConfig.options', this.options.map((o) => (o.value ? `${o.name}:${o.value}` : o.name)).join(' '), DecisionSource.DERIVED,
      'merged into every pod template in scope; values a workload sets itself are kept unless overrideExisting');
    ctx.state.register({ kind: 'pod-dns', scope: this, profile, tier: ctx.tier, nameservers: [...nameservers] }, apply);
  }
}

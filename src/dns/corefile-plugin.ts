import { Duration } from 'cdk8s';
import { groupReferences, checkRe2 } from './_re2';
import { checkBracedToken, checkListenAddress, checkToken, checkZone } from './_tokens';
import { checkCall, registerValueClass } from '../core/_boundary';
import { ConfigErrors, GO_INT32_MAX, goDuration } from '../core/_errors';
import { parseCidr, parseIp } from '../core/_net';

/** How the `kubernetes` plugin answers pod A records (`pods`). */
export enum KubernetesPodsMode {
  /** No pod records (CoreDNS's default). */
  DISABLED = 'disabled',
  /** Any `a-b-c-d.ns.pod` name answers with that IP (kube-dns compatible; kubeadm's choice). */
  INSECURE = 'insecure',
  /** Only IPs of pods that exist in that namespace (watches all pods: more memory). */
  VERIFIED = 'verified',
}

/** How `forward` picks an upstream (`policy`). */
export enum ForwardPolicy {
  /** Random order (CoreDNS's default). */
  RANDOM = 'random',
  /** Rotate through the upstreams. */
  ROUND_ROBIN = 'round_robin',
  /** Always try the first healthy upstream first. */
  SEQUENTIAL = 'sequential',
}

/** How `serve_stale` refreshes an expired entry. */
export enum ServeStaleRefreshMode {
  /** Answer with the stale entry at once and refresh in the background (CoreDNS's default). */
  IMMEDIATE = 'immediate',
  /** Ask the upstream first; answer stale only if it fails. */
  VERIFY = 'verify',
}

/** Which answers `log` logs. */
export enum LogClass {
  /** Every query. */
  ALL = 'all',
  /** NOERROR answers. */
  SUCCESS = 'success',
  /** NXDOMAIN and NODATA answers. */
  DENIAL = 'denial',
  /** SERVFAIL, NOTIMP and REFUSED answers. */
  ERROR = 'error',
}

/** Options of `health`. */
export interface HealthOptions {
  /**
   * Address of the `/health` endpoint.
   *
   * @default ':8080'
   */
  readonly address?: string;

  /**
   * Keep serving this long after a shutdown signal, so clients move away first (`lameduck`).
   *
   * @default - no lame-duck period
   */
  readonly lameduck?: Duration;
}

/** Options of `kubernetes`. */
export interface KubernetesPluginOptions {
  /**
   * Zones the plugin is authoritative for.
   *
   * @default ['cluster.local', 'in-addr.arpa', 'ip6.arpa']
   */
  readonly zones?: string[];

  /**
   * Pod A records (`pods`).
   *
   * @default KubernetesPodsMode.INSECURE (kubeadm's)
   */
  readonly pods?: KubernetesPodsMode;

  /**
   * Zones whose NXDOMAIN answers fall through to the next plugin (`fallthrough`).
   * An empty list falls through for every zone.
   *
   * @default ['in-addr.arpa', 'ip6.arpa'] (kubeadm's)
   */
  readonly fallthroughZones?: string[];

  /**
   * TTL of answers in seconds, 0..3600 (`ttl`). 0 makes answers uncacheable.
   *
   * @default - CoreDNS's 5
   */
  readonly ttl?: number;

  /**
   * Only answer for these namespaces (`namespaces`).
   *
   * @default - all namespaces
   */
  readonly namespaces?: string[];
}

/** Options of `forward`. */
export interface ForwardOptions {
  /**
   * The zone to forward (`FROM`).
   *
   * @default '.'
   */
  readonly zone?: string;

  /**
   * Upstreams: IP addresses (with optional `:port`), `dns://`/`tls://` addresses, or a
   * resolv.conf-style file such as `/etc/resolv.conf`. At most 15.
   */
  readonly to: string[];

  /**
   * Sub-zones not to forward (`except`).
   *
   * @default - none
   */
  readonly exceptZones?: string[];

  /**
   * Always use TCP to the upstreams (`force_tcp`).
   *
   * @default false
   */
  readonly forceTcp?: boolean;

  /**
   * Use UDP even for TCP queries (`prefer_udp`). Ignored by CoreDNS when `forceTcp` is set.
   *
   * @default false
   */
  readonly preferUdp?: boolean;

  /**
   * In-flight query limit (`max_concurrent`); excess queries get REFUSED. Each costs about 2 KB.
   *
   * @default - no limit
   */
  readonly maxConcurrent?: number;

  /**
   * Upstream selection (`policy`).
   *
   * @default ForwardPolicy.RANDOM
   */
  readonly policy?: ForwardPolicy;

  /**
   * Interval of upstream health checks (`health_check`).
   *
   * @default - CoreDNS's 0.5s
   */
  readonly healthCheck?: Duration;

  /**
   * Failed health checks before an upstream is marked down (`max_fails`); 0 disables checks.
   *
   * @default - CoreDNS's 2
   */
  readonly maxFails?: number;

  /**
   * Idle time after which cached upstream connections close (`expire`).
   *
   * @default - CoreDNS's 10s
   */
  readonly expire?: Duration;
}

/** A `success` or `denial` line of `cache`. */
export interface CacheCapacity {
  /** Entries, at least 1024; CoreDNS rounds down to a multiple of 256 (256 shards). */
  readonly capacity: number;

  /**
   * Maximum TTL in seconds for this kind of answer.
   *
   * @default - the cache's TTL (3600 for success, 1800 for denial)
   */
  readonly ttl?: number;

  /**
   * Minimum TTL in seconds.
   *
   * @default - CoreDNS's 5
   */
  readonly minTtl?: number;
}

/** `prefetch` of `cache`: refresh popular entries before they expire. */
export interface CachePrefetch {
  /** Queries within `duration` that make an entry popular. */
  readonly amount: number;

  /**
   * Window for counting queries.
   *
   * @default - CoreDNS's 1m
   */
  readonly duration?: Duration;

  /**
   * Refresh when this percentage of the TTL is left, 10..90.
   *
   * @default - CoreDNS's 10
   */
  readonly percentage?: number;
}

/** `serve_stale` of `cache`: answer from expired entries when the upstream fails. */
export interface CacheServeStale {
  /**
   * How long after expiry an entry may still be served.
   *
   * @default - CoreDNS's 1h
   */
  readonly duration?: Duration;

  /**
   * When to refresh.
   *
   * @default ServeStaleRefreshMode.IMMEDIATE
   */
  readonly refreshMode?: ServeStaleRefreshMode;
}

/** Options of `cache`. */
export interface CacheOptions {
  /**
   * Maximum TTL in seconds of any cached answer (`cache TTL`). It only caps how
   * long answers are cached; it never extends a record's own TTL.
   *
   * @default - CoreDNS's 3600 (success) / 1800 (denial)
   */
  readonly ttl?: number;

  /**
   * Zones to cache.
   *
   * @default - the server block's zones
   */
  readonly zones?: string[];

  /**
   * Positive answers.
   *
   * @default - 9984 entries
   */
  readonly success?: CacheCapacity;

  /**
   * Negative answers (NXDOMAIN, NODATA).
   *
   * @default - 9984 entries
   */
  readonly denial?: CacheCapacity;

  /**
   * Prefetch popular entries.
   *
   * @default - no prefetch
   */
  readonly prefetch?: CachePrefetch;

  /**
   * Serve expired entries when the upstream is down.
   *
   * @default - no stale answers
   */
  readonly serveStale?: CacheServeStale;

  /**
   * How long SERVFAIL answers are cached, at most 5m (`servfail`).
   *
   * @default - CoreDNS's 5s
   */
  readonly servfail?: Duration;

  /**
   * Zones whose positive answers are not cached (`disable success`).
   *
   * @default - none
   */
  readonly disableSuccessFor?: string[];

  /**
   * Zones whose negative answers are not cached (`disable denial`).
   *
   * @default - none
   */
  readonly disableDenialFor?: string[];

  /**
   * Return the original TTL instead of the remaining one (`keepttl`).
   *
   * @default false
   */
  readonly keepTtl?: boolean;
}

/** Options of `reload`. */
export interface ReloadOptions {
  /**
   * How often to check the Corefile for changes, at least 2s.
   *
   * @default - CoreDNS's 30s
   */
  readonly interval?: Duration;

  /**
   * Random jitter added to the interval, at least 1s.
   *
   * @default - CoreDNS's 15s
   */
  readonly jitter?: Duration;
}

/** One static entry of `hosts`. */
export interface HostsEntry {
  /** The address. */
  readonly ip: string;
  /** Names that resolve to it. */
  readonly names: string[];
}

/** Options of `hosts`. */
export interface HostsOptions {
  /**
   * A hosts file to read.
   *
   * @default - none
   */
  readonly file?: string;

  /**
   * Inline entries.
   *
   * @default - none
   */
  readonly entries?: HostsEntry[];

  /**
   * TTL of answers in seconds (`ttl`).
   *
   * @default - CoreDNS's 3600
   */
  readonly ttl?: number;

  /**
   * Zones whose misses fall through to the next plugin; an empty list means every zone.
   *
   * @default - no fallthrough
   */
  readonly fallthroughZones?: string[];
}

/** How `rewrite name` matches. */
export enum RewriteMatch {
  /** The whole name. */
  EXACT = 'exact',
  /** A leading part. */
  PREFIX = 'prefix',
  /** A trailing part. */
  SUFFIX = 'suffix',
  /** Any part. */
  SUBSTRING = 'substring',
  /** A Go (RE2) regular expression; the replacement may use its groups as `{1}`, `{2}`, ... */
  REGEX = 'regex',
}

/** A `rewrite name` rule. */
export interface RewriteRule {
  /** How `pattern` matches. */
  readonly match: RewriteMatch;
  /** What to find. */
  readonly pattern: string;
  /** What to put instead. */
  readonly replacement: string;

  /**
   * Also rewrite names in the answer back (`answer auto`), so clients see the name they asked for.
   *
   * @default true
   */
  readonly answerAuto?: boolean;
}

/**
 * One Corefile plugin directive, built from a typed factory and validated
 * against CoreDNS's own rules. Every token is checked: nothing that could
 * break the file (braces, newlines, quotes, comment marks) is ever rendered.
 *
 * @see https://coredns.io/plugins/
 */
export class CorefilePlugin {
  /** `errors`: log errors. */
  public static errors(): CorefilePlugin {
    return new CorefilePlugin('errors', [], []);
  }

  /** `health`: liveness endpoint (`/health`), with an optional lame-duck period. */
  public static health(options: HealthOptions = {}): CorefilePlugin {
    [options = {}] = checkCall('CorefilePlugin.health', [options]) as [HealthOptions];
    const errors = new ConfigErrors('CorefilePlugin.health');
    const plugin = CorefilePlugin._health(options, errors);
    errors.throwIfAny();
    return plugin;
  }

  /** @internal `health` checked into the caller's collector (named as the caller offers the options). */
  public static _health(options: HealthOptions, errors: ConfigErrors): CorefilePlugin {
    const args: string[] = [];
    if (options.address !== undefined && checkListenAddress(errors, 'address', options.address)) args.push(options.address);
    const block: string[][] = [];
    if (options.lameduck !== undefined && errors.duration('lameduck', options.lameduck, Duration.millis(1))) {
      block.push(['lameduck', goDuration(options.lameduck)]);
    }
    return new CorefilePlugin('health', args, block);
  }

  /** `ready`: readiness endpoint (`/ready` on :8181 unless `address` is given). */
  public static ready(address?: string): CorefilePlugin {
    [address] = checkCall('CorefilePlugin.ready', [address]) as [string | undefined];
    const errors = new ConfigErrors('CorefilePlugin.ready');
    if (address !== undefined) checkListenAddress(errors, 'address', address);
    errors.throwIfAny();
    return new CorefilePlugin('ready', address ? [address] : [], []);
  }

  /** `kubernetes`: answer for Services and pods. */
  public static kubernetes(options: KubernetesPluginOptions = {}): CorefilePlugin {
    [options = {}] = checkCall('CorefilePlugin.kubernetes', [options]) as [KubernetesPluginOptions];
    const errors = new ConfigErrors('CorefilePlugin.kubernetes');
    const zones = options.zones ?? ['cluster.local', 'in-addr.arpa', 'ip6.arpa'];
    if (zones.length === 0) errors.add('zones', zones, 'must name at least one zone');
    zones.forEach((z, i) => checkZone(errors, `zones[${i}]`, z));
    const pods = options.pods ?? KubernetesPodsMode.INSECURE;
    errors.oneOf('pods', pods, Object.values(KubernetesPodsMode));
    const block: string[][] = [['pods', pods]];
    const fallthrough = options.fallthroughZones ?? ['in-addr.arpa', 'ip6.arpa'];
    fallthrough.forEach((z, i) => checkZone(errors, `fallthroughZones[${i}]`, z));
    block.push(['fallthrough', ...fallthrough]);
    if (options.ttl !== undefined && errors.int('ttl', options.ttl, 0, 3600)) block.push(['ttl', String(options.ttl)]);
    if (options.namespaces !== undefined) {
      options.namespaces.forEach((n, i) => checkToken(errors, `namespaces[${i}]`, n));
      block.push(['namespaces', ...options.namespaces]);
    }
    errors.throwIfAny();
    return new CorefilePlugin('kubernetes', zones, block);
  }

  /** `prometheus`: metrics endpoint (CoreDNS uses :9153, node-local-dns :9253). */
  public static prometheus(address: string = ':9153'): CorefilePlugin {
    [address = ':9153'] = checkCall('CorefilePlugin.prometheus', [address]) as [string];
    const errors = new ConfigErrors('CorefilePlugin.prometheus');
    checkListenAddress(errors, 'address', address);
    errors.throwIfAny();
    return new CorefilePlugin('prometheus', [address], []);
  }

  /** `forward`: send queries for a zone to upstream resolvers. */
  public static forward(options: ForwardOptions): CorefilePlugin {
    [options] = checkCall('CorefilePlugin.forward', [options]) as [ForwardOptions];
    return CorefilePlugin._forward(options, false);
  }

  /** @internal node-local-dns templates may forward to node-cache's `__PILLAR__` placeholders. */
  public static _forward(options: ForwardOptions, allowPillars: boolean): CorefilePlugin {
    const errors = new ConfigErrors('CorefilePlugin.forward');
    const from = options.zone ?? '.';
    checkZone(errors, 'zone', from);
    const to = options.to ?? [];
    if (to.length < 1 || to.length > 15) errors.add('to', to, 'must list 1 to 15 upstreams');
    to.forEach((t, i) => checkUpstream(errors, `to[${i}]`, t, allowPillars));
    const block: string[][] = [];
    if (options.exceptZones !== undefined && options.exceptZones.length > 0) {
      options.exceptZones.forEach((z, i) => checkZone(errors, `exceptZones[${i}]`, z));
      block.push(['except', ...options.exceptZones]);
    }
    if (options.forceTcp) block.push(['force_tcp']);
    if (options.preferUdp) {
      if (options.forceTcp) errors.addMissing('preferUdp', "cannot be combined with 'forceTcp' (CoreDNS ignores prefer_udp then)");
      block.push(['prefer_udp']);
    }
    // CoreDNS reads its numbers with strconv.Atoi: integers it can hold, never JavaScript's 1e+21 form.
    if (options.maxConcurrent !== undefined && errors.int('maxConcurrent', options.maxConcurrent, 1, GO_INT32_MAX)) {
      block.push(['max_concurrent', String(options.maxConcurrent)]);
    }
    if (options.policy !== undefined && errors.oneOf('policy', options.policy, Object.values(ForwardPolicy))) {
      block.push(['policy', options.policy]);
    }
    if (options.healthCheck !== undefined && errors.duration('healthCheck', options.healthCheck, Duration.millis(1))) {
      block.push(['health_check', goDuration(options.healthCheck)]);
    }
    if (options.maxFails !== undefined && errors.int('maxFails', options.maxFails, 0, GO_INT32_MAX)) block.push(['max_fails', String(options.maxFails)]);
    if (options.expire !== undefined && errors.duration('expire', options.expire, Duration.millis(1))) block.push(['expire', goDuration(options.expire)]);
    errors.throwIfAny();
    return new CorefilePlugin('forward', [from, ...to], block);
  }

  /** @internal an upstream checked as forward checks it, under the caller's property name. */
  public static _checkUpstream(errors: ConfigErrors, prop: string, value: string): void {
    checkUpstream(errors, prop, value, false);
  }

  /** `cache`: a frontend cache. At most one per server block. */
  public static cache(options: CacheOptions = {}): CorefilePlugin {
    [options = {}] = checkCall('CorefilePlugin.cache', [options]) as [CacheOptions];
    const errors = new ConfigErrors('CorefilePlugin.cache');
    const plugin = CorefilePlugin._cache(options, errors);
    errors.throwIfAny();
    return plugin;
  }

  /** @internal `cache` checked into the caller's collector (named as the caller offers the options). */
  public static _cache(options: CacheOptions, errors: ConfigErrors): CorefilePlugin {
    const args: string[] = [];
    if (options.ttl !== undefined && errors.int('ttl', options.ttl, 1, GO_INT32_MAX)) args.push(String(options.ttl));
    (options.zones ?? []).forEach((z, i) => { if (checkZone(errors, `zones[${i}]`, z)) args.push(z); });
    if (options.zones !== undefined && options.ttl === undefined && options.zones.length > 0) {
      errors.addMissing('zones', "needs 'ttl' as well: CoreDNS reads the first argument of cache as the TTL");
    }
    const block: string[][] = [];
    for (const kind of ['success', 'denial'] as const) {
      const c = options[kind];
      if (!c) continue;
      const line: string[] = [kind];
      if (errors.int(`${kind}.capacity`, c.capacity, 1024, GO_INT32_MAX)) line.push(String(c.capacity));
      if (c.ttl !== undefined && errors.int(`${kind}.ttl`, c.ttl, 1, GO_INT32_MAX)) line.push(String(c.ttl));
      if (c.minTtl !== undefined) {
        if (c.ttl === undefined) errors.addMissing(`${kind}.minTtl`, `needs '${kind}.ttl' (CoreDNS reads MINTTL after TTL)`);
        if (errors.int(`${kind}.minTtl`, c.minTtl, 0, GO_INT32_MAX)) line.push(String(c.minTtl));
        if (c.ttl !== undefined && c.minTtl > c.ttl) errors.add(`${kind}.minTtl`, c.minTtl, `must be <= '${kind}.ttl' (${c.ttl})`);
      }
      block.push(line);
    }
    if (options.prefetch) {
      const p = options.prefetch;
      const line = ['prefetch'];
      if (errors.int('prefetch.amount', p.amount, 1, GO_INT32_MAX)) line.push(String(p.amount));
      if (p.duration !== undefined && errors.duration('prefetch.duration', p.duration, Duration.seconds(1))) line.push(goDuration(p.duration));
      if (p.percentage !== undefined) {
        if (p.duration === undefined) errors.addMissing('prefetch.percentage', "needs 'prefetch.duration' (CoreDNS reads PERCENTAGE after DURATION)");
        if (errors.int('prefetch.percentage', p.percentage, 10, 90)) line.push(`${p.percentage}%`);
      }
      block.push(line);
    }
    if (options.serveStale) {
      const s = options.serveStale;
      const line = ['serve_stale'];
      if (s.duration !== undefined && errors.duration('serveStale.duration', s.duration, Duration.seconds(1))) line.push(goDuration(s.duration));
      if (s.refreshMode !== undefined) {
        if (s.duration === undefined) errors.addMissing('serveStale.refreshMode', "needs 'serveStale.duration' (CoreDNS reads REFRESH_MODE after DURATION)");
        if (errors.oneOf('serveStale.refreshMode', s.refreshMode, Object.values(ServeStaleRefreshMode))) line.push(s.refreshMode);
      }
      block.push(line);
    }
    if (options.servfail !== undefined && errors.duration('servfail', options.servfail, Duration.millis(0), Duration.minutes(5))) {
      block.push(['servfail', goDuration(options.servfail)]);
    }
    for (const [kind, zones] of [['success', options.disableSuccessFor], ['denial', options.disableDenialFor]] as const) {
      if (!zones) continue;
      zones.forEach((z, i) => checkZone(errors, `disable${kind === 'success' ? 'Success' : 'Denial'}For[${i}]`, z));
      block.push(['disable', kind, ...zones]);
    }
    if (options.keepTtl) block.push(['keepttl']);
    return new CorefilePlugin('cache', args, block);
  }

  /** `loop`: detect forwarding loops and stop (the pod restarts) instead of spinning. */
  public static loop(): CorefilePlugin {
    return new CorefilePlugin('loop', [], []);
  }

  /** `reload`: pick up Corefile changes without a restart. */
  public static reload(options: ReloadOptions = {}): CorefilePlugin {
    [options = {}] = checkCall('CorefilePlugin.reload', [options]) as [ReloadOptions];
    const errors = new ConfigErrors('CorefilePlugin.reload');
    const args: string[] = [];
    if (options.interval !== undefined && errors.duration('interval', options.interval, Duration.seconds(2))) args.push(goDuration(options.interval));
    if (options.jitter !== undefined) {
      if (options.interval === undefined) errors.addMissing('jitter', "needs 'interval' (CoreDNS reads JITTER after INTERVAL)");
      if (errors.duration('jitter', options.jitter, Duration.seconds(1))) args.push(goDuration(options.jitter));
    }
    errors.throwIfAny();
    return new CorefilePlugin('reload', args, []);
  }

  /** `loadbalance`: shuffle A, AAAA and MX records (round robin). */
  public static loadbalance(): CorefilePlugin {
    return new CorefilePlugin('loadbalance', [], []);
  }

  /** `log`: query logging, optionally limited to some answer classes. */
  public static log(...classes: LogClass[]): CorefilePlugin {
    classes = checkCall('CorefilePlugin.log', classes) as LogClass[];
    const errors = new ConfigErrors('CorefilePlugin.log');
    classes.forEach((c, i) => errors.oneOf(`classes[${i}]`, c, Object.values(LogClass)));
    errors.throwIfAny();
    return new CorefilePlugin('log', [], classes.length > 0 ? [['class', ...classes]] : []);
  }

  /** `hosts`: answer from a hosts file or inline entries. */
  public static hosts(options: HostsOptions = {}): CorefilePlugin {
    [options = {}] = checkCall('CorefilePlugin.hosts', [options]) as [HostsOptions];
    const errors = new ConfigErrors('CorefilePlugin.hosts');
    const args: string[] = [];
    if (options.file !== undefined && checkToken(errors, 'file', options.file)) args.push(options.file);
    const block: string[][] = [];
    (options.entries ?? []).forEach((e, i) => {
      if (!parseIp(e.ip)) errors.add(`entries[${i}].ip`, e.ip, 'must be an IPv4 or IPv6 address');
      if (!e.names || e.names.length === 0) errors.add(`entries[${i}].names`, e.names, 'must list at least one name');
      (e.names ?? []).forEach((n, j) => checkZone(errors, `entries[${i}].names[${j}]`, n));
      block.push([e.ip, ...(e.names ?? [])]);
    });
    if (options.ttl !== undefined && errors.int('ttl', options.ttl, 0, GO_INT32_MAX)) block.push(['ttl', String(options.ttl)]);
    if (options.fallthroughZones !== undefined) {
      options.fallthroughZones.forEach((z, i) => checkZone(errors, `fallthroughZones[${i}]`, z));
      block.push(['fallthrough', ...options.fallthroughZones]);
    }
    errors.throwIfAny();
    return new CorefilePlugin('hosts', args, block);
  }

  /** `rewrite name`: rewrite query names (for example an old cluster domain to the new one). */
  public static rewriteName(rule: RewriteRule): CorefilePlugin {
    [rule] = checkCall('CorefilePlugin.rewriteName', [rule]) as [RewriteRule];
    const errors = new ConfigErrors('CorefilePlugin.rewriteName');
    errors.oneOf('match', rule.match, Object.values(RewriteMatch));
    if (rule.match === RewriteMatch.REGEX) {
      // CoreDNS compiles the pattern with Go's regexp (RE2) and substitutes {0}..{n} groups in the replacement (plugin/rewrite/name.go)
      const patternOk = checkBracedToken(errors, 'pattern', rule.pattern);
      const syntax = patternOk ? checkRe2(rule.pattern) : undefined;
      if (typeof syntax === 'string') errors.add('pattern', rule.pattern, `must be a Go (RE2) regular expression, as CoreDNS compiles it: ${syntax}`);
      if (checkBracedToken(errors, 'replacement', rule.replacement)) {
        if (/\$\d/.test(rule.replacement)) errors.add('replacement', rule.replacement, 'refers to a group as $n: CoreDNS substitutes {n} ({1}, {2}, ...) and would keep "$1" in the name');
        const unknown = rule.replacement.replace(/\{\d+\}/g, '').match(/[{}]/);
        if (unknown) errors.add('replacement', rule.replacement, 'may hold braces only in group references {0}..{n}');
        const groups = typeof syntax === 'object' ? syntax.groups : undefined;
        const refs = groupReferences(rule.replacement);
        const beyond = groups === undefined ? [] : refs.filter((n) => n > groups);
        const plural = (n: number) => `${n} capture group${n === 1 ? '' : 's'}`;
        if (beyond.length > 0) {
          errors.add('replacement', rule.replacement, `refers to group {${beyond[0]}}, but 'pattern' has ${plural(groups!)} (CoreDNS would leave the reference in the name)`);
        } else if (groups !== undefined && refs.length > groups) {
          // plugin/rewrite isValidRegexPattern: more distinct references than groups fails CoreDNS at start, {0} included
          errors.add('replacement', rule.replacement, `uses ${refs.length} distinct group reference${refs.length === 1 ? '' : 's'} but 'pattern' has ${plural(groups)}: CoreDNS refuses the rule at start`);
        }
      }
    } else {
      checkToken(errors, 'pattern', rule.pattern);
      checkToken(errors, 'replacement', rule.replacement);
    }
    errors.throwIfAny();
    const args = ['name', rule.match, rule.pattern, rule.replacement];
    if (rule.answerAuto ?? true) args.push('answer', 'auto');
    return new CorefilePlugin('rewrite', args, [], true);
  }

  /** `bind`: listen only on these addresses. */
  public static bind(...addresses: string[]): CorefilePlugin {
    addresses = checkCall('CorefilePlugin.bind', addresses) as string[];
    const errors = new ConfigErrors('CorefilePlugin.bind');
    if (addresses.length === 0) errors.add('addresses', addresses, 'must list at least one address');
    addresses.forEach((a, i) => { if (!parseIp(a)) errors.add(`addresses[${i}]`, a, 'must be an IPv4 or IPv6 address'); });
    errors.throwIfAny();
    return new CorefilePlugin('bind', addresses, []);
  }

  /**
   * Any other plugin, for what the typed factories do not cover. Every token is
   * checked like the typed ones; `blockLines` are the lines inside `{ }`, tokens
   * separated by single spaces.
   */
  public static custom(name: string, args: string[] = [], blockLines: string[] = []): CorefilePlugin {
    [name, args = [], blockLines = []] = checkCall('CorefilePlugin.custom', [name, args, blockLines]) as [string, string[], string[]];
    const errors = new ConfigErrors('CorefilePlugin.custom');
    // CoreDNS directive names are short identifiers (core/dnsserver/zdirectives.go): 63 is generous
    if (typeof name !== 'string' || !/^[a-z][a-z0-9_]{0,62}$/.test(name)) {
      errors.add('name', name, 'must be a plugin name: lowercase letters, digits and \'_\', at most 63');
    }
    args.forEach((a, i) => checkToken(errors, `args[${i}]`, a));
    const block = blockLines.map((line, i) => {
      const tokens = typeof line === 'string' ? line.split(' ') : [];
      if (tokens.length === 0 || tokens.some((t) => t === '')) errors.add(`blockLines[${i}]`, line, 'must be tokens separated by single spaces');
      tokens.forEach((t, j) => { if (t !== '') checkToken(errors, `blockLines[${i}][${j}]`, t); });
      return tokens;
    });
    errors.throwIfAny();
    return new CorefilePlugin(name, args, block, true);
  }

  /**
   * @internal A plugin read from Corefile text (Corefile.parse): tokens as CoreDNS's lexer gave
   * them, braces inside a token allowed (`{1}` group references), checked by the caller.
   */
  public static _parsed(name: string, args: string[], block: string[][]): CorefilePlugin {
    return new CorefilePlugin(name, args, block, true);
  }

  /**
   * @internal A plugin whose options are decided at synthesis (from the app's plan):
   * `resolve` builds it each time the Corefile is rendered.
   */
  public static _deferred(name: string, resolve: () => CorefilePlugin): CorefilePlugin {
    return new CorefilePlugin(name, [], [], false, resolve);
  }

  /** The plugin's name, as written in the Corefile. */
  public readonly name: string;

  /** @internal */
  public readonly _args: readonly string[];
  /** @internal */
  public readonly _block: readonly (readonly string[])[];
  /** @internal whether a server block may hold it more than once */
  public readonly _repeatable: boolean;
  private readonly resolve?: () => CorefilePlugin;

  private constructor(name: string, args: string[], block: string[][], repeatable: boolean = false, resolve?: () => CorefilePlugin) {
    this.name = name;
    this._args = args;
    this._block = block;
    this._repeatable = repeatable;
    this.resolve = resolve;
  }

  /** The directive as Corefile text, indented by `indent` spaces. */
  public render(indent: number = 0): string {
    [indent = 0] = checkCall('CorefilePlugin#render', [indent]) as [number];
    if (this.resolve) return this.resolve().render(indent);
    const pad = ' '.repeat(indent);
    const head = [this.name, ...this._args].join(' ');
    if (this._block.length === 0) return `${pad}${head}`;
    return [`${pad}${head} {`, ...this._block.map((line) => `${pad}    ${line.join(' ')}`), `${pad}}`].join('\n');
  }
}

/** Upstream of `forward`: an IP (with port), a dns:// or tls:// address, or a file path. */
function checkUpstream(errors: ConfigErrors, prop: string, value: string, allowPillars: boolean): void {
  if (!checkToken(errors, prop, value)) return;
  if (allowPillars && (value === '__PILLAR__CLUSTER__DNS__' || value === '__PILLAR__UPSTREAM__SERVERS__')) return;
  if (value.startsWith('/')) return;
  const bare = value.replace(/^(dns|tls):\/\//, '');
  // bare IPv6 (::ffff:10.0.0.1 too) is an address without a port, as CoreDNS's parse.HostPortOrFile reads it
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(bare) ?? /^([0-9a-fA-F:.]+)$/.exec(bare);
  const host = m ? (m[1] ?? m[2]) : undefined;
  const port = m && m[3] !== undefined ? Number(m[3]) : 53;
  const ip = host === undefined ? undefined : parseIp(host);
  const hostOk = host !== undefined && (!!ip || (value.startsWith('tls://') && /^[a-z0-9.-]+$/i.test(host)));
  if (!hostOk || port < 1 || port > 65535 || parseCidr(bare)) {
    errors.add(prop, value, 'must be an IP address (optionally :port or dns:// / tls://), or a resolv.conf-style file path such as /etc/resolv.conf');
  } else if (ip && ip.value === 0n) {
    // Linux delivers a datagram to 0.0.0.0 or :: to the local host: the forwarder would query itself
    errors.add(prop, value, 'must not be the unspecified address (0.0.0.0 or ::): the query would go to the local host');
  }
}

registerValueClass('CorefilePlugin', CorefilePlugin);

import { Chart } from 'cdk8s';
import type { AuditScope } from './_audit-cni';
import type { AuditInput } from './_audit-facts';
import { parseGoDuration } from './_config';
import {
  ClusterProfile, Corefile, CorefilePlugin, ForwardPolicy, KubernetesPodsMode, ScaleTier, ServerBlock, TunedCoreDns,
} from '../index';

/*
 * CoreDNS's Corefile as TunedCoreDns: the main block's cache, kubernetes, forward, health and log
 * settings become its properties, every other plugin of that block an extra plugin and every other
 * block a server block, so the construct's own checks run on the cluster's Corefile (a forward to
 * the kube-dns IP or to loopback loops, a stub zone that takes the cluster domain from the
 * kubernetes plugin, cache sizes CoreDNS rounds) and the plan knows its stub zones (NodeLocal DNSCache
 * forwards them). What CoreDNS does when a setting is absent is what the properties say, not the tier's.
 */

/** Plugins TunedCoreDns writes into the main block itself: they are read as its properties. */
const OWN_PLUGINS = new Set(['errors', 'health', 'ready', 'kubernetes', 'prometheus', 'forward', 'cache', 'loop', 'reload', 'loadbalance', 'log']);

/** TunedCoreDns property -> the Corefile field it was read from, for problems. */
const NAMES: Record<string, string> = {
  cacheTtlSeconds: 'data.Corefile cache TTL',
  cacheSuccessCapacity: 'data.Corefile cache success',
  cacheDenialCapacity: 'data.Corefile cache denial',
  cachePrefetch: 'data.Corefile cache prefetch',
  cacheServeStale: 'data.Corefile cache serve_stale',
  disableClusterZoneCache: 'data.Corefile cache disable',
  kubernetesTtlSeconds: 'data.Corefile kubernetes ttl',
  pods: 'data.Corefile kubernetes pods',
  upstreamServers: 'data.Corefile forward . (to)',
  forwardMaxConcurrent: 'data.Corefile forward max_concurrent',
  forwardPolicy: 'data.Corefile forward policy',
  lameduck: 'data.Corefile health lameduck',
  extraPlugins: 'data.Corefile plugins',
  serverBlocks: 'data.Corefile server blocks',
};

const line = (p: CorefilePlugin | undefined, key: string) => p?._block.find((l) => l[0] === key);
const whole = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : v);

/** TunedCoreDns's properties from the main (`.`) block of a Corefile and the blocks beside it. */
export function coreDnsProps(corefile: Corefile, root: ServerBlock, clusterDomain: string): Record<string, unknown> {
  const props: Record<string, unknown> = { deploy: false };
  const cache = root.plugin('cache');
  if (cache) {
    // cache [TTL] [ZONES...]: TTL 3600 when the first argument is not a number (plugin/cache/setup.go)
    props.cacheTtlSeconds = cache._args[0] !== undefined && /^\d+$/.test(cache._args[0]) ? Number(cache._args[0]) : 3600;
    // 9984 entries each when not given (plugin/cache: 256 shards of 39), not the tier's
    props.cacheSuccessCapacity = whole(line(cache, 'success')?.[1] ?? '9984');
    props.cacheDenialCapacity = whole(line(cache, 'denial')?.[1] ?? '9984');
    const prefetch = line(cache, 'prefetch');
    if (prefetch) {
      const duration = prefetch[2] !== undefined ? parseGoDuration(prefetch[2]) : undefined;
      // prefetch AMOUNT [DURATION] [PERCENTAGE%]: CoreDNS refuses a prefetch without its amount, and so does the construct
      props.cachePrefetch = { amount: prefetch[1] === undefined ? undefined : whole(prefetch[1]), ...(duration ? { duration } : {}) };
    }
    const stale = line(cache, 'serve_stale');
    if (stale) {
      const duration = stale[1] !== undefined ? parseGoDuration(stale[1]) : undefined;
      props.cacheServeStale = { ...(duration ? { duration } : {}), ...(stale[2] ? { refreshMode: stale[2] } : {}) };
    }
    // the cluster domain left out of both caches is kubeadm's 1.32+ Corefile (disable success|denial <domain>)
    const disabled = (which: string) => cache._block.some((l) => l[0] === 'disable' && l[1] === which && l.slice(2).some((z) => z.replace(/\.$/, '') === clusterDomain));
    props.disableClusterZoneCache = disabled('success') && disabled('denial');
  }
  const kubernetes = root.plugin('kubernetes');
  if (kubernetes) {
    // ttl 5 when not given (plugin/kubernetes/setup.go); pods disabled when not given. A ttl that is
    // not a number is the audit's COREDNS-COREFILE finding already
    const ttl = line(kubernetes, 'ttl')?.[1] ?? '5';
    if (/^\d+$/.test(ttl)) props.kubernetesTtlSeconds = Number(ttl);
    const pods = line(kubernetes, 'pods')?.[1];
    props.pods = pods ?? KubernetesPodsMode.DISABLED;
  }
  const forward = root.plugin('forward');
  if (forward) {
    // forward FROM TO...: the upstreams follow the zone
    if (forward._args.length > 1) props.upstreamServers = forward._args.slice(1);
    // no max_concurrent is no limit, which the property cannot say: the tier's value stands for it
    const max = line(forward, 'max_concurrent')?.[1];
    if (max !== undefined) props.forwardMaxConcurrent = whole(max);
    const policy = line(forward, 'policy')?.[1];
    if (policy !== undefined) props.forwardPolicy = policy as ForwardPolicy;
    if (line(forward, 'prefer_udp')) props.forwardPreferUdp = true;
  }
  const lameduck = line(root.plugin('health'), 'lameduck')?.[1];
  if (lameduck !== undefined) props.lameduck = parseGoDuration(lameduck) ?? lameduck;
  if (root.plugin('log')) props.logQueries = true;
  const extra = root.plugins.filter((p) => !OWN_PLUGINS.has(p.name));
  if (extra.length > 0) props.extraPlugins = extra;
  const others = corefile.serverBlocks.filter((b) => b !== root);
  if (others.length > 0) props.serverBlocks = others;
  return props;
}

/** Builds the cluster's CoreDNS as TunedCoreDns; its problems name the Corefile's fields. */
export function coreDnsComponent(
  audit: AuditScope, chart: Chart, common: { tier: ScaleTier; profile: ClusterProfile }, input: AuditInput, corefile: Corefile, root: ServerBlock,
): void {
  const props = coreDnsProps(corefile, root, common.profile.clusterDomain);
  audit.component(chart, 'CoreDns', input, 'COREDNS-CONFIG', { label: 'ConfigMap/kube-system/coredns', names: NAMES },
    (s, id) => new TunedCoreDns(s, id, { ...props, ...common }));
}

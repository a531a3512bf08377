import { Duration } from 'cdk8s';
import {
  Corefile, CorefilePlugin, ForwardPolicy, KubernetesPodsMode, LogClass, RewriteMatch, ServeStaleRefreshMode, ServerBlock,
} from '../../src';

describe('Corefile rendering', () => {
  test('the guide\'s CoreDNS Corefile, built from typed plugins, renders exactly', () => {
    const block = new ServerBlock({
      zones: ['.'],
      plugins: [
        CorefilePlugin.errors(),
        CorefilePlugin.health({ lameduck: Duration.seconds(5) }),
        CorefilePlugin.ready(),
        CorefilePlugin.kubernetes({ zones: ['cluster.local', 'in-addr.arpa', 'ip6.arpa'], pods: KubernetesPodsMode.INSECURE, ttl: 30 }),
        CorefilePlugin.prometheus(':9153'),
        CorefilePlugin.forward({ to: ['/etc/resolv.conf'], maxConcurrent: 1000 }),
        CorefilePlugin.cache({ ttl: 300, success: { capacity: 9984 }, denial: { capacity: 9984 } }),
        CorefilePlugin.loop(),
        CorefilePlugin.reload(),
        CorefilePlugin.loadbalance(),
      ],
    });
    expect(new Corefile(block).render()).toBe(`.:53 {
    errors
    health {
        lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
        max_concurrent 1000
    }
    cache 300 {
        success 9984
        denial 9984
    }
    loop
    reload
    loadbalance
}
`);
  });

  test('every option of forward and cache', () => {
    expect(CorefilePlugin.forward({
      zone: 'example.com',
      to: ['10.0.0.53', '10.0.0.54:5353', 'tls://1.1.1.1', '[fd00::53]:53'],
      exceptZones: ['internal.example.com'],
      preferUdp: true,
      maxConcurrent: 500,
      policy: ForwardPolicy.SEQUENTIAL,
      healthCheck: Duration.millis(500),
      maxFails: 3,
      expire: Duration.seconds(20),
    }).render()).toBe(`forward example.com 10.0.0.53 10.0.0.54:5353 tls://1.1.1.1 [fd00::53]:53 {
    except internal.example.com
    prefer_udp
    max_concurrent 500
    policy sequential
    health_check 500ms
    max_fails 3
    expire 20s
}`);
    expect(CorefilePlugin.cache({
      ttl: 30,
      zones: ['cluster.local'],
      success: { capacity: 19968, ttl: 60, minTtl: 5 },
      denial: { capacity: 2048, ttl: 10 },
      prefetch: { amount: 5, duration: Duration.minutes(1), percentage: 20 },
      serveStale: { duration: Duration.hours(1), refreshMode: ServeStaleRefreshMode.VERIFY },
      servfail: Duration.seconds(2),
      disableSuccessFor: ['cluster.local'],
      disableDenialFor: ['cluster.local'],
      keepTtl: true,
    }).render()).toBe(`cache 30 cluster.local {
    success 19968 60 5
    denial 2048 10
    prefetch 5 1m 20%
    serve_stale 1h verify
    servfail 2s
    disable success cluster.local
    disable denial cluster.local
    keepttl
}`);
  });

  test('log, hosts, rewrite, bind, reload and custom plugins', () => {
    expect(CorefilePlugin.log(LogClass.DENIAL, LogClass.ERROR).render()).toBe('log {\n    class denial error\n}');
    expect(CorefilePlugin.log().render()).toBe('log');
    expect(CorefilePlugin.hosts({ entries: [{ ip: '10.0.0.5', names: ['db.example.com', 'db'] }], ttl: 60, fallthroughZones: [] }).render())
      .toBe('hosts {\n    10.0.0.5 db.example.com db\n    ttl 60\n    fallthrough\n}');
    expect(CorefilePlugin.rewriteName({ match: RewriteMatch.SUFFIX, pattern: '.old.local', replacement: '.cluster.local' }).render())
      .toBe('rewrite name suffix .old.local .cluster.local answer auto');
    expect(CorefilePlugin.bind('169.254.20.10', '10.96.0.10').render()).toBe('bind 169.254.20.10 10.96.0.10');
    expect(CorefilePlugin.reload({ interval: Duration.seconds(10), jitter: Duration.seconds(2) }).render()).toBe('reload 10s 2s');
    expect(CorefilePlugin.custom('k8s_external', ['example.org'], ['ttl 30']).render()).toBe('k8s_external example.org {\n    ttl 30\n}');
  });

  test('rewrite name regex: Go RE2 patterns and {n} group references, as CoreDNS reads them', () => {
    expect(CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '(.*)\\.old\\.local\\.$', replacement: '{1}.cluster.local' }).render())
      .toBe('rewrite name regex (.*)\\.old\\.local\\.$ {1}.cluster.local answer auto');
    expect(CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '(?i)^(?P<h>[a-z0-9-]{1,63})\\.legacy\\.$', replacement: '{1}.svc.cluster.local' })
      .render()).toContain('(?i)^(?P<h>[a-z0-9-]{1,63})');
    const rewrite = (pattern: string, replacement: string) => () => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern, replacement });
    expect(rewrite('(?=foo)bar', 'x')).toThrow("[CorefilePlugin.rewriteName] 'pattern' (\"(?=foo)bar\") must be a Go (RE2) regular expression, as CoreDNS compiles it: "
      + 'invalid or unsupported Perl syntax: (?= (Go has no lookahead or lookbehind)');
    expect(rewrite('(a)\\1', 'x')).toThrow(/no backreferences/);
    expect(rewrite('(.*)\\.old', '{2}.new')).toThrow("'replacement' ({2}.new) refers to group {2}, but 'pattern' has 1 capture group");
    expect(rewrite('(.*)', '{$HOME}')).toThrow(/environment references \(\{\$NAME\}, \{%NAME%\}\)/);
    expect(rewrite('(.*)', '{%HOME%}.x')).toThrow(/environment references/);
    // CoreDNS counts distinct references against the groups: {0} with none fails it at start
    expect(rewrite('^www\\.old\\.$', '{0}.new')).toThrow("uses 1 distinct group reference but 'pattern' has 0 capture groups: CoreDNS refuses the rule at start");
    expect(rewrite('^(a)\\.old\\.$', '{1}.{0}.new')).toThrow("uses 2 distinct group references but 'pattern' has 1 capture group");
    // \_ is an escape Go takes (DNS service labels such as _tcp)
    expect(CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '^(.*)\\_tcp\\.old\\.$', replacement: '{1}_tcp.new.' }).render()).toContain('\\_tcp');
    expect(rewrite('{', 'x')).toThrow(/a lone brace/);
    expect(rewrite('(.*)', '{host}.x')).toThrow('may hold braces only in group references {0}..{n}');
    // braces stay refused where CoreDNS does no substitution
    expect(() => CorefilePlugin.rewriteName({ match: RewriteMatch.SUFFIX, pattern: '.old', replacement: '{1}.new' })).toThrow(/must be one Corefile token/);
  });

  test('rendering is deterministic and keeps the order of blocks and plugins', () => {
    const build = () => new Corefile(
      new ServerBlock({ zones: ['example.com'], plugins: [CorefilePlugin.errors(), CorefilePlugin.forward({ to: ['10.0.0.53'] })] }),
      new ServerBlock({ zones: ['.'], port: 5353, plugins: [CorefilePlugin.loop(), CorefilePlugin.errors()] }),
    ).render();
    expect(build()).toBe(build());
    expect(build()).toBe('example.com:53 {\n    errors\n    forward . 10.0.0.53\n}\n.:5353 {\n    loop\n    errors\n}\n');
  });
});

describe('Corefile validation follows CoreDNS', () => {
  test('kubernetes ttl 0..3600 and pods mode', () => {
    expect(() => CorefilePlugin.kubernetes({ ttl: 3601 })).toThrow("[CorefilePlugin.kubernetes] 'ttl' (3601) must be an integer in 0..3600");
    expect(() => CorefilePlugin.kubernetes({ ttl: -1 })).toThrow("'ttl' (-1) must be an integer in 0..3600");
    expect(() => CorefilePlugin.kubernetes({ pods: 'yes' as KubernetesPodsMode })).toThrow("'pods' (yes) must be one of: disabled, insecure, verified");
    expect(() => CorefilePlugin.kubernetes({ zones: [] })).toThrow("'zones' ([]) must name at least one zone");
  });

  test('cache capacities, TTLs and options', () => {
    expect(() => CorefilePlugin.cache({ success: { capacity: 1000 } })).toThrow("[CorefilePlugin.cache] 'success.capacity' (1000) must be an integer in 1024..2147483647");
    expect(() => CorefilePlugin.cache({ ttl: 0 })).toThrow("'ttl' (0) must be an integer in 1..2147483647");
    expect(() => CorefilePlugin.cache({ denial: { capacity: 2048, ttl: 10, minTtl: 30 } })).toThrow("'denial.minTtl' (30) must be <= 'denial.ttl' (10)");
    expect(() => CorefilePlugin.cache({ success: { capacity: 2048, minTtl: 3 } })).toThrow("'success.minTtl' needs 'success.ttl'");
    expect(() => CorefilePlugin.cache({ prefetch: { amount: 2, duration: Duration.minutes(1), percentage: 95 } })).toThrow("'prefetch.percentage' (95) must be an integer in 10..90");
    expect(() => CorefilePlugin.cache({ prefetch: { amount: 0 } })).toThrow("'prefetch.amount' (0) must be an integer in 1..2147483647");
    expect(() => CorefilePlugin.cache({ serveStale: { refreshMode: ServeStaleRefreshMode.VERIFY } })).toThrow("'serveStale.refreshMode' needs 'serveStale.duration'");
    expect(() => CorefilePlugin.cache({ servfail: Duration.minutes(6) })).toThrow("'servfail' (6m) must be between 0s and 5m");
    expect(() => CorefilePlugin.cache({ zones: ['cluster.local'] })).toThrow("'zones' needs 'ttl' as well");
  });

  test('forward upstreams and options', () => {
    expect(() => CorefilePlugin.forward({ to: [] })).toThrow("[CorefilePlugin.forward] 'to' ([]) must list 1 to 15 upstreams");
    expect(() => CorefilePlugin.forward({ to: Array.from({ length: 16 }, (_, i) => `10.0.0.${i + 1}`) })).toThrow('must list 1 to 15 upstreams');
    expect(() => CorefilePlugin.forward({ to: ['dns.google'] })).toThrow("'to[0]' (dns.google) must be an IP address (optionally :port or dns:// / tls://), or a resolv.conf-style file path");
    expect(() => CorefilePlugin.forward({ to: ['10.0.0.1:99999'] })).toThrow("'to[0]' (10.0.0.1:99999) must be an IP address");
    expect(() => CorefilePlugin.forward({ to: ['__PILLAR__CLUSTER__DNS__'] })).toThrow("'to[0]' (__PILLAR__CLUSTER__DNS__) must be an IP address");
    expect(() => CorefilePlugin.forward({ to: ['10.0.0.1'], forceTcp: true, preferUdp: true })).toThrow("'preferUdp' cannot be combined with 'forceTcp'");
    expect(() => CorefilePlugin.forward({ to: ['10.0.0.1'], maxConcurrent: 0 })).toThrow("'maxConcurrent' (0) must be an integer in 1..2147483647");
    expect(() => CorefilePlugin.forward({ to: ['10.0.0.1'], policy: 'fastest' as ForwardPolicy })).toThrow("'policy' (fastest) must be one of: random, round_robin, sequential");
  });

  test('one cache (and one of most plugins) per server block; rewrite may repeat', () => {
    const block = new ServerBlock({ zones: ['.'], plugins: [CorefilePlugin.cache()] });
    expect(() => block.addPlugin(CorefilePlugin.cache({ ttl: 30 }))).toThrow("[ServerBlock .:53] 'plugins' (cache) may appear only once per server block");
    const rewrite = () => CorefilePlugin.rewriteName({ match: RewriteMatch.EXACT, pattern: 'a.example.com', replacement: 'b.example.com' });
    block.addPlugin(rewrite());
    block.addPlugin(rewrite());
    expect(block.plugins.map((p) => p.name)).toEqual(['cache', 'rewrite', 'rewrite']);
  });

  test('a zone:port served twice and two health endpoints on one address are refused', () => {
    const corefile = new Corefile(new ServerBlock({ zones: ['.'], plugins: [CorefilePlugin.health()] }));
    expect(() => corefile.addServerBlock(new ServerBlock({ zones: ['.'] }))).toThrow("[Corefile] 'zones' (.:53) is already served by another server block");
    expect(() => corefile.addServerBlock(new ServerBlock({ zones: ['example.com'], plugins: [CorefilePlugin.health({ address: ':8080' })] })))
      .toThrow("[Corefile] 'health' (0.0.0.0:8080) is already used by another server block");
    corefile.addServerBlock(new ServerBlock({ zones: ['.'], port: 5353 }));
    expect(corefile.serverBlocks).toHaveLength(2);
  });

  test.each([
    ['a brace', 'example.com}'],
    ['a newline', 'example.com\nforward . 8.8.8.8'],
    ['a quote', '"example.com"'],
    ['a comment mark', 'example.com#'],
    ['a semicolon', 'a;b'],
    ['an env substitution', '{$UPSTREAM}'],
  ])('tokens with %s are refused, never rendered', (_, token) => {
    expect(() => CorefilePlugin.custom('example', [token])).toThrow('must be one Corefile token: printable characters without spaces, newlines, braces, quotes or comment marks');
    expect(() => CorefilePlugin.custom('example', [], [`key ${token}`])).toThrow(/blockLines\[0\]/);
  });

  test('an argument with a space is refused (it would be two tokens)', () => {
    expect(() => CorefilePlugin.custom('example', ['a b'])).toThrow("'args[0]' (\"a b\") must be one Corefile token");
  });

  test('zones, listen addresses, names and block lines are checked', () => {
    expect(() => new ServerBlock({ zones: ['exa mple.com'] })).toThrow("[ServerBlock] 'zones[0]' (\"exa mple.com\") must be one Corefile token");
    expect(() => new ServerBlock({ zones: ['-bad-.com'] })).toThrow("'zones[0]' (-bad-.com) must be \".\" or a domain name");
    expect(() => new ServerBlock({ zones: ['.'], port: 0 })).toThrow("'port' (0) must be an integer in 1..65535");
    expect(() => CorefilePlugin.prometheus('9153')).toThrow("[CorefilePlugin.prometheus] 'address' (9153) must be \":port\" or \"host:port\"");
    expect(() => CorefilePlugin.health({ address: ':70000' })).toThrow("'address' (:70000) must be");
    expect(() => CorefilePlugin.custom('Bad-Name')).toThrow("[CorefilePlugin.custom] 'name' (Bad-Name) must be a plugin name");
    expect(() => CorefilePlugin.custom('x', [], ['a  b'])).toThrow("'blockLines[0]' (\"a  b\") must be tokens separated by single spaces");
    expect(() => CorefilePlugin.rewriteName({ match: RewriteMatch.REGEX, pattern: '(.*', replacement: 'x' })).toThrow("'pattern' (\"(.*\") must be a Go (RE2) regular expression, as CoreDNS compiles it: missing closing ): unbalanced parenthesis");
    expect(() => CorefilePlugin.hosts({ entries: [{ ip: '10.0.0', names: ['db'] }] })).toThrow("'entries[0].ip' (10.0.0) must be an IPv4 or IPv6 address");
    expect(() => CorefilePlugin.bind('localhost')).toThrow("'addresses[0]' (localhost) must be an IPv4 or IPv6 address");
    expect(() => CorefilePlugin.reload({ interval: Duration.seconds(1) })).toThrow("'interval' (1s) must be >= 2s");
    expect(() => CorefilePlugin.health({ lameduck: Duration.seconds(0) })).toThrow("'lameduck' (0s) must be >= 1ms");
  });
});

describe('one zone in two blocks, as CoreDNS keys its listeners (zone, port, bind address; view)', () => {
  const block = (zone: string, ...plugins: CorefilePlugin[]) => new ServerBlock({ zones: [zone], plugins });
  test('different bind addresses, or two view-filtered blocks, may share a zone', () => {
    expect(new Corefile(block('corp.example', CorefilePlugin.bind('10.0.0.1')), block('corp.example', CorefilePlugin.bind('192.168.0.1'))).serverBlocks).toHaveLength(2);
    const view = (expr: string) => CorefilePlugin.custom('view', ['v'], [`expr ${expr}`]);
    expect(new Corefile(block('corp.example', view('name_a')), block('corp.example', view('name_b'))).serverBlocks).toHaveLength(2);
  });

  test('every address against a specific one, or one address in two spellings, is served twice', () => {
    expect(() => new Corefile(block('corp.example'), block('corp.example', CorefilePlugin.bind('10.0.0.1')))).toThrow('is already served by another server block');
    expect(() => new Corefile(block('corp.example', CorefilePlugin.bind('FD00::1')), block('corp.example', CorefilePlugin.bind('fd00::0:1'))))
      .toThrow('is already served by another server block, on a bind address both blocks listen on');
  });
});

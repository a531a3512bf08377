import * as fc from 'fast-check';
import { canonicalCidr, canonicalIp, cidrContains, cidrsOverlap, formatIp, isDnsSubdomain, isLinkLocal, isLoopback, nthAddress, parseCidr, parseIp, sameAddress } from '../../src/core/_net';

describe('IP parsing', () => {
  test.each(['10.96.0.10', '0.0.0.0', '255.255.255.255', '::1', 'fd00:10:96::a', '::ffff:10.0.0.1', '2001:db8::'])('accepts %s', (ip) => {
    expect(parseIp(ip)).toBeDefined();
  });

  test.each(['10.96.0', '10.96.0.256', '010.1.1.1', 'fe80::1%eth0', 'abc', '', '10.0.0.1/32', ' 10.0.0.1'])('rejects %j', (ip) => {
    expect(parseIp(ip)).toBeUndefined();
  });

  test('IPv6 round trip compresses the longest zero run', () => {
    const ip = parseIp('fd00:0:0:0:0:0:0:a')!;
    expect(formatIp(6, ip.value)).toBe('fd00::a');
    expect(formatIp(6, parseIp('::ffff:10.0.0.1')!.value)).toBe('::ffff:a00:1');
  });
});

describe('CIDR parsing', () => {
  test('parses prefix and detects host bits', () => {
    expect(parseCidr('10.96.0.0/12')).toMatchObject({ family: 4, prefix: 12, masked: true });
    expect(parseCidr('10.96.0.1/12')).toMatchObject({ masked: false });
    expect(parseCidr('fd00:10:96::/108')).toMatchObject({ family: 6, prefix: 108, masked: true });
  });

  test.each(['10.96.0.0', '10.96.0.0/33', 'fd00::/129', '10.96.0.0/-1', '10.96.0.0/12/1', 'x/12'])('rejects %j', (c) => {
    expect(parseCidr(c)).toBeUndefined();
  });

  test('containment, overlap and n-th address', () => {
    const svc = parseCidr('10.96.0.0/12')!;
    expect(cidrContains(svc, parseIp('10.111.255.255')!)).toBe(true);
    expect(cidrContains(svc, parseIp('10.112.0.0')!)).toBe(false);
    expect(cidrContains(svc, parseIp('fd00::1')!)).toBe(false);
    expect(cidrsOverlap(svc, parseCidr('10.100.0.0/16')!)).toBe(true);
    expect(cidrsOverlap(svc, parseCidr('10.244.0.0/16')!)).toBe(false);
    expect(nthAddress(svc, 10).text).toBe('10.96.0.10');
    expect(nthAddress(parseCidr('fd00:10:96::/108')!, 10).text).toBe('fd00:10:96::a');
  });

  test('link-local detection', () => {
    expect(isLinkLocal(parseIp('169.254.20.10')!)).toBe(true);
    expect(isLinkLocal(parseIp('10.96.0.10')!)).toBe(false);
    expect(isLinkLocal(parseIp('fe80::10')!)).toBe(true);
  });

  test('DNS subdomains', () => {
    expect(isDnsSubdomain('cluster.local')).toBe(true);
    expect(isDnsSubdomain('Cluster.local')).toBe(false);
    expect(isDnsSubdomain('cluster.local.')).toBe(false);
    expect(isDnsSubdomain('-a.b')).toBe(false);
    expect(isDnsSubdomain('a'.repeat(64))).toBe(false);
  });
});

describe('address syntax agrees with Node\'s own parser (minus what Kubernetes refuses)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const net = require('net') as typeof import('net');
  const reference = (t: string) => (net.isIPv4(t) && !t.split('.').some((o) => o.length > 1 && o.startsWith('0'))) || (net.isIPv6(t) && !t.includes('%'));

  test('on random strings of address characters', () => {
    const chars = fc.constantFrom(...'0123456789abcdefABCDEF:.'.split(''), '::', '%');
    fc.assert(fc.property(fc.array(chars, { maxLength: 45 }).map((a) => a.join('')), (text) => {
      expect({ text, parsed: parseIp(text) !== undefined }).toEqual({ text, parsed: reference(text) });
    }), { numRuns: 5000, seed: 7 });
  });

  test('on random valid addresses, written every way', () => {
    const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
    const v6 = fc.array(fc.nat(0xffff), { minLength: 8, maxLength: 8 }).chain((g) => fc.nat(8).map((k) => {
      const hex = g.map((x) => x.toString(16));
      return k === 8 ? hex.join(':') : `${hex.slice(0, k).join(':')}::${hex.slice(k + 1).join(':')}`;
    }));
    const mixed = fc.tuple(fc.array(fc.nat(0xffff), { minLength: 6, maxLength: 6 }), v4).map(([g, tail]) => `${g.map((x) => x.toString(16)).join(':')}:${tail}`);
    fc.assert(fc.property(fc.oneof(v4, v6, mixed), (text) => {
      expect({ text, parsed: parseIp(text) !== undefined }).toEqual({ text, parsed: reference(text) });
    }), { numRuns: 3000, seed: 7 });
  });
});

describe('addresses compared as addresses', () => {
  const ip = (t: string) => parseIp(t)!;
  test('canonical text: lower case, compressed, IPv4-mapped dotted', () => {
    expect(canonicalIp(ip('FD00:10:96:0:0:0:0:A')).text).toBe('fd00:10:96::a');
    expect(canonicalIp(ip('fd00:10:96::000a')).text).toBe('fd00:10:96::a');
    expect(canonicalIp(ip('::ffff:0a60:000a')).text).toBe('::ffff:10.96.0.10');
    expect(canonicalIp(ip('10.96.0.10')).text).toBe('10.96.0.10');
    expect(canonicalCidr(parseCidr('FD00:10:96:0::/108')!).text).toBe('fd00:10:96::/108');
  });

  test('one address in any spelling, IPv4-mapped IPv6 included', () => {
    expect(sameAddress(ip('fd00:10:96:0:0:0:0:a'), ip('fd00:10:96::a'))).toBe(true);
    expect(sameAddress(ip('::ffff:10.96.0.10'), ip('10.96.0.10'))).toBe(true);
    expect(sameAddress(ip('10.96.0.10'), ip('::ffff:10.96.0.10'))).toBe(true);
    // ::a60:a (IPv4-compatible, not mapped) is another address
    expect(sameAddress(ip('::10.96.0.10'), ip('10.96.0.10'))).toBe(false);
    expect(sameAddress(ip('10.96.0.11'), ip('10.96.0.10'))).toBe(false);
  });

  test('loopback in every spelling', () => {
    for (const t of ['127.0.0.1', '127.255.0.53', '::1', '0:0:0:0:0:0:0:1', '0000::0001', '::ffff:127.0.0.1']) expect([t, isLoopback(ip(t))]).toEqual([t, true]);
    for (const t of ['128.0.0.1', '::2', '::ffff:10.0.0.1', '::']) expect([t, isLoopback(ip(t))]).toEqual([t, false]);
  });
});

/* eslint-disable no-bitwise -- IP addresses and masks are bit arithmetic on bigints */

// Own syntax checks instead of node:net's isIPv4/isIPv6: loading 'net' costs a few
// milliseconds on every import of the library (see docs/benchmarks.md), and Kubernetes'
// rules differ anyway (no leading zeros in IPv4 octets, no IPv6 zone).
const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
const HEXTET = /^[0-9a-fA-F]{1,4}$/;

function isIPv4(text: string): boolean {
  return IPV4.test(text);
}

function isIPv6(text: string): boolean {
  let groupsNeeded = 8;
  let head = text;
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return false;
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    // The last 32 bits written as IPv4 (::ffff:10.0.0.1) stand for two groups.
    if (!isIPv4(tail)) return false;
    groupsNeeded = 6;
    head = text.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return false;
  const parts = (part: string) => (part === '' ? [] : part.split(':'));
  const left = parts(halves[0]);
  const right = halves.length === 2 ? parts(halves[1]) : [];
  if (![...left, ...right].every((g) => HEXTET.test(g))) return false;
  const count = left.length + right.length;
  return halves.length === 2 ? count < groupsNeeded : count === groupsNeeded;
}

/** An IP address as an integer, with its family. Internal. */
export interface ParsedIp {
  readonly family: 4 | 6;
  readonly value: bigint;
  readonly text: string;
}

/** A CIDR block, as written and as integers. Internal. */
export interface ParsedCidr {
  readonly family: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
  readonly text: string;
  /** true when no host bit is set (10.96.0.0/12, not 10.96.0.1/12). */
  readonly masked: boolean;
}

function ipv4ToBigInt(text: string): bigint {
  return text.split('.').reduce((acc, octet) => (acc << 8n) + BigInt(Number(octet)), 0n);
}

function ipv6ToBigInt(text: string): bigint {
  let head = text;
  let tailV4: bigint | undefined;
  // ::ffff:10.0.0.1 style: the last 32 bits are written as IPv4.
  const lastColon = head.lastIndexOf(':');
  if (head.slice(lastColon + 1).includes('.')) {
    tailV4 = ipv4ToBigInt(head.slice(lastColon + 1));
    head = head.slice(0, lastColon + 1) + '0:0';
  }
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const leftGroups = left ? left.split(':').filter((g) => g !== '') : [];
  const rightGroups = right ? right.split(':').filter((g) => g !== '') : [];
  const missing = 8 - leftGroups.length - rightGroups.length;
  const groups = right === undefined ? leftGroups : [...leftGroups, ...Array(missing).fill('0'), ...rightGroups];
  let value = groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n);
  if (tailV4 !== undefined) {
    value = (value & ~0xffffffffn) | tailV4;
  }
  return value;
}

/** Parses an IPv4 or IPv6 address; undefined when it is not one. */
export function parseIp(text: string): ParsedIp | undefined {
  if (typeof text !== 'string') return undefined;
  if (isIPv4(text)) {
    return { family: 4, value: ipv4ToBigInt(text), text };
  }
  if (isIPv6(text)) {
    return { family: 6, value: ipv6ToBigInt(text), text };
  }
  return undefined;
}

/** Parses `addr/prefix`; undefined when the text is not a CIDR with a prefix length. */
export function parseCidr(text: string): ParsedCidr | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const ip = parseIp(m[1]);
  if (!ip) return undefined;
  const prefix = Number(m[2]);
  const bits = ip.family === 4 ? 32 : 128;
  if (prefix > bits) return undefined;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  return {
    family: ip.family,
    network: ip.value & ~hostMask,
    prefix,
    text,
    masked: (ip.value & hostMask) === 0n,
  };
}

/** A CIDR read as Go's ParseCIDRSloppy reads it: host bits allowed, meaning the network (canonical text). */
export function sloppyCidr(text: string): ParsedCidr | undefined {
  const m = typeof text === 'string' ? /^([^/]+)\/(\d{1,3})$/.exec(text) : null;
  const ip = m ? parseIp(m[1]) : undefined;
  if (!ip || !m || Number(m[2]) > (ip.family === 4 ? 32 : 128)) return undefined;
  const c = parseCidr(`${ip.text}/${m[2]}`)!;
  return canonicalCidr(c);
}

/** Renders an integer address back to text (IPv6 in compressed form). */
export function formatIp(family: 4 | 6, value: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 0xffn).toString()).join('.');
  }
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((value >> BigInt(i * 16)) & 0xffffn).toString(16));
  // compress the longest run of zero groups (RFC 5952)
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  const left = groups.slice(0, bestStart).join(':');
  const right = groups.slice(bestStart + bestLen).join(':');
  return `${left}::${right}`;
}

const V4_MAPPED_PREFIX = 0xffffn << 32n;

/**
 * The same address in canonical text: IPv6 lower-case and compressed (RFC 5952),
 * IPv4-mapped IPv6 as ::ffff:a.b.c.d. `fd00:10:96:0:0:0:0:A` and `fd00:10:96::a`
 * are one address; comparing text would call them two.
 */
export function canonicalIp(ip: ParsedIp): ParsedIp {
  if (ip.family === 6 && ip.value >> 32n === 0xffffn) {
    return { ...ip, text: `::ffff:${formatIp(4, ip.value & 0xffffffffn)}` };
  }
  return { ...ip, text: formatIp(ip.family, ip.value) };
}

/** A CIDR in canonical text (its network address canonical, as above). */
export function canonicalCidr(c: ParsedCidr): ParsedCidr {
  return { ...c, text: `${canonicalIp({ family: c.family, value: c.network, text: '' }).text}/${c.prefix}` };
}

/** Whether two addresses are one: IPv4-mapped IPv6 (::ffff:10.96.0.10) is the IPv4 address, as Go's net.IP.Equal has it. */
export function sameAddress(a: ParsedIp, b: ParsedIp): boolean {
  const flat = (ip: ParsedIp) => (ip.family === 4 ? V4_MAPPED_PREFIX | ip.value : ip.value);
  return flat(a) === flat(b);
}

/** Loopback: 127.0.0.0/8, ::1, or IPv4 loopback written IPv4-mapped. */
export function isLoopback(ip: ParsedIp): boolean {
  if (ip.family === 4) return ip.value >> 24n === 127n;
  if (ip.value === 1n) return true;
  return ip.value >> 32n === 0xffffn && (ip.value & 0xffffffffn) >> 24n === 127n;
}

/**
 * The addresses a reverse zone covers (RFC 1035 in-addr.arpa octets, RFC 3596 ip6.arpa nibbles),
 * for a normalised zone with its trailing dot; undefined for any other zone.
 */
export function reverseZoneCidr(zone: string): ParsedCidr | undefined {
  const v4 = /^((?:\d{1,3}\.){0,4})in-addr\.arpa\.$/.exec(zone);
  if (v4) {
    const octets = v4[1].split('.').filter((x) => x !== '').reverse().map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    const padded = [...octets, 0, 0, 0, 0].slice(0, 4);
    return parseCidr(`${padded.join('.')}/${octets.length * 8}`);
  }
  const v6 = /^((?:[0-9a-f]\.){0,32})ip6\.arpa\.$/.exec(zone);
  if (v6) {
    const nibbles = v6[1].split('.').filter((x) => x !== '').reverse();
    const value = BigInt(`0x0${nibbles.join('')}`) << BigInt(4 * (32 - nibbles.length));
    return { family: 6, network: value, prefix: nibbles.length * 4, text: `${formatIp(6, value)}/${nibbles.length * 4}`, masked: true };
  }
  return undefined;
}

/** Whether `ip` lies inside `cidr` (same family required). */
export function cidrContains(cidr: ParsedCidr, ip: ParsedIp): boolean {
  if (cidr.family !== ip.family) return false;
  const bits = cidr.family === 4 ? 32 : 128;
  const hostMask = (1n << BigInt(bits - cidr.prefix)) - 1n;
  return (ip.value & ~hostMask) === cidr.network;
}

/** Whether two CIDR blocks share any address. */
export function cidrsOverlap(a: ParsedCidr, b: ParsedCidr): boolean {
  if (a.family !== b.family) return false;
  const shorter = a.prefix <= b.prefix ? a : b;
  const longer = shorter === a ? b : a;
  return cidrContains(shorter, { family: longer.family, value: longer.network, text: '' });
}

/** The n-th address of a block (0 is the network address). */
export function nthAddress(cidr: ParsedCidr, n: number): ParsedIp {
  const value = cidr.network + BigInt(n);
  return { family: cidr.family, value, text: formatIp(cidr.family, value) };
}

/** Number of addresses in a block, as a bigint. */
export function blockSize(cidr: ParsedCidr): bigint {
  const bits = cidr.family === 4 ? 32 : 128;
  return 1n << BigInt(bits - cidr.prefix);
}

const LINK_LOCAL_V4 = parseCidr('169.254.0.0/16')!;
const LINK_LOCAL_V6 = parseCidr('fe80::/10')!;

/** Whether an address is link-local (169.254.0.0/16 or fe80::/10). */
export function isLinkLocal(ip: ParsedIp): boolean {
  return cidrContains(ip.family === 4 ? LINK_LOCAL_V4 : LINK_LOCAL_V6, ip);
}

/** Whether a block overlaps the link-local range of its family. */
export function overlapsLinkLocal(cidr: ParsedCidr): boolean {
  return cidrsOverlap(cidr, cidr.family === 4 ? LINK_LOCAL_V4 : LINK_LOCAL_V6);
}

/** RFC 1123 DNS subdomain (what Kubernetes accepts for domains and most names). */
export function isDnsSubdomain(text: string): boolean {
  if (typeof text !== 'string' || text.length === 0 || text.length > 253) return false;
  return text.split('.').every(isDnsLabel);
}

/** RFC 1123 DNS label: lowercase alphanumerics and '-', 1..63 characters. */
export function isDnsLabel(text: string): boolean {
  return typeof text === 'string' && /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(text);
}

/** Parses "ip:port" ("[ipv6]:port" for IPv6); undefined when malformed or the port is outside 1..65535. */
export function parseHostPort(text: string): { ip: ParsedIp; port: number } | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  if (!m) return undefined;
  const ip = parseIp(m[1] ?? m[2]);
  const port = Number(m[3]);
  if (!ip || (m[2] !== undefined && ip.family === 6) || port < 1 || port > 65535) return undefined;
  return { ip, port };
}

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** A label key: optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
export function isLabelKey(key: string): boolean {
  if (typeof key !== 'string') return false;
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return LABEL_NAME.test(name) && (prefix === undefined || isDnsSubdomain(prefix));
}

/** A label value: empty, or at most 63 characters of alphanumerics, '-', '_' and '.', starting and ending alphanumeric. */
export function isLabelValue(value: string): boolean {
  return typeof value === 'string' && (value === '' || LABEL_NAME.test(value));
}

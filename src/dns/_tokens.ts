import { ConfigErrors } from '../core/_errors';
import { isDnsSubdomain, parseIp } from '../core/_net';

/**
 * A Corefile token: printable ASCII without whitespace, braces (blocks and
 * `{$ENV}` substitution), quotes, backticks or comment marks (`#`, `;`).
 * Anything else could end a block early or smuggle in another directive.
 */
const TOKEN = /^[\x21-\x7e]+$/;
const FORBIDDEN = /[{}"'`#;]/;

export function isToken(text: string): boolean {
  return typeof text === 'string' && TOKEN.test(text) && !FORBIDDEN.test(text);
}

/**
 * A token that may hold braces, for regular expressions and `{1}` group
 * references: the Corefile lexer only treats a brace as a block when it is a
 * token of its own, and expands `{$NAME}` and `{%NAME%}` from the environment anywhere
 * (coredns/caddy caddyfile lexer and parser).
 */
export function checkBracedToken(errors: ConfigErrors, prop: string, value: string): boolean {
  const ok = typeof value === 'string' && TOKEN.test(value) && !/["'`#;]/.test(value)
    && value !== '{' && value !== '}' && !value.includes('{$') && !/\{%[^}]*%\}/.test(value);
  if (!ok) {
    errors.add(prop, value, 'must be one Corefile token: printable characters without spaces, quotes, comment marks (#, ;), environment references ({$NAME}, {%NAME%}) or a lone brace');
  }
  return ok;
}

export function checkToken(errors: ConfigErrors, prop: string, value: string): boolean {
  if (!isToken(value)) {
    errors.add(prop, value, 'must be one Corefile token: printable characters without spaces, newlines, braces, quotes or comment marks (#, ;)');
    return false;
  }
  return true;
}

/**
 * A zone as CoreDNS compares it: lower case with a trailing dot (dnsserver's
 * normalizeZone), so `Example.COM.` and `example.com` are one zone, served twice is an error at start.
 */
export function normalZone(zone: string): string {
  const lower = zone.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** A DNS zone as CoreDNS reads it: "." or a domain name (a trailing dot is allowed). */
export function checkZone(errors: ConfigErrors, prop: string, zone: string): boolean {
  if (zone === '.') return true;
  const name = typeof zone === 'string' && zone.endsWith('.') ? zone.slice(0, -1) : zone;
  if (!checkToken(errors, prop, zone)) return false;
  if (!isDnsSubdomain(name.toLowerCase().replace(/_/g, 'x'))) {
    errors.add(prop, zone, 'must be "." or a domain name such as cluster.local or in-addr.arpa');
    return false;
  }
  return true;
}

/** "host:port", ":port" or "[v6]:port" listen address, as the health/ready/prometheus plugins take it. */
export function checkListenAddress(errors: ConfigErrors, prop: string, address: string): boolean {
  if (!checkToken(errors, prop, address)) return false;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(address);
  const host = m ? (m[1] ?? m[2]) : undefined;
  const port = m ? Number(m[3]) : 0;
  const hostOk = host === '' || host === undefined ? true : !!parseIp(host) || isDnsSubdomain(host);
  if (!m || !hostOk || port < 1 || port > 65535) {
    errors.add(prop, address, 'must be ":port" or "host:port" with port 1..65535 (for example :9153 or 169.254.20.10:8080)');
    return false;
  }
  return true;
}

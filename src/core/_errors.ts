import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { inputNamesOf, nameProp } from './_input-names';
import { canonicalCidr, canonicalIp, formatIp, isDnsLabel, isLabelKey, isLabelValue, parseCidr, parseIp, ParsedCidr, ParsedIp, sloppyCidr } from './_net';

/**
 * Renders a bad value for an error message: plain when it is a simple token,
 * JSON-quoted when it holds whitespace, quotes or control characters, so an
 * injection attempt is shown, not interpreted.
 */
export function formatValue(value: unknown): string {
  const text = render(value, 0);
  // A 100,000-character value is not echoed whole.
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}… (${text.length} characters)` : text;
}

const MAX_SHOWN = 80;

/**
 * A property path for a message. Paths hold caller-chosen keys (map keys, unknown
 * property names): one line, cut like values, so a key is shown, never echoed whole.
 */
function formatProp(prop: string): string {
  const text = /^[\x20-\x7e]*$/.test(prop) ? prop : JSON.stringify(prop).slice(1, -1);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}… (${text.length} characters)` : text;
}

/** The largest value a Go int32 (and the kernel's int sysctls) holds. */
export const GO_INT32_MAX = 2147483647;

/** Go's time.Duration is int64 nanoseconds: about 292 years. */
const GO_DURATION_MAX_MS = 9223372036854;

function render(value: unknown, depth: number): string {
  if (value === undefined) return 'undefined';
  if (value instanceof Duration) return goDuration(value, true);
  if (Array.isArray(value)) return depth > 2 ? '[…]' : `[${value.slice(0, 20).map((v) => render(v, depth + 1)).join(', ')}${value.length > 20 ? ', …' : ''}]`;
  if (typeof value === 'string') {
    return /^[\x21-\x7e]*$/.test(value) && value.length > 0 && !/["'()]/.test(value) ? value : JSON.stringify(value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol' || typeof value === 'function') return `<${typeof value}>`;
  if (typeof value === 'object' && value !== null) {
    const proto = Object.getPrototypeOf(value);
    if (proto !== null && proto !== Object.prototype) {
      // an instance shows its class (and a construct its path), not its private fields
      const path = (value as { node?: { path?: unknown } }).node?.path;
      const name = (value as { name?: unknown }).name;
      const detail = typeof path === 'string' ? ` ${path}` : typeof name === 'string' && name.length <= 40 ? ` ${name}` : '';
      return `<${value.constructor?.name ?? 'object'}${detail}>`;
    }
    try {
      return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)) ?? `<${value.constructor?.name ?? 'object'}>`;
    } catch {
      return `<${value.constructor?.name ?? 'object'}>`; // cycles, or a toJSON that throws
    }
  }
  return String(value);
}

/**
 * Collects every problem in one construct's input and throws them together,
 * one line each, in the library's single error style:
 *
 *   [chart/KubeProxy] 'minSyncPeriod' (45s) must be <= 'syncPeriod' (30s)
 */
export class ConfigErrors {
  /** Throws one problem at once. */
  public static fail(where: string, prop: string, value: unknown, rule: string): never {
    const e = new ConfigErrors(where);
    e.add(prop, value, rule);
    return e.throwIfAny() as never;
  }

  /** Label for a construct: its path, or its id when it sits at the root. */
  public static labelOf(scope: IConstruct): string {
    return scope.node.path || scope.node.id || '<root>';
  }

  private problems: string[] = [];
  private names: Record<string, string> = {};
  private absolute: Record<string, string> = {};
  private prefix = '';
  private readonly where: string | IConstruct;

  /**
   * `where` is a label, or a construct labelled only when a problem is reported (paths cost a walk
   * up the tree); a construct whose inputs were named (core/_input-names) is labelled by those names.
   */
  public constructor(where: string | IConstruct) {
    const named = typeof where === 'string' ? undefined : inputNamesOf(where);
    this.where = named?.label ?? where;
    this.names = { ...named?.names };
    this.absolute = { ...named?.absolute };
    this.prefix = named?.prefix ?? '';
  }

  /**
   * A view that records into this collector under the caller's property names: a builder shared by
   * several callers (a Corefile plugin) checks its options as `ttl`, a construct offering them as
   * `cacheTtlSeconds` passes `{ ttl: 'cacheTtlSeconds' }`. Names map whole properties and their sub-paths.
   */
  public renamed(names: Record<string, string>): ConfigErrors {
    const view = new ConfigErrors(this.where);
    view.problems = this.problems;
    view.names = { ...this.names, ...names };
    view.absolute = this.absolute;
    view.prefix = this.prefix;
    return view;
  }

  /** `'prop' (value) rule` */
  public add(prop: string, value: unknown, rule: string): this {
    return this.push(`'${formatProp(this.nameOf(prop))}' (${formatValue(value)}) ${rule}`);
  }

  /** `'prop' rule` — for missing or combined properties where no single value is at fault. */
  public addMissing(prop: string, rule: string): this {
    return this.push(`'${formatProp(this.nameOf(prop))}' ${rule}`);
  }

  /** One line per problem: a value two checks refuse alike is reported once. */
  private push(line: string): this {
    if (!this.problems.includes(line)) this.problems.push(line);
    return this;
  }

  private nameOf(prop: string): string {
    return nameProp({ label: '', names: this.names, absolute: this.absolute, prefix: this.prefix }, prop);
  }

  public get count(): number {
    return this.problems.length;
  }

  public get messages(): string[] {
    const where = typeof this.where === 'string' ? this.where : ConfigErrors.labelOf(this.where);
    return this.problems.map((p) => `[${where}] ${p}`);
  }

  public throwIfAny(): void {
    if (this.problems.length > 0) {
      throw new Error(this.messages.join('\n'));
    }
  }

  // ---- shared checks; each returns whether the value passed ----

  /** Integer in [min, max] (either bound optional). */
  public int(prop: string, value: number | undefined, min?: number, max?: number): boolean {
    if (value === undefined) return true;
    const ok = typeof value === 'number' && Number.isInteger(value)
      && (min === undefined || value >= min) && (max === undefined || value <= max);
    if (!ok) this.add(prop, value, describeRange('an integer', min, max));
    return ok;
  }

  /** Finite number in [min, max]. */
  public num(prop: string, value: number | undefined, min?: number, max?: number): boolean {
    if (value === undefined) return true;
    const ok = typeof value === 'number' && Number.isFinite(value)
      && (min === undefined || value >= min) && (max === undefined || value <= max);
    if (!ok) this.add(prop, value, describeRange('a number', min, max));
    return ok;
  }

  /** Membership in a string enum; jsii callers can pass any string at runtime. */
  public oneOf(prop: string, value: string | undefined, allowed: readonly string[]): boolean {
    if (value === undefined) return true;
    const ok = allowed.includes(value);
    if (!ok) this.add(prop, value, `must be one of: ${allowed.join(', ')}`);
    return ok;
  }

  /** Duration in [min, max], whole milliseconds (Go and Prometheus durations have no sub-ms part). */
  public duration(prop: string, value: Duration | undefined, min?: Duration, max?: Duration): boolean {
    if (value === undefined) return true;
    if (!(value instanceof Duration)) {
      this.add(prop, value, 'must be a Duration (for example Duration.seconds(30))');
      return false;
    }
    const ms = value.toMilliseconds({ integral: false });
    if (!Number.isFinite(ms) || !Number.isInteger(ms)) {
      this.add(prop, `${ms}ms`, 'must be a whole number of milliseconds');
      return false;
    }
    const lo = min?.toMilliseconds();
    const hi = max?.toMilliseconds();
    if (ms > GO_DURATION_MAX_MS) {
      this.add(prop, `${ms}ms`, 'must fit a Go time.Duration (at most about 292 years)');
      return false;
    }
    if ((lo !== undefined && ms < lo) || (hi !== undefined && ms > hi)) {
      const range = lo !== undefined && hi !== undefined
        ? `between ${goDuration(min!)} and ${goDuration(max!)}`
        : lo !== undefined ? `>= ${goDuration(min!)}` : `<= ${goDuration(max!)}`;
      this.add(prop, value, `must be ${range}`);
      return false;
    }
    return true;
  }

  /** A container image reference pinned to a tag (not `latest`) or a digest. */
  public image(prop: string, value: string | undefined): boolean {
    if (value === undefined) return true;
    const last = typeof value === 'string' ? value.split('/').pop()! : '';
    const tag = last.includes('@') ? undefined : last.split(':')[1];
    const ok = typeof value === 'string' && /^[a-z0-9][a-z0-9._\-/:@]*$/i.test(value)
      && (/@sha256:[a-f0-9]{64}$/.test(value) || (tag !== undefined && /^[\w][\w.-]{0,127}$/.test(tag) && tag !== 'latest'));
    if (!ok) this.add(prop, value, 'must be an image reference pinned to a tag other than latest, or to a sha256 digest');
    return ok;
  }

  /** A namespace name (an RFC 1123 DNS label). */
  public namespace(prop: string, value: string | undefined): boolean {
    if (value === undefined || isDnsLabel(value)) return true;
    this.add(prop, value, 'must be a namespace name (lowercase letters, digits and \'-\', at most 63, alphanumeric at both ends)');
    return false;
  }

  /**
   * Kubernetes labels (keys and values), as a selector's matchLabels. `reserved` holds
   * labels the library sets on the same object: the caller may repeat them, not change them.
   */
  public labels(prop: string, labels: Record<string, string> | undefined, requireOne = false, reserved: Record<string, string> = {}): boolean {
    if (labels === undefined) return true;
    const entries = typeof labels === 'object' && labels !== null ? Object.entries(labels) : [];
    let ok = true;
    if (requireOne && entries.length === 0) {
      this.add(prop, labels, 'must hold at least one label');
      ok = false;
    }
    for (const [k, v] of entries) {
      if (k === 'constructor') {
        // a valid label key, but cdk8s's serializer reads it as the object's class and fails
        this.add(prop, k, "is a label key cdk8s cannot serialize (it reads 'constructor' as the object's class); use a prefixed key such as example.com/constructor");
        ok = false;
      } else if (Object.prototype.hasOwnProperty.call(reserved, k) && reserved[k] !== v) {
        this.add(`${prop}[${k}]`, v, `is set by the library to ${reserved[k]} on the same object: leave it out, or give that value`);
        ok = false;
      } else if (!isLabelKey(k)) {
        this.add(prop, k, 'is not a label key: an optional DNS prefix and \'/\', then up to 63 of A-Z a-z 0-9 - _ . (alphanumeric at both ends)');
        ok = false;
      } else if (!isLabelValue(v)) {
        this.add(`${prop}[${k}]`, v, 'is not a label value: up to 63 of A-Z a-z 0-9 - _ . (alphanumeric at both ends), or empty');
        ok = false;
      }
    }
    return ok;
  }

  /** IPv4 or IPv6 address. */
  public ip(prop: string, value: string | undefined, family?: 4 | 6): ParsedIp | undefined {
    if (value === undefined) return undefined;
    const ip = parseIp(value);
    if (!ip || (family && ip.family !== family)) {
      this.add(prop, value, `must be an ${family ? `IPv${family}` : 'IPv4 or IPv6'} address`);
      return undefined;
    }
    // from here on the address is compared and emitted in one spelling
    return canonicalIp(ip);
  }

  /**
   * A CIDR as kube-proxy's validation reads it (netutils.ParseCIDRSloppy): host bits are
   * allowed and mean the network, which is returned (canonical) for emission.
   */
  public networkCidr(prop: string, value: string, rule: string): ParsedCidr | undefined {
    const c = sloppyCidr(value);
    if (!c) this.add(prop, value, rule);
    return c;
  }

  /** CIDR with a prefix length and no host bits set. */
  public cidr(prop: string, value: string | undefined, family?: 4 | 6): ParsedCidr | undefined {
    if (value === undefined) return undefined;
    const c = parseCidr(value);
    if (!c || (family && c.family !== family)) {
      const example = family === 6 ? 'fd00:10:96::/108' : '10.96.0.0/12';
      this.add(prop, value, `must be an ${family ? `IPv${family}` : 'IPv4 or IPv6'} CIDR with a prefix length, e.g. ${example}`);
      return undefined;
    }
    if (!c.masked) {
      const bits = c.family === 4 ? 32 : 128;
      const network = `${formatNetwork(c)}/${c.prefix}`;
      this.add(prop, value, `has host bits set: use the network address ${network} (or /${bits} for a single address)`);
      return undefined;
    }
    return canonicalCidr(c);
  }
}

function formatNetwork(c: ParsedCidr): string {
  return formatIp(c.family, c.network);
}

function describeRange(what: string, min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `must be ${what} in ${min}..${max}`;
  if (min !== undefined) return `must be ${what} >= ${min}`;
  if (max !== undefined) return `must be ${what} <= ${max}`;
  return `must be ${what}`;
}

/** Renders any Duration for messages and reports, even one that fails validation. */
export function showDuration(d: Duration): string {
  return goDuration(d, true);
}

/**
 * Renders a Duration the way Go's time.ParseDuration and Prometheus both read it:
 * integer units in descending order, zero parts left out ("1h30m", "1s500ms", "0s").
 */
export function goDuration(d: Duration, lenient = false): string {
  let ms = d.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms)) {
    if (lenient) return `${ms}ms`;
    throw new Error(`duration ${ms}ms is not a whole number of milliseconds`);
  }
  if (ms === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(ms / size);
    if (n > 0) {
      parts.push(`${n}${unit}`);
      ms -= n * size;
    }
  }
  return parts.join('');
}

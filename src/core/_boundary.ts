import { Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ConfigErrors } from './_errors';
import { ENUMS, METHODS, PARENT_DECIDES, PROPS_OF, STRUCTS } from './_schema.generated';

/*
 * The public boundary: every construct's props and every static function's arguments are
 * checked against the types the API declares (src/core/_schema.generated.ts, read from the
 * source), because jsii passes JavaScript and Python values through unchecked. What passes is
 * a clean copy: optional properties set to null are dropped (jsii's meaning of null), so the
 * code behind the boundary can trust the types.
 */

/** Value classes callers pass, registered by their own modules (core imports no component). */
type ClassRef = { readonly prototype: object; readonly name: string };
const CLASSES = new Map<string, ClassRef>([['Duration', Duration]]);

/** Makes a class checkable as `class:<name>` at the boundary. */
export function registerValueClass(name: string, cls: ClassRef): void {
  CLASSES.set(name, cls);
}

/** Keys that would change an object's prototype or shadow its methods when used as a property name. */
const FORBIDDEN_KEYS = new Set(['__proto__']);

/** A JSON-style object (object literal or parsed JSON/YAML): not a list, a class instance or null. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const plain = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Duration) && !Construct.isConstruct(v);

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Duration) return 'a Duration';
  if (Construct.isConstruct(v)) return 'a construct';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/** Closest known name by edit distance (for "did you mean"). */
function closest(name: string, known: string[]): string | undefined {
  const d = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const cur = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
        prev = cur;
      }
    }
    return row[b.length];
  };
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const k of known) {
    const x = d(name, k);
    if (x < bestD) {
      best = k;
      bestD = x;
    }
  }
  return best;
}

/** Checks one value against a type spec; returns the clean value (undefined when it failed). */
function check(errors: ConfigErrors, spec: string, value: unknown, at: string): unknown {
  const [kind, arg] = spec.includes(':') ? [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)] : [spec, ''];
  switch (kind) {
    case 'string':
      if (typeof value === 'string') return value;
      errors.add(at, value, `must be a string, not ${kindOf(value)}`);
      return undefined;
    case 'number':
      if (typeof value === 'number' && Number.isFinite(value)) return Object.is(value, -0) ? 0 : value;
      errors.add(at, value, typeof value === 'number' ? 'must be a finite number' : `must be a number, not ${kindOf(value)}`);
      return undefined;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      errors.add(at, value, `must be true or false, not ${kindOf(value)}`);
      return undefined;
    case 'enum': {
      const values = ENUMS[arg];
      if (typeof value === 'string' && values.includes(value)) return value;
      errors.add(at, value, `must be one of: ${values.join(', ')}`);
      return undefined;
    }
    case 'class': {
      const cls = CLASSES.get(arg);
      if (!cls) throw new Error(`cdk8s-network-tuning: class ${arg} is not registered for boundary checks`);
      if (typeof value === 'object' && value !== null && Object.prototype.isPrototypeOf.call(cls.prototype, value)) return value;
      const hint = arg === 'Duration' ? ' (for example Duration.seconds(30))' : '';
      errors.add(at, value, `must be a ${arg}${hint}, not ${kindOf(value)}`);
      return undefined;
    }
    case 'construct':
      if (Construct.isConstruct(value)) return value;
      errors.add(at, value, `must be a construct (an App, a Chart or a construct in one), not ${kindOf(value)}`);
      return undefined;
    case 'object':
    case 'json':
      if (value !== null && value !== undefined) return value;
      errors.add(at, value, 'must be set');
      return undefined;
    case 'array': {
      if (!Array.isArray(value)) {
        errors.add(at, value, `must be a list, not ${kindOf(value)}`);
        return undefined;
      }
      return value.map((v, i) => {
        if (v === null || v === undefined) {
          errors.add(`${at}[${i}]`, v, 'must not be null or undefined');
          return undefined;
        }
        return check(errors, arg, v, `${at}[${i}]`);
      });
    }
    case 'map': {
      if (!plain(value)) {
        errors.add(at, value, `must be a map of names to values, not ${kindOf(value)}`);
        return undefined;
      }
      const out: [string, unknown][] = [];
      // Keys such as net.core.somaxconn or app.kubernetes.io/name are shown in brackets: the dots are not a path.
      const keyAt = (key: string) => (/^[A-Za-z_$][\w$]*$/.test(key) ? `${at}.${key}` : `${at}[${key}]`);
      for (const key of Object.keys(value)) {
        if (FORBIDDEN_KEYS.has(key)) {
          errors.addMissing(keyAt(key), 'is not allowed as a key (it would replace the object\'s prototype)');
          continue;
        }
        const v = value[key];
        if (v === null || v === undefined) {
          errors.add(keyAt(key), v, 'must not be null or undefined');
          continue;
        }
        out.push([key, check(errors, arg, v, keyAt(key))]);
      }
      return Object.fromEntries(out);
    }
    case 'struct':
      return checkStruct(errors, arg, value, at);
  }
  throw new Error(`cdk8s-network-tuning: unknown type spec ${spec}`);
}

function checkStruct(errors: ConfigErrors, struct: string, value: unknown, at: string): Record<string, unknown> | undefined {
  const fields = STRUCTS[struct];
  if (!fields) throw new Error(`cdk8s-network-tuning: no schema for struct ${struct}`);
  if (!plain(value)) {
    errors.add(at, value, `must be an object of ${struct} properties, not ${kindOf(value)}`);
    return undefined;
  }
  const out: Record<string, unknown> = {};
  const prefix = at ? `${at}.` : '';
  for (const key of Object.keys(value)) {
    if (!Object.prototype.hasOwnProperty.call(fields, key)) {
      // XOptions are what a parent passes on: the properties only XProps has (the tier, the profile) it decides itself
      const decided = PARENT_DECIDES[struct]?.includes(key) ?? false;
      const hint = decided ? undefined : closest(key, Object.keys(fields));
      errors.addMissing(`${prefix}${key}`, `is not a property of ${struct}${hint ? ` (did you mean '${hint}'?)` : ''}`
        + (decided ? `: the parent decides the ${key} once for every component` : ''));
    }
  }
  for (const [name, [spec, optional]] of Object.entries(fields)) {
    const v = Object.prototype.hasOwnProperty.call(value, name) ? value[name] : undefined;
    if (v === undefined || v === null) {
      if (!optional) errors.addMissing(`${prefix}${name}`, `is required (${struct})`);
      continue;
    }
    const clean = check(errors, spec, v, `${prefix}${name}`);
    if (clean !== undefined) out[name] = clean;
  }
  return out;
}

/**
 * A construct's (or value class's) props, checked against their declared struct; throws the
 * library's error naming `where`, each property the caller set, the bad value and the rule.
 * Returns the clean copy the constructor should use.
 */
export function checkProps<T>(where: IConstruct | string, struct: string, props: T | undefined): T {
  const errors = new ConfigErrors(where);
  if (props === undefined || props === null) return checkStruct(errors, struct, {}, '') as T;
  if (!plain(props)) {
    errors.add('props', props, `must be an object of ${struct} properties, not ${kindOf(props)}`);
    errors.throwIfAny();
  }
  const clean = checkStruct(errors, struct, props, '');
  errors.throwIfAny();
  return clean as T;
}

/**
 * A static function's arguments: `[name, type spec, value, optional]` each; throws naming the
 * function. Returns the clean values in order.
 */
export function checkArgs(fn: string, args: ReadonlyArray<readonly [string, string, unknown, boolean]>): unknown[] {
  const errors = new ConfigErrors(fn);
  const out = args.map(([name, spec, value, optional]) => {
    if (value === undefined || value === null) {
      if (!optional) errors.addMissing(name, 'is required');
      return undefined;
    }
    return check(errors, spec, value, name);
  });
  errors.throwIfAny();
  return out;
}

/**
 * A public method's arguments checked against its declared parameters (`Class.method`,
 * `Class#method` or `Class.new`); throws naming the function. Returns the clean arguments,
 * rest parameters spread as given.
 */
export function checkCall(fn: string, args: ArrayLike<unknown>): unknown[] {
  const params = METHODS[fn];
  if (!params) throw new Error(`cdk8s-network-tuning: no schema for method ${fn}`);
  const errors = new ConfigErrors(fn.replace('#', '.').replace(/\.new$/, ''));
  const given = Array.from(args);
  const out: unknown[] = [];
  params.forEach(([name, spec, optional, rest], i) => {
    if (rest) {
      given.slice(i).forEach((v, j) => {
        if (v === null || v === undefined) errors.add(`${name}[${j}]`, v, 'must not be null or undefined');
        else out.push(check(errors, spec, v, `${name}[${j}]`));
      });
      return;
    }
    const v = given[i];
    if (v === undefined || v === null) {
      if (!optional) errors.addMissing(name, 'is required');
      out.push(undefined);
      return;
    }
    // A lone options struct names its properties as the caller wrote them ({ policy: ... } -> 'policy').
    const bare = spec.startsWith('struct:') && params.length === 1 && plain(v);
    out.push(bare ? checkStruct(errors, spec.slice(7), v, '') : check(errors, spec, v, name));
  });
  errors.throwIfAny();
  return out;
}

/** The props struct the schema records for a class (for tests and tools). */
export function propsStructOf(className: string): string | undefined {
  return PROPS_OF[className];
}

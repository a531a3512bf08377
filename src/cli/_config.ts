import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { isPlainObject } from '../core/_boundary';
import { ConfigErrors } from '../core/_errors';
import { STRUCTS } from '../core/_schema.generated';
import { ClusterProfile, ClusterProfileProps } from '../core/cluster-profile';
import { KubernetesVersion } from '../core/kubernetes-version';

/*
 * A config file (YAML or JSON) as NetworkTuning's properties: the keys are the properties'
 * names, durations are Go durations ("30s", "1h30m"), the Kubernetes version is "1.33",
 * container resources are quantities ("250m", "512Mi"). Read through the same schema the
 * constructs check their props against, so a key the library does not have is named here.
 */

const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration string as a Duration (whole milliseconds), or undefined when it is not one. */
export function parseGoDuration(text: string): Duration | undefined {
  // Go's time.ParseDuration takes a bare "0"
  if (text === '0') return Duration.millis(0);
  if (!GO_DURATION.test(text)) return undefined;
  let ns = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ns += Number(m[1]) * UNIT_NS[m[2]];
  const ms = Math.round(ns / 1e3) / 1e3;
  return Number.isInteger(ms) ? Duration.millis(ms) : undefined;
}

const key = (at: string, k: string) => (at ? `${at}.${k}` : k);

/** The struct's properties from a config object: values the schema types as classes are built, others passed on. */
export function fromConfig(errors: ConfigErrors, struct: string, value: unknown, at = ''): Record<string, unknown> | undefined {
  const fields = STRUCTS[struct];
  if (!isPlainObject(value)) {
    errors.add(at || '(document)', value, `must be a map of ${struct} properties`);
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const spec = fields[k]?.[0];
    if (spec === undefined) {
      const hint = Object.keys(fields).find((f) => f.toLowerCase().startsWith(k.toLowerCase()) || k.toLowerCase().startsWith(f.toLowerCase()));
      errors.addMissing(key(at, k), `is not a property of ${struct}${hint ? ` (did you mean '${hint}'?)` : ''}`);
      continue;
    }
    out[k] = v === null ? v : convert(errors, spec, v, key(at, k), k);
  }
  return out;
}

function convert(errors: ConfigErrors, spec: string, v: unknown, at: string, name: string): unknown {
  const [kind, arg] = spec.includes(':') ? [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)] : [spec, ''];
  switch (kind) {
    case 'struct':
      return fromConfig(errors, arg, v, at);
    case 'array':
      if (!Array.isArray(v)) return v;
      return v.map((x, i) => convert(errors, arg, x, `${at}[${i}]`, name));
    case 'map':
      if (!isPlainObject(v)) return v;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, convert(errors, arg, x, `${at}[${k}]`, name)]));
    case 'class':
      return classValue(errors, arg, v, at);
    case 'construct':
      errors.addMissing(at, 'takes constructs of an app (Services, charts), which a config file cannot hold: write a cdk8s app for it');
      return undefined;
    case 'object':
      return name === 'resources' ? resources(errors, v, at) : v;
    default:
      return v;
  }
}

function classValue(errors: ConfigErrors, cls: string, v: unknown, at: string): unknown {
  switch (cls) {
    case 'Duration': {
      const d = typeof v === 'string' ? parseGoDuration(v) : undefined;
      if (!d) errors.add(at, v, 'must be a Go duration in whole milliseconds, e.g. 30s, 1m30s or 500ms');
      return d;
    }
    case 'KubernetesVersion':
      if (typeof v !== 'string' && typeof v !== 'number') {
        errors.add(at, v, 'must be a Kubernetes version such as "1.33"');
        return undefined;
      }
      // "1.30" read as a number is 1.3: a version in a config file is quoted
      if (typeof v === 'number') {
        errors.add(at, v, `must be a quoted string ("${v}" read as a number loses its trailing zero: write '1.30', not 1.30)`);
        return undefined;
      }
      return versionOf(errors, at, v);
    case 'ClusterProfile': {
      const props = fromConfig(errors, 'ClusterProfileProps', v, at);
      if (!props || errors.count > 0) return undefined;
      return new ClusterProfile(props as ClusterProfileProps);
    }
    default:
      errors.addMissing(at, `is a ${cls}, which a config file cannot hold: write a cdk8s app for it`);
      return undefined;
  }
}

/** "1.33" as a KubernetesVersion, with the problem under `at`. */
export function versionOf(errors: ConfigErrors, at: string, v: string): KubernetesVersion | undefined {
  try {
    return KubernetesVersion.of(v);
  } catch {
    errors.add(at, v, `must be a Kubernetes version from ${KubernetesVersion.OLDEST.version} to ${KubernetesVersion.NEWEST.version}, e.g. "1.33"`);
    return undefined;
  }
}

const BINARY: Record<string, (n: number) => Size> = { Ki: Size.kibibytes, Mi: Size.mebibytes, Gi: Size.gibibytes, Ti: Size.tebibytes };

/** `{ cpu: { request: '250m' }, memory: { limit: '512Mi' } }` as cdk8s-plus ContainerResources. */
function resources(errors: ConfigErrors, v: unknown, at: string): unknown {
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [group, limits] of Object.entries(v)) {
    if (!isPlainObject(limits)) {
      out[group] = limits;
      continue;
    }
    out[group] = Object.fromEntries(Object.entries(limits).map(([which, q]) => {
      const where = `${at}.${group}.${which}`;
      const text = typeof q === 'number' ? String(q) : q;
      if (typeof text !== 'string') return [which, q];
      if (group === 'cpu') {
        const m = /^(\d+)m$/.exec(text) ?? /^(\d+(?:\.\d+)?)$/.exec(text);
        if (!m) errors.add(where, q, "must be a CPU quantity such as '250m' or '1'");
        return [which, m ? (text.endsWith('m') ? kplus.Cpu.millis(Number(m[1])) : kplus.Cpu.units(Number(m[1]))) : undefined];
      }
      const m = /^(\d+)(Ki|Mi|Gi|Ti)$/.exec(text);
      if (!m) errors.add(where, q, "must be a binary quantity such as '512Mi' or '1Gi'");
      return [which, m ? BINARY[m[2]](Number(m[1])) : undefined];
    }));
  }
  return out;
}

/** Helm's merge of values (and an inventory's defaults under a cluster's): maps merge key by key, anything else is replaced. */
export function mergeValues(base: Record<string, any>, over: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = isPlainObject(v) && isPlainObject(out[k]) ? mergeValues(out[k], v as Record<string, any>) : v;
  return out;
}

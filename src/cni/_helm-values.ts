import { isPlainObject } from '../core/_boundary';
import { ConfigErrors } from '../core/_errors';

/* Helm values a caller adds beside the tuned ones: checked as JSON, merged under ours. */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** A deep copy of `value` as JSON, or undefined (with the problem in `errors`) when it is not JSON. */
export function jsonValue(errors: ConfigErrors, at: string, value: unknown): Json | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    errors.add(at, value, 'must be a finite number (Helm values are YAML)');
    return undefined;
  }
  if (Array.isArray(value)) {
    const out: Json[] = [];
    value.forEach((v, i) => {
      const j = jsonValue(errors, `${at}[${i}]`, v);
      if (j !== undefined) out.push(j);
    });
    return out;
  }
  if (isPlainObject(value)) {
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(value)) {
      const keyAt = /^[A-Za-z_$][\w$]*$/.test(key) ? `${at}.${key}` : `${at}[${key}]`;
      if (FORBIDDEN.has(key)) {
        errors.addMissing(keyAt, 'is not allowed as a key (it would replace the object\'s prototype)');
        continue;
      }
      const v = value[key];
      if (v === undefined) {
        errors.add(keyAt, v, 'must be a JSON value (undefined is not one: leave the key out)');
        continue;
      }
      const j = jsonValue(errors, keyAt, v);
      if (j !== undefined) out[key] = j;
    }
    return out;
  }
  errors.add(at, value, `must be JSON (an object, list, string, number, boolean or null), not ${typeof value === 'object' ? (value as object).constructor?.name ?? 'an object' : typeof value}`);
  return undefined;
}

/** One key where the caller's value and the tuned one differ: the tuned value is kept. */
export interface OverriddenValue {
  readonly path: string;
  readonly given: Json;
  readonly tuned: unknown;
}

/**
 * `ours` over `extra`: maps merge key by key (Helm's own coalescing of values files), any other
 * tuned value replaces the caller's. Returns the merged values and the keys the caller set differently.
 */
export interface MergedValues {
  readonly values: Record<string, unknown>;
  readonly overridden: OverriddenValue[];
  /** Paths of keys only the caller set. */
  readonly added: string[];
}

export function mergeUnder(extra: { [key: string]: Json }, ours: Record<string, unknown>): MergedValues {
  const overridden: OverriddenValue[] = [];
  const added: string[] = [];
  const walk = (theirs: { [key: string]: Json }, mine: Record<string, unknown>, prefix: string): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, tuned] of Object.entries(mine)) {
      const path = `${prefix}${key}`;
      if (!Object.prototype.hasOwnProperty.call(theirs, key)) {
        out[key] = tuned;
        continue;
      }
      const given = theirs[key];
      if (isPlainObject(tuned) && isPlainObject(given)) {
        out[key] = walk(given as { [key: string]: Json }, tuned, `${path}.`);
        continue;
      }
      if (JSON.stringify(given) !== JSON.stringify(tuned)) overridden.push({ path, given, tuned });
      out[key] = tuned;
    }
    for (const key of Object.keys(theirs)) {
      if (Object.prototype.hasOwnProperty.call(mine, key)) continue;
      out[key] = theirs[key];
      added.push(`${prefix}${key}`);
    }
    return out;
  };
  return { values: walk(extra, ours, ''), overridden, added };
}

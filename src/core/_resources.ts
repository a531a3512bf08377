import type * as kplus from 'cdk8s-plus-28';
import { isPlainObject } from './_boundary';
import { ComponentContext, pick } from './_component';
import { shownProp } from './_input-names';
import { Rule } from './_tier-table';

/*
 * Container resources a caller may override (cdk8s-plus's ContainerResources: Cpu and Size),
 * checked as the API server and the kubelet read them, and recorded in the report.
 */

/** What a component's container gets when nothing is overridden (the tier table's rules). */
export interface ResourceDefaults {
  readonly cpuRequest: Rule<string>;
  readonly memoryRequest: Rule<string>;
  /** The tier's rule; absent when the component derives the limit itself (and records why). */
  readonly memoryLimit?: Rule<string>;
}

/** The quantities to emit (strings, as the API server stores them). */
export interface ResolvedResources {
  readonly cpuRequest: string;
  readonly cpuLimit?: string;
  readonly memoryRequest: string;
  /** Absent when the caller set none and the component derives it. */
  readonly memoryLimit?: string;
  readonly ephemeralStorageRequest?: string;
  readonly ephemeralStorageLimit?: string;
}

// A Kubernetes quantity with a decimal-SI or binary suffix (apimachinery resource.ParseQuantity, without exponents).
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const FACTORS: Record<string, number> = {
  '': 1,
  'm': 1e-3,
  'k': 1e3,
  'M': 1e6,
  'G': 1e9,
  'T': 1e12,
  'P': 1e15,
  'E': 1e18,
  'Ki': 2 ** 10,
  'Mi': 2 ** 20,
  'Gi': 2 ** 30,
  'Ti': 2 ** 40,
  'Pi': 2 ** 50,
  'Ei': 2 ** 60,
};

/** The value of a quantity (cores for CPU, bytes for memory), or undefined when it is not one. */
export function quantityValue(q: string): number | undefined {
  const m = QUANTITY.exec(q);
  return m ? Number(m[1]) * FACTORS[m[2] ?? ''] : undefined;
}

/** A Size in the largest binary unit that keeps it whole (Size's smallest unit is KiB). */
function sizeQuantity(kib: number): string {
  if (kib % (1024 * 1024) === 0) return `${kib / (1024 * 1024)}Gi`;
  if (kib % 1024 === 0) return `${kib / 1024}Mi`;
  return `${kib}Ki`;
}

const KEYS: Record<string, readonly string[]> = { '': ['cpu', 'memory', 'ephemeralStorage'], 'cpu': ['request', 'limit'], 'memory': ['request', 'limit'], 'ephemeralStorage': ['request', 'limit'] };

/**
 * The container's resources: the caller's `resources` (cdk8s-plus ContainerResources) over the
 * component's defaults. Problems go to `ctx.errors` under `prop`; each value is recorded.
 */
export function resolveResources(
  ctx: ComponentContext, prop: string, given: kplus.ContainerResources | undefined, defaults: ResourceDefaults,
): ResolvedResources {
  const { errors } = ctx;
  const g = given as Record<string, unknown> | undefined;
  const part = (group: 'cpu' | 'memory' | 'ephemeralStorage'): Record<string, unknown> => {
    const v = g?.[group];
    if (v === undefined || v === null) return {};
    if (!isPlainObject(v)) {
      errors.add(`${prop}.${group}`, v, "must be an object with 'request' and/or 'limit'");
      return {};
    }
    for (const key of Object.keys(v)) {
      if (!KEYS[group].includes(key)) errors.addMissing(`${prop}.${group}.${key}`, `is not a property of ${group === 'cpu' ? 'CpuResources' : group === 'memory' ? 'MemoryResources' : 'EphemeralStorageResources'}`);
    }
    return v;
  };
  if (g !== undefined && g !== null) {
    if (!isPlainObject(g)) {
      errors.add(prop, given, 'must be a ContainerResources object ({ cpu, memory, ephemeralStorage })');
    } else {
      for (const key of Object.keys(g)) if (!KEYS[''].includes(key)) errors.addMissing(`${prop}.${key}`, 'is not a property of ContainerResources');
    }
  }
  const cpuOf = (at: string, v: unknown): string | undefined => {
    if (v === undefined || v === null) return undefined;
    // kplus.Cpu.millis(250).amount is '250m'; duck-typed so any cdk8s-plus-2x version's Cpu works
    const amount = typeof v === 'object' ? (v as { amount?: unknown }).amount : undefined;
    if (typeof amount !== 'string' || !/^[0-9.e+-]+m?$/.test(amount)) {
      errors.add(at, typeof amount === 'string' ? amount : v, 'must be a cdk8s-plus Cpu (Cpu.millis(250) or Cpu.units(1))');
      return undefined;
    }
    // Whole millicores, written as Kubernetes stores them ("250m", "1", "1.5"): the API server rounds
    // anything finer up, so 0.30000000000000004 cores would become 301m (resource.Quantity).
    const m = /^(\d+)m$/.exec(amount) ?? /^(\d+)(?:\.(\d{1,3}))?$/.exec(amount);
    const millis = m ? (amount.endsWith('m') ? Number(m[1]) : Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'))) : 0;
    if (!m || millis < 1) {
      errors.add(at, amount, 'must be a whole number of millicores, at least 1m');
      return undefined;
    }
    return amount;
  };
  const sizeOf = (at: string, v: unknown): string | undefined => {
    if (v === undefined || v === null) return undefined;
    const toKib = typeof v === 'object' ? (v as { toKibibytes?: unknown }).toKibibytes : undefined;
    if (typeof toKib !== 'function') {
      errors.add(at, v, 'must be a cdk8s Size (Size.mebibytes(170))');
      return undefined;
    }
    let kib: number;
    try {
      // rounding NONE (2): a fractional KiB is refused below rather than thrown by Size
      kib = (toKib as (o: unknown) => number).call(v, { rounding: 2 });
    } catch {
      kib = Number.NaN;
    }
    if (!Number.isInteger(kib) || kib <= 0) {
      errors.add(at, Number.isFinite(kib) ? `${kib}KiB` : v, 'must be a positive whole number of KiB');
      return undefined;
    }
    return sizeQuantity(kib);
  };
  const cpu = part('cpu');
  const memory = part('memory');
  const storage = part('ephemeralStorage');
  const cpuRequest = cpuOf(`${prop}.cpu.request`, cpu.request);
  const cpuLimit = cpuOf(`${prop}.cpu.limit`, cpu.limit);
  const memoryRequest = sizeOf(`${prop}.memory.request`, memory.request);
  const memoryLimit = sizeOf(`${prop}.memory.limit`, memory.limit);
  const storageRequest = sizeOf(`${prop}.ephemeralStorage.request`, storage.request);
  const storageLimit = sizeOf(`${prop}.ephemeralStorage.limit`, storage.limit);

  const limitRule = defaults.memoryLimit;
  const out: ResolvedResources = {
    cpuRequest: pick(ctx, 'resources.requests.cpu', cpuRequest, defaults.cpuRequest),
    memoryRequest: pick(ctx, 'resources.requests.memory', memoryRequest, defaults.memoryRequest),
    memoryLimit: limitRule ? pick(ctx, 'resources.limits.memory', memoryLimit, limitRule)
      : memoryLimit !== undefined ? pick(ctx, 'resources.limits.memory', memoryLimit, { value: memoryLimit, reason: '' }) : undefined,
    ...(cpuLimit !== undefined ? { cpuLimit: pick(ctx, 'resources.limits.cpu', cpuLimit, { value: cpuLimit, reason: '' }) } : {}),
    ...(storageRequest !== undefined ? { ephemeralStorageRequest: pick(ctx, 'resources.requests.ephemeral-storage', storageRequest, { value: storageRequest, reason: '' }) } : {}),
    ...(storageLimit !== undefined ? { ephemeralStorageLimit: pick(ctx, 'resources.limits.ephemeral-storage', storageLimit, { value: storageLimit, reason: '' }) } : {}),
  };
  // The API server: "must be less than or equal to <resource> limit" (requests above limits are refused).
  const ordered = (what: string, group: string, request: string | undefined, limit: string | undefined, requestSet: boolean) => {
    if (request === undefined || limit === undefined || !(quantityValue(request)! > quantityValue(limit)!)) return;
    if (requestSet) errors.add(`${prop}.${group}.request`, request, `must be <= the ${what} limit (${limit}): the API server refuses requests above limits`);
    else errors.add(`${prop}.${group}.limit`, limit, `must be >= the ${what} request (${request}, the default): the API server refuses requests above limits; set '${prop}.${group}.request' too`);
  };
  ordered('memory', 'memory', out.memoryRequest, out.memoryLimit, memoryRequest !== undefined);
  ordered('CPU', 'cpu', out.cpuRequest, out.cpuLimit, cpuRequest !== undefined);
  ordered('ephemeral-storage', 'ephemeralStorage', out.ephemeralStorageRequest, out.ephemeralStorageLimit, true);
  if (cpuLimit !== undefined) {
    // A CFS quota throttles the container for the rest of each 100 ms period once spent: a DNS or
    // proxy burst then waits (kubernetes/kubernetes#67577); upstream's manifests set no CPU limit.
    ctx.state.warn(ctx.scope, 'RESOURCES-CPU-LIMIT',
      `'${shownProp(ctx.scope, `${prop}.cpu.limit`)}' (${cpuLimit}) puts a CFS quota on a node-critical network agent: a burst past it is throttled until the next 100 ms period, which shows as DNS or Service latency`,
      `drop '${shownProp(ctx.scope, `${prop}.cpu.limit`)}' and size '${shownProp(ctx.scope, `${prop}.cpu.request`)}' instead (upstream manifests set no CPU limit)`);
  }
  return out;
}

import { App } from 'cdk8s';

/*
 * One cdk8s synthesis validates the whole app more than once: App.synthYaml()
 * validates, then every chart's toJson() (App._synthChart) validates the app
 * again, so an app of N charts is validated N+1 times (cdk8s 2.x app.js). No user
 * code runs in between, so the library's evaluation of the app (prepares,
 * checks, rules) is the same each time: it is computed once per synthesis and
 * reused until the outermost synthesis call returns. Outside a synthesis call
 * (TuningReport, a component's own methods) nothing is reused.
 */

let depth = 0;
const onExit = new Set<() => void>();
/** JSON of objects the evaluation serialized, handed to the synthesis that follows it (same call). */
const kept = new Map<object, unknown>();

/** Whether a cdk8s synthesis call is running. */
export function inSynthesis(): boolean {
  return depth > 0;
}

/** Runs `fn` when the outermost synthesis call returns (or throws). */
export function atSynthesisEnd(fn: () => void): void {
  onExit.add(fn);
}

/**
 * Keeps an object's final JSON, serialized while evaluating the app, for the rest of this
 * synthesis call, so writing the manifests does not serialize the object a second time.
 * Only for JSON taken after every transform is in place (AppState's check phase).
 */
export function keepJson(obj: { toJson(): unknown }, json: unknown): void {
  if (depth === 0) return;
  kept.set(obj, json);
  // one shared function, not a closure per object: apps keep thousands of objects
  if (!Object.prototype.hasOwnProperty.call(obj, 'toJson')) obj.toJson = keptOrSerialized;
}

function keptOrSerialized(this: { toJson(): unknown }): unknown {
  const json = kept.get(this);
  return json !== undefined ? json : (Object.getPrototypeOf(this).toJson as () => unknown).call(this);
}

/** The JSON kept for this object in this synthesis call, if any. */
export function keptJson(obj: object): unknown {
  return kept.get(obj);
}

const afterAppSynth: Array<(app: App) => void> = [];

/** Runs `fn` after every outermost `App.synth()` that wrote the manifests (cdk8s synth calls it). */
export function onAppSynth(fn: (app: App) => void): void {
  afterAppSynth.push(fn);
}

function wrap(owner: any, name: string, after?: (self: any) => void): void {
  const original = owner?.[name];
  if (typeof original !== 'function' || original.__networkTuningScope) return;
  const wrapped = function (this: unknown, ...args: unknown[]) {
    depth++;
    try {
      const result = original.apply(this, args);
      if (after && depth === 1) after(this);
      return result;
    } finally {
      depth--;
      if (depth === 0) {
        kept.clear();
        const pending = [...onExit];
        onExit.clear();
        for (const fn of pending) fn();
      }
    }
  };
  Object.defineProperty(wrapped, '__networkTuningScope', { value: true });
  owner[name] = wrapped;
}

// The entry points of a synthesis: the app's two, and the per-chart one Chart.toJson()
// and Testing.synth() go through. Missing ones (another cdk8s line) only lose the reuse.
wrap(App, '_synthChart');
wrap(App.prototype, 'synth', (app: App) => afterAppSynth.forEach((fn) => fn(app)));
wrap(App.prototype, 'synthYaml');

import * as fs from 'fs';
import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { SCHEMA_FILE, schemaModule } from '../../scripts/prop-schema';
import * as lib from '../../src';
import { checkArgs, checkProps } from '../../src/core/_boundary';
import { ConfigErrors, formatValue } from '../../src/core/_errors';
import { METHODS, PROPS_OF, STRUCTS } from '../../src/core/_schema.generated';
import { schemaErrors } from '../util';

/** The smallest valid props of each class that takes props (required fields only). */
function baseProps(cls: string, chart: Chart): Record<string, unknown> {
  switch (cls) {
    case 'AllowPolicy': return { podLabels: { app: 'web' } };
    case 'DefaultDenyPolicy': return { namespaces: ['shop'] };
    case 'ServiceTuning': return { service: new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx', portNumber: 80, securityContext: { user: 1000 } }] }).exposeViaService({ ports: [{ port: 80 }] }) };
    case 'ServerBlock': return { zones: ['example.org'] };
    default: return {};
  }
}

/** Builds one class with the given props (constructs in a fresh chart); returns the chart. */
function build(cls: string, props: unknown): Chart {
  const chart = Testing.chart();
  const Class = (lib as unknown as Record<string, new (...args: unknown[]) => unknown>)[cls];
  if (cls === 'ClusterProfile' || cls === 'ServerBlock') new Class(props);
  else new Class(chart, 'Subject', props);
  return chart;
}

const CLASSES = Object.keys(PROPS_OF);

describe('the schema the boundary checks against', () => {
  test('is generated from the current source (npx projen schema)', () => {
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaModule());
  });

  test('covers every public class that takes props', () => {
    const takesProps = Object.entries(lib).filter(([, v]) => typeof v === 'function' && (v as any).length >= 1 && (v as any).prototype instanceof Construct).map(([k]) => k);
    for (const c of takesProps) expect({ c, schema: PROPS_OF[c] !== undefined || c === 'CrossComponentRules' }).toEqual({ c, schema: true });
    expect(CLASSES).toEqual(expect.arrayContaining(['ClusterProfile', 'ServerBlock', 'NetworkTuning', 'TunedKubeProxy']));
  });
});

describe('every class checks its props at the boundary', () => {
  test.each(CLASSES)('%s: an unknown property is refused, with the closest name', (cls) => {
    const chart = Testing.chart();
    const fields = Object.keys(STRUCTS[PROPS_OF[cls]]);
    const typo = fields.length > 0 ? `${fields[0]}x` : 'extra';
    const where = cls === 'ClusterProfile' || cls === 'ServerBlock' ? cls : 'test/Subject';
    expect(() => build(cls, { ...baseProps(cls, chart), [typo]: true })).toThrow(
      `[${where}] '${typo}' is not a property of ${PROPS_OF[cls]}${fields.length > 0 ? ` (did you mean '${fields[0]}'?)` : ''}`);
  });

  test.each(CLASSES)('%s: props that are not an object are refused', (cls) => {
    const where = cls === 'ClusterProfile' || cls === 'ServerBlock' ? cls : 'test/Subject';
    for (const bad of ['tier: large', 42, ['a']]) {
      expect(() => build(cls, bad)).toThrow(`[${where}] 'props' (${formatValue(bad)}) must be an object of ${PROPS_OF[cls]} properties`);
    }
  });
});

describe('types at runtime, as JavaScript and Python callers pass them', () => {
  const fails = (props: unknown, message: string) => expect(() => new lib.TunedKubeProxy(Testing.chart(), 'KubeProxy', props as any)).toThrow(message);

  test('a string where a Duration goes', () => {
    fails({ iptables: { syncPeriod: '30s' } }, "[test/KubeProxy] 'iptables.syncPeriod' (30s) must be a Duration (for example Duration.seconds(30)), not a string");
  });

  test('a string where a boolean goes: never a privileged DaemonSet for "false"', () => {
    fails({ deployDaemonSet: 'false' }, "'deployDaemonSet' (false) must be true or false, not a string");
  });

  test('NaN and Infinity where a number goes; -0 is 0', () => {
    fails({ conntrack: { maxPerCore: NaN } }, "'conntrack.maxPerCore' (NaN) must be a finite number");
    fails({ conntrack: { min: Infinity } }, "'conntrack.min' (Infinity) must be a finite number");
    expect(checkArgs('f', [['n', 'number', -0, false]])).toEqual([0]);
    expect(Object.is(checkArgs('f', [['n', 'number', -0, false]])[0], -0)).toBe(false);
  });

  test('a string where a list goes is one line, not one per character', () => {
    const run = () => new lib.DefaultDenyPolicy(Testing.chart(), 'Deny', { namespaces: 'production' as any });
    expect(run).toThrow("[test/Deny] 'namespaces' (production) must be a list, not a string");
    try {
      run();
    } catch (e) {
      expect((e as Error).message.split('\n')).toHaveLength(1);
    }
  });

  test('null and undefined entries in a list', () => {
    expect(() => new lib.DefaultDenyPolicy(Testing.chart(), 'Deny', { namespaces: ['a', null as any, undefined as any] })).toThrow(
      "[test/Deny] 'namespaces[1]' (null) must not be null or undefined\n[test/Deny] 'namespaces[2]' (undefined) must not be null or undefined");
  });

  test('null for an optional property means unset (jsii), for a required one it is missing', () => {
    const objs = Testing.synth(build('TunedKubeProxy', { mode: null, iptables: null, conntrack: { min: null } }));
    expect(objs.length).toBeGreaterThan(0);
    expect(() => build('DefaultDenyPolicy', { namespaces: null })).toThrow("[test/Subject] 'namespaces' is required (DefaultDenyPolicyProps)");
  });

  test('__proto__ as a map key is refused; constructor and toString are ordinary keys', () => {
    const labels = JSON.parse('{"__proto__": "x", "app": "web"}');
    expect(() => new lib.AllowPolicy(Testing.chart(), 'Allow', { podLabels: labels })).toThrow(
      "[test/Allow] 'podLabels.__proto__' is not allowed as a key (it would replace the object's prototype)");
    const clean = checkProps('f', 'AllowPolicyProps', { podLabels: { constructor: 'a', toString: 'b' } });
    expect(clean).toEqual({ podLabels: { constructor: 'a', toString: 'b' } });
  });

  test('an object that is not a construct where a construct goes', () => {
    expect(() => new lib.ServiceTuning(Testing.chart(), 'Svc', { service: { name: 'web' } as any })).toThrow(
      "[test/Svc] 'service' ({\"name\":\"web\"}) must be a construct (an App, a Chart or a construct in one), not an object");
  });

  test('a value class from elsewhere where a ClusterProfile goes', () => {
    expect(() => new lib.TunedCoreDns(Testing.chart(), 'Dns', { profile: { podCidr: '10.0.0.0/8' } as any })).toThrow(
      "[test/Dns] 'profile' ({\"podCidr\":\"10.0.0.0/8\"}) must be a ClusterProfile, not an object");
  });

  test('enums: any string reaches the boundary from JavaScript', () => {
    fails({ mode: 'userspace' }, "'mode' (userspace) must be one of: iptables, ipvs, nftables");
  });

  test('nested structs report the full property path the caller set', () => {
    expect(() => new lib.NetworkTuning(Testing.chart(), 'Tuning', { kubeProxy: { iptables: { minSyncPeriod: 5 as any } } })).toThrow(
      "[test/Tuning] 'kubeProxy.iptables.minSyncPeriod' (5) must be a Duration (for example Duration.seconds(30)), not a number");
  });
});

describe('values in messages', () => {
  test('a 100,000-character value is not echoed whole', () => {
    const long = 'a'.repeat(100_000);
    const text = formatValue(long);
    expect(text.length).toBeLessThan(120);
    expect(text).toMatch(/… \(100000 characters\)$/);
  });

  test('cycles, BigInt, symbols and functions render without throwing', () => {
    const cyclic: any = { a: 1 };
    cyclic.self = cyclic;
    expect(formatValue(cyclic)).toBe('<Object>');
    expect(formatValue(10n)).toBe('10n');
    expect(formatValue({ n: 10n })).toBe('{"n":"10n"}');
    expect(formatValue(Symbol('s'))).toBe('<symbol>');
    expect(formatValue(() => 1)).toBe('<function>');
  });
});

describe('arbitrary values for every property of every construct: a library error or valid output', () => {
  // Each property, alone, set to anything fast-check makes (and a few JSON-shaped values),
  // on top of the smallest valid props. A foreign exception (TypeError, RangeError, a
  // serializer error) or schema-invalid output fails.
  const values = fc.oneof(
    fc.anything({ withBigInt: true, withNullPrototype: true, withObjectString: true, withBoxedValues: true, maxDepth: 2 }),
    fc.constantFrom('30s', 'false', 'true', '', '-1', '1e+21', 'NaN', [null], [''], {}, { __proto__: null }, NaN, -0, 1e21, 2 ** 31, -1, 0.5),
  );
  const cases = CLASSES.filter((c) => c !== 'ServerBlock').flatMap((cls) => Object.keys(STRUCTS[PROPS_OF[cls]]).map((prop) => [cls, prop] as const));

  test.each(cases)('%s.%s', (cls, prop) => {
    fc.assert(fc.property(values, (value) => {
      const chart = Testing.chart();
      let objs: any[];
      try {
        const props = { ...baseProps(cls, chart), [prop]: value };
        const Class = (lib as unknown as Record<string, new (...args: unknown[]) => unknown>)[cls];
        if (cls === 'ClusterProfile') new lib.TunedCoreDns(chart, 'Dns', { profile: new Class(props) as lib.ClusterProfile });
        else new Class(chart, 'Subject', props);
        objs = Testing.synth(chart);
      } catch (e) {
        const err = e as Error;
        // The library's own: a property error, or the app's rules reported through cdk8s validation.
        const own = err instanceof Error && !(err instanceof TypeError) && !(err instanceof RangeError)
          && (/\[[^\]]*\] '/.test(err.message) || /^Validation failed with the following errors:\n\s+\[[^\]]+\] /.test(err.message));
        if (!own) throw new Error(`foreign error for ${cls}.${prop} = ${formatValue(value)}: ${err?.constructor?.name}: ${err?.message}`);
        return;
      }
      const invalid = objs.filter((o) => !/^(monitoring\.coreos\.com|helm\.toolkit|source\.toolkit)/.test(o.apiVersion)).flatMap((o) => schemaErrors(o));
      if (invalid.length > 0) throw new Error(`invalid output for ${cls}.${prop} = ${formatValue(value)}: ${invalid.join('; ')}`);
    }), { numRuns: Number(process.env.BOUNDARY_RUNS ?? 12), seed: Number(process.env.BOUNDARY_SEED ?? 1) });
  });

  test('the generator reaches the boundary: a Duration is accepted where one goes', () => {
    expect(() => build('TunedKubeProxy', { iptables: { syncPeriod: Duration.seconds(30) } })).not.toThrow();
  });
});

describe('every public method checks its arguments', () => {
  /** An instance to call an instance method on. */
  function instanceOf(cls: string): any {
    const chart = Testing.chart();
    switch (cls) {
      case 'ClusterProfile': return new lib.ClusterProfile();
      case 'Corefile': return new lib.Corefile();
      case 'CorefilePlugin': return lib.CorefilePlugin.errors();
      case 'DefaultDenyPolicy': return new lib.DefaultDenyPolicy(chart, 'Deny', { namespaces: ['team-a'] });
      case 'KubernetesVersion': return lib.KubernetesVersion.V1_30;
      case 'PolicyLint': return new lib.PolicyLint(chart, 'Lint');
      case 'ServerBlock': return new lib.ServerBlock({ zones: ['example.org'] });
      case 'TuningReport': return lib.TuningReport.of(chart);
      default: throw new Error(`no instance for ${cls}: add one to this test`);
    }
  }
  /** A value of the wrong type for a parameter's type spec. */
  const wrong = (spec: string): unknown => spec === 'string' ? 42 : spec.startsWith('enum:') ? 'nope' : spec === 'number' ? 'x' : spec === 'boolean' ? 'x' : 'x';
  const cases = Object.entries(METHODS).filter(([, params]) => !['object', 'json', 'array:json'].includes(params[0][1]));

  test.each(cases.map(([fn]) => fn))('%s', (fn) => {
    const [first] = METHODS[fn];
    const [cls, method] = fn.split(/[.#]/);
    const call = () => {
      if (fn.endsWith('.new')) return new ((lib as any)[cls])(wrong(first[1]));
      const target = fn.includes('#') ? instanceOf(cls) : (lib as any)[cls];
      return target[method](wrong(first[1]));
    };
    const name = first[3] ? `${first[0]}[0]` : first[0];
    const shown = first[1].startsWith('struct:') ? 'props' : name;
    const esc = (x: string) => x.replace(/[.[\]]/g, (c) => `\\${c}`);
    expect(call).toThrow(new RegExp(`^\\[${esc(fn.replace('#', '.').replace(/\.new$/, ''))}\\] '(${esc(name)}|${shown})' `));
  });

  test('a missing required argument is named', () => {
    expect(() => (lib.KubernetesVersion as any).of()).toThrow("[KubernetesVersion.of] 'version' is required");
    expect(() => (lib.TierTable as any).rows(null)).toThrow("[TierTable.rows] 'tier' is required");
  });

  test('a lone options struct names its properties as the caller wrote them', () => {
    expect(() => lib.CorefilePlugin.forward({ to: ['1.1.1.1'], policy: 'fastest' as any })).toThrow(
      "[CorefilePlugin.forward] 'policy' (fastest) must be one of: random, round_robin, sequential");
    expect(() => lib.CorefilePlugin.forward({ to: ['1.1.1.1'], polcy: 'random' } as any)).toThrow(
      "[CorefilePlugin.forward] 'polcy' is not a property of ForwardOptions (did you mean 'policy'?)");
  });
});

describe('ConfigErrors.renamed', () => {
  test('records into the same collector under the caller\'s names, whole properties and their sub-paths only', () => {
    const errors = new ConfigErrors('test/CoreDns');
    const view = errors.renamed({ 'ttl': 'cacheTtlSeconds', 'success.capacity': 'cacheSuccessCapacity', 'prefetch': 'cachePrefetch' });
    view.add('ttl', 0, 'must be positive');
    view.add('ttlx', 1, 'is another property');
    view.add('success.capacity', 5, 'is too small');
    view.add('success.ttl', 5, 'keeps its name');
    view.addMissing('prefetch[0].amount', 'is required');
    view.add('ttl', 0, 'must be positive'); // the same problem twice is one line
    expect(errors.messages).toEqual([
      "[test/CoreDns] 'cacheTtlSeconds' (0) must be positive",
      "[test/CoreDns] 'ttlx' (1) is another property",
      "[test/CoreDns] 'cacheSuccessCapacity' (5) is too small",
      "[test/CoreDns] 'success.ttl' (5) keeps its name",
      "[test/CoreDns] 'cachePrefetch[0].amount' is required",
    ]);
  });
});

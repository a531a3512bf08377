import { CorefileSyntaxError, ParsedDirective, ParsedServerBlock, parseStructure, substituteEnv, tokenize } from './_corefile-parser';
import { checkBracedToken, checkZone, normalZone } from './_tokens';
import { CorefilePlugin } from './corefile-plugin';
import { checkCall, checkProps, registerValueClass } from '../core/_boundary';
import { ConfigErrors } from '../core/_errors';
import { parseIp, sameAddress } from '../core/_net';

/** Options of `Corefile.parse`. */
export interface CorefileParseOptions {
  /**
   * Values for `{$NAME}` and `{%NAME%}` environment references, as CoreDNS substitutes them when it starts.
   *
   * @default - none: a reference is refused (its value is unknown here)
   */
  readonly env?: Record<string, string>;
}

/** Properties of a `ServerBlock`. */
export interface ServerBlockProps {
  /** Zones this block serves ("." for everything), for example `['cluster.local']`. */
  readonly zones: string[];

  /**
   * Port the block listens on.
   *
   * @default 53
   */
  readonly port?: number;

  /**
   * Plugins, rendered in this order (CoreDNS runs them in its own compiled order).
   *
   * @default - none; add them with addPlugin()
   */
  readonly plugins?: CorefilePlugin[];
}

/** One server block of a Corefile: `ZONES:PORT { plugins }`. */
export class ServerBlock {
  /** Zones served. */
  public readonly zones: string[];
  /** Listen port. */
  public readonly port: number;
  private readonly _plugins: CorefilePlugin[] = [];

  public constructor(props: ServerBlockProps) {
    props = checkProps('ServerBlock', 'ServerBlockProps', props);
    const errors = new ConfigErrors('ServerBlock');
    const zones = props.zones ?? [];
    if (zones.length === 0) errors.add('zones', zones, 'must name at least one zone ("." for everything)');
    zones.forEach((z, i) => {
      if (!checkZone(errors, `zones[${i}]`, z)) return;
      const first = zones.findIndex((other) => typeof other === 'string' && normalZone(other) === normalZone(z));
      if (first < i) errors.add(`zones[${i}]`, z, `repeats 'zones[${first}]' (${zones[first]}): CoreDNS compares zones in lower case with a trailing dot`);
    });
    this.port = props.port ?? 53;
    errors.int('port', this.port, 1, 65535);
    errors.throwIfAny();
    this.zones = [...zones];
    for (const p of props.plugins ?? []) this.addPlugin(p);
  }

  /** Adds a plugin. Plugins CoreDNS allows once per block (all but `rewrite` and custom ones) are refused twice. */
  public addPlugin(plugin: CorefilePlugin): void {
    [plugin] = checkCall('ServerBlock#addPlugin', [plugin]) as [CorefilePlugin];
    if (!(plugin instanceof CorefilePlugin)) {
      ConfigErrors.fail(`ServerBlock ${this.key}`, 'plugin', plugin, 'must be a CorefilePlugin (use its static factories)');
    }
    const problem = this._problemAdding(plugin);
    if (problem) ConfigErrors.fail(`ServerBlock ${this.key}`, 'plugins', plugin.name, problem);
    this._plugins.push(plugin);
  }

  /** @internal Why adding `plugin` would be refused, if it would (for callers that name their own property). */
  public _problemAdding(plugin: CorefilePlugin): string | undefined {
    if (!plugin._repeatable && this._plugins.some((p) => p.name === plugin.name)) {
      return 'may appear only once per server block (CoreDNS: "this plugin can only be used once per Server Block")';
    }
    return undefined;
  }

  /** The plugin with this name, if the block has one. */
  public plugin(name: string): CorefilePlugin | undefined {
    [name] = checkCall('ServerBlock#plugin', [name]) as [string];
    return this._plugins.find((p) => p.name === name);
  }

  /** The plugins, in order. */
  public get plugins(): CorefilePlugin[] {
    return [...this._plugins];
  }

  /** `zone:port` keys of this block (one per zone). */
  public get keys(): string[] {
    return this.zones.map((z) => `${z}:${this.port}`);
  }

  /** The keys as CoreDNS compares them (lower case, trailing dot). @internal */
  public get _normalKeys(): string[] {
    return this.zones.map((z) => `${normalZone(z)}:${this.port}`);
  }

  private get key(): string {
    return this.keys.join(' ');
  }

  /** The block as Corefile text. */
  public render(): string {
    return [`${this.keys.join(' ')} {`, ...this._plugins.map((p) => p.render(4)), '}'].join('\n');
  }
}

/** The addresses a block's `bind` plugin names (empty: every address). */
function bindsOf(block: ServerBlock): readonly string[] {
  return block.plugin('bind')?._args ?? [];
}

/** Whether two blocks for one zone:port would both listen on one socket. */
function sameListener(a: ServerBlock, b: ServerBlock): boolean {
  if (a.plugin('view') && b.plugin('view')) return false;
  const [x, y] = [bindsOf(a), bindsOf(b)];
  // addresses compared as addresses (bind takes any spelling)
  const same = (p: string, q: string) => {
    const [i, j] = [parseIp(p), parseIp(q)];
    return i && j ? sameAddress(i, j) : p === q;
  };
  return x.length === 0 || y.length === 0 || x.some((p) => y.some((q) => same(p, q)));
}

/**
 * A typed Corefile: server blocks of validated plugins, rendered
 * deterministically (4-space indentation, blocks and plugins in the order added).
 *
 * @see https://coredns.io/manual/toc/#configuration
 */
export class Corefile {
  /**
   * Reads Corefile text as CoreDNS does (comments, quotes, several keys per block, snippets and
   * `import`, environment references) into the model; `render()` then writes it back in this
   * library's layout. Refuses what CoreDNS would refuse at start (a zone:port served twice, an
   * unclosed block) and what the model cannot hold (quoted tokens with spaces, keys on different
   * ports in one block, blocks nested inside a plugin's block), naming the line.
   */
  public static parse(text: string, options: CorefileParseOptions = {}): Corefile {
    [text, options = {}] = checkCall('Corefile.parse', [text, options]) as [string, CorefileParseOptions];
    const problems: string[] = [];
    const fail = (line: number, message: string) => problems.push(`line ${line}: ${message}`);
    let structure: ParsedServerBlock[] = [];
    const missing = new Set<string>();
    try {
      structure = parseStructure(substituteEnv(tokenize(text), options.env, missing));
    } catch (e) {
      if (!(e instanceof CorefileSyntaxError)) throw e;
      problems.push(e.message);
    }
    if (missing.size > 0) problems.push(`environment references without a value: ${[...missing].sort().join(', ')} (pass them in 'env')`);
    const corefile = new Corefile();
    for (const parsed of problems.length > 0 ? [] : structure) {
      const line = parsed.keys[0]?.line ?? 0;
      const listens = parsed.keys.map((k) => serverKey(k.text));
      const bad = listens.findIndex((l) => typeof l === 'string');
      if (bad >= 0) {
        fail(parsed.keys[bad].line, `server block key ${parsed.keys[bad].text}: ${listens[bad] as string}`);
        continue;
      }
      const keys = listens as Array<{ zone: string; port: number }>;
      if (new Set(keys.map((k) => k.port)).size > 1) {
        fail(line, `keys on different ports in one block (${parsed.keys.map((k) => k.text).join(' ')}): the model holds one port per block; write one block per port`);
        continue;
      }
      const zoneErrors = new ConfigErrors('Corefile.parse');
      keys.forEach((k, i) => checkZone(zoneErrors, `zones[${i}]`, k.zone));
      if (zoneErrors.count > 0) {
        fail(line, zoneErrors.messages.map((m) => m.replace(/^\[Corefile\.parse\] /, '')).join('; '));
        continue;
      }
      const plugins: CorefilePlugin[] = [];
      for (const d of parsed.directives) {
        const problem = pluginProblem(d);
        if (problem) fail(problem.line, problem.message);
        else plugins.push(CorefilePlugin._parsed(d.name.text, d.args.map((t) => t.text), d.block.map((l) => l.map((t) => t.text))));
      }
      let block: ServerBlock;
      try {
        block = new ServerBlock({ zones: keys.map((k) => k.zone), port: keys[0].port });
      } catch (e) {
        fail(line, (e as Error).message);
        continue;
      }
      plugins.forEach((p) => block.addPlugin(p));
      const clash = corefile._problemAdding(block);
      if (clash) fail(line, `'${clash.prop}' (${clash.value}) ${clash.rule}`);
      else corefile.addServerBlock(block);
    }
    if (problems.length > 0) throw new Error(problems.map((p) => `[Corefile.parse] ${p}`).join('\n'));
    return corefile;
  }

  private readonly _blocks: ServerBlock[] = [];

  public constructor(...blocks: ServerBlock[]) {
    blocks = checkCall('Corefile.new', blocks) as ServerBlock[];
    for (const b of blocks) this.addServerBlock(b);
  }

  /** Adds a server block; a zone:port served twice, or two `health` endpoints on one address, are refused. */
  public addServerBlock(block: ServerBlock): void {
    [block] = checkCall('Corefile#addServerBlock', [block]) as [ServerBlock];
    if (!(block instanceof ServerBlock)) ConfigErrors.fail('Corefile', 'block', block, 'must be a ServerBlock');
    const problem = this._problemAdding(block);
    if (problem) ConfigErrors.fail('Corefile', problem.prop, problem.value, problem.rule);
    this._blocks.push(block);
  }

  /** @internal Why adding `block` would be refused, if it would (for callers that name their own property). */
  public _problemAdding(block: ServerBlock): { prop: string; value: string; rule: string } | undefined {
    let found: { prop: string; value: string; rule: string } | undefined;
    block._normalKeys.forEach((key, i) => {
      if (found) return;
      // CoreDNS keys a listener by zone, port and bind address (dnsserver validateZonesAndListeningAddresses):
      // one zone:port on different addresses is fine, on a shared one (or every address) it is served twice;
      // blocks filtered by `view` may share a zone.
      const other = this._blocks.find((b) => b._normalKeys.includes(key) && sameListener(b, block));
      if (other) {
        const shown = other.keys[other._normalKeys.indexOf(key)];
        const same = (shown === block.keys[i] ? '' : ` as ${shown} (CoreDNS compares zones in lower case with a trailing dot)`)
          + (bindsOf(other).length > 0 && bindsOf(block).length > 0 ? ', on a bind address both blocks listen on' : '');
        found = { prop: 'zones', value: block.keys[i], rule: `is already served by another server block${same}` };
      }
    });
    if (found) return found;
    const health = healthAddress(block);
    if (health && this._blocks.some((b) => healthAddress(b) === health)) {
      return { prop: 'health', value: health, rule: 'is already used by another server block: CoreDNS allows one health endpoint per address' };
    }
    return undefined;
  }

  /** The server blocks, in order. */
  public get serverBlocks(): ServerBlock[] {
    return [...this._blocks];
  }

  /** The Corefile text. */
  public render(): string {
    return this._blocks.map((b) => b.render()).join('\n') + '\n';
  }
}

/** `[dns://]zone[:port]` as a zone and a port, or why the key cannot be read. */
function serverKey(key: string): { zone: string; port: number } | string {
  const scheme = /^([a-z]+):\/\//.exec(key);
  if (scheme && scheme[1] !== 'dns') return `the ${scheme[1]}:// transport is not in the model (plain DNS only)`;
  const rest = scheme ? key.slice(scheme[0].length) : key;
  const m = /^(.*?)(?::(\d+))?$/.exec(rest)!;
  const port = m[2] === undefined ? 53 : Number(m[2]);
  if (port < 1 || port > 65535) return `port ${m[2]} is not 1..65535`;
  // ":53" serves the root zone (dnsserver: an empty zone is ".")
  return { zone: m[1] === '' ? '.' : m[1], port };
}

/** Why a parsed directive cannot be held by the model, if it cannot. */
function pluginProblem(d: ParsedDirective): { line: number; message: string } | undefined {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(d.name.text) || d.name.quoted) {
    return { line: d.name.line, message: `${JSON.stringify(d.name.text)} is not a plugin name (lowercase letters, digits and '_')` };
  }
  for (const t of [...d.args, ...d.block.flat()]) {
    const ok = new ConfigErrors('Corefile.parse');
    if (t.text === '{' || t.text === '}') {
      return { line: t.line, message: `a block nested inside the block of ${d.name.text}: the model holds one level of plugin options` };
    }
    if (!checkBracedToken(ok, 'token', t.text)) {
      return { line: t.line, message: `token ${JSON.stringify(t.text)} of ${d.name.text}${t.quoted ? ' (quoted)' : ''} cannot be written back as one token (spaces, quotes, comment marks)` };
    }
  }
  return undefined;
}

function healthAddress(block: ServerBlock): string | undefined {
  const health = block.plugin('health');
  if (!health) return undefined;
  const address = health._args[0] ?? ':8080';
  return address.startsWith(':') ? `0.0.0.0${address}` : address;
}

registerValueClass('ServerBlock', ServerBlock);

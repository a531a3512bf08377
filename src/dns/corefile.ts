import { checkZone, normalZone } from './_tokens';
import { CorefilePlugin } from './corefile-plugin';
import { checkCall, checkProps, registerValueClass } from '../core/_boundary';
import { ConfigErrors } from '../core/_errors';
import { parseIp, sameAddress } from '../core/_net';

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

function healthAddress(block: ServerBlock): string | undefined {
  const health = block.plugin('health');
  if (!health) return undefined;
  const address = health._args[0] ?? ':8080';
  return address.startsWith(':') ? `0.0.0.0${address}` : address;
}

registerValueClass('ServerBlock', ServerBlock);

/*
 * The Corefile's syntax as CoreDNS reads it (its fork of the Caddy v1 Caddyfile lexer and
 * parser, coredns/caddy caddyfile/lexer.go and parse.go): tokens split on whitespace, `#`
 * comments to the end of the line, "quoted" tokens with \" escapes, `{$NAME}` / `{%NAME%}`
 * environment references, server blocks `KEY [KEY...] { directives }`, a directive's own
 * `{ }` block, snippets `(name) { ... }` and `import`. Internal: Corefile.parse builds the model.
 */

export interface Token {
  readonly text: string;
  readonly line: number;
  /** Written in quotes: braces and `#` inside are plain text. */
  readonly quoted: boolean;
  /** The physical line it sits on, for grouping (an imported snippet's lines get rows of their own). */
  readonly row: number;
}

export interface ParsedDirective {
  readonly name: Token;
  readonly args: Token[];
  /** The directive's `{ }` block: its lines, each a list of tokens (nested blocks flattened into lines with '{' / '}'). */
  readonly block: Token[][];
}

export interface ParsedServerBlock {
  readonly keys: Token[];
  readonly directives: ParsedDirective[];
}

export class CorefileSyntaxError extends Error {
  public constructor(public readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

/** Splits Corefile text into tokens (lexer.go: whitespace, comments, quotes, escapes). */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  // a byte-order mark is not part of the first token (the lexer discards it)
  let i = text.startsWith('\ufeff') ? 1 : 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    // any Unicode space separates tokens (Go's unicode.IsSpace), as the token loop below stops on it
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const start = line;
    if (c === '"') {
      let value = '';
      i++;
      let closed = false;
      while (i < text.length) {
        const d = text[i];
        if (d === '\\' && text[i + 1] === '"') {
          value += '"';
          i += 2;
          continue;
        }
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\n') line++;
        value += d;
        i++;
      }
      if (!closed) throw new CorefileSyntaxError(start, 'a quoted token is not closed');
      out.push({ text: value, line: start, quoted: true, row: start });
      continue;
    }
    let value = '';
    while (i < text.length && !/[\s]/.test(text[i])) {
      // a backslash escapes a space or quote inside an unquoted token (lexer.go)
      if (text[i] === '\\' && i + 1 < text.length && /[ "]/.test(text[i + 1])) {
        value += text[i + 1];
        i += 2;
        continue;
      }
      value += text[i];
      i++;
    }
    out.push({ text: value, line: start, quoted: false, row: start });
  }
  return out;
}

const ENV = /\{\$([A-Za-z0-9_]+)\}|\{%([A-Za-z0-9_]+)%\}/g;

/** `{$NAME}` and `{%NAME%}` replaced from `env` (parse.go replaceEnvVars); unknown names are listed in `missing`. */
export function substituteEnv(tokens: Token[], env: Record<string, string> | undefined, missing: Set<string>): Token[] {
  return tokens.map((t) => {
    if (!t.text.includes('{')) return t;
    const text = t.text.replace(ENV, (whole, a: string | undefined, b: string | undefined) => {
      const name = (a ?? b)!;
      if (env && Object.prototype.hasOwnProperty.call(env, name)) return env[name];
      missing.add(name);
      return whole;
    });
    return text === t.text ? t : { ...t, text };
  });
}

const open = (t: Token | undefined) => t !== undefined && !t.quoted && t.text === '{';
const close = (t: Token | undefined) => t !== undefined && !t.quoted && t.text === '}';

/** Groups tokens into lines (the line of the first token) so a directive's arguments end at its line. */
function byLine(tokens: Token[]): Token[][] {
  const lines: Token[][] = [];
  for (const t of tokens) {
    const last = lines[lines.length - 1];
    if (last && last[0].row === t.row && !close(t) && !close(last[last.length - 1]) && !open(last[last.length - 1])) last.push(t);
    else lines.push([t]);
  }
  return lines;
}

/**
 * Server blocks and snippets from tokens; `import NAME` of a snippet is expanded (parse.go
 * doImport), `import PATH` of a file is kept as a directive (a ConfigMap cannot resolve it).
 */
export function parseStructure(tokens: Token[]): ParsedServerBlock[] {
  const snippets = new Map<string, Token[]>();
  const blocks: ParsedServerBlock[] = [];
  let i = 0;
  const bodyOf = (startLine: number): Token[] => {
    // tokens of one { } body, nested braces balanced; i is after the opening '{'
    const body: Token[] = [];
    let depth = 1;
    while (i < tokens.length) {
      const t = tokens[i++];
      if (open(t)) depth++;
      if (close(t) && --depth === 0) return body;
      body.push(t);
    }
    throw new CorefileSyntaxError(startLine, 'a block opened here is not closed');
  };
  while (i < tokens.length) {
    const first = tokens[i];
    if (close(first)) throw new CorefileSyntaxError(first.line, "'}' closes no block");
    const snippet = /^\((.+)\)$/.exec(first.text);
    if (snippet && !first.quoted) {
      i++;
      if (!open(tokens[i])) throw new CorefileSyntaxError(first.line, `snippet ${first.text} needs a { } body`);
      i++;
      if (snippets.has(snippet[1])) throw new CorefileSyntaxError(first.line, `snippet ${first.text} is defined twice`);
      snippets.set(snippet[1], bodyOf(first.line));
      continue;
    }
    if (first.text === 'import' && !first.quoted) {
      // import in key position brings in server blocks (parse.go addresses: "import" on a new line)
      const what = tokens[i + 1];
      if (!what || what.row !== first.row) throw new CorefileSyntaxError(first.line, 'import needs a snippet name or a file');
      if (tokens[i + 2] && tokens[i + 2].row === first.row) throw new CorefileSyntaxError(first.line, 'import takes only one argument');
      const imported = snippets.get(what.text);
      if (!imported) {
        throw new CorefileSyntaxError(first.line, `import ${what.text}: server blocks imported from files cannot be read from the text alone; inline them (or define a snippet)`);
      }
      tokens.splice(i, 2, ...imported.map((x) => ({ ...x, row: first.row + x.row / 1e6 })));
      continue;
    }
    // keys are the tokens of one line, continued on the next only after a trailing comma (parse.go addresses)
    const keys: Token[] = [];
    let row = first.row;
    while (i < tokens.length && !open(tokens[i])) {
      const t = tokens[i];
      if (close(t)) throw new CorefileSyntaxError(t.line, "'}' closes no block");
      const continued = keys.length > 0 && tokens[i - 1].text.endsWith(',');
      if (t.row !== row && !continued) break;
      row = t.row;
      for (const part of t.text.split(',')) if (part !== '') keys.push({ ...t, text: part });
      i++;
    }
    let body: Token[];
    if (open(tokens[i]) && tokens[i].row === row) {
      i++;
      body = bodyOf(first.line);
    } else {
      // no braces: the rest of the file is this server's directives (parse.go blockContents)
      body = tokens.slice(i);
      i = tokens.length;
      if (body.length === 0) throw new CorefileSyntaxError(first.line, `server block ${keys.map((k) => k.text).join(' ')} has no directives`);
    }
    blocks.push({ keys, directives: directivesOf(expandImports(body, snippets, new Set())) });
  }
  return blocks;
}

function expandImports(body: Token[], snippets: Map<string, Token[]>, seen: Set<string>): Token[] {
  const out: Token[] = [];
  for (let j = 0; j < body.length; j++) {
    const t = body[j];
    const next = body[j + 1];
    if (!t.quoted && t.text === 'import' && next && next.row === t.row && (j === 0 || body[j - 1].row !== t.row) && snippets.has(next.text)) {
      if (body[j + 2] && body[j + 2].row === t.row) throw new CorefileSyntaxError(t.line, 'import takes only one argument');
      if (seen.has(next.text)) throw new CorefileSyntaxError(t.line, `snippet ${next.text} imports itself`);
      // a snippet's lines keep their own line numbers; each starts a line of its own here
      const inner = expandImports(snippets.get(next.text)!, snippets, new Set([...seen, next.text]));
      out.push(...inner.map((x) => ({ ...x, row: t.row + x.row / 1e6 })));
      j++;
      continue;
    }
    out.push(t);
  }
  return out;
}

function directivesOf(body: Token[]): ParsedDirective[] {
  const lines = byLine(body);
  const out: ParsedDirective[] = [];
  for (let j = 0; j < lines.length; j++) {
    const line = lines[j];
    if (close(line[0]) || open(line[0])) throw new CorefileSyntaxError(line[0].line, `'${line[0].text}' where a plugin name belongs`);
    const [name, ...rest] = line;
    const opens = open(rest[rest.length - 1]);
    const args = opens ? rest.slice(0, -1) : rest;
    const block: Token[][] = [];
    if (opens) {
      let depth = 1;
      while (++j < lines.length) {
        const l = lines[j];
        const after = lines[j + 1]?.[0];
        if (close(l[0]) && depth === 1 && after && after.row === l[0].row) {
          throw new CorefileSyntaxError(after.line, `'${after.text}' after the '}' that closes ${name.text}'s block: CoreDNS reads it as more options of ${name.text}`);
        }
        if (close(l[0]) && --depth === 0) break;
        if (open(l[l.length - 1])) depth++;
        block.push(l);
      }
      if (depth !== 0) throw new CorefileSyntaxError(name.line, `the block of ${name.text} is not closed`);
    }
    out.push({ name, args, block });
  }
  return out;
}

/**
 * Option tables for the docs, read from the source: every property of a props struct (its
 * `extends` chain included) with its type, its `@default` and the first sentence of its doc.
 * Rendered between `<!-- BEGIN options:StructName -->` markers (scripts/readme-tables.ts).
 */
import * as fs from 'fs';
import * as path from 'path';
// eslint-disable-next-line import/no-extraneous-dependencies
import * as ts from 'typescript';

const SRC = path.join(__dirname, '..', 'src');

interface Struct {
  readonly node: ts.InterfaceDeclaration;
  readonly file: ts.SourceFile;
}

let structs: Map<string, Struct> | undefined;

function allStructs(): Map<string, Struct> {
  if (structs) return structs;
  structs = new Map();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {walk(full);} else if (e.name.endsWith('.ts') && !e.name.startsWith('_')) {
        const file = ts.createSourceFile(full, fs.readFileSync(full, 'utf8'), ts.ScriptTarget.ES2020, true);
        for (const st of file.statements) if (ts.isInterfaceDeclaration(st)) structs!.set(st.name.text, { node: st, file });
      }
    }
  };
  walk(SRC);
  return structs;
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The first sentence of a doc comment, on one line. */
function summary(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const m = /^(.*?[.:])(\s|$)/.exec(flat);
  return m ? m[1].replace(/:$/, '.') : flat;
}

function docOf(member: ts.PropertySignature): { summary: string; default: string } {
  const docs = (member as unknown as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
  const doc = docs[docs.length - 1];
  const comment = typeof doc?.comment === 'string' ? doc.comment : (doc?.comment ?? []).map((c) => c.text).join('');
  const tag = doc?.tags?.find((t) => t.tagName.text === 'default');
  const value = typeof tag?.comment === 'string' ? tag.comment : (tag?.comment ?? []).map((c) => c.text).join('');
  // '@default - the tier's' is jsii's way to describe a default that is not a literal
  return { summary: summary(comment), default: value.replace(/\s+/g, ' ').trim().replace(/^- /, '') };
}

function members(name: string, seen = new Set<string>()): Array<[ts.PropertySignature, string]> {
  const s = allStructs().get(name);
  if (!s) throw new Error(`options table: no interface ${name} under src/`);
  if (seen.has(name)) return [];
  seen.add(name);
  const inherited = (s.node.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.expression.getText(s.file)))
    .filter((n) => allStructs().has(n)).flatMap((n) => members(n, seen));
  const own = s.node.members.filter(ts.isPropertySignature).map((m) => [m, s.file.fileName] as [ts.PropertySignature, string]);
  return [...inherited, ...own];
}

/** `| Property | Type | Default | What it sets |` for one struct. */
export function optionTable(struct: string, lang: 'en' | 'zh'): string {
  const header = lang === 'zh' ? '| 属性 | 类型 | 默认值 | 说明 |' : '| Property | Type | Default | What it sets |';
  const rows = members(struct).map(([m]) => {
    const d = docOf(m);
    const type = m.type ? m.type.getText().replace(/\s+/g, ' ') : 'unknown';
    const name = `\`${m.name.getText()}\`${m.questionToken ? '' : (lang === 'zh' ? '（必填）' : ' (required)')}`;
    return `| ${name} | \`${esc(type)}\` | ${esc(d.default || (m.questionToken ? '-' : ''))} | ${esc(d.summary)} |`;
  });
  return [header, '|---|---|---|---|', ...rows].join('\n');
}

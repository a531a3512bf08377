/*
 * The public API's input types, read from the TypeScript source: every exported struct
 * (interface) with each property's type and whether it is optional, every exported string
 * enum's values, and which struct each construct takes as props. `npx projen schema`
 * writes it to src/core/_schema.generated.ts, which the runtime boundary checks
 * (src/core/_boundary.ts) read, so a new property cannot skip them;
 * test/core/schema.test.ts fails when the file is stale.
 */
import * as fs from 'fs';
import * as path from 'path';
// typescript is a build tool here (the script runs from the repo, never from the package).
// eslint-disable-next-line import/no-extraneous-dependencies
import * as ts from 'typescript';

const SRC = path.join(__dirname, '..', 'src');

/** Classes whose instances callers pass (checked with instanceof at runtime). */
const VALUE_CLASSES = new Set(['kplus.NetworkPolicyPort', 'Duration', 'ClusterProfile', 'KubernetesVersion', 'ServerBlock', 'CorefilePlugin', 'PolicyPeer']);
/** Types that are constructs (checked with Construct.isConstruct). */
const CONSTRUCT_TYPES = new Set(['IConstruct', 'Construct', 'kplus.Service', 'kplus.AbstractPod', 'kplus.Workload']);

type Spec = string;

function publicFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts') && !e.name.startsWith('_') && !e.name.endsWith('.generated.ts') && e.name !== 'index.ts') out.push(full);
    }
  };
  walk(SRC);
  return out;
}

/** A compact type description: `string`, `number`, `boolean`, `enum:X`, `struct:X`, `class:X`, `construct`, `array:<spec>`, `map:<spec>`, `json`. */
function specOf(node: ts.TypeNode, enums: Set<string>, structs: Set<string>, where: string): Spec {
  if (ts.isArrayTypeNode(node)) return `array:${specOf(node.elementType, enums, structs, where)}`;
  if (ts.isParenthesizedTypeNode(node)) return specOf(node.type, enums, structs, where);
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword: return 'string';
    case ts.SyntaxKind.NumberKeyword: return 'number';
    case ts.SyntaxKind.BooleanKeyword: return 'boolean';
    case ts.SyntaxKind.AnyKeyword: return 'json';
  }
  if (ts.isTypeReferenceNode(node)) {
    const name = node.typeName.getText();
    if (name === 'Record' && node.typeArguments?.length === 2 && node.typeArguments[1].kind === ts.SyntaxKind.UnknownKeyword) return 'json';
    if (name === 'Record' && node.typeArguments?.length === 2) return `map:${specOf(node.typeArguments[1], enums, structs, where)}`;
    if (enums.has(name)) return `enum:${name}`;
    if (structs.has(name)) return `struct:${name}`;
    if (VALUE_CLASSES.has(name)) return `class:${name}`;
    if (CONSTRUCT_TYPES.has(name)) return 'construct';
    if (name === 'kplus.INetworkPolicyPeer') return 'object';
    // checked in depth by core/_resources.ts (Cpu and Size from any cdk8s-plus-2x version)
    if (name === 'kplus.ContainerResources') return 'object';
  }
  throw new Error(`${where}: no runtime check for type '${node.getText()}' (add it to scripts/prop-schema.ts)`);
}

export interface Schema {
  readonly enums: Record<string, string[]>;
  readonly structs: Record<string, Record<string, { spec: Spec; optional: boolean }>>;
  readonly constructs: Record<string, string>;
  /** `Class.method` (static) or `Class#method` (instance): each parameter's [name, type, optional, rest]. */
  readonly methods: Record<string, Array<[string, Spec, boolean, boolean]>>;
  /** `XOptions` -> the properties only `XProps` adds (tier, profile): what a parent decides for its components. */
  readonly parentDecides: Record<string, string[]>;
}

export function readSchema(): Schema {
  const files = publicFiles();
  const sources = files.map((f) => ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.ES2020, true));
  const enums: Record<string, string[]> = {};
  const structNodes: ts.InterfaceDeclaration[] = [];
  const classes: ts.ClassDeclaration[] = [];
  const exported = (n: ts.Statement) => ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  for (const sf of sources) {
    for (const st of sf.statements) {
      if (!exported(st)) continue;
      if (ts.isEnumDeclaration(st)) {
        enums[st.name.text] = st.members.map((m) => {
          if (!m.initializer || !ts.isStringLiteral(m.initializer)) throw new Error(`enum ${st.name.text}: every member needs a string value`);
          return m.initializer.text;
        });
      } else if (ts.isInterfaceDeclaration(st) && !/^I[A-Z]/.test(st.name.text)) {
        structNodes.push(st);
      } else if (ts.isClassDeclaration(st)) {
        classes.push(st);
      }
    }
  }
  const enumNames = new Set(Object.keys(enums));
  const structNames = new Set(structNodes.map((s) => s.name.text));
  const structs: Schema['structs'] = {};
  for (const s of structNodes.sort((a, b) => (a.name.text < b.name.text ? -1 : 1))) {
    const fields: Record<string, { spec: Spec; optional: boolean }> = {};
    // Inherited fields first (FooProps extends FooOptions).
    for (const clause of s.heritageClauses ?? []) {
      for (const t of clause.types) {
        const base = structNodes.find((x) => x.name.text === t.expression.getText());
        if (!base) throw new Error(`${s.name.text}: extends unknown struct ${t.expression.getText()}`);
        for (const m of base.members) addField(fields, m, base.name.text);
      }
    }
    for (const m of s.members) addField(fields, m, s.name.text);
    structs[s.name.text] = fields;
  }
  function addField(fields: Record<string, { spec: Spec; optional: boolean }>, m: ts.TypeElement, owner: string) {
    if (!ts.isPropertySignature(m) || !m.type) return;
    const name = m.name.getText();
    fields[name] = { spec: specOf(m.type, enumNames, structNames, `${owner}.${name}`), optional: m.questionToken !== undefined };
  }
  const constructs: Record<string, string> = {};
  for (const c of classes) {
    const ctor = c.members.find(ts.isConstructorDeclaration);
    const props = ctor?.parameters[2] ?? (ctor?.parameters.length === 1 ? ctor.parameters[0] : undefined);
    if (!c.name || !props?.type || !ts.isTypeReferenceNode(props.type)) continue;
    const type = props.type.typeName.getText();
    if (structNames.has(type)) constructs[c.name.text] = type;
  }
  const methods: Schema['methods'] = {};
  for (const c of classes) {
    if (!c.name) continue;
    for (const m of c.members) {
      if (!ts.isMethodDeclaration(m) || !m.name || !ts.isIdentifier(m.name)) continue;
      const mods = ts.getModifiers(m) ?? [];
      if (mods.some((x) => x.kind === ts.SyntaxKind.PrivateKeyword || x.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
      if (m.name.text.startsWith('_') || m.parameters.length === 0) continue;
      const isStatic = mods.some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
      const key = `${c.name.text}${isStatic ? '.' : '#'}${m.name.text}`;
      methods[key] = m.parameters.map((p) => {
        const rest = p.dotDotDotToken !== undefined;
        const type = rest && p.type && ts.isArrayTypeNode(p.type) ? p.type.elementType : p.type!;
        return [p.name.getText(), specOf(type, enumNames, structNames, `${key}(${p.name.getText()})`), p.questionToken !== undefined || p.initializer !== undefined || rest, rest];
      });
    }
  }
  for (const c of classes) {
    const ctor = c.members.find(ts.isConstructorDeclaration);
    if (!c.name || !ctor || constructs[c.name.text] || ctor.parameters.length === 0) continue;
    if ((ts.getModifiers(ctor) ?? []).some((x) => x.kind === ts.SyntaxKind.PrivateKeyword || x.kind === ts.SyntaxKind.ProtectedKeyword)) continue;
    if (ctor.parameters[0].name.getText() === 'scope') continue;
    const key = `${c.name.text}.new`;
    methods[key] = ctor.parameters.map((p) => {
      const rest = p.dotDotDotToken !== undefined;
      const type = rest && p.type && ts.isArrayTypeNode(p.type) ? p.type.elementType : p.type!;
      return [p.name.getText(), specOf(type, enumNames, structNames, `${key}(${p.name.getText()})`), p.questionToken !== undefined || p.initializer !== undefined || rest, rest];
    });
  }
  const parentDecides: Record<string, string[]> = {};
  for (const st of structNodes) {
    for (const clause of st.heritageClauses ?? []) {
      for (const t of clause.types) {
        const base = t.expression.getText();
        // only Options a parent's props hold (NetworkTuningProps.kubeProxy: TunedKubeProxyOptions)
        const heldByParent = Object.values(structs).some((fields) => Object.values(fields).some((f) => f.spec === `struct:${base}`));
        if (!base.endsWith('Options') || st.name.text !== base.replace(/Options$/, 'Props') || !heldByParent) continue;
        parentDecides[base] = st.members.filter(ts.isPropertySignature).map((m) => m.name.getText()).sort();
      }
    }
  }
  const sortKeys = <T>(o: Record<string, T>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    enums: sortKeys(enums),
    structs: sortKeys(structs),
    constructs: sortKeys(constructs),
    methods: sortKeys(methods),
    parentDecides: sortKeys(parentDecides),
  };
}

/** The generated module's text: one line per enum, struct and class. */
export function schemaModule(): string {
  const schema = readSchema();
  const lines = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  const fieldsOf = (v: Record<string, { spec: Spec; optional: boolean }>) =>
    Object.fromEntries(Object.entries(v).map(([f, x]) => [f, [x.spec, x.optional]]));
  const structs = Object.fromEntries(Object.entries(schema.structs).map(([k, v]) => [k, fieldsOf(v)]));
  return [
    '// Generated by scripts/prop-schema.ts (npx projen schema) from the public API: do not edit.',
    '/* eslint-disable */',
    '',
    '/** Every public string enum\'s values. */',
    'export const ENUMS: Readonly<Record<string, readonly string[]>> = {',
    ...lines(schema.enums),
    '};',
    '',
    '/** Every public struct: property -> [type, optional]. Types: string, number, boolean, enum:X, struct:X, class:X, construct, object, json, array:T, map:T. */',
    'export const STRUCTS: Readonly<Record<string, Readonly<Record<string, readonly [string, boolean]>>>> = {',
    ...lines(structs),
    '};',
    '',
    '/** The props struct of each class that takes one. */',
    'export const PROPS_OF: Readonly<Record<string, string>> = {',
    ...lines(schema.constructs),
    '};',
    '',
    '/** Public methods that take arguments (`Class.method` static, `Class#method` instance, `Class.new` constructor): [name, type, optional, rest] each. */',
    'export const METHODS: Readonly<Record<string, ReadonlyArray<readonly [string, string, boolean, boolean]>>> = {',
    ...lines(schema.methods),
    '};',
    '',
    '/** `XOptions` structs (what a parent such as NetworkTuning passes on) -> the properties only `XProps` has: the parent decides them. */',
    'export const PARENT_DECIDES: Readonly<Record<string, readonly string[]>> = {',
    ...lines(schema.parentDecides),
    '};',
    '',
  ].join('\n');
}

export const SCHEMA_FILE = path.join(SRC, 'core', '_schema.generated.ts');

if (require.main === module) {
  const text = schemaModule();
  const before = fs.existsSync(SCHEMA_FILE) ? fs.readFileSync(SCHEMA_FILE, 'utf8') : '';
  if (before !== text) {
    fs.writeFileSync(SCHEMA_FILE, text);
    console.log(`updated ${path.relative(process.cwd(), SCHEMA_FILE)}`);
  } else {
    console.log('schema is up to date');
  }
}

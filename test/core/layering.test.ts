import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/*
 * core/ is the ground floor: the plan, the tier table and the checks every component reads.
 * It imports no component and no rule; from the component folders it may only name their
 * vocabularies (files that declare nothing but enums, such as CniPlugin or KubeProxyMode),
 * which the tier table's and the plan's values are.
 */
const SRC = path.join(__dirname, '..', '..', 'src');

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2020, true);
}

function importsOf(file: string): string[] {
  return parse(file).statements.filter(ts.isImportDeclaration).map((i) => (i.moduleSpecifier as ts.StringLiteral).text);
}

/** Whether a module declares only enums (and comments). */
function enumsOnly(file: string): boolean {
  return parse(file).statements.every((s) => ts.isEnumDeclaration(s));
}

test('core/ imports no component and no rule: only enum vocabularies from the component folders', () => {
  const core = fs.readdirSync(path.join(SRC, 'core')).filter((f) => f.endsWith('.ts')).map((f) => path.join(SRC, 'core', f));
  const outside: string[] = [];
  for (const file of core) {
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('../')) continue;
      const target = path.join(path.dirname(file), `${spec}.ts`);
      if (!fs.existsSync(target) || !enumsOnly(target)) outside.push(`${path.basename(file)} -> ${spec}`);
    }
  }
  expect(outside).toEqual([]);
});

test('the check sees a component import as one', () => {
  expect(enumsOnly(path.join(SRC, 'cni', 'cni-plugin.ts'))).toBe(true);
  expect(enumsOnly(path.join(SRC, 'cni', 'cilium-tuning.ts'))).toBe(false);
});

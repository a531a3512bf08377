/* Rewrites the generated tables in the READMEs and the docs (docs/, docs/zh-CN/). Run: npx projen readme */
import * as fs from 'fs';
import * as path from 'path';
import { renderSections } from './readme-tables';

const root = path.join(__dirname, '..');

/** Every document with generated sections: the two READMEs and the docs pages. */
export function documents(): string[] {
  const docs = (dir: string) => (fs.existsSync(path.join(root, dir))
    ? fs.readdirSync(path.join(root, dir)).filter((f) => f.endsWith('.md')).sort().map((f) => `${dir}/${f}`) : []);
  return ['README.md', 'README.zh-CN.md', ...docs('docs'), ...docs('docs/zh-CN')];
}

if (require.main === module) {
  for (const file of documents()) {
    const full = path.join(root, file);
    const before = fs.readFileSync(full, 'utf8');
    const after = renderSections(before, file);
    if (after !== before) {
      fs.writeFileSync(full, after);
      console.log(`updated ${file}`);
    } else {
      console.log(`${file} is up to date`);
    }
  }
}

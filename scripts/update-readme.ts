/* Rewrites the generated tables in README.md and README.zh-CN.md. Run: npx projen readme */
import * as fs from 'fs';
import * as path from 'path';
import { renderSections } from './readme-tables';

for (const file of ['README.md', 'README.zh-CN.md']) {
  const full = path.join(__dirname, '..', file);
  const before = fs.readFileSync(full, 'utf8');
  const after = renderSections(before, file);
  if (after !== before) {
    fs.writeFileSync(full, after);
    console.log(`updated ${file}`);
  } else {
    console.log(`${file} is up to date`);
  }
}

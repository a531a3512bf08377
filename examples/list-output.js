// Prints every file the example synthesized, and fails when there is no YAML.
const fs = require('fs');
const path = require('path');

const root = path.resolve(process.argv[2] || 'dist');
const files = [];
(function walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else files.push(path.relative(root, full));
  }
})(root);
const yaml = files.filter((f) => f.endsWith('.yaml'));
console.log(`Synthesized ${yaml.length} YAML file(s) and ${files.length - yaml.length} other file(s) into ${root}:`);
for (const f of files) console.log(`  ${f}`);
if (yaml.length === 0) {
  console.error('no YAML was synthesized');
  process.exit(1);
}

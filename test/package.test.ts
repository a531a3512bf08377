import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');

describe('the npm package', () => {
  test('ships what users run and read, not the repository\'s tooling', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    // lib/ and .jsii exist once compiled (a fresh clone's test run may come first): .npmignore keeps them in
    expect(fs.readFileSync(path.join(root, '.npmignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['!/lib/', '!.jsii']));
    for (const needed of ['package.json', 'README.md', 'README.zh-CN.md', 'API.md', 'LICENSE']) {
      expect({ needed, shipped: files.includes(needed) }).toEqual({ needed, shipped: true });
    }
    const tooling = files.filter((f) => /^(\.ci|scripts|bench|examples|src|test|projenrc|\.projen)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(tooling).toEqual([]);
    expect(files.filter((f) => f.startsWith('lib/') && !/\.(js|d\.ts|js\.map)$/.test(f))).toEqual([]);
  });

  test('states the Node versions it runs on', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.engines.node).toBe('>= 20.0.0');
  });
});

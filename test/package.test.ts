import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.join(__dirname, '..');

describe('the npm package', () => {
  test('ships what users run and read, not the repository\'s tooling', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    // lib/ and .jsii exist once compiled (a fresh clone's test run may come first): .npmignore keeps them in
    expect(fs.readFileSync(path.join(root, '.npmignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['!/lib/', '!.jsii']));
    for (const needed of ['package.json', 'README.md', 'README.zh-CN.md', 'API.md', 'LICENSE', 'bin/cdk8s-network-tuning']) {
      expect({ needed, shipped: files.includes(needed) }).toEqual({ needed, shipped: true });
    }
    const tooling = files.filter((f) => /^(\.ci|scripts|bench|examples|src|test|projenrc|rosetta|\.projen)\//.test(f) || f.endsWith('.ts') && !f.endsWith('.d.ts'));
    expect(tooling).toEqual([]);
    // lib/_bundle.cache: V8's code cache of the bundle (scripts/bundle.js)
    expect(files.filter((f) => f.startsWith('lib/') && !/\.(js|d\.ts|js\.map)$/.test(f) && f !== 'lib/_bundle.cache')).toEqual([]);
  });

  test('exports one entry: a deep import of a compiled file is refused, not loaded as a second copy', () => {
    const consumer = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-'));
    fs.mkdirSync(path.join(consumer, 'node_modules'));
    fs.symlinkSync(root, path.join(consumer, 'node_modules', 'cdk8s-network-tuning'), 'dir');
    // Node's own resolver, in a process of its own (Jest resolves modules its way)
    const resolve = (id: string) => execFileSync(process.execPath, ['-e', `try { console.log(require.resolve(${JSON.stringify(id)})) } catch (e) { console.log(e.code) }`],
      { cwd: consumer, encoding: 'utf8' }).trim();
    expect(resolve('cdk8s-network-tuning/lib/core/_k8s')).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    expect(resolve('cdk8s-network-tuning/lib/cli/_main.js')).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
    // package.json and the jsii assembly stay reachable (the jsii kernel and tools read them)
    expect(fs.realpathSync(resolve('cdk8s-network-tuning/package.json'))).toBe(fs.realpathSync(path.join(root, 'package.json')));
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    // `default`, not `import`: the jsii kernel loads the package with require() (aws/jsii#4259)
    expect(pkg.exports['.']).toEqual({ types: './lib/index.d.ts', default: './lib/index.js' });
    expect(pkg.exports['./.jsii']).toBe('./.jsii');
    expect(pkg.main).toBe('lib/index.js');
  });

  test('states the Node versions it runs on', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.engines.node).toBe('>= 20.0.0');
  });
});

describe('the README\'s install section says what the project config builds', () => {
  const projenrc = fs.readFileSync(path.join(root, '.projenrc.ts'), 'utf8');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

  test.each(['README.md', 'README.zh-CN.md'])('%s: the Go import path is the generated go.mod module; the tarball is the one package:js writes', (file) => {
    const readme = fs.readFileSync(path.join(root, file), 'utf8');
    const moduleName = /moduleName: '([^']+)'/.exec(projenrc)![1];
    // jsii-pacmak's Go package: the npm name without its punctuation, a directory under the module
    const goPackage = pkg.name.replace(/[^a-z0-9]/g, '');
    expect(readme).toContain(`go get ${moduleName}/${goPackage}\``);
    expect(readme).toContain(`dist/js/${pkg.name}@${pkg.version}.jsii.tgz`);
    expect(readme).toContain(pkg.repository.url);
  });

  test('build packages only the npm tarball; every language is package-all\'s and package:code\'s', () => {
    const tasks = JSON.parse(fs.readFileSync(path.join(root, '.projen', 'tasks.json'), 'utf8')).tasks;
    expect(tasks.package.steps).toEqual([{ spawn: 'package:js' }]);
    expect(tasks['package-all'].steps.map((s: any) => s.spawn)).toEqual(['package:js', 'package:java', 'package:python', 'package:dotnet', 'package:go']);
    expect(tasks['package:code'].steps[0].exec).toContain('--code-only');
    expect(tasks['post-compile'].steps).toContainEqual({ spawn: 'rosetta:extract' });
    expect(tasks['rosetta:extract'].steps[0].exec).toBe('jsii-rosetta extract --strict');
  });
});

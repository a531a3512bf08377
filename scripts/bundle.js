// Post-compile (npx projen compile): the package's entry as one file, compiled from a V8 code cache.
//
// tsc writes lib/ as ~120 modules; a cold `require('cdk8s-network-tuning')` resolved, read and
// compiled each of them, and the first synthesis compiled every function it ran (docs/benchmarks.md:
// import and tuning-large were over their limits for that reason alone). Here
//   - lib/index.js (tsc's, kept as lib/_index.js) is the entry of lib/_bundle.js (esbuild, the
//     dependencies left to Node's resolution, so users share one cdk8s with the library);
//   - a LARGE-tier app is synthesized with the bundle and V8's code cache of it, compiled functions
//     included, is written to lib/_bundle.cache (vm.Script#createCachedData);
//   - lib/index.js becomes a loader that compiles the bundle with that cache. V8 checks the cache
//     against its own version and flags and the source: another Node ignores it (cachedDataRejected)
//     and compiles as usual, so the cache can only save time, never change behaviour;
//   - the command line gets a bundle of its own (lib/cli/_main.bundle.js, required by bin/).
// The bundle must export what the tsc entry exports; the script fails the build otherwise.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const esbuild = require('esbuild');

const root = path.join(__dirname, '..');
const lib = path.join(root, 'lib');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const MARK = '// cdk8s-network-tuning loader';
const index = path.join(lib, 'index.js');

if (fs.readFileSync(index, 'utf8').startsWith(MARK)) {
  // compile wrote nothing new since the last bundle (tsc rewrites index.js on every emit)
  if (fs.existsSync(path.join(lib, '_bundle.cache'))) {
    console.log('bundle: lib/index.js is already the loader');
    process.exit(0);
  }
  // the last run failed its check: start again from tsc's entry
  fs.copyFileSync(path.join(lib, '_index.js'), index);
}
// tsc's entry stays as lib/_index.js, for the check below (the CLI's modules require ../index: bundled first)
fs.copyFileSync(index, path.join(lib, '_index.js'));

// dependencies stay outside: users' cdk8s, constructs and cdk8s-plus objects must be the library's
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), ...(pkg.bundledDependencies ?? [])];
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external, logLevel: 'warning', sourcemap: true };
esbuild.buildSync({ ...common, entryPoints: [index], outfile: path.join(lib, '_bundle.js') });
esbuild.buildSync({ ...common, entryPoints: [path.join(lib, 'cli', '_main.js')], outfile: path.join(lib, 'cli', '_main.bundle.js') });

fs.writeFileSync(index, `${MARK}: lib/_bundle.js (the whole package, scripts/bundle.js) compiled from the V8 code cache
// made at build time, lib/_bundle.cache, when this Node's V8 accepts it (another version ignores it).
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');
const file = path.join(__dirname, '_bundle.js');
// A module system with a context of its own (Jest runs each test file in a vm context) must get the library in that
// context: its Object, Error and process.env are the caller's. There the bundle is required as any module.
if (vm.runInThisContext('Object') !== Object) {
  module.exports = require('./_bundle.js');
  return;
}
let cachedData;
try {
  cachedData = fs.readFileSync(path.join(__dirname, '_bundle.cache'));
} catch {
  // built without a cache: compiled as any module
}
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
const bundle = { exports: {}, filename: file, id: file, loaded: false, paths: module.paths };
script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(file), bundle, file, __dirname);
bundle.loaded = true;
module.exports = bundle.exports;
`);

// The cache, after a synthesis that runs the components' code (every tier, the rules, the report).
const cacheScript = `
'use strict';
process.env.CDK8S_NETWORK_TUNING_WARNINGS = 'silent';
const fs = require('fs'); const path = require('path'); const vm = require('vm'); const Module = require('module');
const file = path.join(${JSON.stringify(lib)}, '_bundle.js');
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file });
const m = { exports: {} };
script.runInThisContext().call(m.exports, m.exports, Module.createRequire(file), m, file, path.dirname(file));
const lib = m.exports;
const cdk8s = Module.createRequire(file)('cdk8s');
for (const tier of [lib.ScaleTier.SMALL, lib.ScaleTier.MEDIUM, lib.ScaleTier.LARGE]) {
  const app = new cdk8s.App();
  lib.TuningFiles.disable(app);
  const chart = new cdk8s.Chart(app, 'network');
  const profile = new lib.ClusterProfile({ apiServerHost: '10.0.0.1' });
  new lib.NetworkTuning(chart, 'tuning', {
    tier, profile,
    coreDns: { deploy: true, autoscaler: true }, defaultDeny: { namespaces: ['a', 'b'], createNamespaces: true },
  });
  new lib.PolicyLint(chart, 'lint', { tier, profile });
  app.synthYaml();
  lib.TuningReport.of(app).toMarkdown();
}
fs.writeFileSync(path.join(path.dirname(file), '_bundle.cache'), script.createCachedData());
`;
execFileSync(process.execPath, ['-e', cacheScript], { stdio: 'inherit', cwd: root });

// The loader must give what tsc's entry gives, and this Node must take the cache.
const check = execFileSync(process.execPath, ['-e', `
  const a = Object.keys(require(${JSON.stringify(path.join(lib, '_index.js'))})).sort();
  const b = Object.keys(require(${JSON.stringify(index)})).sort();
  const vm = require('vm'); const fs = require('fs'); const Module = require('module');
  const file = ${JSON.stringify(path.join(lib, '_bundle.js'))};
  const s = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData: fs.readFileSync(file.replace(/js$/, 'cache')) });
  console.log(JSON.stringify({ same: JSON.stringify(a) === JSON.stringify(b), exports: a.length, rejected: s.cachedDataRejected }));
`], { encoding: 'utf8', cwd: root });
const result = JSON.parse(check.trim().split('\n').pop());
if (!result.same || result.rejected) {
  // a second run must not take this loader for a finished bundle
  fs.rmSync(path.join(lib, '_bundle.cache'), { force: true });
  console.error(`bundle: ${!result.same ? 'the loader exports differ from lib/_index.js' : 'this Node rejects the code cache it just made'}`);
  process.exit(1);
}
const size = (f) => `${(fs.statSync(path.join(lib, f)).size / 1024).toFixed(0)} KiB`;
console.log(`bundle: lib/_bundle.js ${size('_bundle.js')} (${result.exports} exports), code cache ${size('_bundle.cache')}, CLI ${size('cli/_main.bundle.js')}`);

import { cdk8s, javascript } from 'projen';

// The single source of truth for the project layout. Everything else
// (package.json, tsconfig*.json, .eslintrc.json, .projen/*) is generated.
const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-network-tuning',
  description:
    'Typed cdk8s constructs for Kubernetes network tuning: kube-proxy, conntrack, sysctls, CoreDNS, NodeLocal DNSCache, pod DNS, NetworkPolicy, Service routing, CNI and alerts, driven by a scale tier.',
  author: 'cdk8s-network-tuning maintainers',
  authorAddress: 'maintainers@users.noreply.r-seed-5b37949f.example',
  repositoryUrl: 'https://github.com/cdk8s-network-tuning/cdk8s-network-tuning.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // engines.node: the oldest line tested here (kubernetes-models' CRD loading needs 20.19's require(esm) only in tests)
  minNodeVersion: '20.0.0',
  stability: 'experimental',
  keywords: ['cdk8s', 'kubernetes', 'kube-proxy', 'coredns', 'nodelocaldns', 'networkpolicy', 'calico', 'cilium', 'sysctl'],

  // `projen new cdk8s-construct` defaults to cdk8s 1.x.
  cdk8sVersion: '2.70.0',
  constructsVersion: '10.4.2',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],

  // typescript@latest is 7.x, which breaks ts-jest and typescript-eslint:
  // keep TypeScript on the same minor line as jsii.
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.0',

  // No GitHub here: CI is `.ci/run`.
  github: false,
  release: false,
  integrationTestAutoDiscover: false,

  publishToPypi: {
    distName: 'cdk8s-network-tuning',
    module: 'cdk8s_network_tuning',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdk8s_network_tuning',
    mavenGroupId: 'io.github.cdk8s-network-tuning',
    mavenArtifactId: 'cdk8s-network-tuning',
  },
  publishToNuget: {
    dotNetNamespace: 'Cdk8sNetworkTuning',
    packageId: 'Cdk8sNetworkTuning',
  },
  publishToGo: {
    moduleName: 'github.com/cdk8s-network-tuning/cdk8s-network-tuning-go',
  },

  devDeps: [
    'cdk8s-cli@^2.200.0',
    // v4 is the last CommonJS line; v5 is ESM-only and does not load under ts-jest.
    'kubernetes-models@^4.5.1',
    // CRD models for Flux and the Prometheus Operator (ESM-only; the test helper
    // loads them with Node's own require, which reads ES modules since Node 20.19).
    '@kubernetes-models/flux-cd@~3.0.1', // 3.x is generated from the CRDs (4.x from Go types, without their patterns)
    '@kubernetes-models/prometheus-operator@^6.0.0',
    'ajv@^8.17.0',
    // Prometheus's own PromQL grammar: tests parse every alert expression with it.
    '@prometheus-io/lezer-promql@^0.315.0',
    '@lezer/lr@^1.4.0',
    // Property-based tests: random valid and invalid inputs.
    'fast-check@^4.3.0',
    // A newer cdk8s-plus line beside the peer (28): objects from either are accepted (test/cdk8s-plus-versions.test.ts).
    'cdk8s-plus-34@^2.0.54',
    // scripts/bundle.js: the package's entry and the command line as one file each (import cost, docs/benchmarks.md).
    'esbuild@^0.25.0',
  ],

  // The audit reads manifests with their line numbers (cdk8s bundles its own copy, not exported).
  bundledDeps: ['yaml@^2.6.0'],

  // The command line (src/cli/): synth, recommend and audit without writing TypeScript.
  bin: { 'cdk8s-network-tuning': 'bin/cdk8s-network-tuning' },

  jestOptions: {
    jestVersion: '^29',
    // projen's default rewrites snapshots on every run, so they could never fail.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    // A run that finds no test must fail.
    passWithNoTests: false,
    // `npm test` stays under 3 minutes on a 2-core machine: coverage instrumentation doubled the
    // run there (npm run coverage measures it), and jest's default of cores - 1 workers left one core idle.
    jestConfig: {
      collectCoverage: false,
      maxWorkers: '100%',
      // Examples import the library by its package name, as users do.
      moduleNameMapper: { '^cdk8s-network-tuning$': '<rootDir>/src' },
      setupFiles: ['<rootDir>/test/setup.ts'],
      testPathIgnorePatterns: ['/node_modules/', '/examples/dist/'],
    },
  },
});

// The package's one entry is its bundle's loader (lib/index.js): a deep import of a compiled file
// (cdk8s-network-tuning/lib/...) would load a second copy with registries of its own, so only the
// entry, package.json and the jsii assembly are exported. `default`, not `import`: the jsii kernel
// (Python, Java, .NET, Go) loads the package with require() (aws/jsii#4259).
project.package.addField('exports', {
  '.': { types: './lib/index.d.ts', default: './lib/index.js' },
  './package.json': './package.json',
  './.jsii': './.jsii',
});

// Every jsii warning is an error, reserved words included (projen silences them):
// a member named `from` or `namespace` would be awkward in Python or C#.
project.compileTask.reset('jsii --fail-on-warnings');

// projen pins @types/node to the `ts5.9` dist-tag, which this registry does not
// carry; Node 20 is what every machine runs.
project.deps.removeDependency('@types/node');
project.addDevDeps('@types/node@^20');

// Examples are real code: type-checked and linted with the tests, never shipped.
project.tsconfigDev.addInclude('../examples/**/*.ts');
project.tsconfigDev.addInclude('../scripts/**/*.ts');
project.tsconfigDev.addExclude('../examples/dist');
// Type-check the package name against the sources (a fresh clone has no lib/ yet).
project.tsconfigDev.file.addOverride('compilerOptions.paths', { 'cdk8s-network-tuning': ['../src/index.ts'] });
project.eslint?.addLintPattern('examples');
project.eslint?.addLintPattern('scripts');
// Resolve the package name in examples the way the type-check does (to src/).
const eslintrc = project.tryFindObjectFile('.eslintrc.json');
eslintrc?.addOverride('settings.import/resolver.typescript.project', ['./tsconfig.json', './test/tsconfig.json']);
eslintrc?.addOverride('settings.import/resolver.typescript.noWarnOnMultipleProjects', true);
// The package importing itself by name is not an extraneous dependency.
eslintrc?.addOverride('settings.import/core-modules', ['cdk8s-network-tuning']);
project.addPackageIgnore('/examples/');
project.addPackageIgnore('/bench/');
// The npm tarball holds what users run and read: lib/, .jsii, README*, API.md, docs/, LICENSE.
project.addPackageIgnore('/.ci/');
project.addPackageIgnore('/scripts/');
project.addPackageIgnore('/rosetta/');

// Source maps in separate .map files: jsii's default inlines the maps and the TypeScript
// sources into every .js file, which triples what Node reads on each import of the
// library (docs/benchmarks.md: the import-cost target).
project.tsconfig?.file.addOverride('compilerOptions.inlineSourceMap', false);
project.tsconfig?.file.addOverride('compilerOptions.inlineSources', false);
project.tsconfig?.file.addOverride('compilerOptions.sourceMap', true);
project.gitignore.addPatterns('/examples/dist/');

// ts-jest transpiles file by file (isolatedModules), so type errors in tests
// and examples would go unnoticed: type-check them before jest runs.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check tests and examples (ts-jest only transpiles them)',
  exec: 'tsc --noEmit -p test/tsconfig.json',
});
project.testTask.prependSpawn(typecheck);

// README tables (tier table, compatibility matrix, ...) are rendered from the code.
project.addTask('readme', {
  description: 'Regenerate the tables in README.md and README.zh-CN.md from the library',
  exec: 'ts-node -P test/tsconfig.json scripts/update-readme.ts',
});

// The public API's input types, read from the source, for the runtime boundary checks.
project.addTask('schema', {
  description: 'Regenerate src/core/_schema.generated.ts (the boundary checks\' view of the public API)',
  exec: 'ts-node -P test/tsconfig.json scripts/prop-schema.ts',
});

// The main job: build the library and synthesize the bundled example app into YAML.
// The example imports `cdk8s-network-tuning` by name; a symlink in node_modules
// points that name at this package so the built `lib/` is what gets imported.
const example = project.addTask('example', {
  description: 'Build the library and synthesize examples/ into YAML with the cdk8s CLI',
});
example.spawn(project.compileTask);
example.exec('node examples/link-package.js');
// --no-check-upgrade: the CLI's update check needs the internet.
example.exec('rm -rf dist && cdk8s synth --no-check-upgrade --output dist', { cwd: 'examples' });
example.exec('node list-output.js dist', { cwd: 'examples' });

project.addTask('coverage', {
  description: 'Run the tests with coverage (coverage/; slower than npm test)',
  exec: 'jest --ci --coverage',
});

// README and docstring examples are compiled and translated (Python, Java, Go, C#) by
// jsii-rosetta; --strict fails the build when one no longer compiles (fixture: rosetta/).
const rosetta = project.addTask('rosetta:extract', {
  description: 'Compile every README and docstring example and translate it for the other languages',
  exec: 'jsii-rosetta extract --strict',
});
project.postCompileTask.spawn(rosetta);
// The package loads as one bundle compiled from a V8 code cache made at build time (scripts/bundle.js):
// a cold process pays for parsing and compiling the library once, at build, not at every `cdk8s synth`.
// Part of compile itself: `example` and `bench` spawn compile, and they must load what users load.
project.compileTask.exec('node scripts/bundle.js');
project.gitignore.addPatterns('/.jsii.tabl.json');

// Packages: the npm tarball builds anywhere; Python, Java, .NET and Go packages need PyPI,
// Maven Central, NuGet and the Go proxy, so `build` makes only the npm one (package-all makes
// every language where those are reachable) and package:code generates the other languages'
// sources offline.
const packageTask = project.tasks.tryFind('package')!;
packageTask.reset();
packageTask.spawn(project.tasks.tryFind('package:js')!);
project.addTask('package:code', {
  description: 'Generate the Python, Java, .NET and Go sources (no toolchains or registries needed) into dist/code',
  exec: 'jsii-pacmak --code-only --target python --target java --target dotnet --target go --rosetta-tablet .jsii.tabl.json --output dist/code',
});

// Synthesis cost against plain cdk8s (docs/benchmarks.md). Not part of CI: timings need a quiet machine.
const bench = project.addTask('bench', {
  description: 'Benchmark synthesis against plain cdk8s ApiObjects and cdk8s-plus-28; writes docs/benchmarks.md',
});
bench.spawn(project.compileTask);
bench.exec('node bench/run.js');

project.synth();

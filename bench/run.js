// npm run bench: synthesis cost of the library against plain cdk8s, each scenario in
// its own process, median wall time and peak memory over alternating runs. Writes
// docs/benchmarks.md and exits non-zero when a target is missed.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const RUNS = Number(process.env.BENCH_RUNS || 11);
const IMPORT_RUNS = Number(process.env.BENCH_IMPORT_RUNS || 21);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));

function once(scenario, size, extra = []) {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'scenario.js'), scenario, String(size), ...extra], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
// Runs of the same work vary by about +-30% on a shared machine, from run to run. Library and floor
// runs alternate, and a ratio is the median of each library run over the floor run beside it: both
// runs of a pair meet the machine in the same state, and the median drops the pairs one of them
// was unlucky in. Times in the table are medians.

function measure(scenario, size, runs, extra) {
  const results = Array.from({ length: runs }, () => once(scenario, size, extra));
  return { ms: median(results.map((r) => r.ms)), rssMb: median(results.map((r) => r.rssMb)), objects: results[0].objects, bytes: results[0].bytes };
}

/**
 * A library scenario and its floor over exactly the same output: plain ApiObjects (`floor`), or for the
 * realistic scenario the same cdk8s-plus objects plus plain ApiObjects and JSON patches (`floor-plus`).
 */
function withFloor(scenario, size, floorScenario = 'floor', runs = RUNS) {
  const fixture = path.join(tmp, `${scenario}-${size}.json`);
  once(scenario, size, ['--write-fixture', fixture]); // warm-up run that records the output
  // Alternate library and floor runs so drift on the machine hits both alike.
  const lib = [];
  const floor = [];
  for (let i = 0; i < runs; i++) {
    lib.push(once(scenario, size));
    floor.push(once(floorScenario, floorScenario === 'floor' ? 0 : size, ['--fixture', fixture]));
  }
  const summary = (rs) => ({ ms: median(rs.map((r) => r.ms)), rssMb: median(rs.map((r) => r.rssMb)), objects: rs[0].objects, bytes: rs[0].bytes });
  const l = summary(lib);
  const f = summary(floor);
  if (l.bytes !== f.bytes) throw new Error(`${scenario} ${size}: the floor wrote ${f.bytes} bytes, the library ${l.bytes}`);
  return { lib: l, floor: f, ratio: median(lib.map((r, i) => r.ms / floor[i].ms)), rssRatio: median(lib.map((r, i) => r.rssMb / floor[i].rssMb)) };
}

const rows = [];
const checks = [];
const row = (name, r, note = '') => rows.push(`| ${name} | ${r.objects} | ${(r.bytes / 1024).toFixed(0)} KiB | ${r.ms.toFixed(0)} ms | ${r.rssMb.toFixed(0)} MiB | ${note} |`);
const check = (what, value, limit) => checks.push({ what, value, limit, ok: value <= limit });

console.log(`bench: ${RUNS} runs per scenario (BENCH_RUNS; tuning-large ${RUNS * 3}), ${IMPORT_RUNS} per import`);
const results = {};
for (const [scenario, sizes] of [['tuning-large', [0]], ['deny', [100, 1000, 5000]], ['poddns', [1000, 5000]]]) {
  for (const size of sizes) {
    const name = size ? `${scenario} ${size}` : scenario;
    process.stdout.write(`  ${name} ... `);
    // a fixed cost of about 120 ms, where one run differs from the next by about 30%: 11 pairs leave its median
    // ratio swinging from 1.13x to 1.33x between runs of the same build, so it gets three times the pairs (each is cheap)
    const r = withFloor(scenario, size, 'floor', scenario === 'tuning-large' ? RUNS * 3 : RUNS);
    results[name] = r;
    const ratio = r.ratio;
    console.log(`${r.lib.ms.toFixed(0)} ms vs floor ${r.floor.ms.toFixed(0)} ms (${ratio.toFixed(2)}x)`);
    row(`library: ${name}`, r.lib, `${ratio.toFixed(2)}× the floor`);
    row(`plain ApiObjects: ${name}`, r.floor, 'same output, byte for byte');
    if (size !== 100) check(`${name}: library / plain ApiObjects`, ratio, 1.3);
  }
}
for (const size of [1000, 5000]) {
  process.stdout.write(`  cdk8s-plus deny ${size} ... `);
  const p = measure('plus-deny', size, RUNS);
  console.log(`${p.ms.toFixed(0)} ms`);
  row(`cdk8s-plus-28 NetworkPolicy: deny ${size}`, p, `library: ${(results[`deny ${size}`].lib.ms / p.ms).toFixed(2)}× (plus has no DNS /32 blocks or PSA labels)`);
}
// The LARGE tier's own size: 100, 500 and 2,500 namespaces (2 Deployments and 2 Services each).
const REALISTIC = (process.env.BENCH_REALISTIC || '100,500,2500').split(',').map(Number);
for (const size of REALISTIC) {
  const name = `realistic ${size}`;
  process.stdout.write(`  ${name} ... `);
  const r = withFloor('realistic', size, 'floor-plus');
  results[name] = r;
  const ratio = r.ratio;
  console.log(`${r.lib.ms.toFixed(0)} ms vs floor ${r.floor.ms.toFixed(0)} ms (${ratio.toFixed(2)}x)`);
  row(`library: ${name}`, r.lib, `${ratio.toFixed(2)}× the floor; ${size * 2} Services tuned`);
  row(`cdk8s-plus + plain ApiObjects: ${name}`, r.floor, 'same output, byte for byte');
  check(`${name}: library / floor`, ratio, 1.3);
  check(`${name}: peak RSS library / floor`, r.rssRatio, 1.5);
}
for (let i = 1; i < REALISTIC.length; i++) {
  const [a, b] = [REALISTIC[i - 1], REALISTIC[i]];
  const [ra, rb] = [results[`realistic ${a}`], results[`realistic ${b}`]];
  check(`realistic ${b} / realistic ${a} time (${b / a}× the size)`, rb.lib.ms / ra.lib.ms, 5.5 * (b / a) / 5);
  check(`realistic ${b} / realistic ${a} peak RSS`, rb.lib.rssMb / ra.lib.rssMb, 5.5 * (b / a) / 5);
}
check('deny 5000 / deny 1000 (linear growth)', results['deny 5000'].lib.ms / results['deny 1000'].lib.ms, 5.5);
check('poddns 5000 / poddns 1000 (linear growth)', results['poddns 5000'].lib.ms / results['poddns 1000'].lib.ms, 5.5);

process.stdout.write('  import ... ');
const imports = { lib: [], plus: [] };
for (let i = 0; i < IMPORT_RUNS; i++) {
  imports.lib.push(once('import-lib', 0).ms);
  imports.plus.push(once('import-plus', 0).ms);
}
const importLib = median(imports.lib);
const importPlus = median(imports.plus);
const importRatio = median(imports.lib.map((ms, i) => ms / imports.plus[i]));
console.log(`${importLib.toFixed(1)} ms vs cdk8s-plus-28 ${importPlus.toFixed(1)} ms`);
check('import cdk8s-network-tuning / import cdk8s-plus-28', importRatio, 1.3);

/** What is known about a scenario that misses its limit. */
const WHY = {
  'tuning-large': 'One NetworkTuning is a fixed cost of a cold process: what is left is the library\'s own code (plan, '
    + 'checks, rules) running once, largely in V8\'s interpreter, where the floor only serializes.',
};

const machine = `${os.cpus()[0].model}, ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}`;
const md = [
  '# Benchmarks',
  '',
  'Generated by `npm run bench` (`bench/run.js`); each scenario runs in its own Node process, library and',
  `floor runs alternate, ${RUNS} of each (tuning-large: ${RUNS * 3}, a fixed cost where one run differs from the next most; imports: ${IMPORT_RUNS}). Time is construction plus \`app.synthYaml()\``,
  '(which runs every validation and cross-component check); memory is the process\'s peak RSS; both are medians.',
  'Runs of the same work vary by about 30% from run to run on this machine, so a ratio is the median of each',
  'library run over the floor run right beside it (the pair meets the machine in the same state).',
  'The floor builds the same objects as plain cdk8s `ApiObject`s, read from the library\'s own output,',
  'so both write the same YAML byte for byte.',
  '',
  `Machine: ${machine}.`,
  '',
  '| Scenario | Objects | YAML | Time | Peak RSS | Note |',
  '|---|---|---|---|---|---|',
  ...rows,
  `| import cdk8s-network-tuning (with cdk8s, cdk8s-plus-28) | | | ${importLib.toFixed(1)} ms | | |`,
  `| import cdk8s + cdk8s-plus-28 | | | ${importPlus.toFixed(1)} ms | | |`,
  '',
  '## Targets',
  '',
  '| Target | Measured | Limit | |',
  '|---|---|---|---|',
  ...checks.map((c) => `| ${c.what} | ${c.value.toFixed(2)}× | ${c.limit}× | ${c.ok ? 'met' : '**missed**'} |`),
  '',
  'The realistic scenario is the LARGE tier\'s own size: N namespaces, each with 2 cdk8s-plus Deployments',
  'exposed by Services, default deny for every namespace, every Service tuned (`NetworkTuning({ services })`),',
  'pod DNS and pod sysctls over every workload, PolicyLint over the app. cdk8s-plus construction is excluded',
  'from both sides; its floor has the same cdk8s-plus objects, the library\'s objects as plain ApiObjects and the',
  'library\'s changes to user objects as JSON patches, so it writes the same YAML byte for byte.',
  '',
  '## What was fixed to meet them',
  '',
  '- Tuning Services was quadratic: for each Service, matching its workloads walked the whole tree and called',
  '  `toJson()` on every workload (100 namespaces took 37 s). Workloads are now indexed once per synthesis by',
  '  namespace and pod label, from the one walk and one serialization of the app (`AppState.apiObjects()` /',
  '  `jsonOf()`), and each Service looks up its selector\'s first label. PolicyLint, PodDnsTuning and',
  '  PodSysctlTuning read the same walk; the NP001 and NP006 lint rules group policies by namespace instead',
  '  of scanning every policy for each one.',
  '- cdk8s validates the whole app once per chart plus once more (`App.synthYaml()` validates, then every',
  '  `Chart.toJson()` does): the library\'s evaluation (prepares, checks, rules) now runs once per synthesis call',
  '  and is reused by the other validations of that call (`src/core/_synth-scope.ts`).',
  '- The JSON the evaluation serializes (after every transform is registered: the check phase) is handed to',
  '  the manifest writing of the same synthesis call, so no object is serialized twice.',
  '- Every object the library emits is a plain `ApiObject` with JSON props (the per-namespace policies and',
  '  namespaces, the ConfigMaps, and since the last step the DaemonSets, Deployments, Services, RBAC and',
  '  PodDisruptionBudget of kube-proxy, CoreDNS, NodeLocal DNS, the sysctl tuner and the alerts): a cdk8s-plus L1',
  "  (`k8s.KubeDaemonSet`) resolves its props and then converts them again on every `toJson()` through generated",
  "  code, about 3× a plain object's serialization, and in a cold process V8 compiles those converters first.",
  "  Config hashes no longer load `node:crypto` (a 64-bit FNV-style hash, in JavaScript); NodeLocal's Corefile is rendered once per plan; the DNS",
  "  reach of each policy and each selector's canonical key are computed once per lint run, not per pair.",
  '',
  '- Importing the library cost about 1.4× importing cdk8s-plus-28 alone. A CPU profile of the import showed',
  '  module compilation (`wrapSafe`) dominating: jsii\'s default inlines the source map and the TypeScript',
  '  sources into every `.js` file, tripling what Node reads and compiles (1.3 MB for 75 files). The library',
  '  now ships separate `.map` files (`.projenrc.ts`), and no longer loads `net` and `crypto` at import time',
  '  (IP syntax is parsed by the library itself, which Kubernetes\' rules need anyway; config hashes need no',
  '  `crypto`).',
  '',
  '- `tuning-large` (one NetworkTuning LARGE, 69 objects, 100 KiB) is a fixed cost, and the import a fixed',
  '  delay: in a cold process Node resolved, read and compiled some 120 modules, and V8 compiled every function',
  '  the first synthesis ran (about 30 ms of the library\'s own code on this 2-CPU machine, where the floor only',
  '  serializes). The package now loads as one bundle (`lib/_bundle.js`, esbuild, dependencies left to Node) compiled',
  '  from a V8 code cache made at build time after synthesizing every tier (`lib/_bundle.cache`, `scripts/bundle.js`):',
  '  the functions a synthesis runs arrive compiled. V8 checks the cache against its version, flags and the source;',
  '  another Node version ignores it and compiles as before, so the cache changes timing only, never behaviour.',
  '',
  '## What is still missed, and why',
  '',
  ...(checks.every((c) => c.ok)
    ? ['Nothing, on this run. Runs of the same work vary by about 30% on this machine: the fixed-cost scenarios',
      '(`tuning-large`, the import) sit closest to their limits.']
    : checks.filter((c) => !c.ok).map((c) => `- ${c.what}: ${c.value.toFixed(2)}× (limit ${c.limit}×). ${WHY[c.what.split(':')[0]] ?? 'The fixed-cost scenarios vary the most from run to run.'}`)),
  '',
  'Not timed here: `app.synth()` (what `cdk8s synth` runs) also writes `tuning-report.md` and the node files. For',
  'the realistic scenario at 2,500 namespaces that report is 5.8 MB (every protected namespace\'s DNS trace, reused',
  'from the evaluation) and the whole `app.synth()` took about 1.07× `synthYaml()` when measured once on this machine.',
  '',
].join('\n');
fs.mkdirSync(path.join(__dirname, '..', 'docs'), { recursive: true });
fs.writeFileSync(path.join(__dirname, '..', 'docs', 'benchmarks.md'), md);
fs.rmSync(tmp, { recursive: true, force: true });

console.log('');
for (const c of checks) console.log(`${c.ok ? 'met   ' : 'MISSED'} ${c.what}: ${c.value.toFixed(2)}x (limit ${c.limit}x)`);
console.log('wrote docs/benchmarks.md');
process.exit(checks.every((c) => c.ok) ? 0 : 1);

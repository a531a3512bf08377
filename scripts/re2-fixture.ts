/* eslint-disable no-bitwise -- a seeded PRNG (mulberry32) keeps the corpus the same on every run */
/*
 * Regenerates test/fixtures/re2-go.json: what Go's regexp.Compile (the parser
 * CoreDNS's rewrite plugin uses) says of a fixed corpus of patterns, so the
 * RE2 syntax check in src/dns/_re2.ts is tested against Go itself, not against
 * our reading of it. Needs a Go toolchain (`apt-get install golang-go`); the
 * test only reads the committed fixture.
 *
 *   npx ts-node --project scripts/tsconfig.json scripts/re2-fixture.ts
 */
import { execFileSync } from 'child_process';
import { writeFileSync } from 'fs';
import { join } from 'path';

const HAND = [
  '(.*)\\.old\\.local', '(.*)-(us-west-1)\\.example\\.org', '^(.+)\\.svc\\.cluster\\.local\\.$', 'a{2}', 'a{2,}', 'a{2,5}', 'a{1000}', 'a{1001}',
  'a{5,2}', 'a{,5}', '{', 'a{', 'a{x}', 'x{2}{3}', 'a**', 'a*?', 'a*+', 'a+?', '*a', '(*a)', 'a|*b', '^*', '$+', '(?=foo)bar', '(?!foo)',
  '(?<=a)b', '(?<!a)b', '(?>a)', '(?P<n>x)', '(?P<n>x)(?P<n>y)', '(?P<>x)', '(?P<a-b>x)', '(?<n>x)', '(?i)foo', '(?i:foo)', '(?-i)a',
  '(?i-s:a)', '(?i-)a', '(?)a', '(?x)a', '(?U)a+', '(a)\\1', '\\0', '\\01', '\\012', '\\8', '\\x41', '\\x4', '\\x{41}', '\\x{110000}',
  '\\x{}', '\\d+', '\\D\\s\\S\\w\\W', '\\pL', '\\p{Greek}', '\\p{Nope', '\\PL', '\\p', '\\A\\z', '\\Z', '\\G', '\\C', '\\Qa.b\\E+', '\\Qa.b',
  '\\e', '\\y', '\\k<n>', '\\.', '\\-', '\\%', '\\', 'a\\', '[a-z]', '[z-a]', '[]a]', '[^]a]', '[a-]', '[-a]', '[a-\\d]', '[\\d-z]', '[[:alpha:]]',
  '[[:^digit:]x]', '[[:nope:]]', '[[:alpha]', '[\\b]', '[\\n-\\r]', '[\\x00-\\x{7f}]', '[a', '[]', '[^]', '(a', 'a)', '()', '(|a)', 'a||b',
  '(?:a)*', '(?:)', '(?i)*', 'a(?i)*', '.*\\.example\\.com\\.', '(?s).', '[\\p{L}]', '[\\pN]', '[\\Q]\\E]', '\\Q\\E*', '(a)(b)(c)', '((a)(?:b))', '\\pa', '\\p{Any}', '\\p{^Greek}', '[\\p{Foo}]', '\\pZ+',
  '^(.*)\\_tcp\\.old\\.$', '[\\_a]', '{01}', 'a*{01}', 'a{012}', '(a{500}){3}', '(a{500}){2}', '((a{10}){10}){10}', '((a{10}){10}){11}', '(a{1000}){1}', '(a{1000}){1,}', '(a{1000}){0,}', '(a{0}){1001}', '(a{2}|b{600}){2}', 'a{123456789}', 'a{99999999}', '(a*){1000}', '(?:a{30}){40}', '(a{2,}){600}',
];

// A deterministic generator (mulberry32), so the corpus is the same on every run.
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const PIECES = ['a', 'b', '.', '\\.', '(', ')', '(?:', '(?i)', '(?P<g>', '(?=', '[', ']', '^', '-', '[a-z]', '*', '+', '?', '{2}', '{1,3}', '{',
  '}', '|', '\\d', '\\1', '\\w', '\\x41', '\\p{L}', '$', ',', '0', '\\', '[:alpha:]', '\\Q', '\\E', '(?i:', ')?', '\\b', '\\z'];
const random = rng(1123);
const fuzz: string[] = [];
while (fuzz.length < 1200) {
  const n = 1 + Math.floor(random() * 7);
  let p = '';
  for (let k = 0; k < n; k++) p += PIECES[Math.floor(random() * PIECES.length)];
  if (!fuzz.includes(p) && !HAND.includes(p)) fuzz.push(p);
}

const corpus = [...HAND, ...fuzz];
const oracle = join(__dirname, 're2-oracle');
const out = execFileSync('go', ['run', '.'], { cwd: oracle, input: corpus.map((p) => JSON.stringify(p)).join('\n') + '\n' }).toString();
const results = JSON.parse(out) as { pattern: string; ok: boolean; groups?: number; error?: string }[];
const goVersion = execFileSync('go', ['version']).toString().trim();
const fixture = { generatedBy: 'scripts/re2-fixture.ts', go: goVersion, results: results.map((r) => (r.ok ? { pattern: r.pattern, groups: r.groups } : { pattern: r.pattern, error: r.error })) };
writeFileSync(join(__dirname, '..', 'test', 'fixtures', 're2-go.json'), JSON.stringify(fixture, undefined, 1) + '\n');
console.log(`${results.length} patterns, ${results.filter((r) => r.ok).length} compile`);

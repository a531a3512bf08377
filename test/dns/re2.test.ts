import { readFileSync } from 'fs';
import { join } from 'path';
import { checkRe2, groupReferences } from '../../src/dns/_re2';

// What Go's regexp.Compile said of each pattern (scripts/re2-fixture.ts runs Go; the fixture is committed).
interface GoResult { readonly pattern: string; readonly groups?: number; readonly error?: string }
const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 're2-go.json'), 'utf8')) as { go: string; results: GoResult[] };

describe('RE2 syntax check agrees with Go', () => {
  test('the corpus holds both outcomes and the hand-picked cases', () => {
    expect(fixture.results.length).toBeGreaterThan(1000);
    const compiled = fixture.results.filter((r) => r.error === undefined).length;
    expect(compiled).toBeGreaterThan(200);
    expect(fixture.results.length - compiled).toBeGreaterThan(200);
    expect(fixture.results.find((r) => r.pattern === '(?=foo)bar')!.error).toMatch(/invalid or unsupported Perl syntax/);
  });

  test('every pattern: accepted exactly when Go compiles it, with Go\'s number of groups', () => {
    const disagreements = fixture.results.flatMap((r) => {
      const mine = checkRe2(r.pattern);
      const goOk = r.error === undefined;
      if (typeof mine === 'string') return goOk ? [`${r.pattern}: Go compiles it, we say ${mine}`] : [];
      if (!goOk) return [`${r.pattern}: Go says ${r.error}, we accept it`];
      return mine.groups === r.groups ? [] : [`${r.pattern}: ${r.groups} groups in Go, ${mine.groups} here`];
    });
    expect(disagreements).toEqual([]);
  });

  test('reasons name what Go lacks', () => {
    expect(checkRe2('(?=foo)bar')).toBe('invalid or unsupported Perl syntax: (?= (Go has no lookahead or lookbehind)');
    expect(checkRe2('(a)\\1')).toBe('invalid escape sequence: \\1 (Go has no backreferences)');
    expect(checkRe2('(?<n>x)')).toMatch(/write named groups as \(\?P<name>/);
    expect(checkRe2('a**')).toBe('invalid nested repetition operator: *');
    expect(checkRe2('x{1001}')).toBe('invalid repeat count: {1001}');
    expect(checkRe2('(?P<host>.*)\\.(old)\\.local\\.$')).toEqual({ groups: 2 });
  });

  test('group references are read as CoreDNS substitutes them', () => {
    expect(groupReferences('{1}.service.{2}.consul')).toEqual([1, 2]);
    expect(groupReferences('{2}-{2}.{10}')).toEqual([2, 10]);
    expect(groupReferences('plain.name')).toEqual([]);
  });
});

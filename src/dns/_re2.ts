/*
 * A syntax check for Go regular expressions (RE2, package regexp/syntax with
 * the Perl flags regexp.Compile uses), because CoreDNS compiles `rewrite name
 * regex` patterns with Go, not JavaScript: `(?=x)` and `\1` compile in
 * JavaScript and fail CoreDNS at start; `(?P<n>x)`, `(?i)` and `\z` are the
 * other way round. The rules follow regexp/syntax/parse.go: Perl groups
 * `(?:`, `(?flags)`, `(?flags:`, `(?P<name>`; repeats up to 1000; no stacked
 * repetition (`a**`); escapes limited to the ones parseEscape knows.
 * Input is printable ASCII (a Corefile token), so no UTF-8 cases arise.
 */

/** What a successful parse learns: the number of capture groups. */
export interface Re2Syntax {
  readonly groups: number;
}

const POSIX_CLASSES = new Set(['alnum', 'alpha', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
// Unicode class names \p{...} accepts: general categories, 'Any' and scripts, as Go 1.19's
// unicode tables have them (newer Go knows a few more scripts; these work on every CoreDNS build).
const UNICODE_CLASSES = new Set(('Any C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs '
  + 'Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali Bhaiksuki Bopomofo Brahmi '
  + 'Braille Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian Chakma Cham Cherokee Chorasmian Common Coptic Cuneiform '
  + 'Cypriot Cyrillic Deseret Devanagari Dives_Akuru Dogra Duployan Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Georgian '
  + 'Glagolitic Gothic Grantha Greek Gujarati Gunjala_Gondi Gurmukhi Han Hangul Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana '
  + 'Imperial_Aramaic Inherited Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kayah_Li Kharoshthi '
  + 'Khitan_Small_Script Khmer Khojki Khudawadi Lao Latin Lepcha Limbu Linear_A Linear_B Lisu Lycian Lydian Mahajani Makasar '
  + 'Malayalam Mandaic Manichaean Marchen Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui Meroitic_Cursive '
  + 'Meroitic_Hieroglyphs Miao Modi Mongolian Mro Multani Myanmar Nabataean Nandinagari New_Tai_Lue Newa Nko Nushu '
  + 'Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Old_Hungarian Old_Italic Old_North_Arabian Old_Permic Old_Persian Old_Sogdian '
  + 'Old_South_Arabian Old_Turkic Oriya Osage Osmanya Pahawh_Hmong Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi '
  + 'Rejang Runic Samaritan Saurashtra Sharada Shavian Siddham SignWriting Sinhala Sogdian Sora_Sompeng Soyombo Sundanese '
  + 'Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri Tamil Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta '
  + 'Ugaritic Vai Wancho Warang_Citi Yezidi Yi Zanabazar_Square').split(' '));
const isOctal = (c: string | undefined) => c !== undefined && c >= '0' && c <= '7';
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isWordChar = (c: string | undefined) => c !== undefined && /^[0-9A-Za-z_]$/.test(c);
const MAX_REPEAT = 1000;

class Re2Error extends Error {}

/**
 * Parses `pattern` as Go's regexp.Compile would; returns the group count,
 * or the reason Go would refuse it (the wording of Go's own error codes).
 */
export function checkRe2(pattern: string): Re2Syntax | string {
  try {
    return { groups: new Parser(pattern).parse() };
  } catch (e) {
    if (e instanceof Re2Error) return e.message;
    throw e;
  }
}

class Parser {
  private i = 0;
  private groups = 0;

  public constructor(private readonly s: string) {}

  public parse(): number {
    // depth of open groups; `canRepeat` says whether the last item is something a repeat may follow.
    // `item` is the last item's repeat chain: the product of the {n,m} counts nested in it, which
    // Go's repeatIsValid bounds by 1000 ((a{500}){3} is refused); `frames` hold each open group's largest.
    let depth = 0;
    let canRepeat = false;
    let lastWasRepeat = false;
    let item = 0;
    const frames: number[] = [0];
    const settle = (chain: number) => {
      item = chain;
      frames[frames.length - 1] = Math.max(frames[frames.length - 1], chain);
    };
    const s = this.s;
    while (this.i < s.length) {
      const c = s[this.i];
      if (c === '(') {
        // a bare (?i) sets flags and pushes nothing: a repeat after it applies to what came before
        if (this.openGroup()) {
          depth++;
          canRepeat = false;
          frames.push(0);
        }
        lastWasRepeat = false;
        continue;
      }
      if (c === ')') {
        if (depth === 0) this.fail('unexpected ): unbalanced parenthesis');
        depth--;
        this.i++;
        canRepeat = true;
        lastWasRepeat = false;
        settle(frames.pop()!);
        continue;
      }
      if (c === '|') {
        this.i++;
        canRepeat = false;
        lastWasRepeat = false;
        continue;
      }
      const bounds = c === '{' ? this.repeatBounds() : undefined;
      if (c === '*' || c === '+' || c === '?' || bounds) {
        const text = bounds ? bounds[2] : c;
        if (lastWasRepeat) this.fail(`invalid nested repetition operator: ${text}`);
        if (!canRepeat) this.fail(`missing argument to repetition operator: ${text}`);
        if (bounds) {
          const [lo, hi] = bounds;
          if (lo > MAX_REPEAT || (hi !== undefined && (hi > MAX_REPEAT || hi < lo))) this.fail(`invalid repeat count: ${text}`);
          // repeatIsValid: a maximum of 0 ends the chain; an unbounded {n,} counts n (0 counts as 1)
          const factor = hi === 0 ? 0 : Math.max(hi ?? lo, 1);
          if ((lo >= 2 || (hi ?? 0) >= 2) && factor * item > MAX_REPEAT) this.fail(`invalid repeat count: ${text} (nested repeats multiply past 1000)`);
          this.i += text.length;
          settle(factor * item);
        } else {
          this.i++;
        }
        if (s[this.i] === '?') this.i++; // non-greedy
        lastWasRepeat = true;
        continue;
      }
      lastWasRepeat = false;
      if (c === '[') {
        this.parseClass();
        canRepeat = true;
        settle(1);
        continue;
      }
      if (c === '\\') {
        const produced = this.parseEscapeOutsideClass();
        if (produced) settle(1);
        canRepeat = produced || canRepeat;
        continue;
      }
      // ^ and $ are empty-width but Go still lets a repeat follow them; any other character is a literal
      this.i++;
      canRepeat = true;
      settle(1);
    }
    if (depth > 0) this.fail('missing closing ): unbalanced parenthesis');
    return this.groups;
  }

  private fail(reason: string): never {
    throw new Re2Error(reason);
  }

  /**
   * `{n}`, `{n,}` or `{n,m}` at the cursor; otherwise `{` is a literal, as in Go, whose parseInt
   * takes no leading zeros ({01} is text).
   */
  private repeatBounds(): [number, number | undefined, string] | undefined {
    const m = /^\{(0|[1-9]\d*)(,(0|[1-9]\d*)?)?\}/.exec(this.s.slice(this.i));
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : m[3] === undefined ? undefined : Number(m[3]);
    return [lo, hi, m[0]];
  }

  /** Reads `(` and what follows it; returns whether a group was opened (a bare `(?i)` opens none). */
  private openGroup(): boolean {
    const s = this.s;
    if (s[this.i + 1] !== '?') {
      this.groups++;
      this.i++;
      return true;
    }
    const rest = s.slice(this.i);
    // named capture: (?P<name>; Go 1.22 also takes (?<name>, but CoreDNS builds older than that refuse it
    const named = /^\(\?P<([^>]*)>/.exec(rest);
    if (named) {
      if (!/^[0-9A-Za-z_]+$/.test(named[1])) this.fail(`invalid named capture: ${named[0]}`);
      this.groups++;
      this.i += named[0].length;
      return true;
    }
    if (rest.startsWith('(?<') && !rest.startsWith('(?<=') && !rest.startsWith('(?<!')) {
      this.fail('invalid or unsupported Perl syntax: (?< (write named groups as (?P<name>...), which every CoreDNS build accepts)');
    }
    // flags: (?imsU-imsU) or (?imsU-imsU:
    let j = this.i + 2;
    let negated = false;
    let sawFlag = false;
    for (; j < s.length; j++) {
      const f = s[j];
      if (f === 'i' || f === 'm' || f === 's' || f === 'U') {
        sawFlag = true;
        continue;
      }
      if (f === '-' && !negated) {
        negated = true;
        sawFlag = false;
        continue;
      }
      if ((f === ':' || f === ')') && !(negated && !sawFlag)) {
        this.i = j + 1;
        return f === ':'; // (?i) only sets flags; (?i: opens a non-capturing group
      }
      break;
    }
    const lookaround = /^\(\?(=|!|<=|<!)/.exec(rest);
    if (lookaround) this.fail(`invalid or unsupported Perl syntax: ${lookaround[0]} (Go has no lookahead or lookbehind)`);
    this.fail(`invalid or unsupported Perl syntax: ${s.slice(this.i, Math.min(s.length, j + 1))}`);
  }

  /** An escape outside a class; returns whether it produced something a repeat may follow. */
  private parseEscapeOutsideClass(): boolean {
    const s = this.s;
    const next = s[this.i + 1];
    if (next === undefined) this.fail('trailing backslash at end of expression');
    if (next === 'A' || next === 'z' || next === 'b' || next === 'B') {
      this.i += 2;
      return true;
    }
    if (next === 'Q') {
      // \Q...\E is literal text; an empty one pushes nothing
      const end = s.indexOf('\\E', this.i + 2);
      const literal = s.slice(this.i + 2, end < 0 ? s.length : end);
      this.i = end < 0 ? s.length : end + 2;
      return literal.length > 0;
    }
    if (next === 'C') this.fail('invalid escape sequence: \\C');
    this.parseEscape(false);
    return true;
  }

  /** One escape (the cursor on `\`), inside or outside a class. */
  private parseEscape(inClass: boolean): void {
    const s = this.s;
    const c = s[this.i + 1];
    if (c === undefined) this.fail('trailing backslash at end of expression');
    if ('dDsSwW'.includes(c)) {
      this.i += 2;
      return;
    }
    if (c === 'p' || c === 'P') {
      if (s[this.i + 2] === '{') {
        const end = s.indexOf('}', this.i + 3);
        const name = end < 0 ? '' : s.slice(this.i + 3, end).replace(/^\^/, '');
        if (end < 0 || !UNICODE_CLASSES.has(name)) this.fail(`invalid character class range: ${s.slice(this.i, end < 0 ? s.length : end + 1)}`);
        this.i = end + 1;
      } else {
        if (!/^[CLMNPSZ]$/.test(s[this.i + 2] ?? '')) this.fail(`invalid character class range: ${s.slice(this.i, this.i + 3)}`);
        this.i += 3;
      }
      return;
    }
    if (isOctal(c) && c !== '0') {
      // a lone \1..\7 is a backreference, which Go does not have
      if (!isOctal(s[this.i + 2])) this.fail(`invalid escape sequence: \\${c} (Go has no backreferences)`);
    }
    if (isOctal(c)) {
      let j = this.i + 2;
      while (j < this.i + 4 && isOctal(s[j])) j++;
      this.i = j;
      return;
    }
    if (c === 'x') {
      if (s[this.i + 2] === '{') {
        const end = s.indexOf('}', this.i + 3);
        const hex = end < 0 ? '' : s.slice(this.i + 3, end);
        if (end < 0 || !/^[0-9a-fA-F]+$/.test(hex) || parseInt(hex, 16) > 0x10ffff) this.fail(`invalid escape sequence: ${s.slice(this.i, end < 0 ? s.length : end + 1)}`);
        this.i = end + 1;
        return;
      }
      if (!isHex(s[this.i + 2]) || !isHex(s[this.i + 3])) this.fail(`invalid escape sequence: ${s.slice(this.i, this.i + 4)}`);
      this.i += 4;
      return;
    }
    if ('afnrtv'.includes(c)) {
      this.i += 2;
      return;
    }
    // punctuation escapes itself, and so does '_' (Go accepts \_ for compatibility);
    // letters and digits Go does not know are errors
    if (!isWordChar(c) || c === '_') {
      this.i += 2;
      return;
    }
    this.fail(`invalid escape sequence: \\${c}${inClass ? ' (inside [])' : ''}`);
  }

  private parseClass(): void {
    const s = this.s;
    const start = this.i;
    this.i++;
    if (s[this.i] === '^') this.i++;
    let first = true;
    while (this.i < s.length && (s[this.i] !== ']' || first)) {
      first = false;
      // [:alpha:] and [:^alpha:]
      if (s.startsWith('[:', this.i)) {
        const end = s.indexOf(':]', this.i + 2);
        if (end >= 0) {
          const name = s.slice(this.i + 2, end).replace(/^\^/, '');
          if (!POSIX_CLASSES.has(name)) this.fail(`invalid character class range: ${s.slice(this.i, end + 2)}`);
          this.i = end + 2;
          continue;
        }
      }
      const from = this.i;
      const lo = this.classChar();
      if (s[this.i] === '-' && s[this.i + 1] !== ']' && this.i + 1 < s.length && lo !== undefined) {
        this.i++;
        const hi = this.classChar();
        if (hi === undefined || hi < lo) this.fail(`invalid character class range: ${s.slice(from, this.i)}`);
      }
    }
    if (this.i >= s.length) this.fail(`missing closing ]: ${s.slice(start)}`);
    this.i++; // ']'
  }

  /** One class member; returns its code point, or undefined for \d-style classes. */
  private classChar(): number | undefined {
    const s = this.s;
    if (s[this.i] !== '\\') {
      return s.charCodeAt(this.i++);
    }
    const c = s[this.i + 1];
    if (c !== undefined && (!isWordChar(c) || c === '_')) {
      this.i += 2;
      return c.charCodeAt(0);
    }
    const before = this.i;
    this.parseEscape(true);
    const text = s.slice(before, this.i);
    if (/^\\[dDsSwWpP]/.test(text)) return undefined;
    const simple: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (text.length === 2 && c in simple) return simple[c];
    if (c === 'x') return parseInt(text.replace(/^\\x\{?|\}$/g, ''), 16);
    return parseInt(text.slice(1), 8);
  }
}

/** The `{n}` group references in a `rewrite name regex` replacement (CoreDNS substitutes {0}..{100}). */
export function groupReferences(replacement: string): number[] {
  const refs = new Set<number>();
  for (const m of replacement.matchAll(/\{(\d+)\}/g)) refs.add(Number(m[1]));
  return [...refs].sort((a, b) => a - b);
}

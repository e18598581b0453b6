import { ExpressionError } from './errors';
import { javaMatches, javaReplaceAll, javaSplit } from './javaRegex';

/**
 * The input as a String object that counts how often the regex engine reads
 * a character: a deterministic measure of matching work (no wall clock).
 */
function countingInput(text: string): { input: string; reads: () => number } {
  let reads = 0;
  const boxed = Object.assign(Object(text) as object, {
    charCodeAt(index: number) {
      reads++;
      return text.charCodeAt(index);
    },
    codePointAt(index: number) {
      reads++;
      return text.codePointAt(index);
    },
  });
  return { input: boxed as unknown as string, reads: () => reads };
}

function readsFor(regex: string, text: string, run = javaMatches): number {
  const counted = countingInput(text);
  run(counted.input, regex);
  return counted.reads();
}

describe('java regexes run in linear time (RE2)', () => {
  it.each([['^(a+)+$'], ['(a|aa)+$'], ['(a*)*b'], ['(\\w+\\s?)+$']])(
    'work on %j grows linearly with the input',
    regex => {
      const evil = (n: number) => `${'a'.repeat(n)}!`;
      const small = readsFor(regex, evil(1000));
      const large = readsFor(regex, evil(2000));
      expect(small).toBeGreaterThan(0);
      // A backtracking engine doubles its work per extra character; RE2 reads
      // each character a bounded number of times.
      expect(large).toBeLessThanOrEqual(2 * small + 16);
      expect(small).toBeLessThanOrEqual(8 * 1001);
    },
  );

  it('keeps split and replaceAll linear too', () => {
    const split = (input: string, regex: string) =>
      javaSplit(input, regex).length > 0;
    const replace = (input: string, regex: string) =>
      javaReplaceAll(input, regex, '-') !== '';
    for (const run of [split, replace]) {
      const small = readsFor('(a+)+!x', 'a'.repeat(500), run);
      const large = readsFor('(a+)+!x', 'a'.repeat(1000), run);
      expect(large).toBeLessThanOrEqual(2 * small + 16);
    }
  });

  it('answers the classic catastrophic case', () => {
    expect(javaMatches(`${'a'.repeat(5000)}!`, '^(a+)+$')).toBe(false);
    expect(javaMatches('a'.repeat(5000), '^(a+)+$')).toBe(true);
  });

  it.each([
    ['(a)\\1', /backreference \\1 has no linear-time equivalent/],
    ['(?<x>a)\\k<x>', /named backreference/],
    ['a(?=b)', /lookahead \(\?=\.\.\.\)/],
    ['a(?!b)', /lookahead \(\?!\.\.\.\)/],
    ['(?<=a)b', /lookbehind \(\?<=\.\.\.\)/],
    ['(?<!a)b', /lookbehind \(\?<!\.\.\.\)/],
    ['(?>a)', /atomic group/],
    ['a++', /possessive quantifiers/],
  ])('refuses %j, saying why', (regex, message) => {
    expect(() => javaMatches('ab', regex)).toThrow(ExpressionError);
    expect(() => javaMatches('ab', regex)).toThrow(message);
  });

  it.each([
    ['(?<major>\\d+)\\.(?<minor>\\d+)', '1.2', true],
    ['[\\d]+', '123', true],
    ['[]a]+', ']a', true],
    ['[^]a]+', 'bc', true],
    ['(?i)abc', 'ABC', true],
    ['\\Aab\\z', 'ab', true],
    ['\\Q.*\\E', '.*', true],
    ['\\Q.*\\E', 'ab', false],
    ['\\P{Digit}+', 'abc', true],
  ])('keeps Java syntax: %j matches %j = %s', (regex, input, expected) => {
    expect(javaMatches(input, regex)).toBe(expected);
  });
});

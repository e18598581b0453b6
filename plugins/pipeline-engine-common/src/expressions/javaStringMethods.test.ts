import { ExpressionError } from './errors';
import { javaMatches, javaReplaceAll, javaSplit } from './javaRegex';
import { JAVA_STRING_METHODS } from './javaStringMethods';

/** Calls a string method the way the engine does (arity is checked there). */
const call = (receiver: string, name: string, ...args: unknown[]) =>
  JAVA_STRING_METHODS[name].call(receiver, args);

describe('java String.split semantics', () => {
  test.each([
    ['a,b,,c,,', ',', 0, ['a', 'b', '', 'c']], // trailing empties dropped
    ['', ',', 0, ['']], // no match: the input itself
    ['abc', ',', 0, ['abc']],
    [',a', ',', 0, ['', 'a']], // leading empty kept for a real match
    ['a.b.c', '.', 0, []], // "." is a regex: everything is a separator
    ['a.b.c', '\\.', 0, ['a', 'b', 'c']],
    ['abc', '', 0, ['a', 'b', 'c']], // no leading empty for zero-width match
    ['a|b', '|', 0, ['a', '|', 'b']], // "|" is an empty alternation in Java
    ['a1b22c', '\\d+', 0, ['a', 'b', 'c']],
    ['a b \t c', '\\s+', 0, ['a', 'b', 'c']],
    ['a,b,c', ',', 2, ['a', 'b,c']],
    ['a,b,,', ',', -1, ['a', 'b', '', '']],
    ['Hello', '(?i)L', 0, ['He', '', 'o']],
    ['a+b', '\\Q+\\E', 0, ['a', 'b']],
  ])('%j.split(%j, %d)', (input, regex, limit, expected) => {
    expect(javaSplit(input, regex, limit)).toEqual(expected);
  });
});

describe('java regex helpers', () => {
  test.each([
    ['a-b-c', '-', '_', 'a_b_c'],
    ['john smith', '(\\w+) (\\w+)', '$2 $1', 'smith john'],
    ['a.b', '\\.', '\\$', 'a$b'],
    ['v1.2', '(?<major>\\d)', '[${major}]', 'v[1].[2]'],
  ])('%j.replaceAll(%j, %j)', (input, regex, replacement, expected) => {
    expect(javaReplaceAll(input, regex, replacement)).toBe(expected);
  });

  test.each([
    ['abc123', '[a-z]+\\d+', true],
    ['abc123x', '[a-z]+\\d+', false], // whole-string match
    ['ABC', '\\p{Upper}+', true],
    ['release/1.2', 'release/.*', true],
  ])('%j.matches(%j) = %s', (input, regex, expected) => {
    expect(javaMatches(input, regex)).toBe(expected);
  });

  test.each([
    ['a++'],
    ['(?>a)'],
    ['[a'],
    ['\\p{NoSuchClass}'],
    ['(?x)a'],
    ['(a)\\1'],
    ['a(?=b)'],
  ])('rejects regex %j with a typed error', regex => {
    expect(() => javaSplit('aaa', regex)).toThrow(ExpressionError);
  });

  it('rejects an illegal group reference in a replacement', () => {
    expect(() => javaReplaceAll('x', 'x', '$')).toThrow(/illegal "\$"/);
    expect(() => javaReplaceAll('x', 'x', '$3')).toThrow(/no group 3/);
  });
});

describe('java String methods', () => {
  test.each<[string, string, unknown[], unknown]>([
    ['Hello', 'toLowerCase', [], 'hello'],
    ['Hello', 'toUpperCase', [], 'HELLO'],
    [' \t x \n', 'trim', [], 'x'],
    ['\u00a0x', 'trim', [], '\u00a0x'], // Java trims only <= U+0020
    ['abc', 'length', [], 3],
    ['', 'isEmpty', [], true],
    ['abc', 'contains', ['bc'], true],
    ['abc', 'startsWith', ['ab'], true],
    ['abc', 'startsWith', ['b', 1], true],
    ['abc', 'endsWith', ['bc'], true],
    ['abc', 'equals', ['abc'], true],
    ['5', 'equals', [5], false], // a String never equals an Integer
    ['ABC', 'equalsIgnoreCase', ['abc'], true],
    ['ab', 'concat', ['cd'], 'abcd'],
    ['aba', 'indexOf', ['a', 1], 2],
    ['abc', 'indexOf', ['z'], -1],
    ['aba', 'lastIndexOf', ['a'], 2],
    ['aba', 'lastIndexOf', ['a', 1], 0],
    ['abc', 'charAt', [1], 'b'],
    ['abcdef', 'substring', [0, 3], 'abc'],
    ['abcdef', 'substring', [2], 'cdef'],
    ['a.b.c', 'replace', ['.', '-'], 'a-b-c'], // literal, not a regex
    ['abc', 'replace', ['', '-'], '-a-b-c-'],
    ['a$b', 'replace', ['$', '$$'], 'a$$b'],
    ['a1b2', 'replaceAll', ['\\d', '#'], 'a#b#'],
    ['a1b2', 'replaceFirst', ['\\d', '#'], 'a#b2'],
    ['x-y', 'split', ['-'], ['x', 'y']],
    ['v1', 'matches', ['v\\d'], true],
  ])('%j.%s(%j) = %j', (receiver, name, args, expected) => {
    expect(call(receiver, name, ...args)).toEqual(expected);
  });

  test.each<[string, string, unknown[], RegExp]>([
    ['abc', 'substring', [5], /begin 5/],
    ['abc', 'substring', [2, 1], /begin 2, end 1/],
    ['abc', 'substring', [-1], /begin -1/],
    ['abc', 'charAt', [3], /out of range/],
    ['abc', 'contains', [null], /must be a string/],
    ['abc', 'concat', [1], /must be a string/],
    ['abc', 'substring', ['1'], /must be an integer/],
  ])('%j.%s(%j) throws like Java', (receiver, name, args, message) => {
    expect(() => call(receiver, name, ...args)).toThrow(message);
  });
});

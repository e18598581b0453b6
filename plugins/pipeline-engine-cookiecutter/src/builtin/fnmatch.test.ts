import { fnmatch } from './fnmatch';

describe('fnmatch (Python semantics, on RE2)', () => {
  it.each([
    ['docs/a.md', '*.md', true],
    ['docs/a.md', 'docs/*', true],
    ['a/b/c.txt', '*', true], // `*` also matches `/`
    ['a.txt', '?.txt', true],
    ['ab.txt', '?.txt', false],
    ['b.txt', '[abc].txt', true],
    ['d.txt', '[!abc].txt', true],
    ['a.txt', '[!abc].txt', false],
    ['m.txt', '[a-z].txt', true],
    ['[x', '[x', true], // an unclosed `[` is literal
    ['line\nbreak', 'line*', true],
    ['é.txt', '?.txt', true],
    ['a+b(c).txt', 'a+b(c).txt', true],
  ])('fnmatch(%j, %j) = %s', (name, pattern, expected) => {
    expect(fnmatch(name, pattern)).toBe(expected);
  });

  it('answers a pattern that would backtrack for ages at once', () => {
    // A backtracking engine needs ~C(200, 12) steps for this; RE2 is linear.
    expect(fnmatch('a'.repeat(200), `${'*a'.repeat(12)}*b`)).toBe(false);
  });
});

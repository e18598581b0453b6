import { ExpressionError } from './errors';
import { rewriteToJexl } from './rewrite';
import { scanTemplate } from './scan';
import type { BodyPart } from './scan';

/** Rewrites the body of the single expression in `template`. */
function rewrite(template: string) {
  const [segment] = scanTemplate(template);
  if (segment.kind !== 'expression') throw new Error('not an expression');
  return rewriteToJexl(segment.node.parts);
}

describe('rewriteToJexl', () => {
  test.each([
    ['plain path', '<+pipeline.variables.a>', 'pipeline.variables.a'],
    ['method call becomes a transform', '<+a.toLowerCase()>', 'a|$call($s0)'],
    [
      'method with arguments, then index',
      '<+a.split(",")[0]>',
      'a|$call($s0, $s1)|$index(0)',
    ],
    [
      'comparison keeps precedence',
      '<+a.toLowerCase() == "x">',
      'a|$call($s0) == $s1',
    ],
    [
      'concatenation with a method on the right',
      '<+a + b.trim()>',
      'a + b|$call($s0)',
    ],
    ['chained methods', '<+a.trim().toUpperCase()>', 'a|$call($s0)|$call($s1)'],
    [
      'method on a nested expression',
      '<+<+a>.toLowerCase()>',
      '$h0|$call($s0)',
    ],
    ['method on a string literal', '<+"abc".length()>', '$s0|$call($s1)'],
    [
      'ternary test is parenthesised',
      '<+a.isEmpty() ? "x" : "y">',
      '(a|$call($s0)) ? $s1 : $s2',
    ],
    ['nested ternary', '<+a ? b : c ? d : e>', '(a) ? b : (c) ? d : e'],
    ['ternary inside parentheses', '<+x == (a ? 1 : 2)>', 'x == ((a) ? 1 : 2)'],
    ['index after parentheses', '<+(a + b)[0]>', '(a + b)|$index(0)'],
    [
      'nested expression as a key',
      '<+pipeline.stages.<+s>.status>',
      'pipeline.stages|$index($h0).status',
    ],
    [
      'nested expression inside a string literal',
      '<+"v-<+a>-x".length()>',
      '($s0 + $h0 + $s1)|$call($s2)',
    ],
    ['word operators', '<+a eq 1 and not b>', 'a == 1 &&  ! b'],
    ['keyword after a dot', '<+a.true>', 'a|$index($s0)'],
  ])('%s', (_, template, expected) => {
    expect(rewrite(template).source.replace(/ +/g, ' ').trim()).toBe(
      expected.replace(/ +/g, ' '),
    );
  });

  it('keeps literal values out of the source', () => {
    const src = rewrite('<+a == "x\\" + pipeline.name">');
    expect(src.source).not.toContain('pipeline.name');
    expect(src.strings).toEqual(['x" + pipeline.name']);
  });

  it('builds a condition from text and expression parts', () => {
    const parts: BodyPart[] = scanTemplate(
      '<+pipeline.variables.notify> == "true"',
    ).map(s => (s.kind === 'text' ? s.text : s.node));
    expect(rewriteToJexl(parts).source.trim()).toBe('$h0 == $s0');
  });

  test.each([
    ['<+a = 1>', 'syntax', 'assignment'],
    ['<+a | b>', 'syntax', '"|"'],
    ['<+a.foo()>', 'unknown-method', 'foo()'],
    ['<+a.toLowercase()>', 'unknown-method', 'did you mean "toLowerCase"?'],
    ['<+eval("1")>', 'forbidden', 'eval'],
    ['<+foo(1)>', 'syntax', 'methods on a value'],
    ['<+$x>', 'syntax', '"$"'],
    ['<+{a: 1}>', 'syntax', 'map literals'],
    ['<+a)>', 'syntax', 'unexpected ")"'],
    ['<+a.constructor>', 'forbidden', 'constructor'],
  ])('rejects %s (%s)', (template, code, text) => {
    let error: unknown;
    try {
      rewrite(template);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as ExpressionError).code).toBe(code);
    expect((error as ExpressionError).message).toContain(text);
  });
});

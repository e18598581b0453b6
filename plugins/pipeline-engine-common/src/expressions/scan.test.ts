import { ExpressionError } from './errors';
import type { ExpressionNode, TemplateSegment } from './scan';
import { scanTemplate } from './scan';

/** Segments as `text` strings and `<+...>` sources, for compact expectations. */
const flat = (segments: TemplateSegment[]) =>
  segments.map(s => (s.kind === 'text' ? s.text : { expr: s.node.source }));

describe('scanTemplate', () => {
  test.each([
    ['no expressions', 'plain text', ['plain text']],
    [
      'one whole expression',
      '<+pipeline.name>',
      [{ expr: '<+pipeline.name>' }],
    ],
    [
      'several with text around',
      'prefix-<+a>-<+b>-suffix',
      ['prefix-', { expr: '<+a>' }, '-', { expr: '<+b>' }, '-suffix'],
    ],
    [
      'Slack link: the first > closes, |Link> is text',
      '<<+pipeline.stages.s.spec.execution.steps.x.output.outputVariables.url>|Link>',
      [
        '<',
        {
          expr: '<+pipeline.stages.s.spec.execution.steps.x.output.outputVariables.url>',
        },
        '|Link>',
      ],
    ],
    [
      'Slack mention',
      '<@<+pipeline.variables.email_id>>',
      ['<@', { expr: '<+pipeline.variables.email_id>' }, '>'],
    ],
    [
      '> inside a string literal',
      '<+a.replace(">", "<")>!',
      [{ expr: '<+a.replace(">", "<")>' }, '!'],
    ],
    [
      '> inside a single-quoted literal',
      "<+a == '>'>",
      [{ expr: "<+a == '>'>" }],
    ],
    [
      'escaped quote inside a literal',
      '<+a == "x\\">"> ok',
      [{ expr: '<+a == "x\\">">' }, ' ok'],
    ],
    ['comparison inside parentheses', '<+(a > 1)>', [{ expr: '<+(a > 1)>' }]],
    [
      '>= inside parentheses',
      '<+(a >= 1) ? "y" : "n">',
      [{ expr: '<+(a >= 1) ? "y" : "n">' }],
    ],
    [
      '> at top level closes (documented rule)',
      '<+a > 1>',
      [{ expr: '<+a >' }, ' 1>'],
    ],
    [
      'quotes outside expressions are plain text',
      `it's "<+a>"`,
      [`it's "`, { expr: '<+a>' }, '"'],
    ],
    [
      'multi-line template',
      'a:\n  b: <+x>\n',
      ['a:\n  b: ', { expr: '<+x>' }, '\n'],
    ],
  ])('%s', (_, template, expected) => {
    expect(flat(scanTemplate(template))).toEqual(expected);
  });

  it('keeps nested expressions as parts', () => {
    const [segment] = scanTemplate('<+<+pipeline.variables.a>.toLowerCase()>');
    expect(segment.kind).toBe('expression');
    const node = (segment as { node: ExpressionNode }).node;
    expect(node.body).toBe('<+pipeline.variables.a>.toLowerCase()');
    expect(node.parts).toHaveLength(2);
    expect((node.parts[0] as ExpressionNode).source).toBe(
      '<+pipeline.variables.a>',
    );
    expect(node.parts[1]).toBe('.toLowerCase()');
  });

  it('finds a nested expression inside a string literal of a body', () => {
    const [segment] = scanTemplate('<+"v-<+a>".length()>');
    const node = (segment as { node: ExpressionNode }).node;
    expect(node.parts.map(p => (typeof p === 'string' ? p : p.source))).toEqual(
      ['"v-', '<+a>', '".length()'],
    );
  });

  test.each([
    ['abc <+pipeline.name', 5, 'no closing ">"'],
    ['x\n  <+a.b("unclosed>', 3, 'string literal opened at column 9'],
    ['<+(a > b>', 1, 'parenthesis'],
    ['ok <+a> then <+<+b>', 14, 'no closing'],
  ])('unterminated %j → error at column %d', (template, column, why) => {
    let error: unknown;
    try {
      scanTemplate(template);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExpressionError);
    const err = error as ExpressionError;
    expect(err.code).toBe('unterminated');
    expect(err.location?.column).toBe(column);
    expect(err.message).toContain(why);
  });

  it('limits nesting depth', () => {
    const deep = `${'<+'.repeat(40)}a${'>'.repeat(40)}`;
    expect(() => scanTemplate(deep)).toThrow(
      expect.objectContaining({ code: 'limit' }),
    );
  });
});

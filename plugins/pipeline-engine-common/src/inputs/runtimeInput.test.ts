import { isRuntimeInput, parseRuntimeInput } from './runtimeInput';

/** Parses text that must be valid and returns the input. */
function ok(text: string) {
  const result = parseRuntimeInput(text);
  expect(result.problems).toEqual([]);
  expect(result.ok).toBe(true);
  return result.input;
}

/** Parses text that must be rejected and returns the error codes. */
function codes(text: string): string[] {
  const result = parseRuntimeInput(text, 'pipeline.variables.x');
  expect(result.ok).toBe(false);
  for (const p of result.problems) {
    expect(p.path).toBe('pipeline.variables.x');
    expect(p.hint).toBeTruthy();
  }
  return result.problems.map(p => p.code);
}

describe('isRuntimeInput', () => {
  it('recognises <+input> with or without modifiers and nothing else', () => {
    expect(isRuntimeInput('<+input>')).toBe(true);
    expect(isRuntimeInput(' <+input>.default(a)')).toBe(true);
    expect(isRuntimeInput('<+pipeline.variables.x>')).toBe(false);
    expect(isRuntimeInput('<+inputs.x>')).toBe(false);
    expect(isRuntimeInput('prefix <+input>')).toBe(false);
    expect(isRuntimeInput(3)).toBe(false);
    expect(isRuntimeInput(undefined)).toBe(false);
  });
});

describe('parseRuntimeInput: each modifier alone', () => {
  it('bare <+input>', () => {
    expect(ok('<+input>')).toEqual({
      raw: '<+input>',
      modifiers: [],
      executionInput: false,
    });
  });

  it('.default(v)', () => {
    expect(ok('<+input>.default(bengaluru)').default).toBe('bengaluru');
  });

  it('.allowedValues(a,b,c) trims each value', () => {
    expect(ok('<+input>.allowedValues(dev, qa ,prod)').allowedValues).toEqual([
      'dev',
      'qa',
      'prod',
    ]);
  });

  it('.regex() keeps the raw pattern', () => {
    expect(ok('<+input>.regex(^[a-z]+$)').regex).toBe('^[a-z]+$');
  });

  it('.selectOneFrom(a,b)', () => {
    expect(ok('<+input>.selectOneFrom(a,b)').selectOneFrom).toEqual(['a', 'b']);
  });

  it('.selectManyFrom(a,b)', () => {
    expect(ok('<+input>.selectManyFrom(a,b)').selectManyFrom).toEqual([
      'a',
      'b',
    ]);
  });

  it('.executionInput()', () => {
    const input = ok('<+input>.executionInput()');
    expect(input.executionInput).toBe(true);
    expect(input.modifiers).toEqual([{ name: 'executionInput', args: '' }]);
  });
});

describe('parseRuntimeInput: combinations in any order', () => {
  it('the seed form .default(public).allowedValues(public,private)', () => {
    const input = ok('<+input>.default(public).allowedValues(public,private)');
    expect(input.default).toBe('public');
    expect(input.allowedValues).toEqual(['public', 'private']);
  });

  it('allowedValues before default, then executionInput (Harness docs example)', () => {
    const input = ok(
      '<+input>.allowedValues(value1,value2).default(value1).executionInput()',
    );
    expect(input).toMatchObject({
      default: 'value1',
      allowedValues: ['value1', 'value2'],
      executionInput: true,
    });
    expect(input.modifiers.map(m => m.name)).toEqual([
      'allowedValues',
      'default',
      'executionInput',
    ]);
  });

  it('executionInput first, then regex and default', () => {
    const input = ok('<+input>.executionInput().regex(^v[0-9]+$).default(v1)');
    expect(input).toMatchObject({
      executionInput: true,
      regex: '^v[0-9]+$',
      default: 'v1',
    });
  });

  it('default with selectManyFrom: each default part must be a choice', () => {
    expect(ok("<+input>.selectManyFrom(a,b,c).default('a,b')").default).toBe(
      'a,b',
    );
    expect(codes("<+input>.selectManyFrom(a,b).default('a,z')")).toEqual([
      'runtime-input-default-not-allowed',
    ]);
  });

  it('regex and allowedValues together both apply', () => {
    const input = ok('<+input>.allowedValues(ab,cd).regex([a-d]+).default(cd)');
    expect(input.allowedValues).toEqual(['ab', 'cd']);
    expect(input.regex).toBe('[a-d]+');
  });

  it('default with spaces (Harness docs: new york)', () => {
    expect(ok('<+input>.default(new york).executionInput()').default).toBe(
      'new york',
    );
  });
});

describe('parseRuntimeInput: awkward arguments', () => {
  it("Harness's escaped quotes keep commas: \\'london,uk\\'", () => {
    expect(ok("<+input>.default(\\'london,uk\\')").default).toBe('london,uk');
    expect(
      ok(
        "<+input>.allowedValues(\\'bengaluru,india\\',\\'newyork,usa\\',\\'london,uk\\')",
      ).allowedValues,
    ).toEqual(['bengaluru,india', 'newyork,usa', 'london,uk']);
  });

  it('plain single and double quotes keep commas and parentheses', () => {
    expect(
      ok(`<+input>.allowedValues('a, b', "c (d), e", f)`).allowedValues,
    ).toEqual(['a, b', 'c (d), e', 'f']);
  });

  it('escaped quotes inside quotes, and apostrophes inside words', () => {
    expect(
      ok(`<+input>.allowedValues('it\\'s', "say \\"hi\\"", don't)`)
        .allowedValues,
    ).toEqual(["it's", 'say "hi"', "don't"]);
  });

  it('balanced parentheses inside a value', () => {
    expect(
      ok('<+input>.default(f(x)).allowedValues(f(x),g(y, z))').allowedValues,
    ).toEqual(['f(x)', 'g(y, z)']);
  });

  it('regex with groups, alternation and nested groups', () => {
    expect(ok('<+input>.regex(^(a|b)$)').regex).toBe('^(a|b)$');
    expect(ok('<+input>.regex(^[a-z]+(-[a-z]+)*$).default(my-app)').regex).toBe(
      '^[a-z]+(-[a-z]+)*$',
    );
  });

  it('regex with escaped parenthesis, parentheses in a class and a comma', () => {
    expect(ok('<+input>.regex(^\\(x\\)[()]{1,3}$)').regex).toBe(
      '^\\(x\\)[()]{1,3}$',
    );
  });

  it('JSON objects and arrays in allowedValues are single values', () => {
    expect(
      ok('<+input>.allowedValues({"x":"y","z":[1,2]}, [1, 2], plain)')
        .allowedValues,
    ).toEqual(['{"x":"y","z":[1,2]}', '[1, 2]', 'plain']);
  });

  it('quoted JSON default (Harness docs example)', () => {
    expect(
      ok(
        `<+input>.default('{"risk": 100,"availabilityVsCost": "balanced","fallbackToOd": true}')`,
      ).default,
    ).toBe(
      '{"risk": 100,"availabilityVsCost": "balanced","fallbackToOd": true}',
    );
  });

  it('expressions inside values are kept whole', () => {
    expect(
      ok('<+input>.allowedValues(dev, <+pipeline.variables.env.split(",")[0]>)')
        .allowedValues,
    ).toEqual(['dev', '<+pipeline.variables.env.split(",")[0]>']);
  });

  it('an intentionally empty quoted value', () => {
    expect(ok("<+input>.allowedValues('', a)").allowedValues).toEqual([
      '',
      'a',
    ]);
  });
});

describe('parseRuntimeInput: malformed input is a problem, never a throw', () => {
  it('unknown modifier with a suggestion', () => {
    const result = parseRuntimeInput('<+input>.defualt(a)');
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({
      severity: 'error',
      code: 'runtime-input-unknown-modifier',
    });
    expect(result.problems[0].message).toContain('did you mean "default"?');
  });

  it('modifier names are case-sensitive', () => {
    expect(codes('<+input>.AllowedValues(a,b)')).toEqual([
      'runtime-input-unknown-modifier',
    ]);
  });

  it('unbalanced parenthesis', () => {
    expect(codes('<+input>.default(a')).toEqual(['runtime-input-unbalanced']);
    expect(codes('<+input>.regex(^(a|b$)')).toEqual([
      'runtime-input-unbalanced',
    ]);
    expect(codes('<+input>.default(a))')).toEqual(['runtime-input-unbalanced']);
  });

  it('trailing junk', () => {
    expect(codes('<+input>abc')).toEqual(['runtime-input-syntax']);
    expect(codes('<+input>.default(a) extra')).toEqual([
      'runtime-input-syntax',
    ]);
    expect(codes('<+input>.')).toEqual(['runtime-input-syntax']);
  });

  it('duplicate modifier', () => {
    expect(codes('<+input>.default(a).default(b)')).toEqual([
      'runtime-input-duplicate-modifier',
    ]);
  });

  it('modifier without parentheses', () => {
    expect(codes('<+input>.executionInput')).toEqual(['runtime-input-syntax']);
  });

  it('unterminated quote', () => {
    expect(codes("<+input>.allowedValues('a,b)")).toEqual([
      'runtime-input-syntax',
    ]);
  });

  it('bad arguments: empty lists, stray commas, arguments to executionInput, unquoted comma in default', () => {
    expect(codes('<+input>.allowedValues()')).toEqual([
      'runtime-input-arguments',
    ]);
    expect(codes('<+input>.allowedValues(a,,b)')).toEqual([
      'runtime-input-arguments',
    ]);
    expect(codes('<+input>.executionInput(yes)')).toEqual([
      'runtime-input-arguments',
    ]);
    expect(codes('<+input>.default(london,uk)')).toEqual([
      'runtime-input-arguments',
    ]);
    expect(codes('<+input>.regex()')).toEqual(['runtime-input-arguments']);
  });

  it('invalid regex', () => {
    expect(codes('<+input>.regex([z-a])')).toEqual([
      'runtime-input-invalid-regex',
    ]);
  });

  it('default outside the allowed values or not matching the regex', () => {
    expect(codes('<+input>.default(blue).allowedValues(red,green)')).toEqual([
      'runtime-input-default-not-allowed',
    ]);
    expect(codes('<+input>.regex(^[0-9]+$).default(abc)')).toEqual([
      'runtime-input-default-not-allowed',
    ]);
  });

  it('conflicting choice modifiers', () => {
    expect(codes('<+input>.allowedValues(a).selectOneFrom(a)')).toEqual([
      'runtime-input-conflicting-modifiers',
    ]);
  });

  it('reports several problems at once and keeps what parsed', () => {
    const result = parseRuntimeInput(
      '<+input>.default(a).colour(red).default(b).regex(()',
    );
    expect(result.problems.map(p => p.code)).toEqual([
      'runtime-input-unknown-modifier',
      'runtime-input-duplicate-modifier',
      'runtime-input-unbalanced',
    ]);
    expect(result.input.default).toBe('a');
  });

  it('text that is not a runtime input', () => {
    expect(codes('<+pipeline.name>')).toEqual(['runtime-input-syntax']);
  });
});

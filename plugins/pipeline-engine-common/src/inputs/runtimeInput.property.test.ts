import fc from 'fast-check';
import { parseRuntimeInput } from './runtimeInput';
import { cpuMillis } from '../__testUtils__/cpuTime';

const TOKENS = [
  '<+input>',
  '.default(',
  '.allowedValues(',
  '.regex(',
  '.selectOneFrom(',
  '.selectManyFrom(',
  '.executionInput()',
  '.executionInput',
  '.defualt(',
  '(',
  ')',
  ',',
  "'",
  '"',
  "\\'",
  '\\"',
  '\\',
  '[',
  ']',
  '{',
  '}',
  '<+',
  '>',
  '.',
  ' ',
  'a',
  'public',
  '^[a-z]+$',
  '|',
  '*',
];

const VALID = [
  '<+input>',
  '<+input>.default(public).allowedValues(public,private)',
  "<+input>.allowedValues(\\'a,b\\',c).default(c).executionInput()",
  '<+input>.regex(^[a-z]+(-[a-z]+)*$).default(my-app)',
  `<+input>.selectManyFrom('x, y', {"k":[1,2]}).executionInput()`,
];

/** Token soup, mutated valid inputs and arbitrary text after `<+input>`. */
const candidates = fc.oneof(
  fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map(t => t.join('')),
  fc
    .tuple(
      fc.constantFrom(...VALID),
      fc.nat(),
      fc.nat({ max: 5 }),
      fc.string({ maxLength: 5 }),
    )
    .map(([text, at, cut, insert]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(i + cut);
    }),
  fc.string({ maxLength: 200 }).map(s => `<+input>${s}`),
  fc.string({ maxLength: 200 }),
);

describe('parseRuntimeInput properties', () => {
  // First calls pay for JIT compilation; the 100 ms bound is about the parser.
  beforeAll(() => {
    for (let i = 0; i < 50; i++)
      parseRuntimeInput(
        '<+input>.default(a).allowedValues(a,b).regex(^a$)',
        'p',
      );
  });

  it('always returns a result value, quickly, and never throws', () => {
    fc.assert(
      fc.property(candidates, text => {
        let result = parseRuntimeInput(text, 'p');
        expect(
          cpuMillis(() => (result = parseRuntimeInput(text, 'p'))),
        ).toBeLessThan(100);
        expect(typeof result.ok).toBe('boolean');
        expect(result.input.raw).toBe(text.trim());
        expect(result.ok).toBe(
          !result.problems.some(p => p.severity === 'error'),
        );
        for (const problem of result.problems) {
          expect(problem.path).toBe('p');
          expect(problem.message).toBeTruthy();
          expect(problem.hint).toBeTruthy();
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('values written with Harness escaping parse back unchanged, in any modifier order', () => {
    const value = fc
      .string({
        unit: fc.constantFrom(...'abz09 ,()_-'.split('')),
        minLength: 1,
        maxLength: 12,
      })
      .map(s => s.trim())
      .filter(s => s !== '');
    const quote = (v: string) => (/[,()]/.test(v) ? `\\'${v}\\'` : v);
    fc.assert(
      fc.property(
        fc.uniqueArray(value, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        (values, defaultFirst, executionInput) => {
          const allowed = `.allowedValues(${values.map(quote).join(', ')})`;
          const def = `.default(${quote(values[0])})`;
          const text = `<+input>${defaultFirst ? def + allowed : allowed + def}${
            executionInput ? '.executionInput()' : ''
          }`;
          const result = parseRuntimeInput(text);
          expect(result.problems).toEqual([]);
          expect(result.input.allowedValues).toEqual(values);
          expect(result.input.default).toBe(values[0]);
          expect(result.input.executionInput).toBe(executionInput);
        },
      ),
      { numRuns: 500 },
    );
  });
});

/*
 * Expressions can never reach prototypes, functions or code: every attempt
 * is a typed ExpressionError, and only own data properties are readable.
 */
import type { ExpressionContext } from './context';
import { ExpressionEngine } from './engine';
import { ExpressionError } from './errors';
import { seedContext } from './testFixtures';
import { cpuMillis } from '../__testUtils__/cpuTime';

const engine = new ExpressionEngine();
const lenient = new ExpressionEngine({ mode: 'lenient' });

function errorOf(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return e as ExpressionError;
  }
  throw new Error('expected an ExpressionError');
}

describe('sandbox', () => {
  test.each<[string, string]>([
    ['<+constructor>', 'forbidden'],
    ['<+this>', 'forbidden'],
    ['<+this.pipeline>', 'forbidden'],
    ['<+Function("return process")>', 'forbidden'],
    ['<+eval("1+1")>', 'forbidden'],
    ['<+process.env>', 'forbidden'],
    ['<+require("fs")>', 'forbidden'],
    ['<+globalThis>', 'forbidden'],
    ['<+pipeline.constructor>', 'forbidden'],
    ['<+pipeline.__proto__>', 'forbidden'],
    ['<+pipeline.variables.prototype>', 'forbidden'],
    [
      '<+pipeline.name.constructor.constructor("return process")()>',
      'forbidden',
    ],
    ['<+"abc".constructor>', 'forbidden'],
    ['<+toString.call(1)>', 'forbidden'],
    ['<+pipeline.toString.call(1)>', 'forbidden'],
    ['<+pipeline.name.getClass()>', 'unknown-method'],
    ['<+pipeline["constructor"]>', 'forbidden'],
    ["<+pipeline['__proto__']['polluted']>", 'forbidden'],
    ['<+pipeline["con" + "structor"]>', 'forbidden'],
    ['<+pipeline.variables[pipeline.variables.evil_key]>', 'forbidden'],
    ['<+pipeline.variables.<+pipeline.variables.evil_key>>', 'forbidden'],
    ['<+pipeline.variables.map.get("constructor")>', 'forbidden'],
    ['<+pipeline.variables.map.get("__proto__")>', 'forbidden'],
    ['<+pipeline.variables.project_name.valueOf()>', 'unknown-method'],
    ['<+pipeline.variables.project_name.constructor()>', 'unknown-method'],
    ['<+pipeline.variables.list.map(x)>', 'unknown-method'],
    ['<+pipeline.__defineGetter__("a", 1)>', 'unknown-method'],
    ['<+pipeline.variables.project_name|toLowerCase>', 'syntax'],
    ['<+pipeline.variables.a = 1>', 'syntax'],
    ['<+$frame>', 'syntax'],
    ['<+pipeline.$root>', 'syntax'],
    ['<+{"a": 1}>', 'syntax'],
    ['<+.pipeline>', 'syntax'],
  ])('%s → %s', (template, code) => {
    expect(errorOf(() => engine.render(template, seedContext())).code).toBe(
      code,
    );
    // Lenient mode only softens missing data, never safety.
    expect(errorOf(() => lenient.render(template, seedContext())).code).toBe(
      code,
    );
  });

  it('never pollutes prototypes', () => {
    engine.tryRender("<+pipeline['__proto__']['polluted']>", seedContext());
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  describe('with a hand-written context holding non-data', () => {
    const getter = jest.fn(() => 'from getter');
    class Instance {
      field = 'x';
    }
    const data: Record<string, unknown> = {
      inherited: Object.create({ secret: 'inherited value' }),
      fn: () => 'code',
      instance: new Instance(),
      date: new Date(0),
      plain: { own: 'ok' },
    };
    Object.defineProperty(data.plain as object, 'computed', {
      get: getter,
      enumerable: true,
    });
    const ctx: ExpressionContext = {
      lookup: root => (root === 'data' ? data : undefined),
      getSecret: () => undefined,
    };

    test.each<[string, string]>([
      ['<+data.inherited.secret>', 'forbidden'],
      ['<+data.fn>', 'forbidden'],
      ['<+data.fn.name>', 'forbidden'],
      ['<+data.instance.field>', 'forbidden'],
      ['<+data.date>', 'forbidden'],
      ['<+data.plain.computed>', 'unresolved'],
      ['<+data.plain.hasOwnProperty>', 'forbidden'],
    ])('%s → %s', (template, code) => {
      expect(errorOf(() => engine.render(template, ctx)).code).toBe(code);
    });

    it('reads own data properties and never runs getters', () => {
      expect(engine.render('<+data.plain.own>', ctx).value).toBe('ok');
      // The getter property is skipped when the map is returned whole.
      expect(engine.render('<+data.plain>', ctx).value).toEqual({ own: 'ok' });
      expect(getter).not.toHaveBeenCalled();
    });
  });

  test.each([
    ['deep parentheses', `<+${'('.repeat(3000)}1${')'.repeat(3000)}>`],
    ['deep brackets', `<+${'[('.repeat(20)}1${')]'.repeat(20)}>`],
    ['a very long chain', `<+pipeline${'.a'.repeat(600)}>`],
    ['deeply nested expressions', `${'<+'.repeat(40)}a${'>'.repeat(40)}`],
  ])('refuses %s quickly with a limit error', (_, template) => {
    let result: ReturnType<typeof engine.tryRender> | undefined;
    expect(
      cpuMillis(() => (result = engine.tryRender(template, seedContext()))),
    ).toBeLessThan(100);
    if (!result) throw new Error('no result');
    expect(!result.ok && result.error.code).toBe('limit');
  });
});

import { bind } from './args';
import { binary } from './operators';
import { runtimeError, unsupported } from './errors';
import { FILTERS, UNSUPPORTED_FILTERS } from './filters';
import { callStrMethod } from './pyString';
import {
  PyDict,
  PyFloat,
  PyMarkup,
  PyObject,
  PyRange,
  PyTuple,
  PyUndefined,
  type PyValue,
  isIterable,
  numeric,
  pyCmp,
  pyContains,
  pyEq,
  pyLen,
  pyStr,
  truthy,
} from './values';

/* Jinja2's builtin tests (jinja2/tests.py). */

/** A test: value and arguments in, boolean out. */
export type TestFn = (
  value: PyValue,
  args: PyValue[],
  kwargs: Map<string, PyValue>,
) => boolean;

function one(
  name: string,
  fn: (value: PyValue, other: PyValue) => boolean,
): TestFn {
  return (value, args, kwargs) =>
    fn(
      value,
      bind({ name, params: ['other'], required: 1 }, args, kwargs).values[0]!,
    );
}

function none(fn: (value: PyValue) => boolean): TestFn {
  return (value, args, kwargs) => {
    bind({ name: 'test', params: [] }, args, kwargs);
    return fn(value);
  };
}

const strPredicate = (v: PyValue, method: string): boolean =>
  truthy(
    callStrMethod(pyStr(v), method, [], new Map(), {
      attr: () => null,
      item: () => null,
    }),
  );
const isInt = (v: PyValue): boolean => typeof v === 'number';
const mod2 = (v: PyValue): PyValue => binary('%', v, 2);

/** Every test, by name. */
export const TESTS: Record<string, TestFn> = {
  odd: none(v => pyEq(mod2(v), 1)),
  even: none(v => pyEq(mod2(v), 0)),
  divisibleby: one('divisibleby', (v, n) => pyEq(binary('%', v, n), 0)),
  defined: none(v => !(v instanceof PyUndefined)),
  undefined: none(v => v instanceof PyUndefined),
  filter: none(
    v => typeof v === 'string' && v in FILTERS && !UNSUPPORTED_FILTERS.has(v),
  ),
  test: none(v => typeof v === 'string' && v in TESTS),
  none: none(v => v === null),
  boolean: none(v => typeof v === 'boolean'),
  false: none(v => v === false),
  true: none(v => v === true),
  integer: none(isInt),
  float: none(v => v instanceof PyFloat),
  lower: none(v => strPredicate(v, 'islower')),
  upper: none(v => strPredicate(v, 'isupper')),
  string: none(v => typeof v === 'string' || v instanceof PyMarkup),
  mapping: none(v => v instanceof PyDict),
  number: none(v => numeric(v) !== undefined),
  sequence: none(v => {
    if (v instanceof PyUndefined) return !v.strict;
    try {
      pyLen(v);
    } catch {
      return false;
    }
    return (
      typeof v === 'string' ||
      Array.isArray(v) ||
      v instanceof PyTuple ||
      v instanceof PyDict ||
      v instanceof PyRange ||
      v instanceof PyMarkup
    );
  }),
  iterable: none(v => isIterable(v)),
  callable: none(v => v instanceof PyObject && v.callable),
  sameas: one('sameas', (v, other) => {
    if (
      v === null ||
      typeof v === 'boolean' ||
      other === null ||
      typeof other === 'boolean'
    )
      return v === other;
    if (
      v instanceof PyUndefined ||
      v instanceof PyObject ||
      Array.isArray(v) ||
      v instanceof PyDict
    )
      return v === other;
    throw unsupported(
      'the sameas test on strings or numbers (Python object identity)',
    );
  }),
  escaped: none(v => v instanceof PyMarkup),
  in: one('in', (v, seq) => pyContains(seq, v)),
  eq: one('eq', (a, b) => pyEq(a, b)),
  ne: one('ne', (a, b) => !pyEq(a, b)),
  gt: one('gt', (a, b) => pyCmp(a, b, '>') > 0),
  ge: one('ge', (a, b) => pyCmp(a, b, '>=') >= 0),
  lt: one('lt', (a, b) => pyCmp(a, b, '<') < 0),
  le: one('le', (a, b) => pyCmp(a, b, '<=') <= 0),
};
Object.assign(TESTS, {
  '==': TESTS.eq,
  equalto: TESTS.eq,
  '!=': TESTS.ne,
  '>': TESTS.gt,
  greaterthan: TESTS.gt,
  '>=': TESTS.ge,
  '<': TESTS.lt,
  lessthan: TESTS.lt,
  '<=': TESTS.le,
});

/** Runs test `name`; unknown at run time is a Jinja2 TemplateRuntimeError. */
export function callTest(
  name: string,
  value: PyValue,
  args: PyValue[],
  kwargs: Map<string, PyValue>,
): boolean {
  const fn = TESTS[name];
  if (!fn) throw runtimeError(`No test named '${name}' found.`);
  return fn(value, args, kwargs);
}

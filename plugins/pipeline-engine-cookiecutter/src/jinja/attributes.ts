import { bind } from './args';
import { runtimeError, undefinedError, unsupported } from './errors';
import { callStrMethod, isStrMethod } from './pyString';
import {
  PyDict,
  PyDictView,
  PyFloat,
  PyMarkup,
  PyObject,
  PyRange,
  PyTuple,
  PyUndefined,
  type PyValue,
  failIfUndefined,
  iterate,
  numeric,
  pyCmp,
  pyEq,
  pyRepr,
  strChars,
  typeName,
} from './values';

/*
 * Attribute and item lookup with Jinja2's rules: `x.y` tries the attribute
 * then the item, `x['y']` the item then the attribute; a miss is Undefined.
 */

/** A Python method bound to its object. */
export class PyBoundMethod extends PyObject {
  readonly typeName = 'builtin_function_or_method';
  constructor(
    readonly self: PyValue,
    readonly name: string,
    private readonly fn: (
      args: PyValue[],
      kwargs: Map<string, PyValue>,
    ) => PyValue,
  ) {
    super();
  }
  get callable(): boolean {
    return true;
  }
  call(args: PyValue[], kwargs: Map<string, PyValue>): PyValue {
    return this.fn(args, kwargs);
  }
}

const LIST_METHODS = new Set([
  'append',
  'clear',
  'copy',
  'count',
  'extend',
  'index',
  'insert',
  'pop',
  'remove',
  'reverse',
  'sort',
]);
const DICT_METHODS = new Set([
  'clear',
  'copy',
  'fromkeys',
  'get',
  'items',
  'keys',
  'pop',
  'popitem',
  'setdefault',
  'update',
  'values',
]);
const NUMBER_ATTRS = new Set([
  'real',
  'imag',
  'conjugate',
  'bit_length',
  'bit_count',
  'to_bytes',
  'from_bytes',
  'as_integer_ratio',
  'numerator',
  'denominator',
  'is_integer',
  'hex',
  'fromhex',
]);

function index(v: PyValue, what: string): number {
  const n = numeric(v);
  if (n === undefined || v instanceof PyFloat)
    throw runtimeError(`${what} must be integers, not ${typeName(v)}`);
  return n;
}

function listMethod(
  list: PyValue[],
  name: string,
  args: PyValue[],
  kwargs: Map<string, PyValue>,
): PyValue {
  const sig = (params: string[], required = params.length) =>
    bind({ name, params, required, positionalOnly: true }, args, kwargs).values;
  switch (name) {
    case 'append':
      list.push(sig(['object'])[0]!);
      return null;
    case 'clear':
      sig([]);
      list.length = 0;
      return null;
    case 'copy':
      sig([]);
      return list.slice();
    case 'count': {
      const [x] = sig(['value']);
      return list.filter(i => pyEq(i, x!)).length;
    }
    case 'extend':
      list.push(...iterate(sig(['iterable'])[0]!));
      return null;
    case 'index': {
      const [x] = sig(['value']);
      const i = list.findIndex(v => pyEq(v, x!));
      if (i < 0) throw runtimeError(`ValueError: ${pyRepr(x!)} is not in list`);
      return i;
    }
    case 'insert': {
      const [i, x] = sig(['index', 'object']);
      let at = index(i!, 'list indices');
      if (at < 0) at = Math.max(0, at + list.length);
      list.splice(Math.min(at, list.length), 0, x!);
      return null;
    }
    case 'pop': {
      const [i] = sig(['index'], 0);
      if (!list.length) throw runtimeError('IndexError: pop from empty list');
      let at = i === undefined ? list.length - 1 : index(i, 'list indices');
      if (at < 0) at += list.length;
      if (at < 0 || at >= list.length)
        throw runtimeError('IndexError: pop index out of range');
      return list.splice(at, 1)[0];
    }
    case 'remove': {
      const [x] = sig(['value']);
      const i = list.findIndex(v => pyEq(v, x!));
      if (i < 0)
        throw runtimeError('ValueError: list.remove(x): x not in list');
      list.splice(i, 1);
      return null;
    }
    case 'reverse':
      sig([]);
      list.reverse();
      return null;
    default: {
      const { values } = bind(
        { name, params: ['key', 'reverse'] },
        args,
        kwargs,
      );
      if (args.length)
        throw runtimeError('sort() takes no positional arguments');
      if (values[0] !== undefined && values[0] !== null)
        throw unsupported('list.sort(key=...)');
      const reverse =
        values[1] !== undefined &&
        values[1] !== null &&
        numeric(values[1]) !== 0;
      const sorted = stableSort(list, (a, b) => pyCmp(a, b), reverse);
      list.splice(0, list.length, ...sorted);
      return null;
    }
  }
}

/** Python's sorted(): stable; `reverse` keeps equal items in order, as Python does. */
export function stableSort<T>(
  items: T[],
  cmp: (a: T, b: T) => number,
  reverse = false,
): T[] {
  const indexed = items.map((v, i) => [v, i] as const);
  indexed.sort((x, y) => {
    const c = reverse ? cmp(y[0], x[0]) : cmp(x[0], y[0]);
    return c !== 0 ? c : x[1] - y[1];
  });
  return indexed.map(([v]) => v);
}

function dictMethod(
  d: PyDict,
  name: string,
  args: PyValue[],
  kwargs: Map<string, PyValue>,
): PyValue {
  const sig = (params: string[], required = params.length) =>
    bind({ name, params, required, positionalOnly: true }, args, kwargs).values;
  switch (name) {
    case 'clear':
      sig([]);
      d.clear();
      return null;
    case 'copy':
      sig([]);
      return d.copy();
    case 'get': {
      const [k, dflt] = sig(['key', 'default'], 1);
      return d.has(k!) ? d.get(k!)! : (dflt ?? null);
    }
    case 'items':
      sig([]);
      return new PyDictView(d, 'items');
    case 'keys':
      sig([]);
      return new PyDictView(d, 'keys');
    case 'values':
      sig([]);
      return new PyDictView(d, 'values');
    case 'pop': {
      const [k, dflt] = sig(['key', 'default'], 1);
      if (d.has(k!)) {
        const v = d.get(k!)!;
        d.delete(k!);
        return v;
      }
      if (dflt === undefined) throw runtimeError(`KeyError: ${pyRepr(k!)}`);
      return dflt;
    }
    case 'popitem': {
      sig([]);
      const last = d.entries().pop();
      if (!last)
        throw runtimeError("KeyError: 'popitem(): dictionary is empty'");
      d.delete(last[0]);
      return new PyTuple(last);
    }
    case 'setdefault': {
      const [k, dflt] = sig(['key', 'default'], 1);
      if (!d.has(k!)) d.set(k!, dflt ?? null);
      return d.get(k!)!;
    }
    case 'update': {
      const { values, extraKw } = bind(
        { name, params: ['other'], varkw: true, positionalOnly: true },
        args,
        kwargs,
      );
      const other = values[0];
      if (other instanceof PyDict)
        for (const [k, v] of other.entries()) d.set(k, v);
      else if (other !== undefined) {
        for (const pair of iterate(other)) {
          const kv = iterate(pair);
          if (kv.length !== 2)
            throw runtimeError(
              'ValueError: dictionary update sequence element has wrong length',
            );
          d.set(kv[0], kv[1]);
        }
      }
      for (const [k, v] of extraKw) d.set(k, v);
      return null;
    }
    default:
      throw unsupported(`the dict.${name}() method`);
  }
}

/** Python's getattr(obj, name); `undefined` when the object has no such attribute. */
export function pyGetattr(obj: PyValue, name: string): PyValue | undefined {
  if (obj instanceof PyUndefined)
    throw undefinedError(
      obj.strict ? obj.hint : `'${name}' of an undefined value`,
    );
  if (name.startsWith('__') && name.endsWith('__'))
    throw unsupported(`the special attribute ${name}`);
  if (typeof obj === 'string') {
    if (!isStrMethod(name)) return undefined;
    return new PyBoundMethod(obj, name, (a, k) =>
      callStrMethod(obj, name, a, k, { attr: attrOrItem, item: itemOrAttr }),
    );
  }
  if (obj instanceof PyMarkup) {
    if (isStrMethod(name) || ['unescape', 'striptags', 'escape'].includes(name))
      throw unsupported(`the Markup.${name}() method`);
    return undefined;
  }
  if (Array.isArray(obj)) {
    return LIST_METHODS.has(name)
      ? new PyBoundMethod(obj, name, (a, k) => listMethod(obj, name, a, k))
      : undefined;
  }
  if (obj instanceof PyTuple) {
    const field = obj.fields?.indexOf(name) ?? -1;
    if (field >= 0) return obj.items[field];
    if (name === 'count' || name === 'index') {
      const list = obj.items;
      return new PyBoundMethod(obj, name, (a, k) =>
        listMethod(list.slice(), name, a, k),
      );
    }
    return undefined;
  }
  if (obj instanceof PyDict) {
    if (DICT_METHODS.has(name))
      return new PyBoundMethod(obj, name, (a, k) =>
        dictMethod(obj, name, a, k),
      );
    if (obj.ordered && name === 'move_to_end')
      throw unsupported('OrderedDict.move_to_end()');
    return undefined;
  }
  if (
    typeof obj === 'number' ||
    typeof obj === 'boolean' ||
    obj instanceof PyFloat
  ) {
    if (name === 'real') return obj instanceof PyFloat ? obj : numeric(obj)!;
    if (name === 'imag') return obj instanceof PyFloat ? new PyFloat(0) : 0;
    if (NUMBER_ATTRS.has(name))
      throw unsupported(`the ${typeName(obj)}.${name} attribute`);
    return undefined;
  }
  if (obj instanceof PyRange) {
    if (name === 'start' || name === 'stop' || name === 'step')
      return obj[name];
    return undefined;
  }
  if (obj instanceof PyObject) return obj.getattr(name);
  return undefined;
}

/** Python slice indices for a sequence of `len` items. */
export function sliceIndices(
  len: number,
  start: PyValue,
  stop: PyValue,
  step: PyValue,
): number[] {
  const st = step === null ? 1 : index(step, 'slice indices');
  if (st === 0) throw runtimeError('ValueError: slice step cannot be zero');
  const norm = (v: PyValue, dflt: number, lo: number, hi: number): number => {
    if (v === null) return dflt;
    let n = index(v, 'slice indices');
    if (n < 0) n += len;
    return Math.min(Math.max(n, lo), hi);
  };
  const out: number[] = [];
  if (st > 0) {
    const a = norm(start, 0, 0, len);
    const b = norm(stop, len, 0, len);
    for (let i = a; i < b; i += st) out.push(i);
  } else {
    const a = norm(start, len - 1, -1, len - 1);
    const b = norm(stop, -1, -1, len - 1);
    for (let i = a; i > b; i += st) out.push(i);
  }
  return out;
}

/** A slice object (`x[1:2]`), passed to pyGetitem. */
export class PySlice extends PyObject {
  readonly typeName = 'slice';
  constructor(
    readonly start: PyValue,
    readonly stop: PyValue,
    readonly step: PyValue,
  ) {
    super();
  }
}

function sequenceItems(obj: PyValue): PyValue[] | undefined {
  if (typeof obj === 'string') return strChars(obj);
  if (Array.isArray(obj)) return obj;
  if (obj instanceof PyTuple) return obj.items;
  return obj instanceof PyRange ? iterate(obj) : undefined;
}

/** Python's obj[key]; `undefined` on IndexError/KeyError/TypeError, as Jinja2 catches those. */
export function pyGetitem(obj: PyValue, key: PyValue): PyValue | undefined {
  if (obj instanceof PyUndefined)
    throw undefinedError(obj.strict ? obj.hint : 'item of an undefined value');
  failIfUndefined(key);
  const seq = sequenceItems(obj);
  if (seq) {
    if (key instanceof PySlice) {
      const picked = sliceIndices(
        seq.length,
        key.start,
        key.stop,
        key.step,
      ).map(i => seq[i]);
      if (typeof obj === 'string') return picked.join('');
      if (obj instanceof PyTuple) return new PyTuple(picked);
      if (obj instanceof PyRange) throw unsupported('slicing a range');
      return picked;
    }
    const n = numeric(key);
    if (n === undefined || key instanceof PyFloat) return undefined;
    const i = n < 0 ? n + seq.length : n;
    return i >= 0 && i < seq.length ? seq[i] : undefined;
  }
  if (obj instanceof PyDict) {
    if (key instanceof PySlice || Array.isArray(key) || key instanceof PyDict)
      return undefined; // unhashable: TypeError
    return obj.get(key);
  }
  if (obj instanceof PyMarkup) throw unsupported('indexing a Markup value');
  return undefined;
}

/** Jinja2's environment.getattr: attribute first, then item, else Undefined. */
export function attrOrItem(obj: PyValue, name: string): PyValue {
  const a = pyGetattr(obj, name);
  if (a !== undefined) return a;
  const i = pyGetitem(obj, name);
  if (i !== undefined) return i;
  return new PyUndefined(`${describeObj(obj)} has no attribute '${name}'`);
}

/** Jinja2's environment.getitem: item first, then attribute (for str keys), else Undefined. */
export function itemOrAttr(obj: PyValue, key: PyValue): PyValue {
  const i = pyGetitem(obj, key);
  if (i !== undefined) return i;
  if (typeof key === 'string') {
    const a = pyGetattr(obj, key);
    if (a !== undefined) return a;
  }
  const what =
    typeof key === 'string'
      ? `attribute '${key}'`
      : `element ${key instanceof PySlice ? 'slice' : pyRepr(key)}`;
  return new PyUndefined(`${describeObj(obj)} has no ${what}`);
}

function describeObj(obj: PyValue): string {
  return `'${obj instanceof PyDict && obj.ordered ? 'collections.OrderedDict' : typeName(obj)} object'`;
}

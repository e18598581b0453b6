import { bind } from './args';
import { itemOrAttr, pyGetattr, stableSort } from './attributes';
import { runtimeError, unsupported } from './errors';
import { formatFixed, roundFloat } from './numfmt';
import { binary } from './operators';
import { percentFormat } from './pyFormat';
import { pyJsonDumps } from './pyJson';
import {
  pyCapitalize,
  pyCenter,
  pyReplace,
  pySplitlines,
  pyStrip,
} from './pyString';
import { slugify } from './slugify';
import {
  PY_WS,
  PyDict,
  PyFloat,
  PyIterator,
  PyMarkup,
  PyRange,
  PyTuple,
  PyUndefined,
  type PyValue,
  failIfUndefined,
  hashKey,
  isIterable,
  iterate,
  numeric,
  pyCmp,
  pyEq,
  pyLen,
  pyRepr,
  pyStr,
  strChars,
  strLen,
  truthy,
  typeName,
} from './values';

/* Jinja2's builtin filters (jinja2/filters.py) plus cookiecutter's jsonify and slugify. */

/** What a filter may call back into. */
export interface FilterEnv {
  callFilter(
    name: string,
    value: PyValue,
    args: PyValue[],
    kwargs: Map<string, PyValue>,
  ): PyValue;
  callTest(
    name: string,
    value: PyValue,
    args: PyValue[],
    kwargs: Map<string, PyValue>,
  ): boolean;
}

/** A filter: value, positional and keyword arguments in, value out. */
export type FilterFn = (
  env: FilterEnv,
  value: PyValue,
  args: PyValue[],
  kwargs: Map<string, PyValue>,
) => PyValue;

type Vals = Array<PyValue | undefined>;

/** A filter with named parameters after the value (bound as Python binds them). */
function def(
  name: string,
  params: string[],
  fn: (env: FilterEnv, value: PyValue, v: Vals) => PyValue,
  required = 0,
): FilterFn {
  return (env, value, args, kwargs) =>
    fn(env, value, bind({ name, params, required }, args, kwargs).values);
}

/** soft_str(): str() that keeps Markup as is. */
const softStr = (v: PyValue): string => pyStr(v);

const isTrue = (v: PyValue | undefined, dflt = false): boolean =>
  v === undefined ? dflt : truthy(v);
/** An argument's value, or its default when omitted (an explicit None stays None). */
const orDefault = (v: PyValue | undefined, dflt: PyValue): PyValue =>
  v === undefined ? dflt : v;

function intArg(v: PyValue | undefined, dflt: number, what: string): number {
  if (v === undefined) return dflt;
  const n = numeric(v);
  if (n === undefined || v instanceof PyFloat)
    throw runtimeError(
      `'${typeName(v)}' object cannot be interpreted as an integer (${what})`,
    );
  return n;
}

/** Jinja2's make_attrgetter: dotted path, digit parts as ints, each step via getitem. */
function attrGetter(
  attribute: PyValue | undefined,
  postprocess?: (v: PyValue) => PyValue,
  dflt?: PyValue,
): (item: PyValue) => PyValue {
  let parts: PyValue[] = [];
  if (typeof attribute === 'string')
    parts = attribute.split('.').map(p => (/^\d+$/.test(p) ? Number(p) : p));
  else if (attribute !== undefined && attribute !== null) parts = [attribute];
  return item => {
    let v = item;
    for (const p of parts) {
      v = itemOrAttr(v, p);
      if (dflt !== undefined && dflt !== null && v instanceof PyUndefined)
        v = dflt;
    }
    return postprocess ? postprocess(v) : v;
  };
}

const ignoreCase = (v: PyValue): PyValue =>
  typeof v === 'string' ? v.toLowerCase() : v;

/** markupsafe.escape. */
export function htmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');
}

function escapeFilter(v: PyValue): PyMarkup {
  return v instanceof PyMarkup ? v : new PyMarkup(htmlEscape(pyStr(v)));
}

/** Python's float(str): whitespace, underscores between digits, inf/nan. */
function parsePyFloat(s: string): number | undefined {
  const t = s.replace(new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, 'g'), '');
  if (/^[+-]?(inf|infinity)$/i.test(t))
    return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  if (
    !/^[+-]?(\d(_?\d)*(\.(\d(_?\d)*)?)?|\.\d(_?\d)*)([eE][+-]?\d(_?\d)*)?$/.test(
      t,
    )
  )
    return undefined;
  return Number(t.replace(/_/g, ''));
}

/** Python's int(str, base) for bases 2-36 and 0. */
function parsePyInt(s: string, base: number): number | undefined {
  let t = s.replace(new RegExp(`^[${PY_WS}]+|[${PY_WS}]+$`, 'g'), '');
  let sign = 1;
  if (t.startsWith('+') || t.startsWith('-')) {
    sign = t.startsWith('-') ? -1 : 1;
    t = t.slice(1);
  }
  let b = base;
  const prefix = /^0([bBoOxX])_?/.exec(t);
  if (prefix) {
    const pb = { b: 2, o: 8, x: 16 }[
      prefix[1].toLowerCase() as 'b' | 'o' | 'x'
    ];
    if (b === 0 || b === pb) {
      b = pb;
      t = t.slice(prefix[0].length);
    }
  }
  if (b === 0) {
    if (/^0+(_?0)*$/.test(t)) return 0;
    if (/^0/.test(t)) return undefined;
    b = 10;
  }
  if (!/^[0-9a-zA-Z](_?[0-9a-zA-Z])*$/.test(t)) return undefined;
  const digits = t.replace(/_/g, '');
  let n = 0n;
  for (const c of digits.toLowerCase()) {
    const d = parseInt(c, 36);
    if (d >= b) return undefined;
    n = n * BigInt(b) + BigInt(d);
  }
  if (n > BigInt(Number.MAX_SAFE_INTEGER))
    throw unsupported('integers beyond 2**53');
  return sign * Number(n);
}

function toInt(value: PyValue, dflt: PyValue, base: number): PyValue {
  failIfUndefined(value);
  if (typeof value === 'string' || value instanceof PyMarkup) {
    const n = parsePyInt(pyStr(value), base);
    if (n !== undefined) return n;
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    return numeric(value)!;
  }
  const f = toFloat(value);
  if (f === undefined || Number.isNaN(f)) return dflt;
  if (!Number.isFinite(f))
    throw runtimeError(
      'OverflowError: cannot convert float infinity to integer',
    );
  const t = Math.trunc(f);
  if (!Number.isSafeInteger(t)) throw unsupported('integers beyond 2**53');
  return t === 0 ? 0 : t;
}

function toFloat(value: PyValue): number | undefined {
  failIfUndefined(value);
  const n = numeric(value);
  if (n !== undefined) return n;
  if (typeof value === 'string' || value instanceof PyMarkup)
    return parsePyFloat(pyStr(value));
  return undefined;
}

function sortKey(attribute: PyValue | undefined, caseSensitive: boolean) {
  if (typeof attribute === 'string' && attribute.includes(',')) {
    const getters = attribute
      .split(',')
      .map(a => attrGetter(a, caseSensitive ? undefined : ignoreCase));
    return (item: PyValue): PyValue => getters.map(g => g(item));
  }
  return attrGetter(attribute, caseSensitive ? undefined : ignoreCase);
}

function minMax(value: PyValue, v: Vals, which: 'min' | 'max'): PyValue {
  const items = iterate(value);
  if (!items.length)
    return new PyUndefined('No aggregated item, sequence was empty.');
  const key = attrGetter(v[1], isTrue(v[0]) ? undefined : ignoreCase);
  let best = items[0];
  let bestKey = key(best);
  for (const item of items.slice(1)) {
    const k = key(item);
    const c = pyCmp(k, bestKey, which === 'min' ? '<' : '>');
    if (which === 'min' ? c < 0 : c > 0) {
      best = item;
      bestKey = k;
    }
  }
  return best;
}

function selectOrReject(
  env: FilterEnv,
  value: PyValue,
  args: PyValue[],
  kwargs: Map<string, PyValue>,
  select: boolean,
  lookupAttr: boolean,
): PyValue {
  if (!truthy(value)) return new PyIterator([]);
  let off = 0;
  let trans = (x: PyValue): PyValue => x;
  if (lookupAttr) {
    if (!args.length)
      throw runtimeError('Missing parameter for attribute name');
    trans = attrGetter(args[0]);
    off = 1;
  }
  const test =
    args.length > off
      ? (x: PyValue) =>
          env.callTest(pyStr(args[off]), x, args.slice(off + 1), kwargs)
      : (x: PyValue) => truthy(x);
  return new PyIterator(
    iterate(value).filter(item => test(trans(item)) === select),
  );
}

function url(s: string, forQs: boolean): string {
  const safe = forQs ? '' : '/';
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out +=
      /[A-Za-z0-9_.\-~]/.test(c) || safe.includes(c)
        ? c
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return forQs ? out.replace(/%20/g, '+') : out;
}

function pformat(v: PyValue): string {
  const sortDicts = (x: PyValue): PyValue => {
    if (x instanceof PyDict) {
      if (x.ordered) return x;
      return PyDict.from(
        stableSort(x.entries(), (a, b) => pyCmp(a[0], b[0])).map(([k, y]) => [
          k,
          sortDicts(y),
        ]),
      );
    }
    if (Array.isArray(x)) return x.map(sortDicts);
    if (x instanceof PyTuple) return new PyTuple(x.items.map(sortDicts));
    return x;
  };
  const r = pyRepr(sortDicts(v));
  if (strLen(r) > 80)
    throw unsupported('pprint of a value longer than one line');
  return r;
}

function titleFilter(s: string): string {
  return s
    .split(new RegExp(`([-${PY_WS}({\\[<]+)`))
    .filter(Boolean)
    .map(item => {
      const [first, ...rest] = strChars(item);
      return first.toUpperCase() + rest.join('').toLowerCase();
    })
    .join('');
}

function indentFilter(value: PyValue, v: Vals): string {
  const width = v[0] === undefined ? 4 : v[0];
  const indention =
    typeof width === 'string'
      ? width
      : ' '.repeat(Math.max(0, intArg(width, 4, 'width')));
  const s = `${softStr(value)}\n`;
  let rv: string;
  if (isTrue(v[2])) {
    rv = pySplitlines(s).join(`\n${indention}`);
  } else {
    const lines = pySplitlines(s);
    rv = lines.shift() ?? '';
    if (lines.length)
      rv += `\n${lines.map(line => (line ? indention + line : line)).join('\n')}`;
  }
  return isTrue(v[1]) ? indention + rv : rv;
}

function truncateFilter(value: PyValue, v: Vals): string {
  const s = strChars(softStr(value));
  const length = intArg(v[0], 255, 'length');
  const end = v[2] === undefined ? '...' : pyStr(v[2]);
  const leeway =
    v[3] === undefined || v[3] === null ? 5 : intArg(v[3], 5, 'leeway');
  if (length < strLen(end))
    throw runtimeError(
      `AssertionError: expected length >= ${strLen(end)}, got ${length}`,
    );
  if (s.length <= length + leeway) return s.join('');
  const cut = s.slice(0, Math.max(0, length - strLen(end))).join('');
  if (isTrue(v[1])) return cut + end;
  const i = cut.lastIndexOf(' ');
  return (i < 0 ? cut : cut.slice(0, i)) + end;
}

function roundFilter(value: PyValue, v: Vals): PyValue {
  const precision = intArg(v[0], 0, 'precision');
  const method = v[1] === undefined ? 'common' : pyStr(v[1]);
  if (!['common', 'ceil', 'floor'].includes(method))
    throw runtimeError('method must be common, ceil or floor');
  failIfUndefined(value);
  const n = numeric(value);
  if (n === undefined)
    throw runtimeError(
      `type ${typeName(value)} doesn't define __round__ method`,
    );
  if (method === 'common') {
    if (!(value instanceof PyFloat)) {
      if (precision >= 0) return n;
      const unit = 10 ** -precision;
      const q = Math.floor(n / unit);
      const r = n - q * unit;
      const up = r * 2 > unit || (r * 2 === unit && q % 2 !== 0);
      return (q + (up ? 1 : 0)) * unit;
    }
    return new PyFloat(roundFloat(n, precision));
  }
  const scale = 10 ** precision;
  const f = method === 'ceil' ? Math.ceil(n * scale) : Math.floor(n * scale);
  return new PyFloat(f / scale);
}

function filesizeformat(value: PyValue, v: Vals): string {
  const bytes = toFloat(value);
  if (bytes === undefined)
    throw runtimeError(`could not convert ${typeName(value)} to float`);
  const isBinary = isTrue(v[0]);
  const base = isBinary ? 1024 : 1000;
  const prefixes = isBinary
    ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB']
    : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
  if (bytes === 1) return '1 Byte';
  if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
  let unit = 0;
  for (let i = 0; i < prefixes.length; i++) {
    unit = base ** (i + 2);
    if (bytes < unit)
      return `${formatFixed((base * bytes) / unit, 1)} ${prefixes[i]}`;
  }
  return `${formatFixed((base * bytes) / unit, 1)} ${prefixes[prefixes.length - 1]}`;
}

function striptags(value: PyValue): string {
  const s = pyStr(value)
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<[\s\S]*?>/g, '');
  if (s.includes('&'))
    throw unsupported('striptags on text with HTML entities');
  return s
    .split(new RegExp(`[${PY_WS}]+`))
    .filter(Boolean)
    .join(' ');
}

function groupby(value: PyValue, v: Vals): PyValue {
  const caseSensitive = isTrue(v[2]);
  const key = attrGetter(v[0], caseSensitive ? undefined : ignoreCase, v[1]);
  const sorted = stableSort(iterate(value), (a, b) => pyCmp(key(a), key(b)));
  const groups: Array<[PyValue, PyValue[]]> = [];
  for (const item of sorted) {
    const k = key(item);
    const last = groups[groups.length - 1];
    if (last && pyEq(last[0], k)) last[1].push(item);
    else groups.push([k, [item]]);
  }
  const output = caseSensitive ? undefined : attrGetter(v[0], undefined, v[1]);
  return groups.map(
    ([k, items]) =>
      new PyTuple([output ? output(items[0]) : k, items], ['grouper', 'list']),
  );
}

function xmlattr(value: PyValue, v: Vals): string {
  if (!(value instanceof PyDict))
    throw runtimeError(`'${typeName(value)}' object has no attribute 'items'`);
  const items: string[] = [];
  for (const [k, x] of value.entries()) {
    if (x === null || x instanceof PyUndefined) continue;
    const key = pyStr(k);
    if (new RegExp(`[${PY_WS}/>=]`).test(key))
      throw runtimeError(
        `ValueError: Invalid character in attribute name: ${pyRepr(key)}`,
      );
    items.push(`${htmlEscape(key)}="${htmlEscape(pyStr(x))}"`);
  }
  const rv = items.join(' ');
  return isTrue(v[0], true) && rv ? ` ${rv}` : rv;
}

function reverse(value: PyValue): PyValue {
  if (typeof value === 'string') return strChars(value).reverse().join('');
  if (
    Array.isArray(value) ||
    value instanceof PyTuple ||
    value instanceof PyRange ||
    value instanceof PyDict
  ) {
    return new PyIterator(
      iterate(value).reverse(),
      `${typeName(value)}_reverseiterator`,
    );
  }
  if (!isIterable(value)) throw runtimeError('argument must be iterable');
  return iterate(value).reverse();
}

/** Every filter, by name. */
export const FILTERS: Record<string, FilterFn> = {
  abs: def('abs', [], (_e, value) => {
    failIfUndefined(value);
    const n = numeric(value);
    if (n === undefined)
      throw runtimeError(`bad operand type for abs(): '${typeName(value)}'`);
    return value instanceof PyFloat ? new PyFloat(Math.abs(n)) : Math.abs(n);
  }),
  attr: def(
    'attr',
    ['name'],
    (_e, value, [name]) => {
      failIfUndefined(value);
      return (
        pyGetattr(value, pyStr(name!)) ??
        new PyUndefined(
          `'${typeName(value)} object' has no attribute '${pyStr(name!)}'`,
        )
      );
    },
    1,
  ),
  batch: def(
    'batch',
    ['linecount', 'fill_with'],
    (_e, value, [count, fill]) => {
      const n = intArg(count, 0, 'linecount');
      const out: PyValue[] = [];
      let tmp: PyValue[] = [];
      for (const item of iterate(value)) {
        if (tmp.length === n) {
          out.push(tmp);
          tmp = [];
        }
        tmp.push(item);
      }
      if (tmp.length) {
        if (fill !== undefined && fill !== null)
          while (tmp.length < n) tmp.push(fill);
        out.push(tmp);
      }
      return new PyIterator(out);
    },
    1,
  ),
  capitalize: def('capitalize', [], (_e, value) =>
    pyCapitalize(softStr(value)),
  ),
  center: def('center', ['width'], (_e, value, [w]) =>
    pyCenter(softStr(value), intArg(w, 80, 'width')),
  ),
  count: def('count', [], (_e, value) => pyLen(value)),
  default: def(
    'default',
    ['default_value', 'boolean'],
    (_e, value, [d, boolean]) =>
      value instanceof PyUndefined || (isTrue(boolean) && !truthy(value))
        ? orDefault(d, '')
        : value,
  ),
  dictsort: def(
    'dictsort',
    ['case_sensitive', 'by', 'reverse'],
    (_e, value, [cs, by, rev]) => {
      if (by !== undefined && by !== 'key' && by !== 'value')
        throw runtimeError('You can only sort by either "key" or "value"');
      const pos = by === 'value' ? 1 : 0;
      if (!(value instanceof PyDict))
        throw runtimeError(
          `'${typeName(value)}' object has no attribute 'items'`,
        );
      const key = (t: [PyValue, PyValue]) =>
        isTrue(cs) ? t[pos as 0 | 1] : ignoreCase(t[pos as 0 | 1]);
      return stableSort(
        value.entries(),
        (a, b) => pyCmp(key(a), key(b)),
        isTrue(rev),
      ).map(t => new PyTuple(t));
    },
  ),
  escape: def('escape', [], (_e, value) => escapeFilter(value)),
  filesizeformat: def('filesizeformat', ['binary'], (_e, value, v) =>
    filesizeformat(value, v),
  ),
  first: def('first', [], (_e, value) => {
    const items = iterate(value);
    return items.length
      ? items[0]
      : new PyUndefined('No first item, sequence was empty.');
  }),
  float: def('float', ['default'], (_e, value, [d]) => {
    const f = toFloat(value);
    return f === undefined ? orDefault(d, new PyFloat(0)) : new PyFloat(f);
  }),
  forceescape: def(
    'forceescape',
    [],
    (_e, value) => new PyMarkup(htmlEscape(pyStr(value))),
  ),
  format: (_e, value, args, kwargs) => {
    if (args.length && kwargs.size)
      throw runtimeError(
        "can't handle positional and keyword arguments at the same time",
      );
    return percentFormat(
      softStr(value),
      kwargs.size ? PyDict.from(kwargs) : new PyTuple(args),
    );
  },
  groupby: def(
    'groupby',
    ['attribute', 'default', 'case_sensitive'],
    (_e, value, v) => groupby(value, v),
    1,
  ),
  indent: def('indent', ['width', 'first', 'blank'], (_e, value, v) =>
    indentFilter(value, v),
  ),
  int: def('int', ['default', 'base'], (_e, value, [d, base]) =>
    toInt(value, orDefault(d, 0), intArg(base, 10, 'base')),
  ),
  items: def('items', [], (_e, value) => {
    if (value instanceof PyUndefined) return new PyIterator([]);
    if (!(value instanceof PyDict))
      throw runtimeError('Can only get item pairs from a mapping.');
    return new PyIterator(value.entries().map(e => new PyTuple(e)));
  }),
  join: def('join', ['d', 'attribute'], (_e, value, [d, attribute]) => {
    let items = iterate(value);
    if (attribute !== undefined && attribute !== null)
      items = items.map(attrGetter(attribute));
    return items.map(pyStr).join(d === undefined ? '' : pyStr(d));
  }),
  last: def('last', [], (_e, value) => {
    if (value instanceof PyIterator)
      throw runtimeError(`'${value.kind}' object is not reversible`);
    const items = iterate(value);
    return items.length
      ? items[items.length - 1]
      : new PyUndefined('No last item, sequence was empty.');
  }),
  length: def('length', [], (_e, value) => pyLen(value)),
  list: def('list', [], (_e, value) => iterate(value)),
  lower: def('lower', [], (_e, value) => softStr(value).toLowerCase()),
  map: (env, value, args, kwargs) => {
    if (!truthy(value)) return new PyIterator([]);
    let fn: (x: PyValue) => PyValue;
    if (!args.length && kwargs.has('attribute')) {
      const rest = new Map(kwargs);
      const attribute = rest.get('attribute')!;
      const dflt = rest.get('default');
      rest.delete('attribute');
      rest.delete('default');
      if (rest.size)
        throw runtimeError(
          `Unexpected keyword argument '${[...rest.keys()][0]}'`,
        );
      fn = attrGetter(attribute, undefined, dflt);
    } else {
      if (!args.length) throw runtimeError('map requires a filter argument');
      const name = pyStr(args[0]);
      fn = x => env.callFilter(name, x, args.slice(1), kwargs);
    }
    return new PyIterator(iterate(value).map(fn));
  },
  max: def('max', ['case_sensitive', 'attribute'], (_e, value, v) =>
    minMax(value, v, 'max'),
  ),
  min: def('min', ['case_sensitive', 'attribute'], (_e, value, v) =>
    minMax(value, v, 'min'),
  ),
  pprint: def('pprint', [], (_e, value) => pformat(value)),
  reject: (env, value, args, kwargs) =>
    selectOrReject(env, value, args, kwargs, false, false),
  rejectattr: (env, value, args, kwargs) =>
    selectOrReject(env, value, args, kwargs, false, true),
  replace: def(
    'replace',
    ['old', 'new', 'count'],
    (_e, value, [o, n, c]) =>
      pyReplace(
        pyStr(value),
        pyStr(o!),
        pyStr(n!),
        c === undefined || c === null ? -1 : intArg(c, -1, 'count'),
      ),
    2,
  ),
  reverse: def('reverse', [], (_e, value) => reverse(value)),
  round: def('round', ['precision', 'method'], (_e, value, v) =>
    roundFilter(value, v),
  ),
  safe: def('safe', [], (_e, value) =>
    value instanceof PyMarkup ? value : new PyMarkup(pyStr(value)),
  ),
  select: (env, value, args, kwargs) =>
    selectOrReject(env, value, args, kwargs, true, false),
  selectattr: (env, value, args, kwargs) =>
    selectOrReject(env, value, args, kwargs, true, true),
  slice: def(
    'slice',
    ['slices', 'fill_with'],
    (_e, value, [slices, fill]) => {
      const seq = iterate(value);
      const n = intArg(slices, 1, 'slices');
      const per = Math.floor(seq.length / n);
      const extra = seq.length % n;
      let offset = 0;
      const out: PyValue[] = [];
      for (let i = 0; i < n; i++) {
        const start = offset + i * per;
        if (i < extra) offset++;
        const tmp = seq.slice(start, offset + (i + 1) * per);
        if (fill !== undefined && fill !== null && i >= extra) tmp.push(fill);
        out.push(tmp);
      }
      return new PyIterator(out);
    },
    1,
  ),
  sort: def(
    'sort',
    ['reverse', 'case_sensitive', 'attribute'],
    (_e, value, [rev, cs, attribute]) => {
      const key = sortKey(attribute, isTrue(cs));
      const items = iterate(value).map(x => [x, key(x)] as [PyValue, PyValue]);
      return stableSort(items, (a, b) => pyCmp(a[1], b[1]), isTrue(rev)).map(
        ([x]) => x,
      );
    },
  ),
  string: def('string', [], (_e, value) =>
    value instanceof PyMarkup ? value : pyStr(value),
  ),
  striptags: def('striptags', [], (_e, value) => striptags(value)),
  sum: def('sum', ['attribute', 'start'], (_e, value, [attribute, start]) => {
    let items = iterate(value);
    if (attribute !== undefined && attribute !== null)
      items = items.map(attrGetter(attribute));
    const init = orDefault(start, 0);
    if (typeof init === 'string')
      throw runtimeError("sum() can't sum strings [use ''.join(seq) instead]");
    return items.reduce((acc: PyValue, x) => binary('+', acc, x), init);
  }),
  title: def('title', [], (_e, value) => titleFilter(softStr(value))),
  tojson: def('tojson', ['indent'], (_e, value, [indent]) => {
    let indentArg: number | string | null = null;
    if (typeof indent === 'string') indentArg = indent;
    else if (indent !== undefined && indent !== null)
      indentArg = intArg(indent, 0, 'indent');
    const json = pyJsonDumps(value, { sortKeys: true, indent: indentArg });
    return new PyMarkup(
      json
        .replace(/</g, '\\u003c')
        .replace(/>/g, '\\u003e')
        .replace(/&/g, '\\u0026')
        .replace(/'/g, '\\u0027'),
    );
  }),
  trim: def('trim', ['chars'], (_e, value, [chars]) =>
    pyStrip(
      softStr(value),
      chars === undefined || chars === null ? null : pyStr(chars),
      'both',
    ),
  ),
  truncate: def(
    'truncate',
    ['length', 'killwords', 'end', 'leeway'],
    (_e, value, v) => truncateFilter(value, v),
  ),
  unique: def(
    'unique',
    ['case_sensitive', 'attribute'],
    (_e, value, [cs, attribute]) => {
      const key = attrGetter(attribute, isTrue(cs) ? undefined : ignoreCase);
      const seen = new Set<string>();
      const out: PyValue[] = [];
      for (const item of iterate(value)) {
        const h = hashKey(key(item));
        if (!seen.has(h)) {
          seen.add(h);
          out.push(item);
        }
      }
      return new PyIterator(out);
    },
  ),
  upper: def('upper', [], (_e, value) => softStr(value).toUpperCase()),
  urlencode: def('urlencode', [], (_e, value) => {
    if (typeof value === 'string' || !isIterable(value))
      return url(pyStr(value), false);
    const pairs =
      value instanceof PyDict
        ? value.entries()
        : iterate(value).map(p => iterate(p) as [PyValue, PyValue]);
    return pairs
      .map(([k, x]) => `${url(pyStr(k), true)}=${url(pyStr(x), true)}`)
      .join('&');
  }),
  wordcount: def(
    'wordcount',
    [],
    (_e, value) => (softStr(value).match(/[\p{L}\p{N}_]+/gu) ?? []).length,
  ),
  xmlattr: def('xmlattr', ['autospace'], (_e, value, v) => xmlattr(value, v)),
  jsonify: def('jsonify', [], (_e, value) =>
    pyJsonDumps(value, { sortKeys: true, indent: 4 }),
  ),
  slugify: (_e, value, args, kwargs) => slugify(pyStr(value), args, kwargs),
};
FILTERS.d = FILTERS.default;
FILTERS.e = FILTERS.escape;

/** Filters Jinja2 has whose output we cannot reproduce (random, locale- or algorithm-heavy). */
export const UNSUPPORTED_FILTERS = new Set(['random', 'urlize', 'wordwrap']);

/** Filters that accept a Markup value; others are refused on Markup (they would return Markup with escaping rules). */
export const MARKUP_SAFE_FILTERS = new Set([
  'e',
  'escape',
  'forceescape',
  'safe',
  'string',
  'length',
  'count',
  'striptags',
  'default',
  'd',
  'tojson',
]);

import { runtimeError, undefinedError, unsupported } from './errors';

/*
 * Python values as Jinja2 templates see them. JS strings are Python str,
 * integral JS numbers are int (floats are boxed in PyFloat so that `1.0`
 * prints as Python does), arrays are lists, null is None.
 */

/** A Python float (boxed so ints and floats stay distinct). */
export class PyFloat {
  constructor(readonly v: number) {}
}

/** A Python tuple; `fields` names the items of a named tuple (groupby). */
export class PyTuple {
  constructor(
    readonly items: PyValue[],
    readonly fields?: readonly string[],
  ) {}
}

/** Jinja2's Undefined: `strict` for StrictUndefined (cookiecutter's), else the lenient kind. */
export class PyUndefined {
  constructor(
    readonly hint: string,
    readonly strict = true,
  ) {}
}

/** markupsafe.Markup, produced by `escape`/`safe`. */
export class PyMarkup {
  constructor(readonly s: string) {}
}

/** A one-shot Python iterator (generator), as several filters return. */
export class PyIterator {
  #items: PyValue[] | undefined;
  /** `kind` is Python's type name (generator, list_reverseiterator...). */
  constructor(
    items: PyValue[],
    readonly kind = 'generator',
  ) {
    this.#items = items;
  }
  /** The remaining items; a second pass finds it exhausted, as in Python. */
  take(): PyValue[] {
    const items = this.#items ?? [];
    this.#items = undefined;
    return items;
  }
}

/** A Python range object. */
export class PyRange {
  constructor(
    readonly start: number,
    readonly stop: number,
    readonly step: number,
  ) {}
  get length(): number {
    const n = Math.ceil((this.stop - this.start) / this.step);
    return n > 0 ? n : 0;
  }
  at(i: number): number {
    return this.start + i * this.step;
  }
}

/** Any other object: functions, namespaces, loop contexts... */
export abstract class PyObject {
  abstract readonly typeName: string;
  /** The attribute, or undefined when the object has none. */
  getattr(_name: string): PyValue | undefined {
    return undefined;
  }
  /** Calls the object; objects that are not callable throw. */
  call(_args: PyValue[], _kwargs: Map<string, PyValue>): PyValue {
    throw runtimeError(`'${this.typeName}' object is not callable`);
  }
  get callable(): boolean {
    return false;
  }
  /** Python's repr; undefined when it is not reproducible (memory addresses). */
  repr(): string | undefined {
    return undefined;
  }
}

/** dict / OrderedDict with Python key semantics and insertion order. */
export class PyDict {
  readonly #entries = new Map<string, [PyValue, PyValue]>();
  /** collections.OrderedDict, whose repr differs between Python versions. */
  constructor(readonly ordered = false) {}

  static from(entries: Iterable<[PyValue, PyValue]>, ordered = false): PyDict {
    const d = new PyDict(ordered);
    for (const [k, v] of entries) d.set(k, v);
    return d;
  }
  get size(): number {
    return this.#entries.size;
  }
  get(key: PyValue): PyValue | undefined {
    return this.#entries.get(hashKey(key))?.[1];
  }
  has(key: PyValue): boolean {
    return this.#entries.has(hashKey(key));
  }
  set(key: PyValue, value: PyValue): void {
    const h = hashKey(key);
    const existing = this.#entries.get(h);
    // Python keeps the first key object and its position on overwrite.
    this.#entries.set(h, [existing ? existing[0] : key, value]);
  }
  delete(key: PyValue): boolean {
    return this.#entries.delete(hashKey(key));
  }
  clear(): void {
    this.#entries.clear();
  }
  keys(): PyValue[] {
    return [...this.#entries.values()].map(e => e[0]);
  }
  values(): PyValue[] {
    return [...this.#entries.values()].map(e => e[1]);
  }
  entries(): Array<[PyValue, PyValue]> {
    return [...this.#entries.values()].map(([k, v]) => [k, v]);
  }
  copy(ordered = this.ordered): PyDict {
    return PyDict.from(this.entries(), ordered);
  }
}

/** dict.keys() / values() / items() views. */
export class PyDictView {
  constructor(
    readonly dict: PyDict,
    readonly kind: 'keys' | 'values' | 'items',
  ) {}
  items(): PyValue[] {
    if (this.kind === 'keys') return this.dict.keys();
    if (this.kind === 'values') return this.dict.values();
    return this.dict.entries().map(([k, v]) => new PyTuple([k, v]));
  }
}

/** Every value a template can hold. */
export type PyValue =
  | string
  | number
  | boolean
  | null
  | PyFloat
  | PyValue[]
  | PyTuple
  | PyDict
  | PyDictView
  | PyUndefined
  | PyMarkup
  | PyIterator
  | PyRange
  | PyObject;

export const isInt = (v: PyValue): v is number => typeof v === 'number';
export const isStr = (v: PyValue): v is string => typeof v === 'string';
export const isList = (v: PyValue): v is PyValue[] => Array.isArray(v);

/** An int result, refused when it leaves the exactly representable range. */
export function pyInt(n: number): number {
  if (!Number.isSafeInteger(n)) {
    throw unsupported(
      'integer arithmetic beyond 2**53 (Python integers are unbounded)',
    );
  }
  return n === 0 ? 0 : n; // no negative zero for ints
}

/** Throws the UndefinedError Jinja2 raises when a StrictUndefined is used. */
export function failIfUndefined(v: PyValue): void {
  if (v instanceof PyUndefined && v.strict) throw undefinedError(v.hint);
}

/** Python's `type(v).__name__`. */
export function typeName(v: PyValue): string {
  if (v === null) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'number') return 'int';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof PyFloat) return 'float';
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyDict) return v.ordered ? 'OrderedDict' : 'dict';
  if (v instanceof PyDictView)
    return `${v.dict.ordered ? 'odict' : 'dict'}_${v.kind}`;
  if (v instanceof PyUndefined)
    return v.strict ? 'StrictUndefined' : 'Undefined';
  if (v instanceof PyMarkup) return 'Markup';
  if (v instanceof PyIterator) return v.kind;
  if (v instanceof PyRange) return 'range';
  return v.typeName;
}

/** A number as JS sees it, for int/float/bool operands; undefined otherwise. */
export function numeric(v: PyValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat) return v.v;
  return undefined;
}

/** Key identifying a value in dicts and sets (1, 1.0 and True are the same key). */
export function hashKey(v: PyValue): string {
  failIfUndefined(v);
  const n = numeric(v);
  if (n !== undefined) return `n:${Object.is(n, -0) ? 0 : n}`;
  if (typeof v === 'string') return `s:${v}`;
  if (v === null) return 'none';
  if (v instanceof PyTuple) return `t:(${v.items.map(hashKey).join(',')})`;
  if (v instanceof PyMarkup) return `s:${v.s}`;
  if (v instanceof PyUndefined) return 'undefined';
  throw runtimeError(`unhashable type: '${typeName(v)}'`);
}

// ---------------------------------------------------------------- strings

const SURROGATE = /[\uD800-\uDFFF]/;

/** Python's len() of a str: code points, not UTF-16 units. */
export function strLen(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** The code points of a str. */
export function strChars(s: string): string[] {
  return SURROGATE.test(s) ? Array.from(s) : s.split('');
}

/** Python's whitespace (str.isspace / str.split() / str.strip()). */
export const PY_WS =
  '\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** Python's float repr: shortest round-trip digits, `1e+16`, `0.0001`, `1.0`. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expPart] = x.toExponential().split('e');
  const exp = Number(expPart);
  const sign = x < 0 ? '-' : '';
  const digits = mant.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    return `${sign}${intPart}.${frac || '0'}`;
  }
  return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
}

/** Python's repr() of a str. */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (c === quote || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f)
      out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x7f) out += c;
    else if (isPrintable(c)) out += c;
    else if (cp <= 0xff) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return out + quote;
}

/** str.isprintable() for one code point: not Other nor Separator, except space. */
export function isPrintable(c: string): boolean {
  if (c === ' ') return true;
  return !/^[\p{C}\p{Z}]$/u.test(c);
}

// ---------------------------------------------------------------- str() and repr()

/** Python's str(v), as `{{ v }}` prints it. */
export function pyStr(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (v instanceof PyMarkup) return v.s;
  if (v instanceof PyUndefined) {
    failIfUndefined(v);
    return '';
  }
  return pyRepr(v);
}

/** Python's repr(v); refuses values whose repr is not reproducible. */
export function pyRepr(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return strRepr(v);
  if (v instanceof PyFloat) return floatRepr(v.v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (v instanceof PyTuple) {
    return v.items.length === 1
      ? `(${pyRepr(v.items[0])},)`
      : `(${v.items.map(pyRepr).join(', ')})`;
  }
  if (v instanceof PyDict) {
    if (v.ordered) {
      throw unsupported(
        'printing an OrderedDict (its repr differs between Python versions)',
      );
    }
    return `{${v
      .entries()
      .map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)
      .join(', ')}}`;
  }
  if (v instanceof PyDictView) {
    const inner = v.items().map(pyRepr).join(', ');
    return `${typeName(v)}([${inner}])`;
  }
  if (v instanceof PyMarkup) return `Markup(${strRepr(v.s)})`;
  if (v instanceof PyUndefined) {
    failIfUndefined(v);
    return 'Undefined';
  }
  if (v instanceof PyRange) {
    return v.step === 1
      ? `range(${v.start}, ${v.stop})`
      : `range(${v.start}, ${v.stop}, ${v.step})`;
  }
  const r = v instanceof PyObject ? v.repr() : undefined;
  if (r === undefined) {
    throw unsupported(
      `printing a ${typeName(v)} object (Python prints its memory address)`,
    );
  }
  return r;
}

// ---------------------------------------------------------------- truth, iteration, length

/** Python's bool(v). */
export function truthy(v: PyValue): boolean {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (v instanceof PyFloat) return v.v !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof PyDict) return v.size > 0;
  if (v instanceof PyDictView) return v.dict.size > 0;
  if (v instanceof PyUndefined) {
    failIfUndefined(v);
    return false;
  }
  if (v instanceof PyMarkup) return v.s.length > 0;
  if (v instanceof PyRange) return v.length > 0;
  return true;
}

/** The items `for x in v` visits. */
export function iterate(v: PyValue): PyValue[] {
  if (typeof v === 'string') return strChars(v);
  if (Array.isArray(v)) return v.slice();
  if (v instanceof PyTuple) return v.items.slice();
  if (v instanceof PyDict) return v.keys();
  if (v instanceof PyDictView) return v.items();
  if (v instanceof PyIterator) return v.take();
  if (v instanceof PyRange) {
    const out: PyValue[] = [];
    for (let i = 0; i < v.length; i++) out.push(v.at(i));
    return out;
  }
  if (v instanceof PyMarkup) return strChars(v.s);
  if (v instanceof PyUndefined) {
    failIfUndefined(v);
    return [];
  }
  throw runtimeError(`'${typeName(v)}' object is not iterable`);
}

/** Whether iterate(v) works. */
export function isIterable(v: PyValue): boolean {
  return (
    typeof v === 'string' ||
    Array.isArray(v) ||
    v instanceof PyTuple ||
    v instanceof PyDict ||
    v instanceof PyDictView ||
    v instanceof PyIterator ||
    v instanceof PyRange ||
    v instanceof PyMarkup ||
    (v instanceof PyUndefined && !v.strict)
  );
}

/** Python's len(v). */
export function pyLen(v: PyValue): number {
  if (typeof v === 'string') return strLen(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof PyTuple) return v.items.length;
  if (v instanceof PyDict) return v.size;
  if (v instanceof PyDictView) return v.dict.size;
  if (v instanceof PyRange) return v.length;
  if (v instanceof PyMarkup) return strLen(v.s);
  if (v instanceof PyUndefined) {
    failIfUndefined(v);
    return 0;
  }
  throw runtimeError(`object of type '${typeName(v)}' has no len()`);
}

// ---------------------------------------------------------------- comparison

/** Python's `a == b`. */
export function pyEq(a: PyValue, b: PyValue): boolean {
  failIfUndefined(a);
  failIfUndefined(b);
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined || nb !== undefined)
    return na !== undefined && nb !== undefined && na === nb;
  if (typeof a === 'string' || a instanceof PyMarkup) {
    const sa = typeof a === 'string' ? a : a.s;
    if (typeof b === 'string') return sa === b;
    if (b instanceof PyMarkup) return sa === b.s;
    return false;
  }
  if (a === null || b === null) return a === b;
  if (Array.isArray(a)) return Array.isArray(b) && seqEq(a, b);
  if (a instanceof PyTuple)
    return b instanceof PyTuple && seqEq(a.items, b.items);
  if (a instanceof PyDict) {
    if (!(b instanceof PyDict) || a.size !== b.size) return false;
    return a.entries().every(([k, v]) => b.has(k) && pyEq(v, b.get(k)!));
  }
  if (a instanceof PyRange) {
    return b instanceof PyRange && seqEq(iterate(a), iterate(b));
  }
  if (a instanceof PyUndefined) return b instanceof PyUndefined;
  return a === b;
}

function seqEq(a: PyValue[], b: PyValue[]): boolean {
  return a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
}

/** -1, 0 or 1 as a is below, equal to or above b. */
export function order<T>(a: T, b: T): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/** The text of a str or Markup; undefined for other values. */
export function asText(v: PyValue): string | undefined {
  if (typeof v === 'string') return v;
  return v instanceof PyMarkup ? v.s : undefined;
}

/** The items of a list or tuple; undefined for other values. */
function asSeq(v: PyValue): PyValue[] | undefined {
  if (Array.isArray(v)) return v;
  return v instanceof PyTuple ? v.items : undefined;
}

/** Code-point order of two strs (JS `<` compares UTF-16 units). */
export function strCmp(a: string, b: string): number {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return order(a, b);
  const ca = strChars(a);
  const cb = strChars(b);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = ca[i].codePointAt(0)! - cb[i].codePointAt(0)!;
    if (d !== 0) return Math.sign(d);
  }
  return order(ca.length, cb.length);
}

/** Python's ordering of a and b: negative, 0 or positive; TypeError when unorderable. */
export function pyCmp(a: PyValue, b: PyValue, op = '<'): number {
  failIfUndefined(a);
  failIfUndefined(b);
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) {
    if (Number.isNaN(na) || Number.isNaN(nb)) return NaN;
    return order(na, nb);
  }
  const sa = asText(a);
  const sb = asText(b);
  if (sa !== undefined && sb !== undefined) return strCmp(sa, sb);
  const seqA = asSeq(a);
  const seqB = asSeq(b);
  if (seqA && seqB && Array.isArray(a) === Array.isArray(b)) {
    for (let i = 0; i < Math.min(seqA.length, seqB.length); i++) {
      if (!pyEq(seqA[i], seqB[i])) return pyCmp(seqA[i], seqB[i], op);
    }
    return seqA.length - seqB.length;
  }
  throw runtimeError(
    `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`,
  );
}

/** Python's `item in container`. */
export function pyContains(container: PyValue, item: PyValue): boolean {
  failIfUndefined(container);
  failIfUndefined(item);
  if (typeof container === 'string' || container instanceof PyMarkup) {
    const s = asText(container)!;
    const sub = asText(item);
    if (sub === undefined) {
      throw runtimeError(
        `'in <string>' requires string as left operand, not ${typeName(item)}`,
      );
    }
    return s.includes(sub);
  }
  if (container instanceof PyDict) return container.has(item);
  if (container instanceof PyDictView && container.kind === 'keys')
    return container.dict.has(item);
  if (container instanceof PyUndefined) return false;
  if (container instanceof PyRange) {
    const n = numeric(item);
    return n !== undefined && iterate(container).some(x => x === n);
  }
  if (isIterable(container) && !(container instanceof PyIterator)) {
    return iterate(container).some(x => pyEq(x, item));
  }
  if (container instanceof PyIterator)
    return container.take().some(x => pyEq(x, item));
  throw runtimeError(
    `argument of type '${typeName(container)}' is not iterable`,
  );
}

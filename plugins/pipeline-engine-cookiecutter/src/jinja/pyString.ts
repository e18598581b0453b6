import { bind, type Signature } from './args';
import { runtimeError, unsupported } from './errors';
import { strFormat } from './pyFormat';
import {
  PY_WS,
  PyMarkup,
  PyTuple,
  type PyValue,
  failIfUndefined,
  iterate,
  numeric,
  strChars,
  strLen,
  typeName,
} from './values';

/* The Python str methods templates call (`name.lower()`, `x.split(',')`...). */

const WS_CHAR = new RegExp(`^[${PY_WS}]$`);
// eslint-disable-next-line no-control-regex -- Python's str.splitlines() boundaries include these control characters
const LINE_BREAK = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/;
const isAscii = (s: string): boolean =>
  [...s].every(c => c.charCodeAt(0) < 0x80);
const SURROGATE = /[\uD800-\uDFFF]/;

function str(v: PyValue | undefined, what: string): string {
  if (typeof v === 'string') return v;
  if (v instanceof PyMarkup) return v.s;
  failIfUndefined(v ?? null);
  throw runtimeError(`${what} must be str, not ${typeName(v ?? null)}`);
}

function int(v: PyValue | undefined, what: string): number {
  const n = v === undefined ? undefined : numeric(v);
  if (n === undefined || !Number.isInteger(n) || typeof v === 'object') {
    failIfUndefined(v ?? null);
    throw runtimeError(
      `'${typeName(v ?? null)}' object cannot be interpreted as an integer (${what})`,
    );
  }
  return n;
}

/** Slice bounds as CPython's ADJUST_INDICES: negatives from the end; start is not capped at len. */
function bounds(
  len: number,
  start: PyValue | undefined,
  end: PyValue | undefined,
): [number, number] {
  let a = start === undefined || start === null ? 0 : int(start, 'slice index');
  let b = end === undefined || end === null ? len : int(end, 'slice index');
  if (b > len) b = len;
  else if (b < 0) b = Math.max(0, b + len);
  if (a < 0) a = Math.max(0, a + len);
  return [a, b];
}

/** Substring by code points. */
function cpSlice(s: string, start: number, end: number): string {
  return SURROGATE.test(s)
    ? strChars(s).slice(start, end).join('')
    : s.slice(start, end);
}

/** Code-point index of a UTF-16 index into s. */
function cpIndex(s: string, unitIndex: number): number {
  return SURROGATE.test(s) ? strLen(s.slice(0, unitIndex)) : unitIndex;
}

function noSigma(s: string, method: string): void {
  // Python lowercases a capital sigma by its context (final form); per-char mapping does not.
  if (s.includes('\u03a3'))
    throw unsupported(`str.${method}() on text containing a capital sigma`);
}

const TITLE_DIGRAPHS: Record<string, string> = {
  '\u01c4': '\u01c5',
  '\u01c5': '\u01c5',
  '\u01c6': '\u01c5',
  '\u01c7': '\u01c8',
  '\u01c8': '\u01c8',
  '\u01c9': '\u01c8',
  '\u01ca': '\u01cb',
  '\u01cb': '\u01cb',
  '\u01cc': '\u01cb',
  '\u01f1': '\u01f2',
  '\u01f2': '\u01f2',
  '\u01f3': '\u01f2',
};

/** Unicode titlecase mapping of one code point, as Python's _PyUnicode_ToTitleFull. */
export function titleChar(c: string): string {
  if (c < '\u0080') return c.toUpperCase();
  if (TITLE_DIGRAPHS[c]) return TITLE_DIGRAPHS[c];
  if (/[\u10d0-\u10fa\u10fd-\u10ff]/.test(c)) return c; // Georgian: titlecase is itself
  if (c === '\u00df') return 'Ss';
  const upper = c.toUpperCase();
  if (strLen(upper) > 1)
    throw unsupported(`titlecasing '${c}' (multi-character mapping)`);
  return upper;
}

const isCased = (c: string): boolean => /\p{Cased}/u.test(c);
const isUpper = (c: string): boolean => /\p{Uppercase}/u.test(c);
const isLower = (c: string): boolean => /\p{Lowercase}/u.test(c);
const isTitle = (c: string): boolean => /\p{Lt}/u.test(c);

/** Python's str.title(). */
export function pyTitle(s: string): string {
  noSigma(s, 'title');
  let prevCased = false;
  let out = '';
  for (const c of s) {
    out += prevCased ? c.toLowerCase() : titleChar(c);
    prevCased = isCased(c);
  }
  return out;
}

/** Python's str.capitalize() (3.8+: titlecase first character, lowercase the rest). */
export function pyCapitalize(s: string): string {
  if (s === '') return s;
  noSigma(s, 'capitalize');
  const [first, ...rest] = strChars(s);
  return titleChar(first) + rest.join('').toLowerCase();
}

/** Python's str.strip/lstrip/rstrip. */
export function pyStrip(
  s: string,
  chars: string | null | undefined,
  which: 'both' | 'left' | 'right',
): string {
  const set =
    chars === null || chars === undefined
      ? undefined
      : new Set(strChars(chars));
  const strip = (c: string): boolean => (set ? set.has(c) : WS_CHAR.test(c));
  const cs = strChars(s);
  let a = 0;
  let b = cs.length;
  if (which !== 'right') while (a < b && strip(cs[a])) a++;
  if (which !== 'left') while (b > a && strip(cs[b - 1])) b--;
  return cs.slice(a, b).join('');
}

/** Python's str.split / rsplit. */
export function pySplit(
  s: string,
  sep: string | null,
  maxsplit: number,
  fromRight = false,
): string[] {
  if (sep === '') throw runtimeError('ValueError: empty separator');
  const limit = maxsplit < 0 ? Infinity : maxsplit;
  if (sep === null) {
    const cs = strChars(s);
    const parts: string[] = [];
    if (!fromRight) {
      let i = 0;
      while (i < cs.length) {
        while (i < cs.length && WS_CHAR.test(cs[i])) i++;
        if (i >= cs.length) break;
        if (parts.length >= limit) {
          parts.push(cs.slice(i).join(''));
          break;
        }
        let j = i;
        while (j < cs.length && !WS_CHAR.test(cs[j])) j++;
        parts.push(cs.slice(i, j).join(''));
        i = j;
      }
      return parts;
    }
    let i = cs.length;
    while (i > 0) {
      while (i > 0 && WS_CHAR.test(cs[i - 1])) i--;
      if (i <= 0) break;
      if (parts.length >= limit) {
        parts.push(cs.slice(0, i).join(''));
        break;
      }
      let j = i;
      while (j > 0 && !WS_CHAR.test(cs[j - 1])) j--;
      parts.push(cs.slice(j, i).join(''));
      i = j;
    }
    return parts.reverse();
  }
  const all = s.split(sep);
  if (all.length - 1 <= limit) return all;
  if (!fromRight) return [...all.slice(0, limit), all.slice(limit).join(sep)];
  return [
    all.slice(0, all.length - limit).join(sep),
    ...all.slice(all.length - limit),
  ];
}

/** Python's str.splitlines. */
export function pySplitlines(s: string, keepends = false): string[] {
  const out: string[] = [];
  let rest = s;
  for (;;) {
    const m = LINE_BREAK.exec(rest);
    if (!m) break;
    out.push(rest.slice(0, keepends ? m.index + m[0].length : m.index));
    rest = rest.slice(m.index + m[0].length);
  }
  if (rest !== '') out.push(rest);
  return out;
}

/** Python's str.replace. */
export function pyReplace(
  s: string,
  old: string,
  repl: string,
  count = -1,
): string {
  const limit = count < 0 ? Infinity : count;
  if (old === '') {
    const cs = strChars(s);
    let out = '';
    let n = 0;
    for (let i = 0; i <= cs.length; i++) {
      if (n < limit) {
        out += repl;
        n++;
      }
      if (i < cs.length) out += cs[i];
    }
    return out;
  }
  if (limit === Infinity) return s.split(old).join(repl);
  const parts = s.split(old);
  if (parts.length - 1 <= limit) return parts.join(repl);
  return (
    parts.slice(0, limit + 1).join(repl) +
    old +
    parts.slice(limit + 1).join(old)
  );
}

/** Python's str.center. */
export function pyCenter(s: string, width: number, fill = ' '): string {
  const len = strLen(s);
  const marg = width - len;
  if (marg <= 0) return s;
  // eslint-disable-next-line no-bitwise
  const left = Math.floor(marg / 2) + (marg & width & 1);
  return fill.repeat(left) + s + fill.repeat(marg - left);
}

function fillChar(v: PyValue | undefined): string {
  if (v === undefined) return ' ';
  const c = str(v, 'fillchar');
  if (strLen(c) !== 1)
    throw runtimeError('The fill character must be exactly one character long');
  return c;
}

function affix(v: PyValue | undefined, name: string): string[] {
  if (v instanceof PyTuple)
    return v.items.map(x =>
      str(x, `tuple for ${name} must only contain str, not`),
    );
  return [str(v, `${name} first arg`)];
}

function find(
  s: string,
  sub: string,
  start: PyValue | undefined,
  end: PyValue | undefined,
  right: boolean,
): number {
  const [a, b] = bounds(strLen(s), start, end);
  if (b - a < strLen(sub)) return -1;
  if (sub === '') return right ? b : a;
  const hay = cpSlice(s, a, b);
  const idx = right ? hay.lastIndexOf(sub) : hay.indexOf(sub);
  return idx < 0 ? -1 : a + cpIndex(hay, idx);
}

type Method = (
  s: string,
  a: Array<PyValue | undefined>,
  rest: PyValue[],
  kw: Map<string, PyValue>,
) => PyValue;

interface MethodDef {
  sig: Omit<Signature, 'name'>;
  run: Method;
}

const none: MethodDef['sig'] = { params: [], positionalOnly: true };
const pred = (test: (s: string) => boolean): MethodDef => ({
  sig: none,
  run: s => test(s),
});
const every = (s: string, re: RegExp): boolean =>
  s !== '' && strChars(s).every(c => re.test(c));

/** Returns s, refusing non-ASCII text for methods whose Unicode tables we do not carry. */
function asciiOnly(s: string, method: string): string {
  if (!isAscii(s)) throw unsupported(`str.${method}() on non-ASCII text`);
  return s;
}

function swapcase(s: string): string {
  noSigma(s, 'swapcase');
  return strChars(s)
    .map(c => {
      if (isUpper(c)) return c.toLowerCase();
      return isLower(c) ? c.toUpperCase() : c;
    })
    .join('');
}

/** Python str methods by name. */
const METHODS: Record<string, MethodDef> = {
  lower: { sig: none, run: s => s.toLowerCase() },
  upper: { sig: none, run: s => s.toUpperCase() },
  casefold: { sig: none, run: s => asciiOnly(s, 'casefold').toLowerCase() },
  title: { sig: none, run: s => pyTitle(s) },
  capitalize: { sig: none, run: s => pyCapitalize(s) },
  swapcase: { sig: none, run: swapcase },
  strip: {
    sig: { params: ['chars'], positionalOnly: true },
    run: (s, [c]) =>
      pyStrip(
        s,
        c === undefined || c === null ? null : str(c, 'strip arg'),
        'both',
      ),
  },
  lstrip: {
    sig: { params: ['chars'], positionalOnly: true },
    run: (s, [c]) =>
      pyStrip(
        s,
        c === undefined || c === null ? null : str(c, 'strip arg'),
        'left',
      ),
  },
  rstrip: {
    sig: { params: ['chars'], positionalOnly: true },
    run: (s, [c]) =>
      pyStrip(
        s,
        c === undefined || c === null ? null : str(c, 'strip arg'),
        'right',
      ),
  },
  split: {
    sig: { params: ['sep', 'maxsplit'] },
    run: (s, [sep, max]) =>
      pySplit(
        s,
        sep === undefined || sep === null ? null : str(sep, 'sep'),
        max === undefined ? -1 : int(max, 'maxsplit'),
      ),
  },
  rsplit: {
    sig: { params: ['sep', 'maxsplit'] },
    run: (s, [sep, max]) =>
      pySplit(
        s,
        sep === undefined || sep === null ? null : str(sep, 'sep'),
        max === undefined ? -1 : int(max, 'maxsplit'),
        true,
      ),
  },
  splitlines: {
    sig: { params: ['keepends'] },
    run: (s, [k]) =>
      pySplitlines(s, k !== undefined && Boolean(numeric(k) ?? k)),
  },
  join: {
    sig: { params: ['iterable'], required: 1, positionalOnly: true },
    run: (s, [it]) =>
      iterate(it!)
        .map((x, i) => {
          if (typeof x === 'string') return x;
          if (x instanceof PyMarkup) return x.s;
          throw runtimeError(
            `sequence item ${i}: expected str instance, ${typeName(x)} found`,
          );
        })
        .join(s),
  },
  replace: {
    sig: { params: ['old', 'new', 'count'], required: 2, positionalOnly: true },
    run: (s, [o, n, c]) =>
      pyReplace(
        s,
        str(o, 'replace() argument 1'),
        str(n, 'replace() argument 2'),
        c === undefined ? -1 : int(c, 'count'),
      ),
  },
  startswith: {
    sig: {
      params: ['prefix', 'start', 'end'],
      required: 1,
      positionalOnly: true,
    },
    run: (s, [p, a, b]) => {
      const [x, y] = bounds(strLen(s), a, b);
      const part = cpSlice(s, x, y);
      return affix(p, 'startswith').some(
        q => y - strLen(q) >= x && part.startsWith(q),
      );
    },
  },
  endswith: {
    sig: {
      params: ['suffix', 'start', 'end'],
      required: 1,
      positionalOnly: true,
    },
    run: (s, [p, a, b]) => {
      const [x, y] = bounds(strLen(s), a, b);
      const part = cpSlice(s, x, y);
      return affix(p, 'endswith').some(
        q => y - strLen(q) >= x && part.endsWith(q),
      );
    },
  },
  find: {
    sig: { params: ['sub', 'start', 'end'], required: 1, positionalOnly: true },
    run: (s, [q, a, b]) => find(s, str(q, 'find arg'), a, b, false),
  },
  rfind: {
    sig: { params: ['sub', 'start', 'end'], required: 1, positionalOnly: true },
    run: (s, [q, a, b]) => find(s, str(q, 'rfind arg'), a, b, true),
  },
  index: {
    sig: { params: ['sub', 'start', 'end'], required: 1, positionalOnly: true },
    run: (s, [q, a, b]) => {
      const i = find(s, str(q, 'index arg'), a, b, false);
      if (i < 0) throw runtimeError('ValueError: substring not found');
      return i;
    },
  },
  rindex: {
    sig: { params: ['sub', 'start', 'end'], required: 1, positionalOnly: true },
    run: (s, [q, a, b]) => {
      const i = find(s, str(q, 'rindex arg'), a, b, true);
      if (i < 0) throw runtimeError('ValueError: substring not found');
      return i;
    },
  },
  count: {
    sig: { params: ['sub', 'start', 'end'], required: 1, positionalOnly: true },
    run: (s, [q, a, b]) => {
      const sub = str(q, 'count arg');
      const [x, y] = bounds(strLen(s), a, b);
      if (y - x < strLen(sub)) return 0;
      const part = cpSlice(s, x, y);
      return sub === '' ? strLen(part) + 1 : part.split(sub).length - 1;
    },
  },
  center: {
    sig: { params: ['width', 'fillchar'], required: 1, positionalOnly: true },
    run: (s, [w, f]) => pyCenter(s, int(w, 'width'), fillChar(f)),
  },
  ljust: {
    sig: { params: ['width', 'fillchar'], required: 1, positionalOnly: true },
    run: (s, [w, f]) =>
      s + fillChar(f).repeat(Math.max(0, int(w, 'width') - strLen(s))),
  },
  rjust: {
    sig: { params: ['width', 'fillchar'], required: 1, positionalOnly: true },
    run: (s, [w, f]) =>
      fillChar(f).repeat(Math.max(0, int(w, 'width') - strLen(s))) + s,
  },
  zfill: {
    sig: { params: ['width'], required: 1, positionalOnly: true },
    run: (s, [w]) => {
      const n = int(w, 'width') - strLen(s);
      if (n <= 0) return s;
      const sign = s[0] === '+' || s[0] === '-' ? s[0] : '';
      return sign + '0'.repeat(n) + s.slice(sign.length);
    },
  },
  partition: {
    sig: { params: ['sep'], required: 1, positionalOnly: true },
    run: (s, [p]) => {
      const sep = str(p, 'sep');
      if (sep === '') throw runtimeError('ValueError: empty separator');
      const i = s.indexOf(sep);
      return i < 0
        ? new PyTuple([s, '', ''])
        : new PyTuple([s.slice(0, i), sep, s.slice(i + sep.length)]);
    },
  },
  rpartition: {
    sig: { params: ['sep'], required: 1, positionalOnly: true },
    run: (s, [p]) => {
      const sep = str(p, 'sep');
      if (sep === '') throw runtimeError('ValueError: empty separator');
      const i = s.lastIndexOf(sep);
      return i < 0
        ? new PyTuple(['', '', s])
        : new PyTuple([s.slice(0, i), sep, s.slice(i + sep.length)]);
    },
  },
  removeprefix: {
    sig: { params: ['prefix'], required: 1, positionalOnly: true },
    run: (s, [p]) => {
      const q = str(p, 'prefix');
      return q && s.startsWith(q) ? s.slice(q.length) : s;
    },
  },
  removesuffix: {
    sig: { params: ['suffix'], required: 1, positionalOnly: true },
    run: (s, [p]) => {
      const q = str(p, 'suffix');
      return q && s.endsWith(q) ? s.slice(0, -q.length) : s;
    },
  },
  expandtabs: {
    sig: { params: ['tabsize'] },
    run: (s, [t]) => {
      const size = t === undefined ? 8 : int(t, 'tabsize');
      let col = 0;
      let out = '';
      for (const c of s) {
        if (c === '\t') {
          const n = size > 0 ? size - (col % size) : 0;
          out += ' '.repeat(n);
          col += n;
        } else {
          out += c;
          col = c === '\n' || c === '\r' ? 0 : col + 1;
        }
      }
      return out;
    },
  },
  isspace: pred(s => every(s, WS_CHAR)),
  isalpha: pred(s => every(s, /\p{L}/u)),
  isalnum: pred(s => every(s, /[\p{L}\p{N}]/u)),
  isdecimal: pred(s => every(s, /\p{Nd}/u)),
  isdigit: pred(s => every(asciiOnly(s, 'isdigit'), /[0-9]/)),
  isnumeric: pred(s => every(asciiOnly(s, 'isnumeric'), /[0-9]/)),
  isascii: pred(isAscii),
  isidentifier: pred(s => /^[\p{XID_Start}_]\p{XID_Continue}*$/u.test(s)),
  isprintable: pred(s =>
    strChars(s).every(c => c === ' ' || !/[\p{C}\p{Z}]/u.test(c)),
  ),
  islower: pred(s => {
    let cased = false;
    for (const c of s) {
      if (isUpper(c) || isTitle(c)) return false;
      if (isLower(c)) cased = true;
    }
    return cased;
  }),
  isupper: pred(s => {
    let cased = false;
    for (const c of s) {
      if (isLower(c) || isTitle(c)) return false;
      if (isUpper(c)) cased = true;
    }
    return cased;
  }),
  istitle: pred(s => {
    let cased = false;
    let prevCased = false;
    for (const c of s) {
      if (isUpper(c) || isTitle(c)) {
        if (prevCased) return false;
        prevCased = true;
        cased = true;
      } else if (isLower(c)) {
        if (!prevCased) return false;
        prevCased = true;
        cased = true;
      } else {
        prevCased = false;
      }
    }
    return cased;
  }),
};

/** str methods Python has but we do not emulate; calling one is refused, not undefined. */
const UNSUPPORTED = new Set(['encode', 'format_map', 'maketrans', 'translate']);

/** Whether `name` is a str attribute (so a miss is "unsupported", not undefined). */
export function isStrMethod(name: string): boolean {
  return name in METHODS || name === 'format' || UNSUPPORTED.has(name);
}

/** Calls str method `name` on `s`. */
export function callStrMethod(
  s: string,
  name: string,
  args: PyValue[],
  kwargs: Map<string, PyValue>,
  format: Parameters<typeof strFormat>[3],
): PyValue {
  if (name === 'format') return strFormat(s, args, kwargs, format);
  const def = METHODS[name];
  if (!def) throw unsupported(`the str.${name}() method`);
  const bound = bind({ name, ...def.sig }, args, kwargs);
  return def.run(s, bound.values, bound.rest, bound.extraKw);
}

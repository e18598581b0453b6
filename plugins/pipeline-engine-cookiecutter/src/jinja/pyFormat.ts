import { runtimeError, unsupported } from './errors';
import { formatExp, formatFixed, formatGeneral } from './numfmt';
import {
  PyDict,
  PyFloat,
  PyTuple,
  type PyValue,
  numeric,
  pyRepr,
  pyStr,
  strChars,
  strLen,
  typeName,
} from './values';

/*
 * Python's printf-style formatting (`'%s-%d' % (a, b)`, the `format` filter)
 * and str.format(). Conversions whose output we cannot reproduce are refused.
 */

const SPEC =
  /%(?:\(([^)]*)\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([diouxXeEfFgGcrsa%])?/g;

/** Converts a value to an int for %d/%x, as Python's `__index__`/`__int__` would. */
function intArg(v: PyValue, conv: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof PyFloat && 'diu'.includes(conv)) {
    if (!Number.isFinite(v.v))
      throw runtimeError('cannot convert float infinity or NaN to integer');
    return Math.trunc(v.v);
  }
  const what = 'diu'.includes(conv)
    ? 'a real number is required'
    : 'an integer is required';
  throw runtimeError(`%${conv} format: ${what}, not ${typeName(v)}`);
}

function floatArg(v: PyValue, conv: string): number {
  const n = numeric(v);
  if (n === undefined)
    throw runtimeError(`must be real number, not ${typeName(v)}`);
  if (conv && Math.abs(n) >= 1e50 && 'fF'.includes(conv))
    throw unsupported('%f of a float above 1e50');
  return n;
}

/** Applies width and flags to a converted field. */
function pad(
  body: string,
  sign: string,
  flags: string,
  width: number,
  numeric_: boolean,
): string {
  const total = sign + body;
  if (strLen(total) >= width) return total;
  const fill = width - strLen(total);
  if (flags.includes('-')) return total + ' '.repeat(fill);
  if (flags.includes('0') && numeric_) return sign + '0'.repeat(fill) + body;
  return ' '.repeat(fill) + total;
}

const RADIX: Record<string, number> = {
  d: 10,
  i: 10,
  u: 10,
  o: 8,
  x: 16,
  X: 16,
  b: 2,
};
const PREFIX: Record<string, string> = { o: '0o', x: '0x', X: '0X', b: '0b' };

/** %e/%f/%g (and format types e/f/g) of |x| or x. */
function formatFloat(conv: string, x: number, p: number, alt: boolean): string {
  switch (conv.toLowerCase()) {
    case 'f':
      return formatFixed(x, p);
    case 'e':
      return formatExp(x, p, conv === 'E', alt);
    default:
      return formatGeneral(x, p, conv === 'G', alt);
  }
}

function signOf(negative: boolean, flags: string): string {
  if (negative) return '-';
  if (flags.includes('+')) return '+';
  if (flags.includes(' ')) return ' ';
  return '';
}

function convert(
  conv: string,
  v: PyValue,
  flags: string,
  precision: number | undefined,
): [string, string, boolean] {
  switch (conv) {
    case 's':
      return [cut(pyStr(v), precision), '', false];
    case 'r':
      return [cut(pyRepr(v), precision), '', false];
    case 'a':
      return [cut(asciiRepr(v), precision), '', false];
    case 'c': {
      if (typeof v === 'string' && strLen(v) === 1) return [v, '', false];
      const n = intArg(v, 'c');
      if (n < 0 || n > 0x10ffff)
        throw runtimeError('%c arg not in range(0x110000)');
      return [String.fromCodePoint(n), '', false];
    }
    case 'd':
    case 'i':
    case 'u':
    case 'o':
    case 'x':
    case 'X': {
      const n = intArg(v, conv);
      let digits = Math.abs(n).toString(RADIX[conv]);
      if (conv === 'X') digits = digits.toUpperCase();
      if (precision !== undefined) digits = digits.padStart(precision, '0');
      if (flags.includes('#') && PREFIX[conv]) digits = PREFIX[conv] + digits;
      return [digits, signOf(n < 0, flags), true];
    }
    default: {
      const x = floatArg(v, conv);
      const p = precision ?? 6;
      const alt = flags.includes('#');
      const lower = conv.toLowerCase();
      let body = formatFloat(conv, x, p, alt);
      if (lower === 'f' && alt && p === 0) body += '.';
      if (conv === 'F') body = body.toUpperCase();
      const negative = body.startsWith('-');
      return [
        negative ? body.slice(1) : body,
        signOf(negative, flags),
        Number.isFinite(x),
      ];
    }
  }
}

function cut(s: string, precision: number | undefined): string {
  return precision === undefined ? s : strChars(s).slice(0, precision).join('');
}

/** Python's ascii(): repr with non-ASCII escaped. */
export function asciiRepr(v: PyValue): string {
  return Array.from(pyRepr(v), c => {
    const cp = c.codePointAt(0)!;
    if (cp < 0x80) return c;
    if (cp <= 0xff) return `\\x${cp.toString(16).padStart(2, '0')}`;
    if (cp <= 0xffff) return `\\u${cp.toString(16).padStart(4, '0')}`;
    return `\\U${cp.toString(16).padStart(8, '0')}`;
  }).join('');
}

/** `format % args`, Python's printf-style formatting. */
export function percentFormat(format: string, args: PyValue): string {
  const mapping = args instanceof PyDict ? args : undefined;
  const positional = args instanceof PyTuple ? args.items : [args];
  let next = 0;
  const take = (): PyValue => {
    if (next >= positional.length)
      throw runtimeError('not enough arguments for format string');
    return positional[next++];
  };
  const out = format.replace(
    SPEC,
    (
      whole,
      key: string | undefined,
      flags: string,
      width: string | undefined,
      prec: string | undefined,
      conv: string | undefined,
    ) => {
      if (!conv) throw runtimeError('incomplete format');
      if (conv === '%' && whole === '%%') return '%';
      let w = 0;
      if (width === '*') w = intArg(take(), 'd');
      else if (width) w = Number(width);
      let f = flags;
      if (w < 0) {
        f += '-';
        w = -w;
      }
      let p: number | undefined;
      if (prec === '*') p = Math.max(0, intArg(take(), 'd'));
      else if (prec !== undefined) p = prec === '' ? 0 : Number(prec);
      let value: PyValue;
      if (key !== undefined) {
        if (!mapping) throw runtimeError('format requires a mapping');
        if (!mapping.has(key)) throw runtimeError(`KeyError: ${pyRepr(key)}`);
        value = mapping.get(key)!;
      } else {
        value = take();
      }
      if (conv === '%') return '%';
      const [body, sign, numericField] = convert(conv, value, f, p);
      return pad(body, sign, f, w, numericField);
    },
  );
  // A mapping (or list: Python checks "has __getitem__") may go unused; anything else may not.
  if (next < positional.length && !mapping && !Array.isArray(args)) {
    throw runtimeError('not all arguments converted during string formatting');
  }
  return out;
}

// ---------------------------------------------------------------- str.format

const FORMAT_SPEC =
  /^(?:(.)?([<>=^]))?([+\- ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su;

/** One replacement field's format spec applied to a value (format(value, spec)). */
export function formatSpec(v: PyValue, spec: string): string {
  if (spec === '') return pyStr(v);
  const m = FORMAT_SPEC.exec(spec);
  if (!m) throw runtimeError(`Invalid format specifier '${spec}'`);
  const [
    ,
    fillChar,
    align,
    signFlag,
    z,
    alt,
    zero,
    widthText,
    grouping,
    precText,
    type,
  ] = m;
  if (z) throw unsupported('the z format option');
  const width = widthText ? Number(widthText) : 0;
  const precision = precText !== undefined ? Number(precText) : undefined;
  const isString = typeof v === 'string';
  if (isString || (!type && !(numeric(v) !== undefined))) {
    if (type && type !== 's')
      throw runtimeError(
        `Unknown format code '${type}' for object of type '${typeName(v)}'`,
      );
    if (signFlag || alt || grouping)
      throw runtimeError(
        'Sign, alternate form and grouping not allowed in string format specifier',
      );
    if (!isString && spec !== '')
      throw runtimeError(
        `unsupported format string passed to ${typeName(v)}.__format__`,
      );
    const body = cut(pyStr(v), precision);
    return align_(body, fillChar ?? ' ', align ?? '<', width);
  }
  const n = numeric(v);
  if (n === undefined)
    throw runtimeError(
      `unsupported format string passed to ${typeName(v)}.__format__`,
    );
  const isFloat = v instanceof PyFloat;
  let t = type ?? (isFloat ? '' : 'd');
  if (!isFloat && 'bcdoxXn'.includes(t) === false && !'eEfFgG%'.includes(t))
    t = 'd';
  if (isFloat && 'bcdoxX'.includes(t) && t !== '') {
    throw runtimeError(`Unknown format code '${t}' for object of type 'float'`);
  }
  if (t === 'n' || t === 'c') throw unsupported(`the '${t}' format type`);
  const negative = n < 0 || Object.is(n, -0);
  let body: string;
  if ('bdoxX'.includes(t)) {
    if (precision !== undefined)
      throw runtimeError('Precision not allowed in integer format specifier');
    body = Math.abs(n).toString(RADIX[t]);
    if (t === 'X') body = body.toUpperCase();
    if (grouping) body = group(body, grouping, RADIX[t] === 10 ? 3 : 4);
    if (alt && PREFIX[t]) body = PREFIX[t] + body;
  } else if (t === '') {
    // float without a type: like 'g' but always with a digit after the point (repr-like).
    if (precision === undefined) {
      body = pyRepr(new PyFloat(Math.abs(n)));
    } else {
      body = formatGeneral(Math.abs(n), precision, false, alt !== undefined);
      if (!/[.eE]/.test(body) && Number.isFinite(n)) body += '.0';
    }
    if (grouping) body = groupNumber(body, grouping);
  } else {
    const x = Math.abs(n);
    const p = precision ?? 6;
    body =
      t === '%'
        ? `${formatFixed(x * 100, p)}%`
        : formatFloat(t, x, p, alt !== undefined);
    if (t === 'F') body = body.toUpperCase();
    if (grouping) body = groupNumber(body, grouping);
  }
  const sign =
    negative && !(Object.is(n, -0) && !isFloat)
      ? '-'
      : (signFlag ?? '').replace('-', '');
  if (zero && !align)
    return sign + body.padStart(Math.max(0, width - sign.length), '0');
  if ((align ?? '>') === '=')
    return sign + align_(body, fillChar ?? ' ', '>', width - sign.length);
  return align_(sign + body, fillChar ?? ' ', align ?? '>', width);
}

function group(digits: string, sep: string, size: number): string {
  return digits.replace(new RegExp(`\\B(?=(\\d{${size}})+(?!\\d))`, 'g'), sep);
}

function groupNumber(body: string, sep: string): string {
  const [intPart, rest] = body.split(/(?=[.eE%])/);
  return group(intPart, sep, 3) + (body.slice(intPart.length) || (rest ?? ''));
}

function align_(
  body: string,
  fill: string,
  align: string,
  width: number,
): string {
  const n = width - strLen(body);
  if (n <= 0) return body;
  if (align === '<') return body + fill.repeat(n);
  if (align === '>') return fill.repeat(n) + body;
  const left = Math.floor(n / 2);
  return fill.repeat(left) + body + fill.repeat(n - left);
}

/** str.format(*args, **kwargs), with `getattr`/`getitem` for field paths. */
export function strFormat(
  format: string,
  args: PyValue[],
  kwargs: Map<string, PyValue>,
  lookup: {
    attr(v: PyValue, name: string): PyValue;
    item(v: PyValue, key: PyValue): PyValue;
  },
): string {
  let auto = 0;
  let out = '';
  let i = 0;
  while (i < format.length) {
    const c = format[i];
    if (c === '{' && format[i + 1] === '{') {
      out += '{';
      i += 2;
      continue;
    }
    if (c === '}') {
      if (format[i + 1] !== '}')
        throw runtimeError("Single '}' encountered in format string");
      out += '}';
      i += 2;
      continue;
    }
    if (c !== '{') {
      out += c;
      i++;
      continue;
    }
    const end = format.indexOf('}', i);
    if (end < 0) throw runtimeError("expected '}' before end of string");
    const field = format.slice(i + 1, end);
    if (field.includes('{'))
      throw unsupported('nested replacement fields in str.format');
    i = end + 1;
    const m =
      /^([^.[!:]*)((?:\.[^.[!:]+|\[[^\]]+\])*)(?:!([rsa]))?(?::(.*))?$/s.exec(
        field,
      );
    if (!m) throw runtimeError(`invalid format field '${field}'`);
    const [, name, path, conversion, spec] = m;
    let value: PyValue;
    if (name === '') {
      if (auto < 0)
        throw runtimeError(
          'cannot switch from manual field specification to automatic field numbering',
        );
      if (auto >= args.length)
        throw runtimeError(
          `Replacement index ${auto} out of range for positional args tuple`,
        );
      value = args[auto++];
    } else if (/^\d+$/.test(name)) {
      if (auto > 0)
        throw runtimeError(
          'cannot switch from automatic field numbering to manual field specification',
        );
      auto = -1;
      const idx = Number(name);
      if (idx >= args.length)
        throw runtimeError(
          `Replacement index ${idx} out of range for positional args tuple`,
        );
      value = args[idx];
    } else {
      if (!kwargs.has(name)) throw runtimeError(`KeyError: ${pyRepr(name)}`);
      value = kwargs.get(name)!;
    }
    for (const part of path.match(/\.[^.[]+|\[[^\]]+\]/g) ?? []) {
      if (part.startsWith('.')) value = lookup.attr(value, part.slice(1));
      else {
        const key = part.slice(1, -1);
        value = lookup.item(value, /^\d+$/.test(key) ? Number(key) : key);
      }
    }
    if (conversion === 'r') value = pyRepr(value);
    else if (conversion === 's') value = pyStr(value);
    else if (conversion === 'a') value = asciiRepr(value);
    out += formatSpec(value, spec ?? '');
  }
  return out;
}

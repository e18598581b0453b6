import { runtimeError, unsupported } from './errors';
import {
  PyDict,
  PyFloat,
  PyMarkup,
  PyTuple,
  type PyValue,
  floatRepr,
  pyCmp,
  typeName,
} from './values';

/*
 * Python's json module: loads() as cookiecutter reads cookiecutter.json
 * (objects become OrderedDicts, `1.0` stays a float) and dumps() as the
 * tojson/jsonify filters call it.
 */

/** A JSON syntax error, with Python's line and column. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message}: line ${line} column ${column}`);
    this.name = 'JsonSyntaxError';
  }
}

/**
 * json.loads(text, object_pairs_hook=OrderedDict). When `keyLines` is
 * given, it receives the 1-based line of each key of the top-level object.
 */
export function pyJsonLoads(
  text: string,
  keyLines?: Map<string, number>,
): PyValue {
  let pos = 0;
  let depth = 0;
  const lineAt = (at: number) => {
    let line = 1;
    for (
      let i = text.indexOf('\n');
      i !== -1 && i < at;
      i = text.indexOf('\n', i + 1)
    )
      line++;
    return line;
  };
  const fail = (msg: string, at = pos): never => {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    throw new JsonSyntaxError(msg, line, at - before.lastIndexOf('\n'));
  };
  const ws = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos])) pos++;
  };
  const string = (): string => {
    const start = pos;
    pos++;
    let out = '';
    for (;;) {
      const c = text[pos];
      if (c === undefined) fail('Unterminated string starting at', start);
      if (c === '"') {
        pos++;
        return out;
      }
      if (c === '\\') {
        const e = text[pos + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e in simple) {
          out += simple[e];
          pos += 2;
        } else if (
          e === 'u' &&
          /^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))
        ) {
          out += String.fromCharCode(
            parseInt(text.slice(pos + 2, pos + 6), 16),
          );
          pos += 6;
        } else {
          fail('Invalid \\escape', pos);
        }
        continue;
      }
      if (c < ' ') fail('Invalid control character at', pos);
      out += c;
      pos++;
    }
  };
  const value = (): PyValue => {
    ws();
    const c = text[pos];
    if (c === '{') {
      pos++;
      depth++;
      const d = new PyDict(true);
      ws();
      if (text[pos] === '}') {
        pos++;
        depth--;
        return d;
      }
      for (;;) {
        ws();
        if (text[pos] !== '"')
          fail('Expecting property name enclosed in double quotes');
        const keyAt = pos;
        const key = string();
        if (keyLines && depth === 1) keyLines.set(key, lineAt(keyAt));
        ws();
        if (text[pos] !== ':') fail("Expecting ':' delimiter");
        pos++;
        d.set(key, value());
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          depth--;
          return d;
        }
        fail("Expecting ',' delimiter");
      }
    }
    if (c === '[') {
      pos++;
      const list: PyValue[] = [];
      ws();
      if (text[pos] === ']') {
        pos++;
        return list;
      }
      for (;;) {
        list.push(value());
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return list;
        }
        fail("Expecting ',' delimiter");
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [
      ['null', null],
      ['true', true],
      ['false', false],
      ['NaN', new PyFloat(NaN)],
      ['Infinity', new PyFloat(Infinity)],
      ['-Infinity', new PyFloat(-Infinity)],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    }
    const m = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
    m.lastIndex = pos;
    const num = m.exec(text);
    if (!num) return fail('Expecting value');
    pos += num[0].length;
    if (num[1] || num[2]) return new PyFloat(Number(num[0]));
    const n = Number(num[0]);
    if (!Number.isSafeInteger(n))
      throw unsupported(
        `the integer ${num[0]} in cookiecutter.json (beyond 2**53)`,
      );
    return n;
  };
  if (text.startsWith('\ufeff'))
    fail('Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
  const result = value();
  ws();
  if (pos < text.length) fail('Extra data');
  return result;
}

/** Options of json.dumps we use. */
export interface DumpsOptions {
  indent?: number | string | null;
  sortKeys?: boolean;
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

/** A JSON string with ensure_ascii escaping. */
function jsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const code = s.charCodeAt(i);
    if (ESCAPES[c]) out += ESCAPES[c];
    else if (code < 0x20 || code > 0x7e)
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

function jsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return floatRepr(x);
}

function jsonKey(k: PyValue): string {
  if (typeof k === 'string') return k;
  if (k instanceof PyMarkup) return k.s;
  if (k instanceof PyFloat) return jsonFloat(k.v);
  if (typeof k === 'number') return String(k);
  if (k === true) return 'true';
  if (k === false) return 'false';
  if (k === null) return 'null';
  throw runtimeError(
    `keys must be str, int, float, bool or None, not ${typeName(k)}`,
  );
}

/** json.dumps(value, indent=..., sort_keys=...) with default separators and ensure_ascii. */
export function pyJsonDumps(value: PyValue, opts: DumpsOptions = {}): string {
  let indentUnit: string | undefined;
  if (typeof opts.indent === 'number')
    indentUnit = ' '.repeat(Math.max(0, opts.indent));
  else if (typeof opts.indent === 'string') indentUnit = opts.indent;
  const itemSep = indentUnit === undefined ? ', ' : ',';
  const enc = (v: PyValue, level: number): string => {
    if (v === null) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'number') return String(v);
    if (v instanceof PyFloat) return jsonFloat(v.v);
    if (typeof v === 'string') return jsonString(v);
    if (v instanceof PyMarkup) return jsonString(v.s);
    const nl =
      indentUnit === undefined ? '' : `\n${indentUnit.repeat(level + 1)}`;
    const close =
      indentUnit === undefined ? '' : `\n${indentUnit.repeat(level)}`;
    if (Array.isArray(v) || v instanceof PyTuple) {
      const items = Array.isArray(v) ? v : v.items;
      if (!items.length) return '[]';
      return `[${nl}${items.map(x => enc(x, level + 1)).join(itemSep + nl)}${close}]`;
    }
    if (v instanceof PyDict) {
      if (!v.size) return '{}';
      let entries = v.entries();
      if (opts.sortKeys)
        entries = entries.slice().sort((a, b) => pyCmp(a[0], b[0]));
      const parts = entries.map(
        ([k, x]) => `${jsonString(jsonKey(k))}: ${enc(x, level + 1)}`,
      );
      return `{${nl}${parts.join(itemSep + nl)}${close}}`;
    }
    throw runtimeError(
      `Object of type ${typeName(v)} is not JSON serializable`,
    );
  };
  return enc(value, 0);
}

import { syntaxError, unsupported } from './errors';
import { PY_WS } from './values';

/*
 * Jinja2's lexer (jinja2/lexer.py) for the default delimiters and the
 * settings cookiecutter uses (no trim_blocks, no lstrip_blocks, no line
 * statements). Newlines are normalized to "\n" first, as Jinja2 does.
 */

/** Token types, as Jinja2 names them. */
export type TokenType =
  | 'data'
  | 'variable_begin'
  | 'variable_end'
  | 'block_begin'
  | 'block_end'
  | 'name'
  | 'string'
  | 'integer'
  | 'float'
  | 'eof'
  | 'add'
  | 'sub'
  | 'div'
  | 'floordiv'
  | 'mul'
  | 'mod'
  | 'pow'
  | 'tilde'
  | 'lbracket'
  | 'rbracket'
  | 'lparen'
  | 'rparen'
  | 'lbrace'
  | 'rbrace'
  | 'eq'
  | 'ne'
  | 'gt'
  | 'gteq'
  | 'lt'
  | 'lteq'
  | 'assign'
  | 'dot'
  | 'colon'
  | 'pipe'
  | 'comma'
  | 'semicolon';

/** A token; `value` is the decoded literal for strings and numbers. */
export interface Token {
  type: TokenType;
  value: string;
  /** Numeric value of integer and float tokens. */
  num?: number;
  lineno: number;
}

const OPERATORS: Record<string, TokenType> = {
  '+': 'add',
  '-': 'sub',
  '/': 'div',
  '//': 'floordiv',
  '*': 'mul',
  '%': 'mod',
  '**': 'pow',
  '~': 'tilde',
  '[': 'lbracket',
  ']': 'rbracket',
  '(': 'lparen',
  ')': 'rparen',
  '{': 'lbrace',
  '}': 'rbrace',
  '==': 'eq',
  '!=': 'ne',
  '>': 'gt',
  '>=': 'gteq',
  '<': 'lt',
  '<=': 'lteq',
  '=': 'assign',
  '.': 'dot',
  ':': 'colon',
  '|': 'pipe',
  ',': 'comma',
  ';': 'semicolon',
};

const WS = `[${PY_WS}]`;
const sticky = (source: string): RegExp => new RegExp(source, 'uy');
const RE = {
  whitespace: sticky(`${WS}+`),
  float: sticky(
    String.raw`(?<!\.)(?:\d+_)*\d+(?:(?:\.(?:\d+_)*\d+)?[eE][+\-]?(?:\d+_)*\d+|\.(?:\d+_)*\d+)`,
  ),
  integer: sticky(
    String.raw`(?:0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[\da-fA-F])+|[1-9](?:_?\d)*|0(?:_?0)*)`,
  ),
  name: sticky(String.raw`[\p{XID_Start}_]\p{XID_Continue}*`),
  string: sticky(
    String.raw`'([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)"`,
  ),
  operator: sticky(String.raw`\*\*|//|==|!=|>=|<=|[+\-/*%~\[\](){}=<>.:|,;]`),
  blockEnd: sticky(`\\+%\\}|-%\\}${WS}*|%\\}`),
  variableEnd: sticky(`-\\}\\}${WS}*|\\}\\}`),
  rawBegin: sticky(`\\{%([-+]?)${WS}*raw${WS}*(?:-%\\}${WS}*|%\\})`),
};
const COMMENT_END = new RegExp(`\\+#\\}|-#\\}${WS}*|#\\}`, 'gu');
const RAW_END = new RegExp(
  `\\{%([-+]?)${WS}*endraw${WS}*(?:\\+%\\}|-%\\}${WS}*|%\\})`,
  'gu',
);
const TRAILING_WS = new RegExp(`${WS}+$`, 'u');

/** Python's str.rstrip() (Jinja2's `{%-` strips Python whitespace). */
const rstrip = (s: string): string => s.replace(TRAILING_WS, '');

function matchAt(
  re: RegExp,
  source: string,
  pos: number,
): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(source);
}

function countNl(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Decodes a string literal as Python's unicode-escape codec does. */
function unescape(body: string, lineno: number): string {
  return body.replace(
    /\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|N\{[^}]*\}|[\s\S])/g,
    (_m, e: string) => {
      switch (e[0]) {
        case 'x':
        case 'u':
        case 'U': {
          if (e.length === 1)
            throw syntaxError('truncated escape in string literal', lineno);
          const cp = parseInt(e.slice(1), 16);
          if (cp > 0x10ffff)
            throw syntaxError('illegal Unicode character', lineno);
          return String.fromCodePoint(cp);
        }
        case 'N':
          throw unsupported('\\N{...} escapes in string literals', lineno);
        case 'n':
          return '\n';
        case 't':
          return '\t';
        case 'r':
          return '\r';
        case 'a':
          return '\x07';
        case 'b':
          return '\b';
        case 'f':
          return '\f';
        case 'v':
          return '\v';
        case '\\':
          return '\\';
        case "'":
          return "'";
        case '"':
          return '"';
        case '\n':
          return '';
        default:
          if (/^[0-7]/.test(e)) return String.fromCodePoint(parseInt(e, 8));
          // Jinja2 backslash-escapes non-ASCII before decoding, so `\é` becomes `\xe9`.
          if (e > '\x7f')
            throw unsupported(
              'a backslash before a non-ASCII character in a string literal',
              lineno,
            );
          return `\\${e}`; // unknown escapes stay as written
      }
    },
  );
}

function parseNumber(text: string, isFloat: boolean): number {
  const t = text.replace(/_/g, '');
  if (isFloat) return Number(t);
  const prefix = t.slice(0, 2).toLowerCase();
  if (prefix === '0b') return parseInt(t.slice(2), 2);
  if (prefix === '0o') return parseInt(t.slice(2), 8);
  if (prefix === '0x') return parseInt(t.slice(2), 16);
  return Number(t);
}

/** Index of the next `{{`, `{%` or `{#` from `from`, or -1. */
function findOpener(src: string, from: number): number {
  for (let i = src.indexOf('{', from); i >= 0; i = src.indexOf('{', i + 1)) {
    const c = src[i + 1];
    if (c === '{' || c === '%' || c === '#') return i;
  }
  return -1;
}

/**
 * Splits a template into tokens. `keepTrailingNewline` false drops one
 * trailing newline, as Jinja2's default does.
 */
export function tokenize(
  source: string,
  keepTrailingNewline: boolean,
): Token[] {
  const lines = source.split(/\r\n|\r|\n/);
  if (!keepTrailingNewline && lines[lines.length - 1] === '') lines.pop();
  const src = lines.join('\n');
  const tokens: Token[] = [];
  let pos = 0;
  let lineno = 1;
  const push = (type: TokenType, value: string, extra: Partial<Token> = {}) => {
    tokens.push({ type, value, lineno, ...extra });
  };

  while (pos < src.length) {
    // Root state: data up to the next `{{`, `{%` or `{#`.
    const opener = findOpener(src, pos);
    if (opener < 0) {
      push('data', src.slice(pos));
      lineno += countNl(src.slice(pos));
      break;
    }
    let text = src.slice(pos, opener);
    const raw =
      src[opener + 1] === '%' ? matchAt(RE.rawBegin, src, opener) : null;
    const after = src[opener + 2];
    const sign = raw ? raw[1] : (['-', '+'].find(c => c === after) ?? '');
    let stripped = 0;
    if (sign === '-') {
      const s = rstrip(text);
      stripped = countNl(text.slice(s.length));
      text = s;
    }
    if (text) push('data', text);
    lineno += countNl(text) + stripped;

    if (raw) {
      lineno += countNl(raw[0]);
      RAW_END.lastIndex = opener + raw[0].length;
      const end = RAW_END.exec(src);
      if (!end) throw syntaxError('Missing end of raw directive', lineno);
      let body = src.slice(opener + raw[0].length, end.index);
      let bodyStripped = 0;
      if (end[1] === '-') {
        const s = rstrip(body);
        bodyStripped = countNl(body.slice(s.length));
        body = s;
      }
      if (body) push('data', body);
      lineno += countNl(body) + bodyStripped + countNl(end[0]);
      pos = end.index + end[0].length;
      continue;
    }

    const kind = src[opener + 1];
    pos = opener + 2 + sign.length;
    if (kind === '#') {
      COMMENT_END.lastIndex = pos;
      const end = COMMENT_END.exec(src);
      if (!end) throw syntaxError('Missing end of comment tag', lineno);
      lineno += countNl(src.slice(pos, end.index + end[0].length));
      pos = end.index + end[0].length;
      continue;
    }
    const isBlock = kind === '%';
    push(isBlock ? 'block_begin' : 'variable_begin', src.slice(opener, pos));
    ({ pos, lineno } = lexTag(src, pos, isBlock, tokens, lineno));
  }
  tokens.push({ type: 'eof', value: '', lineno });
  return tokens;
}

const TAG_RULES = [
  ['whitespace', RE.whitespace],
  ['float', RE.float],
  ['integer', RE.integer],
  ['name', RE.name],
  ['string', RE.string],
  ['operator', RE.operator],
] as const;
const CLOSING: Record<string, string> = { '{': '}', '(': ')', '[': ']' };

/** Lexes the inside of a `{% %}` or `{{ }}` tag; returns the position after its end and the line there. */
function lexTag(
  src: string,
  start: number,
  isBlock: boolean,
  tokens: Token[],
  startLine: number,
): { pos: number; lineno: number } {
  const balance: string[] = [];
  let pos = start;
  let lineno = startLine;
  const endRe = isBlock ? RE.blockEnd : RE.variableEnd;
  while (pos < src.length) {
    const end = balance.length === 0 ? matchAt(endRe, src, pos) : null;
    if (end) {
      tokens.push({
        type: isBlock ? 'block_end' : 'variable_end',
        value: end[0],
        lineno,
      });
      return { pos: pos + end[0].length, lineno: lineno + countNl(end[0]) };
    }
    let kind: (typeof TAG_RULES)[number][0] | undefined;
    let m: RegExpExecArray | null = null;
    for (const [k, re] of TAG_RULES) {
      m = matchAt(re, src, pos);
      if (m) {
        kind = k;
        break;
      }
    }
    if (!m || !kind)
      throw syntaxError(`unexpected char '${src[pos]}' at ${pos}`, lineno);
    const text = m[0];
    if (kind === 'float' || kind === 'integer') {
      const n = parseNumber(text, kind === 'float');
      if (kind === 'integer' && !Number.isSafeInteger(n))
        throw unsupported('integer literals beyond 2**53', lineno);
      tokens.push({ type: kind, value: text, num: n, lineno });
    } else if (kind === 'name') {
      tokens.push({ type: 'name', value: text, lineno });
    } else if (kind === 'string') {
      tokens.push({
        type: 'string',
        value: unescape(m[1] ?? m[2], lineno),
        lineno,
      });
    } else if (kind === 'operator') {
      if (CLOSING[text]) {
        balance.push(CLOSING[text]);
      } else if (text === '}' || text === ')' || text === ']') {
        if (!balance.length) throw syntaxError(`unexpected '${text}'`, lineno);
        const expected = balance.pop();
        if (expected !== text)
          throw syntaxError(
            `unexpected '${text}', expected '${expected}'`,
            lineno,
          );
      }
      tokens.push({ type: OPERATORS[text], value: text, lineno });
    }
    lineno += countNl(text);
    pos += text.length;
  }
  return { pos, lineno };
}

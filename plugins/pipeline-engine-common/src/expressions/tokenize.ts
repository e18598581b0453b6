/*
 * Tokenizer for Harness (Java JEXL) expression bodies. Works on body parts so
 * nested `<+...>` expressions stay opaque tokens (holes); a nested expression
 * inside a string literal becomes a piece of that literal.
 */
import { fail } from './errors';
import type { BodyPart, ExpressionNode } from './scan';

/** A lexical token of an expression body. */
export type Token =
  | { kind: 'ident'; value: string }
  | { kind: 'number'; value: string }
  | { kind: 'string'; pieces: Array<string | ExpressionNode> }
  | { kind: 'hole'; node: ExpressionNode }
  | { kind: 'op'; value: string };

/** Operators, longest first so `<=` wins over `<`. */
const OPERATORS = [
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '<',
  '>',
  '!',
  '+',
  '-',
  '*',
  '/',
  '%',
  '?',
  ':',
  '.',
  ',',
  '(',
  ')',
  '[',
  ']',
];

/** Characters and pairs refused with a reason, instead of a generic error. */
const REFUSED: Record<string, string> = {
  '=~': 'the "=~" operator is not supported',
  '!~': 'the "!~" operator is not supported',
  '=': 'assignment is not allowed (use "==" to compare)',
  '|': 'the "|" operator is not supported (use "||")',
  '&': 'the "&" operator is not supported (use "&&")',
  '{': 'map literals are not supported',
  '}': 'map literals are not supported',
  ';': 'statements are not allowed',
  '^': 'the "^" operator is not supported',
  '~': 'the "~" operator is not supported',
  '`': 'backquoted strings are not supported',
  $: 'names may not start with "$"',
  '#': '"#" is not allowed',
  '@': '"@" is not allowed',
};

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
};

/**
 * Tokens of a body. `<+`-holes outside string literals are `hole` tokens.
 * @throws ExpressionError `syntax` / `unterminated`
 */
export function tokenize(parts: readonly BodyPart[]): Token[] {
  const tokens: Token[] = [];
  // An open string literal can span parts when it contains a nested expression.
  let str:
    | { quote: string; pieces: Array<string | ExpressionNode>; buf: string }
    | undefined;
  for (const part of parts) {
    if (typeof part !== 'string') {
      if (str) {
        if (str.buf) str.pieces.push(str.buf);
        str.buf = '';
        str.pieces.push(part);
      } else {
        tokens.push({ kind: 'hole', node: part });
      }
      continue;
    }
    let i = 0;
    while (i < part.length) {
      const c = part[i];
      if (str) {
        if (c === '\\') {
          const n = part[i + 1];
          if (n === undefined) {
            str.buf += '\\';
            i++;
          } else if (
            n === 'u' &&
            /^[0-9a-fA-F]{4}$/.test(part.slice(i + 2, i + 6))
          ) {
            str.buf += String.fromCharCode(
              parseInt(part.slice(i + 2, i + 6), 16),
            );
            i += 6;
          } else {
            str.buf += ESCAPES[n] ?? n;
            i += 2;
          }
          continue;
        }
        if (c === str.quote) {
          if (str.buf || str.pieces.length === 0) str.pieces.push(str.buf);
          tokens.push({ kind: 'string', pieces: str.pieces });
          str = undefined;
        } else {
          str.buf += c;
        }
        i++;
        continue;
      }
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        i++;
        continue;
      }
      if (c === '"' || c === "'") {
        str = { quote: c, pieces: [], buf: '' };
        i++;
        continue;
      }
      const ident = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(part.slice(i, i + 256));
      if (ident) {
        if (ident[0].length >= 256) fail('syntax', 'name is too long');
        tokens.push({ kind: 'ident', value: ident[0] });
        i += ident[0].length;
        continue;
      }
      const num = /^[0-9]+(\.[0-9]+)?/.exec(part.slice(i, i + 64));
      if (num) {
        if (/^[A-Za-z_]/.test(part.slice(i + num[0].length))) {
          fail(
            'syntax',
            `invalid number "${part.slice(i, i + num[0].length + 1)}"`,
          );
        }
        tokens.push({ kind: 'number', value: num[0] });
        i += num[0].length;
        continue;
      }
      const two = part.slice(i, i + 2);
      const refused =
        REFUSED[two] ?? (OPERATORS.includes(two) ? undefined : REFUSED[c]);
      if (refused) fail('syntax', refused);
      let op = OPERATORS.includes(two) ? two : undefined;
      if (!op && OPERATORS.includes(c)) op = c;
      if (!op) fail('syntax', `unexpected character "${c}"`);
      tokens.push({ kind: 'op', value: op });
      i += op.length;
    }
  }
  if (str)
    fail(
      'unterminated',
      `string literal starting with ${str.quote} is never closed`,
    );
  return tokens;
}

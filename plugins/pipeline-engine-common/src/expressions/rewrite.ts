/*
 * Harness (Java JEXL) body → JavaScript jexl source.
 *
 * jexl cannot call methods on values: `a.toLowerCase()` parses as a call of a
 * global `toLowerCase` and drops `a`. Harness bodies do this all the time, so
 * the token stream is rewritten:
 * - `.name(args)` after an operand → `|$call("name", args)`, a jexl
 *   transform applied to that operand (the name travels as a string
 *   placeholder). A transform binds as tightly as `.`/`[]` (jexl parses it
 *   as a postfix of the operand on its left), so `a + b.trim()`,
 *   `a.split(",")[0]`, `!a.isEmpty()` and chains keep Java's precedence.
 *   Method names are checked here against the supported ones.
 * - postfix `x[i]` → `x|$index(i)`: jexl cannot index a parenthesised
 *   expression or a call result, a transform can follow anything.
 * - `.<+nested>` → `|$index($hN)`: the nested value used as a key.
 * - `test ? a : b` → `(test) ? a : b`: jexl rejects `?` right after a
 *   transform; the test is everything since the last `(`/`,`/`?`/`:` at the
 *   same depth, which is exactly what jexl would take as the test anyway.
 * - string literals → `$sN` placeholders, nested expressions → `$hN`: jexl's
 *   own string lexing mishandles some escapes, and values never become source
 *   text (the sandbox turns placeholders into literals / bound values).
 *   A string literal containing nested expressions becomes a parenthesised
 *   concatenation `($s0 + $h0 + $s1)`.
 * - `and`/`or`/`not`/`eq`/`ne`/`lt`/`le`/`gt`/`ge` → their symbols (JEXL).
 */
import { assertAllowedName } from './access';
import { fail } from './errors';
import { KNOWN_METHODS, unknownMethod } from './methods';
import type { BodyPart, ExpressionNode } from './scan';
import type { Token } from './tokenize';
import { tokenize } from './tokenize';

/**
 * A body as jexl source plus the values its placeholders stand for.
 *
 * @public
 */
export interface JexlSource {
  /** jexl source; `$sN` = `strings[N]`, `$hN` = `holes[N]`. */
  source: string;
  strings: string[];
  holes: ExpressionNode[];
}

const WORD_OPERATORS: Record<string, string> = {
  and: '&&',
  or: '||',
  not: '!',
  eq: '==',
  ne: '!=',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
};

/** Names jexl's lexer would take as keywords after a dot. */
const JEXL_KEYWORDS = new Set(['true', 'false', 'in']);

/**
 * Size limits: real expressions are far smaller, and jexl's parser is
 * quadratic in nesting depth and chain length.
 *
 * @public
 */
export const MAX_TOKENS = 512;
/**
 * Deepest nesting of parentheses / brackets accepted.
 *
 * @public
 */
export const MAX_DEPTH = 32;

/** Prefix of internal transform names; user names can never start with `$`. */
export const INTERNAL = '$';

const isOp = (t: Token | undefined, value: string): boolean =>
  t?.kind === 'op' && t.value === value;

/**
 * Rewrites a body (or a condition: text and expressions) to jexl.
 * @throws ExpressionError `syntax`, `unknown-method`, `forbidden`, `unterminated`, `limit`
 *
 * @public
 */
export function rewriteToJexl(parts: readonly BodyPart[]): JexlSource {
  const tokens = tokenize(parts);
  const strings: string[] = [];
  const holes: ExpressionNode[] = [];
  const out: string[] = [];
  // Start (index in `out`) of the current ternary-test candidate per depth.
  const levels: number[] = [0];
  // Openers still waiting for their closer: what they are and what to emit.
  const open: Array<{ opener: '(' | '['; emit: string }> = [];
  let operandEnd = false;

  const str = (value: string): string => {
    strings.push(value);
    return `$s${strings.length - 1}`;
  };
  const hole = (node: ExpressionNode): string => {
    holes.push(node);
    return `$h${holes.length - 1}`;
  };
  const openLevel = (opener: '(' | '[', text: string, emit: string) => {
    if (open.length >= MAX_DEPTH)
      fail('limit', `brackets are nested more than ${MAX_DEPTH} deep`);
    out.push(text);
    open.push({ opener, emit });
    levels.push(out.length);
    operandEnd = false;
  };

  if (tokens.length === 0) fail('syntax', 'empty expression');
  if (tokens.length > MAX_TOKENS)
    fail('limit', `expression has more than ${MAX_TOKENS} tokens`);

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const next = tokens[i + 1];
    switch (t.kind) {
      case 'number':
        out.push(t.value);
        operandEnd = true;
        break;
      case 'string': {
        const pieces =
          typeof t.pieces[0] === 'string' ? t.pieces : ['', ...t.pieces];
        const items = pieces.map(p =>
          typeof p === 'string' ? str(p) : hole(p),
        );
        out.push(items.length === 1 ? items[0] : `(${items.join(' + ')})`);
        operandEnd = true;
        break;
      }
      case 'hole':
        out.push(hole(t.node));
        operandEnd = true;
        break;
      case 'ident': {
        const word = WORD_OPERATORS[t.value];
        if (word && (operandEnd || word === '!')) {
          out.push(` ${word} `);
          operandEnd = false;
          break;
        }
        if (operandEnd) fail('syntax', `unexpected "${t.value}"`);
        assertAllowedName(t.value);
        if (isOp(next, '(')) {
          fail(
            'syntax',
            `"${t.value}(...)" is not supported: functions are called as methods on a value, e.g. x.${t.value}()`,
            t.value,
          );
        }
        out.push(t.value);
        operandEnd = true;
        break;
      }
      case 'op':
        i = rewriteOperator(t.value, i);
        break;
      default:
        break;
    }
  }
  if (open.length)
    fail('syntax', `"${open[open.length - 1].opener}" is never closed`);
  return { source: out.join(''), strings, holes };

  /** Emits operator tokens[i] (and what it consumes); returns the last index used. */
  function rewriteOperator(op: string, i: number): number {
    const next = tokens[i + 1];
    switch (op) {
      case '.': {
        if (!operandEnd) fail('syntax', 'unexpected "."');
        if (next?.kind === 'hole') {
          out.push(`|${INTERNAL}index(${hole(next.node)})`);
          return i + 1;
        }
        if (next?.kind !== 'ident') fail('syntax', 'expected a name after "."');
        if (isOp(tokens[i + 2], '(')) {
          if (!KNOWN_METHODS.has(next.value)) {
            unknownMethod(next.value, 'in expressions', KNOWN_METHODS);
          }
          // The name travels as a string: jexl's lexer misreads names such
          // as "toString" (it looks them up in a plain object).
          const name = str(next.value);
          openLevel(
            '(',
            `|${INTERNAL}call(${name}${isOp(tokens[i + 3], ')') ? '' : ', '}`,
            ')',
          );
          return i + 2;
        }
        assertAllowedName(next.value);
        out.push(
          JEXL_KEYWORDS.has(next.value)
            ? `|${INTERNAL}index(${str(next.value)})`
            : `.${next.value}`,
        );
        return i + 1;
      }
      case '[':
        if (operandEnd) openLevel('[', `|${INTERNAL}index(`, ')');
        else openLevel('[', '[', ']');
        return i;
      case '(':
        if (operandEnd)
          fail(
            'syntax',
            'unexpected "(": only methods can be called, as x.method()',
          );
        openLevel('(', '(', ')');
        return i;
      case ')':
      case ']': {
        const top = open.pop();
        if (!top || (top.opener === '(') !== (op === ')'))
          fail('syntax', `unexpected "${op}"`);
        out.push(top.emit);
        levels.pop();
        operandEnd = true;
        return i;
      }
      case ',':
        if (!open.length) fail('syntax', 'unexpected ","');
        out.push(',');
        levels[levels.length - 1] = out.length;
        operandEnd = false;
        return i;
      case '?': {
        if (!operandEnd) fail('syntax', 'unexpected "?"');
        out.splice(levels[levels.length - 1], 0, '(');
        out.push(') ? ');
        levels[levels.length - 1] = out.length;
        operandEnd = false;
        return i;
      }
      case ':':
        out.push(' : ');
        levels[levels.length - 1] = out.length;
        operandEnd = false;
        return i;
      default:
        out.push(` ${op} `);
        operandEnd = false;
        return i;
    }
  }
}

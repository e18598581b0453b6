/*
 * Finds `<+ ... >` expressions in a string.
 *
 * Closing rule: inside an expression body a `>` closes the expression when it
 * is outside string literals and outside parentheses/brackets. So a
 * comparison must be parenthesised inside a template (`<+(a > 1)>`), while
 * `<<+x>|Link>` and `<@<+x>>` work: the first `>` after the body closes it
 * and the rest is plain text. `<+` always opens a nested expression, also
 * inside a string literal of a body (it is then concatenated into the string).
 * Plain text outside expressions is never interpreted (quotes, `<`, `>` are
 * literal there).
 */
import { ExpressionError, locate } from './errors';

/**
 * Nested `<+` deeper than this is rejected, keeping recursion bounded.
 *
 * @public
 */
export const MAX_NESTING = 16;

/**
 * One `<+...>` occurrence, with its nested expressions.
 *
 * @public
 */
export interface ExpressionNode {
  /** The expression as written, `<+...>` included. */
  source: string;
  /** The text between `<+` and `>` as written (nested expressions included). */
  body: string;
  /** 0-based offset of `<+` in the scanned template. */
  start: number;
  /** 0-based offset just after the closing `>`. */
  end: number;
  /** The body split into code text and nested expressions, in order. */
  parts: BodyPart[];
}

/**
 * A piece of a body: code as written, or a nested expression.
 *
 * @public
 */
export type BodyPart = string | ExpressionNode;

/**
 * A piece of a template: literal text or an expression.
 *
 * @public
 */
export type TemplateSegment =
  { kind: 'text'; text: string } | { kind: 'expression'; node: ExpressionNode };

/**
 * True when `text` contains something that looks like an expression.
 *
 * @public
 */
export function hasExpressions(text: string): boolean {
  return text.includes('<+');
}

/**
 * Splits a template into text and expressions.
 * @throws ExpressionError `unterminated` (with the column of the `<+`) or `limit`
 *
 * @public
 */
export function scanTemplate(template: string): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  let textStart = 0;
  let i = template.indexOf('<+');
  while (i !== -1) {
    if (i > textStart) {
      segments.push({ kind: 'text', text: template.slice(textStart, i) });
    }
    const node = scanExpression(template, i, 1);
    segments.push({ kind: 'expression', node });
    textStart = node.end;
    i = template.indexOf('<+', textStart);
  }
  if (textStart < template.length) {
    segments.push({ kind: 'text', text: template.slice(textStart) });
  }
  return segments;
}

/** Scans the expression whose `<+` is at `start`. */
function scanExpression(
  template: string,
  start: number,
  depth: number,
): ExpressionNode {
  if (depth > MAX_NESTING) {
    throw new ExpressionError(
      'limit',
      `expressions are nested more than ${MAX_NESTING} deep`,
      { location: locate(template, start) },
    );
  }
  const parts: BodyPart[] = [];
  let buf = '';
  let brackets = 0;
  let quote: string | undefined;
  let quoteStart = 0;
  let i = start + 2;
  while (i < template.length) {
    const c = template[i];
    if (c === '<' && template[i + 1] === '+') {
      if (buf) parts.push(buf);
      buf = '';
      const nested = scanExpression(template, i, depth + 1);
      parts.push(nested);
      i = nested.end;
      continue;
    }
    if (quote !== undefined) {
      if (c === '\\' && i + 1 < template.length) {
        buf += c + template[i + 1];
        i += 2;
        continue;
      }
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
      quoteStart = i;
    } else if (c === '(' || c === '[') {
      brackets++;
    } else if ((c === ')' || c === ']') && brackets > 0) {
      brackets--;
    } else if (c === '>' && brackets === 0) {
      if (buf) parts.push(buf);
      const end = i + 1;
      return {
        source: template.slice(start, end),
        body: template.slice(start + 2, i),
        start,
        end,
        parts,
      };
    }
    buf += c;
    i++;
  }
  const where = locate(template, start);
  let why = 'no closing ">"';
  if (quote !== undefined) {
    why = `the string literal opened at column ${locate(template, quoteStart).column} is never closed`;
  } else if (brackets > 0) {
    why = `${brackets} parenthesis/bracket(s) are never closed`;
  }
  throw new ExpressionError(
    'unterminated',
    `unterminated expression starting at line ${where.line}, column ${where.column}: ${why}`,
    { expression: abbreviate(template.slice(start)), location: where },
  );
}

/** The first 60 characters, enough to recognise an expression in a message. */
function abbreviate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

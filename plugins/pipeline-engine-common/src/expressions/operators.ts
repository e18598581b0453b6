/*
 * Operators with Java JEXL semantics, replacing jexl's JavaScript ones:
 * no JS coercion surprises (`"" == 0`, `[1] == 1`), `&&`/`||` yield
 * booleans, `+` concatenates when either side is a string.
 */
import { fail } from './errors';
import { asNumber, renderText, typeName } from './values';

/** JEXL truthiness: null, false, 0, NaN, "" and "false" are false. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return !Number.isNaN(value) && value !== 0;
  if (typeof value === 'string') return value !== '' && value !== 'false';
  return true;
}

/**
 * JEXL `==`: booleans compare with their text (`true == "true"`), numbers
 * numerically when the other side is numeric, lists/maps structurally.
 */
export function javaEquals(left: unknown, right: unknown): boolean {
  const l = left === undefined ? null : left;
  const r = right === undefined ? null : right;
  if (l === r) return true;
  if (l === null || r === null) return false;
  if (typeof l === 'boolean' || typeof r === 'boolean') {
    return String(l) === String(r);
  }
  if (typeof l === 'number' || typeof r === 'number') {
    const a = asNumber(l);
    const b = asNumber(r);
    if (a !== undefined && b !== undefined) return a === b;
    return renderText(l) === renderText(r);
  }
  if (typeof l === 'string' || typeof r === 'string') return false;
  return JSON.stringify(l) === JSON.stringify(r);
}

/** -1, 0 or 1. */
function order<T extends number | string>(a: T, b: T): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

/**
 * Ordering for `< > <= >=`: numeric when both sides are numbers or numeric
 * strings, else string comparison; null compares as false.
 */
export function compare(
  op: '<' | '>' | '<=' | '>=',
): (left: unknown, right: unknown) => boolean {
  return (left, right) => {
    if (
      left === null ||
      left === undefined ||
      right === null ||
      right === undefined
    ) {
      return false;
    }
    const a = asNumber(left);
    const b = asNumber(right);
    let cmp: number;
    if (a !== undefined && b !== undefined) {
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      cmp = order(a, b);
    } else if (typeof left === 'string' && typeof right === 'string') {
      cmp = order(left, right);
    } else {
      return fail(
        'type',
        `cannot compare ${typeName(left)} ${op} ${typeName(right)}`,
      );
    }
    switch (op) {
      case '<':
        return cmp < 0;
      case '>':
        return cmp > 0;
      case '<=':
        return cmp <= 0;
      default:
        return cmp >= 0;
    }
  };
}

/** `+`: concatenation when either side is a string (as Java), else numeric. */
export function add(left: unknown, right: unknown): unknown {
  if (typeof left === 'string' || typeof right === 'string') {
    return renderText(left) + renderText(right);
  }
  if (typeof left === 'number' && typeof right === 'number')
    return left + right;
  return fail('type', `cannot add ${typeName(left)} and ${typeName(right)}`);
}

/** `- * / %` on numbers or numeric strings. */
export function arithmetic(
  op: '-' | '*' | '/' | '%',
): (left: unknown, right: unknown) => number {
  return (left, right) => {
    const a = asNumber(left);
    const b = asNumber(right);
    if (a === undefined || b === undefined) {
      return fail(
        'type',
        `cannot apply "${op}" to ${typeName(left)} and ${typeName(right)}`,
      );
    }
    switch (op) {
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        if (b === 0) fail('type', 'division by zero');
        return a / b;
      default:
        if (b === 0) fail('type', 'division by zero');
        return a % b;
    }
  };
}

import { runtimeError, unsupported } from './errors';
import { percentFormat } from './pyFormat';
import {
  PyFloat,
  PyMarkup,
  PyTuple,
  type PyValue,
  failIfUndefined,
  numeric,
  pyInt,
  typeName,
} from './values';

/* Python's arithmetic operators on template values. */

const isFloat = (v: PyValue): boolean => v instanceof PyFloat;

function operandError(op: string, a: PyValue, b: PyValue): Error {
  return runtimeError(
    `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`,
  );
}

function refuseMarkup(a: PyValue, b: PyValue, op: string): void {
  // Markup escapes the other operand: output we do not reproduce.
  if (a instanceof PyMarkup || b instanceof PyMarkup)
    throw unsupported(`'${op}' on a Markup value (escape/safe result)`);
}

function numbers(
  a: PyValue,
  b: PyValue,
): [number, number, boolean] | undefined {
  const x = numeric(a);
  const y = numeric(b);
  if (x === undefined || y === undefined) return undefined;
  return [x, y, isFloat(a) || isFloat(b)];
}

const float = (n: number): PyFloat => new PyFloat(n);

function repeat<T>(items: T[], n: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(...items);
  return out;
}

/** Applies a binary operator (`+ - * / // % **`). */
export function binary(op: string, a: PyValue, b: PyValue): PyValue {
  failIfUndefined(a);
  failIfUndefined(b);
  refuseMarkup(a, b, op);
  const nums = numbers(a, b);
  switch (op) {
    case '+':
      if (nums)
        return nums[2] ? float(nums[0] + nums[1]) : pyInt(nums[0] + nums[1]);
      if (typeof a === 'string' && typeof b === 'string') return a + b;
      if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
      if (a instanceof PyTuple && b instanceof PyTuple)
        return new PyTuple([...a.items, ...b.items]);
      throw operandError(op, a, b);
    case '-':
      if (nums)
        return nums[2] ? float(nums[0] - nums[1]) : pyInt(nums[0] - nums[1]);
      throw operandError(op, a, b);
    case '*': {
      if (nums)
        return nums[2] ? float(nums[0] * nums[1]) : pyInt(nums[0] * nums[1]);
      const [seq, count] =
        numeric(b) !== undefined && !isFloat(b)
          ? [a, numeric(b)!]
          : [b, numeric(a)];
      if (count === undefined || (seq === a ? isFloat(b) : isFloat(a)))
        throw operandError(op, a, b);
      const n = Math.max(0, count);
      if (typeof seq === 'string') {
        if (seq.length * n > 50_000_000)
          throw unsupported('string repetition above 50 MB');
        return seq.repeat(n);
      }
      if (Array.isArray(seq)) return repeat(seq, n);
      if (seq instanceof PyTuple) return new PyTuple(repeat(seq.items, n));
      throw operandError(op, a, b);
    }
    case '/':
      if (!nums) throw operandError(op, a, b);
      if (nums[1] === 0)
        throw runtimeError('ZeroDivisionError: division by zero');
      return float(nums[0] / nums[1]);
    case '//': {
      if (!nums) throw operandError(op, a, b);
      const [x, y, f] = nums;
      if (y === 0)
        throw runtimeError(
          'ZeroDivisionError: integer division or modulo by zero',
        );
      if (!f) {
        // BigInt: a double quotient can round across an integer for large operands.
        const q = BigInt(x) / BigInt(y);
        const exact = q * BigInt(y) === BigInt(x);
        return pyInt(Number(!exact && x < 0 !== y < 0 ? q - 1n : q));
      }
      return float(floatFloorDiv(x, y));
    }
    case '%': {
      if (typeof a === 'string') return percentFormat(a, b);
      if (!nums) throw operandError(op, a, b);
      const [x, y, f] = nums;
      if (y === 0)
        throw runtimeError(
          'ZeroDivisionError: integer division or modulo by zero',
        );
      return f ? float(floatMod(x, y)) : pyInt(((x % y) + y) % y);
    }
    case '**':
      if (!nums) throw operandError(op, a, b);
      return power(nums[0], nums[1], nums[2]);
    default:
      throw runtimeError(`unknown operator ${op}`);
  }
}

function floatMod(x: number, y: number): number {
  let mod = x % y;
  if (mod) {
    if (y < 0 !== mod < 0) mod += y;
  } else {
    mod = y < 0 ? -0 : 0;
  }
  return mod;
}

function floatFloorDiv(x: number, y: number): number {
  const mod = x % y;
  let div = (x - mod) / y;
  if (mod && y < 0 !== mod < 0) div -= 1;
  if (div) {
    const floor = Math.floor(div);
    return div - floor > 0.5 ? floor + 1 : floor;
  }
  return x / y < 0 ? -0 : 0;
}

function power(x: number, y: number, f: boolean): PyValue {
  if (!f && y >= 0) {
    const r = BigInt(x) ** BigInt(y);
    if (
      r > BigInt(Number.MAX_SAFE_INTEGER) ||
      r < -BigInt(Number.MAX_SAFE_INTEGER)
    ) {
      throw unsupported(
        'integer arithmetic beyond 2**53 (Python integers are unbounded)',
      );
    }
    return Number(r);
  }
  if (x === 0 && y < 0)
    throw runtimeError(
      'ZeroDivisionError: 0.0 cannot be raised to a negative power',
    );
  if (x < 0 && !Number.isInteger(y))
    throw unsupported(
      'a negative number raised to a fractional power (complex result)',
    );
  // Exact for integral exponents within range; libm pow may differ in the last digit otherwise.
  if (!Number.isInteger(y))
    throw unsupported('fractional powers (last-digit differences from C pow)');
  return float(x ** y);
}

/** Unary minus and plus. */
export function unary(op: '-' | '+', v: PyValue): PyValue {
  failIfUndefined(v);
  const n = numeric(v);
  if (n === undefined)
    throw runtimeError(`bad operand type for unary ${op}: '${typeName(v)}'`);
  if (v instanceof PyFloat) return float(op === '-' ? -n : n);
  return op === '-' ? pyInt(-n) : n;
}

import { unsupported } from './errors';

/*
 * Python formats floats from their exact binary value, rounding half to even
 * (`'%.0f' % 0.5 == '0'`, `round(2.5) == 2`), where JS's toFixed rounds ties
 * up. These helpers work on the exact decimal expansion to match Python.
 */

/** Exact decimal digits of |x|: value = 0.digits × 10^point. */
interface Decimal {
  digits: string;
  point: number;
}

function exactDecimal(x: number): Decimal {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const hi = buf.getUint32(0);
  const lo = buf.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) {
    exp = -1074;
  } else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  if (mant === 0n) return { digits: '0', point: 1 };
  if (exp >= 0) {
    const s = (mant << BigInt(exp)).toString();
    return { digits: s, point: s.length };
  }
  // m / 2^k == m * 5^k / 10^k
  const s = (mant * 5n ** BigInt(-exp)).toString();
  return { digits: s, point: s.length + exp };
}

/** Rounds `d` to `keep` significant digits, half to even; may carry into a new digit. */
function roundDigits(d: Decimal, keep: number): Decimal {
  if (keep < 0) return { digits: '0', point: d.point };
  if (d.digits.length <= keep)
    return { digits: d.digits.padEnd(keep, '0'), point: d.point };
  const kept = d.digits.slice(0, keep);
  const rest = d.digits.slice(keep);
  const last = keep > 0 ? Number(kept[keep - 1]) : 0;
  const up =
    rest[0] > '5' ||
    (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || last % 2 === 1));
  if (!up) return { digits: kept || '0', point: keep > 0 ? d.point : d.point };
  if (keep === 0) return { digits: '1', point: d.point + 1 };
  const bumped = (BigInt(kept) + 1n).toString();
  if (bumped.length > keep)
    return { digits: bumped.slice(0, keep), point: d.point + 1 };
  return { digits: bumped, point: d.point };
}

function checkFinite(x: number): string | undefined {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return undefined;
}

/** `'%.{p}f' % x` without sign handling of NaN/inf (callers add flags). */
export function formatFixed(x: number, p: number): string {
  const special = checkFinite(x);
  if (special) return special;
  if (p > 200) throw unsupported('float precision above 200');
  const d = exactDecimal(x);
  const r = roundDigits(d, d.point + p);
  let intPart: string;
  let frac: string;
  if (r.point <= 0) {
    intPart = '0';
    frac = ('0'.repeat(-r.point) + r.digits).slice(0, p).padEnd(p, '0');
  } else {
    const all = r.digits.padEnd(r.point + p, '0');
    intPart = all.slice(0, r.point);
    frac = all.slice(r.point, r.point + p);
  }
  intPart = intPart.replace(/^0+(?=\d)/, '');
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  return sign + intPart + (p > 0 ? `.${frac}` : '');
}

/** `'%.{p}e' % x`. */
export function formatExp(
  x: number,
  p: number,
  upper = false,
  alt = false,
): string {
  const special = checkFinite(x);
  if (special) return upper ? special.toUpperCase() : special;
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  let digits: string;
  let exp: number;
  if (x === 0) {
    digits = '0'.repeat(p + 1);
    exp = 0;
  } else {
    const r = roundDigits(exactDecimal(x), p + 1);
    digits = r.digits;
    exp = r.point - 1;
  }
  const mant = digits[0] + (p > 0 || alt ? `.${digits.slice(1)}` : '');
  const e = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return `${sign}${mant}${upper ? 'E' : 'e'}${e}`;
}

/** `'%.{p}g' % x`: fixed or exponent by magnitude, trailing zeros dropped unless `alt`. */
export function formatGeneral(
  x: number,
  p: number,
  upper = false,
  alt = false,
): string {
  const special = checkFinite(x);
  if (special) return upper ? special.toUpperCase() : special;
  const prec = p === 0 ? 1 : p;
  let exp = 0;
  if (x !== 0) exp = roundDigits(exactDecimal(x), prec).point - 1;
  let s: string;
  if (exp >= -4 && exp < prec) {
    s = formatFixed(x, prec - 1 - exp);
  } else {
    s = formatExp(x, prec - 1, upper, alt);
  }
  if (!alt) {
    const [m, e] = s.split(/(?=[eE])/);
    const trimmed = m.includes('.')
      ? m.replace(/0+$/, '').replace(/\.$/, '')
      : m;
    s = trimmed + (e ?? '');
  } else if (!s.includes('.') && !/[eE]/.test(s)) {
    s += '.';
  }
  return s;
}

/** Python's round(x, n) for a float: the nearest float to the half-even decimal rounding. */
export function roundFloat(x: number, n: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  if (n > 300) return x;
  const d = exactDecimal(x);
  const r = roundDigits(d, d.point + n);
  if (r.digits === '0' || d.point + n < 0) return x < 0 ? -0 : 0;
  const text = `0.${r.digits}e${r.point}`;
  return (x < 0 ? -1 : 1) * Number(text);
}

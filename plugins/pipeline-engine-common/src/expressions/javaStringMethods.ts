/*
 * java.lang.String methods expressions may call, with Java's semantics:
 * exceptions Java would throw (index out of range, null argument) become
 * `method` errors instead of silently returning something else.
 */
import { fail } from './errors';
import { javaMatches, javaReplaceAll, javaSplit } from './javaRegex';
import { renderText, typeName } from './values';

/**
 * One callable method: arity bounds and the implementation.
 *
 * @public
 */
export interface MethodSpec<T> {
  minArgs: number;
  maxArgs: number;
  call(receiver: T, args: readonly unknown[]): unknown;
}

/** A string argument; Java would throw on null or on a non-string. */
export function stringArg(
  method: string,
  args: readonly unknown[],
  i: number,
): string {
  const v = args[i];
  if (typeof v !== 'string') {
    fail(
      'method',
      `${method}() argument ${i + 1} must be a string, got ${typeName(v)}`,
    );
  }
  return v;
}

/** An int argument. */
export function intArg(
  method: string,
  args: readonly unknown[],
  i: number,
): number {
  const v = args[i];
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    fail(
      'method',
      `${method}() argument ${i + 1} must be an integer, got ${typeName(v)}`,
    );
  }
  return v;
}

/** Java's trim: strips code points <= U+0020 only, not all Unicode spaces. */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 32) start++;
  while (end > start && s.charCodeAt(end - 1) <= 32) end--;
  return s.slice(start, end);
}

function outOfRange(method: string, detail: string): never {
  return fail('method', `${method}(): ${detail}`);
}

const m = <T>(
  minArgs: number,
  maxArgs: number,
  call: (receiver: T, args: readonly unknown[]) => unknown,
): MethodSpec<T> => ({ minArgs, maxArgs, call });

/**
 * The supported java.lang.String methods by name.
 *
 * @public
 */
export const JAVA_STRING_METHODS: Readonly<Record<string, MethodSpec<string>>> =
  {
    toLowerCase: m(0, 0, s => s.toLowerCase()),
    toUpperCase: m(0, 0, s => s.toUpperCase()),
    trim: m(0, 0, javaTrim),
    length: m(0, 0, s => s.length),
    isEmpty: m(0, 0, s => s.length === 0),
    toString: m(0, 0, s => s),
    contains: m(1, 1, (s, a) => s.includes(stringArg('contains', a, 0))),
    startsWith: m(1, 2, (s, a) => {
      const prefix = stringArg('startsWith', a, 0);
      const offset = a.length > 1 ? intArg('startsWith', a, 1) : 0;
      return offset >= 0 && offset <= s.length && s.startsWith(prefix, offset);
    }),
    endsWith: m(1, 1, (s, a) => s.endsWith(stringArg('endsWith', a, 0))),
    equals: m(1, 1, (s, a) => typeof a[0] === 'string' && s === a[0]),
    equalsIgnoreCase: m(
      1,
      1,
      (s, a) =>
        typeof a[0] === 'string' && s.toLowerCase() === a[0].toLowerCase(),
    ),
    concat: m(1, 1, (s, a) => s + stringArg('concat', a, 0)),
    indexOf: m(1, 2, (s, a) =>
      s.indexOf(
        stringArg('indexOf', a, 0),
        a.length > 1 ? Math.max(0, intArg('indexOf', a, 1)) : 0,
      ),
    ),
    lastIndexOf: m(1, 2, (s, a) => {
      const str = stringArg('lastIndexOf', a, 0);
      if (a.length < 2) return s.lastIndexOf(str);
      const from = intArg('lastIndexOf', a, 1);
      return from < 0 ? -1 : s.lastIndexOf(str, from);
    }),
    charAt: m(1, 1, (s, a) => {
      const i = intArg('charAt', a, 0);
      if (i < 0 || i >= s.length)
        outOfRange(
          'charAt',
          `index ${i} is out of range for length ${s.length}`,
        );
      return s[i];
    }),
    substring: m(1, 2, (s, a) => {
      const begin = intArg('substring', a, 0);
      const end = a.length > 1 ? intArg('substring', a, 1) : s.length;
      if (begin < 0 || end > s.length || begin > end) {
        outOfRange(
          'substring',
          `begin ${begin}, end ${end}, length ${s.length}`,
        );
      }
      return s.slice(begin, end);
    }),
    replace: m(2, 2, (s, a) => {
      const target = stringArg('replace', a, 0);
      const replacement = stringArg('replace', a, 1);
      // Literal, all occurrences; a function avoids "$&"-style patterns.
      return s.replaceAll(target, () => replacement);
    }),
    replaceAll: m(2, 2, (s, a) =>
      javaReplaceAll(
        s,
        stringArg('replaceAll', a, 0),
        stringArg('replaceAll', a, 1),
      ),
    ),
    replaceFirst: m(2, 2, (s, a) =>
      javaReplaceAll(
        s,
        stringArg('replaceFirst', a, 0),
        stringArg('replaceFirst', a, 1),
        false,
      ),
    ),
    split: m(1, 2, (s, a) =>
      javaSplit(
        s,
        stringArg('split', a, 0),
        a.length > 1 ? intArg('split', a, 1) : 0,
      ),
    ),
    matches: m(1, 1, (s, a) => javaMatches(s, stringArg('matches', a, 0))),
  };

/** Text of any value, for `toString()` on non-strings. */
export function javaToString(value: unknown): string {
  return renderText(value);
}

/*
 * Java regular expressions as used by String.split/replaceAll/matches and by
 * `.regex()` runtime inputs, run on RE2 (re2js): matching takes time linear in
 * the input whatever the pattern, so a user-written regex cannot block the
 * event loop (`^(a+)+$` against `aaaa…!` is as cheap as `^a+$`). Java syntax
 * that has no linear-time equivalent (backreferences, lookaround, atomic
 * groups, possessive quantifiers) is refused with a message saying so.
 */
import { RE2JS, type Matcher } from 're2js';
import { fail } from './errors';
import { LruCache } from './lru';

/** POSIX-style classes Java supports and scripts use. */
const POSIX_CLASSES: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Space: ' \\t\\n\\x0B\\f\\r',
  XDigit: '0-9a-fA-F',
  Blank: ' \\t',
};

/** Longest regex accepted, a cheap guard against pathological input. */
const MAX_REGEX_LENGTH = 500;

/** Inline flags RE2 and Java share; Java's others have no RE2 meaning. */
const SUPPORTED_FLAGS = new Set(['i', 'm', 's', '-']);

const NOT_LINEAR =
  'has no linear-time equivalent, so it is refused (regexes run on RE2 to keep matching linear)';

const compiled = new LruCache<string, RE2JS>(256);

/** Why a Java construct at `source[i]` is refused, or undefined. */
function refusal(
  source: string,
  i: number,
  inClass: boolean,
): string | undefined {
  const c = source[i];
  const next = source[i + 1];
  if (c === '\\') {
    if (!inClass && next !== undefined && /[1-9]/.test(next))
      return `backreference \\${next} ${NOT_LINEAR}`;
    if (!inClass && next === 'k' && source[i + 2] === '<')
      return `named backreference \\k<...> ${NOT_LINEAR}`;
    return undefined;
  }
  if (inClass || c !== '(' || next !== '?') return undefined;
  const rest = source.slice(i + 2);
  if (rest.startsWith('=') || rest.startsWith('!'))
    return `lookahead (?${rest[0]}...) ${NOT_LINEAR}`;
  if (rest.startsWith('<=') || rest.startsWith('<!'))
    return `lookbehind (?${rest.slice(0, 2)}...) ${NOT_LINEAR}`;
  if (rest.startsWith('>')) return `atomic group (?>...) ${NOT_LINEAR}`;
  return undefined;
}

/**
 * Translates Java syntax RE2 spells differently (POSIX `\p{Lower}`, `\Z`,
 * `(?<name>`), refusing what RE2 cannot run in linear time.
 */
function toRe2Syntax(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    const why = refusal(source, i, inClass);
    if (why) fail('method', `regular expression "${source}": ${why}`);
    if (c === '\\') {
      const n = source[i + 1];
      if (n === undefined)
        fail('method', `regular expression "${source}" ends with "\\"`);
      if (n === 'Q') {
        const end = source.indexOf('\\E', i + 2);
        const literal = source.slice(i + 2, end === -1 ? source.length : end);
        out += RE2JS.quote(literal);
        i = end === -1 ? source.length : end + 1;
        continue;
      }
      if ((n === 'z' || n === 'Z') && !inClass) {
        out += '\\z';
        i++;
        continue;
      }
      if (n === 'p' || n === 'P') {
        const m = /^\{(?:Is)?(\w+)\}/.exec(source.slice(i + 2));
        const posix = m ? POSIX_CLASSES[m[1]] : undefined;
        if (m && posix) {
          if (inClass && n === 'P')
            fail('method', 'negated \\P{...} inside [...] is not supported');
          out += inClass ? posix : `[${n === 'P' ? '^' : ''}${posix}]`;
          i += 1 + m[0].length;
          continue;
        }
      }
      if ('hHRXG'.includes(n))
        fail('method', `regex escape \\${n} is not supported`);
      out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      if (c === '[' || (c === '&' && source[i + 1] === '&')) {
        fail(
          'method',
          'nested or intersected character classes are not supported',
        );
      }
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A leading "]" or "^]" is literal in Java, as in RE2.
      if (source[i + 1] === '^') out += source[++i];
      if (source[i + 1] === ']') out += `\\${source[++i]}`;
      continue;
    }
    if (c === '(' && source[i + 1] === '?') {
      const flags = /^\(\?([a-zA-Z-]*)[:)]/.exec(source.slice(i));
      const unsupported = flags?.[1]
        .split('')
        .filter(flag => !SUPPORTED_FLAGS.has(flag));
      if (unsupported?.length)
        fail(
          'method',
          `regex flag (?${unsupported.join('')}) is not supported`,
        );
      if (source[i + 2] === '<' && /[a-zA-Z]/.test(source[i + 3] ?? '')) {
        out += '(?P<';
        i += 2;
        continue;
      }
    }
    if (
      (c === '+' || c === '*' || c === '?' || c === '}') &&
      source[i + 1] === '+'
    ) {
      fail('method', `possessive quantifiers ${NOT_LINEAR}`);
    }
    out += c;
  }
  return out;
}

/**
 * Compiles Java regex `source` for RE2 (linear-time matching). Compiled
 * patterns are cached.
 * @throws ExpressionError `method` for invalid or unsupported syntax
 * @public
 */
export function javaRegExp(source: string): RE2JS {
  const cached = compiled.get(source);
  if (cached) return cached;
  if (source.length > MAX_REGEX_LENGTH) {
    fail(
      'method',
      `regular expression is longer than ${MAX_REGEX_LENGTH} characters`,
    );
  }
  const translated = toRe2Syntax(source);
  let re: RE2JS;
  try {
    re = RE2JS.compile(translated);
  } catch (e) {
    return fail(
      'method',
      `invalid regular expression "${source}": ${(e as Error).message}`,
    );
  }
  compiled.set(source, re);
  return re;
}

/**
 * Why Java regex `source` cannot be used, or undefined when it compiles.
 * For validation: names the construct (e.g. a backreference) and why.
 * @public
 */
export function javaRegexProblem(source: string): string | undefined {
  try {
    javaRegExp(source);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Every match of `re` in `input`, in order, as Java's `Matcher.find` loop. */
function* findAll(re: RE2JS, input: string): Generator<Matcher> {
  const matcher = re.matcher(input);
  while (matcher.find()) yield matcher;
}

/**
 * Java's `String.split(regex, limit)`, ported from `Pattern.split`.
 * @public
 */
export function javaSplit(input: string, regex: string, limit = 0): string[] {
  const re = javaRegExp(regex);
  const matchLimited = limit > 0;
  const list: string[] = [];
  let index = 0;
  for (const m of findAll(re, input)) {
    const start = m.start();
    const end = m.end();
    if (!matchLimited || list.length < limit - 1) {
      // No empty leading substring for a zero-width match at the beginning.
      if (index === 0 && start === 0 && start === end) continue;
      list.push(input.slice(index, start));
      index = end;
    } else {
      break;
    }
  }
  if (index === 0) return [input];
  list.push(input.slice(index));
  if (limit === 0) {
    while (list.length > 0 && list[list.length - 1] === '') list.pop();
  }
  return list;
}

type ReplacementPiece = string | number | { name: string };

/** Parses a Java replacement: `$n` / `${name}` insert groups, `\x` is x. */
function parseReplacement(replacement: string): ReplacementPiece[] {
  const pieces: ReplacementPiece[] = [];
  let literal = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i];
    if (c === '\\') {
      i++;
      if (i >= replacement.length) fail('method', 'replacement ends with "\\"');
      literal += replacement[i];
    } else if (c === '$') {
      const named = /^\{([a-zA-Z][a-zA-Z0-9]*)\}/.exec(
        replacement.slice(i + 1),
      );
      const num = /^\d/.exec(replacement.slice(i + 1));
      if (!named && !num)
        fail('method', 'illegal "$" in replacement; escape it as "\\$"');
      if (literal) pieces.push(literal);
      literal = '';
      if (named) {
        pieces.push({ name: named[1] });
        i += named[0].length;
      } else {
        pieces.push(Number(replacement[i + 1]));
        i++;
      }
    } else {
      literal += c;
    }
  }
  if (literal) pieces.push(literal);
  return pieces;
}

/**
 * Java's `replaceAll(regex, replacement)`: `$n` / `${name}` insert groups,
 * `\x` inserts x literally. With `all` false, Java's `replaceFirst`.
 * @public
 */
export function javaReplaceAll(
  input: string,
  regex: string,
  replacement: string,
  all = true,
): string {
  const re = javaRegExp(regex);
  const pieces = parseReplacement(replacement);
  const groupCount = re.groupCount();
  const names = re.namedGroups();
  let out = '';
  let appended = 0;
  for (const m of findAll(re, input)) {
    out += input.slice(appended, m.start());
    for (const piece of pieces) {
      if (typeof piece === 'string') {
        out += piece;
      } else if (typeof piece === 'number') {
        if (piece > groupCount)
          fail('method', `no group ${piece} in regular expression "${regex}"`);
        out += m.group(piece) ?? '';
      } else {
        if (!(piece.name in names))
          fail('method', `no group named "${piece.name}"`);
        out += m.group(piece.name) ?? '';
      }
    }
    appended = m.end();
    if (!all) break;
  }
  return out + input.slice(appended);
}

/**
 * Java's `String.matches(regex)`: the whole string must match.
 * @public
 */
export function javaMatches(input: string, regex: string): boolean {
  return javaRegExp(regex).matches(input);
}

/**
 * A whole-text matcher for a pattern the caller builds in RE2 syntax (e.g. a
 * translated glob), matching in linear time. `dotAll`: `.` matches newlines.
 * @throws Error for invalid RE2 syntax
 * @public
 */
export function linearMatcher(
  source: string,
  options: { dotAll?: boolean } = {},
): { test(text: string): boolean } {
  const re = RE2JS.compile(source, options.dotAll ? RE2JS.DOTALL : 0);
  return { test: text => re.matches(text) };
}

/*
 * Java regular expressions as used by String.split/replaceAll/matches,
 * translated to JavaScript for the common cases. Syntax JavaScript cannot
 * express the same way is refused rather than silently changed.
 */
import { fail } from './errors';

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

/** Escapes text for literal use in a JavaScript regex. */
function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/**
 * A JavaScript RegExp equivalent to Java regex `source`.
 * @throws ExpressionError `method` for invalid or unsupported syntax
 */
export function javaRegExp(source: string, flags = ''): RegExp {
  if (source.length > MAX_REGEX_LENGTH) {
    fail(
      'method',
      `regular expression is longer than ${MAX_REGEX_LENGTH} characters`,
    );
  }
  let src = source;
  let extraFlags = '';
  const inline = /^\(\?([imsx]+)\)/.exec(src);
  if (inline) {
    if (inline[1].includes('x'))
      fail('method', 'regex flag (?x) is not supported');
    extraFlags = inline[1];
    src = src.slice(inline[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined)
        fail('method', `regular expression "${source}" ends with "\\"`);
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const literal = src.slice(i + 2, end === -1 ? src.length : end);
        out += escapeLiteral(literal);
        i = end === -1 ? src.length : end + 1;
        continue;
      }
      if (n === 'A' && !inClass) {
        out += '^';
        i++;
        continue;
      }
      if ((n === 'z' || n === 'Z') && !inClass) {
        out += '$';
        i++;
        continue;
      }
      if (n === 'p' || n === 'P') {
        const m = /^\{(?:Is)?(\w+)\}/.exec(src.slice(i + 2));
        const cls = m ? POSIX_CLASSES[m[1]] : undefined;
        if (!m || !cls)
          fail('method', `regex class \\${n}${m ? m[0] : ''} is not supported`);
        const body = n === 'P' ? `^${cls}` : cls;
        out += inClass ? cls : `[${body}]`;
        if (inClass && n === 'P')
          fail('method', 'negated \\P{...} inside [...] is not supported');
        i += 1 + m[0].length;
        continue;
      }
      if ('hHRXGZ'.includes(n))
        fail('method', `regex escape \\${n} is not supported`);
      out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      if (c === '[' || (c === '&' && src[i + 1] === '&')) {
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
      // A leading "]" or "^]" is literal in Java, as in JavaScript.
      continue;
    }
    if (c === '(' && src[i + 1] === '?' && src[i + 2] === '>') {
      fail('method', 'atomic groups (?>...) are not supported');
    }
    if (
      (c === '+' || c === '*' || c === '?' || c === '}') &&
      src[i + 1] === '+'
    ) {
      fail('method', 'possessive quantifiers are not supported');
    }
    out += c;
  }
  try {
    return new RegExp(out, [...new Set(flags + extraFlags)].join(''));
  } catch (e) {
    return fail(
      'method',
      `invalid regular expression "${source}": ${(e as Error).message}`,
    );
  }
}

/** Java's `String.split(regex, limit)`, ported from `Pattern.split`. */
export function javaSplit(input: string, regex: string, limit = 0): string[] {
  const re = javaRegExp(regex, 'g');
  const matchLimited = limit > 0;
  const list: string[] = [];
  let index = 0;
  for (let m = re.exec(input); m !== null; m = re.exec(input)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[0].length === 0) re.lastIndex++; // step past empty matches
    if (!matchLimited || list.length < limit - 1) {
      // No empty leading substring for a zero-width match at the beginning.
      if (index === 0 && start === 0 && start === end) continue;
      list.push(input.slice(index, start));
      index = end;
    } else {
      break;
    }
    if (start >= input.length) break;
  }
  if (index === 0) return [input];
  list.push(input.slice(index));
  if (limit === 0) {
    while (list.length > 0 && list[list.length - 1] === '') list.pop();
  }
  return list;
}

/**
 * Java's `replaceAll(regex, replacement)`: `$n` / `${name}` insert groups,
 * `\x` inserts x literally. With `all` false, Java's `replaceFirst`.
 */
export function javaReplaceAll(
  input: string,
  regex: string,
  replacement: string,
  all = true,
): string {
  const re = javaRegExp(regex, all ? 'g' : '');
  type Piece = string | number | { name: string };
  const pieces: Piece[] = [];
  let lit = '';
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i];
    if (c === '\\') {
      i++;
      if (i >= replacement.length) fail('method', 'replacement ends with "\\"');
      lit += replacement[i];
    } else if (c === '$') {
      const named = /^\{([a-zA-Z][a-zA-Z0-9]*)\}/.exec(
        replacement.slice(i + 1),
      );
      const num = /^\d/.exec(replacement.slice(i + 1));
      if (!named && !num)
        fail('method', 'illegal "$" in replacement; escape it as "\\$"');
      if (lit) pieces.push(lit);
      lit = '';
      if (named) {
        pieces.push({ name: named[1] });
        i += named[0].length;
      } else {
        pieces.push(Number(replacement[i + 1]));
        i++;
      }
    } else {
      lit += c;
    }
  }
  if (lit) pieces.push(lit);
  return input.replace(re, (...args: unknown[]) => {
    const last = args[args.length - 1];
    const groupsObj =
      typeof last === 'object' && last !== null
        ? (last as Record<string, string | undefined>)
        : undefined;
    const groupCount = args.length - (groupsObj ? 4 : 3);
    return pieces
      .map(p => {
        if (typeof p === 'string') return p;
        if (typeof p === 'number') {
          if (p > groupCount)
            fail('method', `no group ${p} in regular expression "${regex}"`);
          return (args[p] as string | undefined) ?? '';
        }
        if (!groupsObj || !(p.name in groupsObj))
          fail('method', `no group named "${p.name}"`);
        return groupsObj[p.name] ?? '';
      })
      .join('');
  });
}

/** Java's `String.matches(regex)`: the whole string must match. */
export function javaMatches(input: string, regex: string): boolean {
  const re = javaRegExp(regex);
  return new RegExp(`^(?:${re.source})$`, re.flags).test(input);
}

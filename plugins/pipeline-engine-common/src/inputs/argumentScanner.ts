/*
 * Scanners for the argument list of one `<+input>` modifier, e.g. the
 * `a, 'b,c'` in `.allowedValues(a, 'b,c')`. They find the closing `)` and,
 * for value lists, split on top-level commas. Both are single left-to-right
 * passes so malformed or hostile text costs linear time.
 */

/** One comma-separated argument: as written (trimmed) and with quotes removed. */
export interface ScannedItem {
  raw: string;
  value: string;
}

/** What a scanner found after an opening `(`. */
export interface ScanResult {
  /** Index of the closing `)`; -1 when the list never closes. */
  end: number;
  /** Text between the parentheses, untouched. */
  raw: string;
  /** Top-level comma-separated items (value lists only). */
  items: ScannedItem[];
  /** Why scanning stopped early; `at` is an index into the source. */
  error?: { message: string; hint: string; at: number };
}

/**
 * Removes the quotes around an item written as one quoted string.
 * Only `\\` and an escaped quote are unescaped so that regex-like text such
 * as `'\d+'` keeps its backslash.
 */
function unquote(text: string, quote: string): string {
  const inner = text.slice(1, -1);
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    const next = inner[i + 1];
    if (c === '\\' && (next === quote || next === '\\')) {
      out += next;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** Finds the closing `quote` after `from`, honouring backslash escapes; -1 if none. */
function findClosingQuote(src: string, from: number, quote: string): number {
  for (let i = from; i < src.length; i++) {
    if (src[i] === '\\') {
      i++;
    } else if (src[i] === quote) {
      return i;
    }
  }
  return -1;
}

function decodeItem(
  src: string,
  start: number,
  end: number,
  quoted: { open: number; close: number } | undefined,
): ScannedItem {
  const text = src.slice(start, end);
  const raw = text.trim();
  const lead = text.length - text.trimStart().length;
  if (
    quoted &&
    quoted.open === start + lead &&
    quoted.close === start + lead + raw.length - 1
  ) {
    return { raw, value: unquote(raw, raw[0]) };
  }
  // Harness's documented escape for values with commas: \'a,b\' or \"a,b\".
  if (raw.length >= 4 && /^\\(['"])[\s\S]*\\\1$/.test(raw)) {
    return { raw, value: raw.slice(2, -2) };
  }
  return { raw, value: raw };
}

/**
 * Scans a value list (`default`, `allowedValues`, `selectOneFrom`,
 * `selectManyFrom`) starting just after its `(`.
 *
 * Commas split items only at top level: not inside quotes, balanced
 * parentheses, JSON `[...]`/`{...}` or `<+...>` expressions. Quotes are
 * Harness's escaped `\'...\'`/`\"...\"` anywhere, or plain `'...'`/`"..."`
 * when they open an item (an apostrophe inside a word stays literal).
 */
export function scanValueArguments(src: string, start: number): ScanResult {
  const items: ScannedItem[] = [];
  let parens = 0;
  let brackets = 0;
  let expressions = 0;
  let itemStart = start;
  let quoted: { open: number; close: number } | undefined;
  const fail = (message: string, hint: string, at: number): ScanResult => ({
    end: -1,
    raw: src.slice(start),
    items,
    error: { message, hint, at },
  });

  let i = start;
  while (i < src.length) {
    const c = src[i];
    const nested = brackets > 0 || expressions > 0;
    if (c === '\\' && !nested && (src[i + 1] === "'" || src[i + 1] === '"')) {
      const close = src.indexOf(`\\${src[i + 1]}`, i + 2);
      if (close < 0) {
        return fail(
          `unterminated quote \\${src[i + 1]} at character ${i + 1}`,
          `close it with \\${src[i + 1]}`,
          i,
        );
      }
      i = close + 2;
      continue;
    }
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === "'" || c === '"') {
      const atItemStart = src.slice(itemStart, i).trim() === '';
      if (nested || atItemStart) {
        const close = findClosingQuote(src, i + 1, c);
        if (close < 0) {
          return fail(
            `unterminated quote ${c} at character ${i + 1}`,
            `close the quote, or escape a literal quote as \\${c}`,
            i,
          );
        }
        if (!nested) quoted = { open: i, close };
        i = close + 1;
        continue;
      }
    } else if (c === '<' && src[i + 1] === '+') {
      expressions++;
      i += 2;
      continue;
    } else if (c === '>' && expressions > 0) {
      expressions--;
    } else if (c === '[' || c === '{') {
      brackets++;
    } else if ((c === ']' || c === '}') && brackets > 0) {
      brackets--;
    } else if (c === '(') {
      parens++;
    } else if (c === ')') {
      if (parens === 0) {
        items.push(decodeItem(src, itemStart, i, quoted));
        return { end: i, raw: src.slice(start, i), items };
      }
      parens--;
    } else if (c === ',' && parens === 0 && !nested) {
      items.push(decodeItem(src, itemStart, i, quoted));
      itemStart = i + 1;
      quoted = undefined;
    }
    i++;
  }
  return fail(
    `missing ")" for the argument list opened at character ${start}`,
    'balance the parentheses; quote a value that contains a parenthesis',
    start - 1,
  );
}

/**
 * Scans a `regex(...)` argument starting just after its `(`. The argument is
 * the raw regular expression: parentheses count only when they are not
 * escaped (`\(`) and not inside a character class (`[()]`).
 */
export function scanRegexArgument(src: string, start: number): ScanResult {
  let depth = 0;
  let classStart = -1;
  for (let i = start; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (classStart >= 0) {
      if (c === ']') classStart = -1;
      continue;
    }
    if (c === '[') {
      // A `]` right after `[` or `[^` is a literal member of the class.
      classStart = src[i + 1] === '^' ? i + 2 : i + 1;
      if (src[classStart] === ']') classStart++;
      i = classStart - 1;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      if (depth === 0) {
        const raw = src.slice(start, i);
        return { end: i, raw, items: [{ raw, value: raw }] };
      }
      depth--;
    }
  }
  return {
    end: -1,
    raw: src.slice(start),
    items: [],
    error: {
      message:
        classStart >= 0
          ? 'unterminated character class "[" in regex'
          : `missing ")" for the regex opened at character ${start}`,
      hint: 'balance the parentheses of the regex; escape a literal parenthesis as \\( or \\)',
      at: start - 1,
    },
  };
}

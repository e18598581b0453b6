import { bind } from './args';
import { unsupported } from './errors';
import {
  type PyValue,
  iterate,
  numeric,
  pyStr,
  strChars,
  truthy,
} from './values';

/*
 * cookiecutter's `slugify` filter is python-slugify (4.x). Its first step is
 * unidecode's transliteration table, which we do not carry, so only ASCII
 * text (and no HTML entities) is accepted; anything else is refused.
 */

const PARAMS = [
  'entities',
  'decimal',
  'hexadecimal',
  'max_length',
  'word_boundary',
  'separator',
  'save_order',
  'stopwords',
  'regex_pattern',
  'lowercase',
  'replacements',
];

function smartTruncate(
  s: string,
  maxLength: number,
  wordBoundary: boolean,
  separator: string,
  saveOrder: boolean,
): string {
  const strip = (x: string) => {
    let a = 0;
    let b = x.length;
    while (a < b && separator.includes(x[a])) a++;
    while (b > a && separator.includes(x[b - 1])) b--;
    return x.slice(a, b);
  };
  const string = strip(s);
  if (!maxLength || string.length < maxLength) return string;
  if (!wordBoundary) return strip(string.slice(0, maxLength));
  if (!string.includes(separator)) return string.slice(0, maxLength);
  let truncated = '';
  for (const word of string.split(separator)) {
    if (!word) continue;
    const next = truncated.length + word.length;
    if (next < maxLength) truncated += word + separator;
    else if (next === maxLength) {
      truncated += word;
      break;
    } else if (saveOrder) break;
  }
  if (!truncated) truncated = string.slice(0, maxLength);
  return strip(truncated);
}

/** python-slugify's slugify() for ASCII text. */
export function slugify(
  input: string,
  args: PyValue[],
  kwargs: Map<string, PyValue>,
): string {
  const v = bind({ name: 'slugify', params: PARAMS }, args, kwargs).values;
  const opt = (i: number, dflt: boolean) =>
    v[i] === undefined ? dflt : truthy(v[i]!);
  if (v[8] !== undefined && v[8] !== null)
    throw unsupported('slugify(regex_pattern=...)');
  let text = input;
  const replacements =
    v[10] === undefined
      ? []
      : iterate(v[10]).map(pair => iterate(pair).map(pyStr));
  for (const [o, n] of replacements) text = text.split(o).join(n);
  text = text.replace(/'+/g, '-');
  if ([...text].some(c => c.charCodeAt(0) >= 0x80))
    throw unsupported(
      'slugify of non-ASCII text (python-slugify transliterates it with unidecode)',
    );
  if (
    (opt(0, true) && /&\w+;/.test(text)) ||
    (opt(1, true) && /&#\d+;/.test(text)) ||
    (opt(2, true) && /&#x[\da-fA-F]+;/.test(text))
  ) {
    throw unsupported('slugify of text with HTML character references');
  }
  const lowercase = opt(9, true);
  if (lowercase) text = text.toLowerCase();
  text = text.replace(/'+/g, '');
  text = text.replace(/(?<=\d),(?=\d)/g, '');
  text = text.replace(lowercase ? /[^-a-z0-9]+/g : /[^-a-zA-Z0-9]+/g, '-');
  text = text.replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '');
  if (v[7] !== undefined) {
    const stop = iterate(v[7])
      .map(pyStr)
      .map(s => (lowercase ? s.toLowerCase() : s));
    text = text
      .split('-')
      .filter(w => !stop.includes(w))
      .join('-');
  }
  for (const [o, n] of replacements) text = text.split(o).join(n);
  const maxLength = v[3] === undefined ? 0 : (numeric(v[3]) ?? 0);
  if (maxLength > 0)
    text = smartTruncate(text, maxLength, opt(4, false), '-', opt(6, false));
  const separator = v[5] === undefined ? '-' : pyStr(v[5]);
  if (separator !== '-') text = text.split('-').join(separator);
  return strChars(text).join('');
}

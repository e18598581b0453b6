import { linearMatcher } from '@idp-pipelines/plugin-pipeline-engine-common';
import { CookiecutterTemplateError } from '../errors';

/*
 * Python's fnmatch.fnmatch on POSIX, as cookiecutter matches
 * `_copy_without_render` patterns: `*` also matches `/`, `[!x]` negates,
 * an unclosed `[` is literal. The whole path must match. Patterns come from
 * templates anyone may point a pipeline at, so they run on RE2 (linear
 * time): `*a*a*a…b` cannot stall the backend.
 */

const SPECIAL = /[\\^$.*+?()[\]{}|/]/g;

function classBody(stuff: string): string {
  // Inside a class only `\`, `]`, `[` and a leading `^` need escaping for JS.
  return stuff.replace(/[\\\]\[]/g, c => `\\${c}`);
}

/** Translates a pattern into a whole-path matcher. */
export function translate(pat: string): { test(name: string): boolean } {
  const chars = Array.from(pat);
  let out = '';
  let i = 0;
  while (i < chars.length) {
    const c = chars[i++];
    if (c === '*') {
      if (!out.endsWith('.*')) out += '.*';
    } else if (c === '?') {
      out += '.';
    } else if (c === '[') {
      let j = i;
      if (j < chars.length && chars[j] === '!') j++;
      if (j < chars.length && chars[j] === ']') j++;
      while (j < chars.length && chars[j] !== ']') j++;
      if (j >= chars.length) {
        out += '\\[';
        continue;
      }
      let stuff = chars.slice(i, j).join('');
      i = j + 1;
      const negate = stuff.startsWith('!');
      if (negate) stuff = stuff.slice(1);
      if (stuff === '') {
        // `[!]` is any character; `[]` nothing (RE2 has no `(?!)`).
        out += negate ? '.' : '[^\\x00-\\x{10FFFF}]';
        continue;
      }
      // Ranges: keep `a-z` as a range, a reversed one is refused rather than guessed.
      const parts = Array.from(stuff);
      let body = '';
      for (let k = 0; k < parts.length; k++) {
        if (parts[k + 1] === '-' && k + 2 < parts.length) {
          if (parts[k] > parts[k + 2]) {
            throw new CookiecutterTemplateError(
              `_copy_without_render pattern "${pat}" has a reversed range ${parts[k]}-${parts[k + 2]}`,
              'cookiecutter.json',
              undefined,
              true,
            );
          }
          body += `${classBody(parts[k])}-${classBody(parts[k + 2])}`;
          k += 2;
        } else {
          body += parts[k] === '-' ? '\\-' : classBody(parts[k]);
        }
      }
      out += `[${negate ? '^' : ''}${body}]`;
    } else {
      out += c.replace(SPECIAL, m => `\\${m}`);
    }
  }
  return linearMatcher(out, { dotAll: true });
}

const compiled = new Map<string, { test(name: string): boolean }>();

/** fnmatch.fnmatch(name, pattern); translated patterns are kept, as Python's fnmatch caches them. */
export function fnmatch(name: string, pattern: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    regex = translate(pattern);
    if (compiled.size >= 256) compiled.clear();
    compiled.set(pattern, regex);
  }
  return regex.test(name);
}

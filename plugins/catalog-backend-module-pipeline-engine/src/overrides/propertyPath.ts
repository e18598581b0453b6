import { InputError } from '@backstage/errors';

const PLAIN_SEGMENT = /^[^.[\]"'\s<>]+$/;
const UNSAFE_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
/** Fields the catalog derives an entity's identity and version from. */
const PROTECTED = new Set([
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'metadata.etag',
  'metadata.generation',
]);

/**
 * Parses a property path: `metadata.testCoverage`,
 * `metadata.annotations["example.com/owner"]`, or Harness's wrapped
 * `<+metadata.testCoverage>`. Only paths below `metadata` or `spec` that
 * leave the entity's identity alone are accepted.
 */
export function parsePropertyPath(property: string): string[] {
  let text = property.trim();
  const wrapped = /^<\+(.*)>$/s.exec(text);
  if (wrapped) text = wrapped[1].trim();
  const segments: string[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new InputError(
      `property ${JSON.stringify(property)} is not a valid path: ${why}; write a dot path such as metadata.testCoverage, quoting keys with dots as metadata.annotations["example.com/owner"]`,
    );
  };
  while (i < text.length) {
    if (text[i] === '[') {
      const quote = text[i + 1];
      if (quote !== '"' && quote !== "'")
        fail(`expected a quoted key after "[" at ${i}`);
      const end = text.indexOf(`${quote}]`, i + 2);
      if (end < 0) fail(`unterminated [${quote} at ${i}`);
      segments.push(text.slice(i + 2, end));
      i = end + 2;
    } else {
      let end = i;
      while (end < text.length && text[end] !== '.' && text[end] !== '[') end++;
      const segment = text.slice(i, end);
      if (!PLAIN_SEGMENT.test(segment)) {
        fail(
          segment
            ? `unexpected characters in ${JSON.stringify(segment)}`
            : `empty segment at ${i}`,
        );
      }
      segments.push(segment);
      i = end;
    }
    if (i < text.length) {
      if (text[i] === '.') {
        i++;
        if (i === text.length) fail('it ends with "."');
      } else if (text[i] !== '[') {
        fail(`unexpected ${JSON.stringify(text[i])} at ${i}`);
      }
    }
  }
  if (segments.length === 0) fail('it is empty');
  for (const segment of segments) {
    if (segment === '') fail('a quoted key is empty');
    if (UNSAFE_SEGMENTS.has(segment))
      fail(`${JSON.stringify(segment)} is not allowed as a key`);
  }
  if (segments[0] !== 'metadata' && segments[0] !== 'spec') {
    throw new InputError(
      `property ${JSON.stringify(property)} must start with metadata. or spec. (e.g. metadata.${segments.join('.')})`,
    );
  }
  if (segments.length < 2) {
    throw new InputError(
      `property ${JSON.stringify(property)} would replace all of ${segments[0]}; name a field inside it, e.g. ${segments[0]}.testCoverage`,
    );
  }
  const head = `${segments[0]}.${segments[1]}`;
  if (PROTECTED.has(head)) {
    throw new InputError(
      `property ${JSON.stringify(property)} cannot be changed: ${head} identifies the entity in the catalog`,
    );
  }
  return segments;
}

/** The canonical text of a parsed path, as stored. */
export function formatPropertyPath(segments: string[]): string {
  return segments
    .map((segment, index) => {
      if (PLAIN_SEGMENT.test(segment))
        return index === 0 ? segment : `.${segment}`;
      // No escapes in quoted keys: pick the quote the key does not contain.
      return segment.includes('"') ? `['${segment}']` : `["${segment}"]`;
    })
    .join('');
}

/** True when `path` lies strictly below `ancestor`. */
export function isDescendantPath(path: string[], ancestor: string[]): boolean {
  return (
    path.length > ancestor.length &&
    ancestor.every((segment, i) => path[i] === segment)
  );
}

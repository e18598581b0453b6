/*
 * Bounded nesting for untrusted documents. Request bodies, input sets and
 * trigger payloads are walked recursively in many places (conversion,
 * storage as JSON, YAML parsing); a value nested thousands of levels deep
 * would overflow the stack there (or, for YAML flow collections, exhaust
 * memory in the parser). These checks are iterative, so they hold at any
 * depth, and run before anything recursive touches the document.
 */

/**
 * Deepest nesting of maps and lists accepted in a document, request body,
 * input set or trigger payload. Real pipelines stay far below it.
 * @public
 */
export const MAX_NESTING_DEPTH = 64;

/**
 * True when `value` nests maps/lists more than `max` levels deep. Iterative.
 * @public
 */
export function nestingExceeds(
  value: unknown,
  max = MAX_NESTING_DEPTH,
): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > max) return true;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (typeof child === 'object' && child !== null)
        stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}

/**
 * True when YAML text opens flow collections (`[`, `{`) more than `max`
 * levels deep, outside quoted scalars and comments. A cheap scan done before
 * parsing: the YAML parser itself cannot take such input safely.
 * @public
 */
export function yamlFlowNestingExceeds(
  text: string,
  max = MAX_NESTING_DEPTH,
): boolean {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== undefined) {
      if (quote === '"' && c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const end = text.indexOf('\n', i);
      if (end === -1) break;
      i = end;
    } else if ((c === '"' || c === "'") && startsScalar(text, i)) {
      quote = c;
    } else if (c === '[' || c === '{') {
      depth++;
      if (depth > max) return true;
    } else if ((c === ']' || c === '}') && depth > 0) {
      depth--;
    }
  }
  return false;
}

/** True when a quote at `i` opens a quoted scalar: after an indicator or at a line start. */
function startsScalar(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && (text[j] === ' ' || text[j] === '\t')) j--;
  return j < 0 || '[{,:-?\n'.includes(text[j]);
}

/**
 * The message for a document nested too deeply, naming what and the limit.
 * @public
 */
export function nestingMessage(what: string): string {
  return `${what} is nested more than ${MAX_NESTING_DEPTH} levels deep; at most ${MAX_NESTING_DEPTH} levels of maps and lists are accepted`;
}

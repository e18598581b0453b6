/** A spec with some fields taken out, and how to put them back. */
export interface SplitSpec {
  /** The spec without the deferred fields (those are replaced by null). */
  rest: unknown;
  /** Puts the original deferred values back into a rendered copy of `rest`. */
  restore(rendered: unknown): unknown;
}

/**
 * Takes the fields matching `patterns` (dot paths, `*` = any key or index)
 * out of a spec so the engine renders everything else, then puts them back
 * unrendered for the handler to evaluate itself.
 */
export function splitDeferred(
  spec: unknown,
  patterns: readonly string[] | undefined,
): SplitSpec {
  if (!patterns?.length) return { rest: spec, restore: r => r };
  const taken: Array<{ path: Array<string | number>; value: unknown }> = [];
  // Specs are plain JSON from YAML; a JSON copy keeps plain prototypes
  // (structuredClone's objects fail plain-object checks across realms).
  const rest: unknown = JSON.parse(JSON.stringify(spec));
  for (const pattern of patterns) collect(rest, pattern.split('.'), [], taken);
  return {
    rest,
    restore(rendered) {
      for (const { path, value } of taken) setAt(rendered, path, value);
      return rendered;
    },
  };
}

function collect(
  node: unknown,
  pattern: string[],
  at: Array<string | number>,
  out: Array<{ path: Array<string | number>; value: unknown }>,
): void {
  if (node === null || typeof node !== 'object') return;
  const [head, ...tail] = pattern;
  const container = node as Record<string | number, unknown>;
  let keys: string[] = [];
  if (head === '*') keys = Object.keys(container);
  else if (Object.prototype.hasOwnProperty.call(container, head)) keys = [head];
  for (const key of keys) {
    const k: string | number = Array.isArray(node) ? Number(key) : key;
    if (tail.length) {
      collect(container[k], tail, [...at, k], out);
    } else {
      out.push({ path: [...at, k], value: container[k] });
      container[k] = null;
    }
  }
}

function setAt(
  node: unknown,
  path: Array<string | number>,
  value: unknown,
): void {
  let current = node as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    if (current[key] === null || typeof current[key] !== 'object') return;
    current = current[key] as Record<string | number, unknown>;
  }
  current[path[path.length - 1]] = value;
}

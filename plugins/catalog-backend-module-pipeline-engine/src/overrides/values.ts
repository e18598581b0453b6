import { InputError } from '@backstage/errors';
import type { JsonObject, JsonValue, PropertyMode } from '../types';
import { formatPropertyPath } from './propertyPath';

/** Thrown when a value cannot be set or appended where asked. */
export class PropertyConflictError extends InputError {}

/** True for a JSON map (not a list, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: JsonValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isJsonObject(value)) return 'a map';
  const text = JSON.stringify(value);
  return `a ${typeof value} (${text.length > 40 ? `${text.slice(0, 37)}...` : text})`;
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(
  a: JsonValue | undefined,
  b: JsonValue | undefined,
): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => jsonEqual(item, b[i]))
    );
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every(
        k =>
          Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]),
      )
    );
  }
  return false;
}

/** The value at `path`, or undefined when any part is missing. */
export function getAt(root: JsonValue, path: string[]): JsonValue | undefined {
  let node: JsonValue | undefined = root;
  for (const segment of path) {
    if (
      !isJsonObject(node) ||
      !Object.prototype.hasOwnProperty.call(node, segment)
    ) {
      return undefined;
    }
    node = node[segment];
  }
  return node;
}

/**
 * Sets `path` in `root`, creating missing maps on the way. Fails, naming the
 * path, when something on the way is not a map.
 */
export function setAt(
  root: JsonObject,
  path: string[],
  value: JsonValue,
): void {
  let node: JsonObject = root;
  for (let i = 0; i < path.length - 1; i++) {
    const segment = path[i];
    const next: JsonValue | undefined = Object.prototype.hasOwnProperty.call(
      node,
      segment,
    )
      ? node[segment]
      : undefined;
    if (next === undefined || next === null) {
      const created: JsonObject = {};
      node[segment] = created;
      node = created;
    } else if (isJsonObject(next)) {
      node = next;
    } else {
      throw new PropertyConflictError(
        `${formatPropertyPath(path.slice(0, i + 1))} holds ${describe(next)}, so ${formatPropertyPath(path)} cannot be set inside it`,
      );
    }
  }
  node[path[path.length - 1]] = value;
}

/**
 * `current` with `addition` appended: list items not already present, or
 * map keys (added or overwritten). Appending to nothing creates a list, or
 * a map when `addition` is one. Appending to a scalar fails.
 */
export function appendValue(
  current: JsonValue | undefined,
  addition: JsonValue,
  where: string,
): JsonValue {
  if (current === undefined || current === null) {
    if (isJsonObject(addition)) return { ...addition };
    return appendValue([], addition, where);
  }
  if (Array.isArray(current)) {
    const result = [...current];
    for (const item of Array.isArray(addition) ? addition : [addition]) {
      if (!result.some(existing => jsonEqual(existing, item)))
        result.push(item);
    }
    return result;
  }
  if (isJsonObject(current)) {
    if (!isJsonObject(addition)) {
      throw new PropertyConflictError(
        `cannot append ${describe(addition)} to ${where}: it holds a map, so append a map of keys to add (e.g. {"key": "value"})`,
      );
    }
    return { ...current, ...addition };
  }
  throw new PropertyConflictError(
    `cannot append to ${where}: it holds ${describe(current)}; append works only on lists and maps, use mode "replace" to overwrite it`,
  );
}

/** Applies one override to `root` in place. */
export function applyOverride(
  root: JsonObject,
  path: string[],
  mode: PropertyMode,
  value: JsonValue,
  where: string,
): void {
  if (mode === 'replace') {
    setAt(root, path, value);
    return;
  }
  setAt(root, path, appendValue(getAt(root, path), value, where));
}

/**
 * What an append stores, given the value it appends to: a list of items
 * when that value is (or will be) a list, a map when it is a map. Later
 * appends then merge with it without knowing the source value.
 */
export function normalizeAppendAddition(
  current: JsonValue | undefined,
  addition: JsonValue,
): JsonValue {
  if (
    isJsonObject(current) ||
    ((current === undefined || current === null) && isJsonObject(addition))
  ) {
    return addition;
  }
  return Array.isArray(addition) ? addition : [addition];
}

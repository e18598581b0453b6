/*
 * Harness's JSON functor: `json.select("path", text)`, `json.list("path",
 * text)`, `json.object(text)` and `json.format(value)`. Paths are Jayway-style
 * JSONPath with or without the leading `$` (`data.id`, `$.items[*].name`),
 * evaluated by jsonpath-plus with its sandboxed (`safe`) filter evaluator.
 */
import { JSONPath } from 'jsonpath-plus';
import { fail } from './errors';
import type { MethodSpec } from './javaStringMethods';
import { isPlainRecord, renderText, typeName } from './values';

/** Parses `source` when it is JSON text; lists and maps are used as they are. */
function parsed(method: string, source: unknown): unknown {
  if (Array.isArray(source) || isPlainRecord(source)) return source;
  if (typeof source !== 'string') {
    return fail(
      'type',
      `json.${method}() needs JSON text, got ${typeName(source)}`,
      method,
    );
  }
  try {
    return JSON.parse(source);
  } catch {
    return fail(
      'type',
      `json.${method}(): the text is not JSON (starts with ${JSON.stringify(source.slice(0, 40))})`,
      method,
    );
  }
}

function pathArg(method: string, path: unknown): string {
  if (typeof path !== 'string' || path.trim() === '') {
    return fail(
      'type',
      `json.${method}() takes a JSONPath such as "data.id" as its first argument, got ${typeName(path)}`,
      method,
    );
  }
  const trimmed = path.trim();
  if (trimmed.startsWith('$')) return trimmed;
  return trimmed.startsWith('[') ? `$${trimmed}` : `$.${trimmed}`;
}

function matches(method: string, args: readonly unknown[]): unknown[] {
  const path = pathArg(method, args[0]);
  const json = parsed(method, args[1]);
  if (json === null || typeof json !== 'object') return [];
  try {
    // jsonpath-plus's documented call form; it is a function, not a class here.
    // eslint-disable-next-line new-cap
    return JSONPath({ path, json, wrap: true, eval: 'safe' }) as unknown[];
  } catch (error) {
    return fail(
      'method',
      `json.${method}(): invalid JSONPath ${JSON.stringify(args[0])}: ${(error as Error).message}`,
      method,
    );
  }
}

const spec = (
  minArgs: number,
  maxArgs: number,
  call: (args: readonly unknown[]) => unknown,
): MethodSpec<unknown> => ({ minArgs, maxArgs, call: (_, args) => call(args) });

/** The functor's methods; the receiver is the `json` root itself. */
export const JSON_FUNCTOR_METHODS: Readonly<
  Record<string, MethodSpec<unknown>>
> = {
  /** One match as is, several as a list, none as null. */
  select: spec(2, 2, args => {
    const found = matches('select', args);
    if (found.length === 0) return null;
    return found.length === 1 ? found[0] : found;
  }),
  /** Every match as a list; a single list match is that list. */
  list: spec(2, 2, args => {
    const found = matches('list', args);
    return found.length === 1 && Array.isArray(found[0]) ? found[0] : found;
  }),
  /** The text parsed, so fields read as `json.object(text).field`. */
  object: spec(1, 1, args => parsed('object', args[0])),
  /** A value as JSON text. */
  format: spec(1, 1, args =>
    typeof args[0] === 'string' ? args[0] : renderText(args[0] ?? null),
  ),
};

import type { YamlValue } from '../model/types';
import type { YamlPath } from '../parser/yamlPath';
import type { ProblemCollector } from './collector';
import {
  IDENTIFIER_PATTERN,
  NAME_PATTERN,
  isDynamic,
  parseDuration,
} from './rules';
import { didYouMean, nearest } from './suggest';

/*
 * Small typed readers over plain YAML values. Each records a problem and
 * returns undefined on bad input, so a validation pass keeps going and
 * reports everything it finds.
 */

/** A YAML map. */
export type YamlMap = { [key: string]: YamlValue };

/** True for a YAML map (not a list, not null). */
export function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "a list", "a map", "the string \"x\"" — for messages. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

/** Expects a map; records `what` must be a map otherwise. */
export function expectMap(
  value: unknown,
  path: YamlPath,
  c: ProblemCollector,
  what: string,
): YamlMap | undefined {
  if (isMap(value)) return value;
  c.error(
    path,
    'wrong-type',
    `${what} must be a map, found ${describe(value)}`,
    value === null || value === undefined
      ? 'add its fields, indented under this key'
      : undefined,
  );
  return undefined;
}

/** Expects a list; records an error otherwise. */
export function expectList(
  value: unknown,
  path: YamlPath,
  c: ProblemCollector,
  what: string,
): YamlValue[] | undefined {
  if (Array.isArray(value)) return value;
  c.error(
    path,
    'wrong-type',
    `${what} must be a list, found ${describe(value)}`,
    'write each entry on its own line starting with "- "',
  );
  return undefined;
}

/**
 * Warns about keys not in `known`, naming the nearest known key. Unknown keys
 * are kept: Harness adds fields over time and a pipeline must not be
 * rejected for one.
 */
export function warnUnknownKeys(
  map: YamlMap,
  path: YamlPath,
  known: readonly string[],
  c: ProblemCollector,
  where: string,
  skip: ReadonlySet<string> = new Set(),
): YamlMap {
  const extra: YamlMap = {};
  for (const key of Object.keys(map)) {
    if (known.includes(key) || skip.has(key)) continue;
    extra[key] = map[key];
    const suggestion = nearest(key, known);
    c.warn(
      [...path, key],
      'unknown-key',
      `unknown key "${key}" in ${where}${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
      suggestion
        ? `rename it to "${suggestion}" if that was meant; otherwise it is kept and ignored`
        : `known keys: ${known.join(', ')}; it is kept and ignored`,
      'key',
    );
  }
  return extra;
}

/** Options of {@link readString}. */
export interface ReadStringOptions {
  required?: boolean;
  pattern?: RegExp;
  /** Appended to pattern errors, e.g. "use letters, digits and _". */
  hint?: string;
  /** Expressions and runtime inputs are fine here (checked at run time). */
  allowDynamic?: boolean;
}

/** Reads a string field. */
export function readString(
  map: YamlMap,
  key: string,
  path: YamlPath,
  c: ProblemCollector,
  options: ReadStringOptions = {},
): string | undefined {
  const value = map[key];
  const at = [...path, key];
  if (value === undefined || value === null) {
    if (options.required) {
      c.error(
        at,
        'required',
        `${key} is required`,
        `add "${key}:" to ${path.length ? 'this block' : 'the document'}`,
        value === null ? 'value' : 'value',
      );
    }
    return undefined;
  }
  if (typeof value !== 'string') {
    if (typeof value === 'number' || typeof value === 'boolean') {
      // YAML turned it into a number/boolean; Harness treats it as text.
      const text = String(value);
      if (options.pattern && !options.pattern.test(text)) {
        c.error(
          at,
          'format',
          `${JSON.stringify(text)} must match ${options.pattern.source}`,
          options.hint,
        );
      }
      return text;
    }
    c.error(
      at,
      'wrong-type',
      `${key} must be a string, found ${describe(value)}`,
    );
    return undefined;
  }
  if (
    options.pattern &&
    !(options.allowDynamic && isDynamic(value)) &&
    !options.pattern.test(value)
  ) {
    c.error(
      at,
      'format',
      `${JSON.stringify(value)} must match ${options.pattern.source}`,
      options.hint,
    );
  }
  return value;
}

/** Reads a required `identifier`. */
export function readIdentifier(
  map: YamlMap,
  path: YamlPath,
  c: ProblemCollector,
): string | undefined {
  return readString(map, 'identifier', path, c, {
    required: true,
    pattern: IDENTIFIER_PATTERN,
    hint: 'start with a letter or _, then use only letters, digits and _ (at most 128), e.g. create_repo',
  });
}

/** Reads a required `name`. */
export function readName(
  map: YamlMap,
  path: YamlPath,
  c: ProblemCollector,
): string | undefined {
  return readString(map, 'name', path, c, {
    required: true,
    pattern: NAME_PATTERN,
    hint: 'use letters, digits, spaces, "-", "_" and "." (at most 128 characters)',
  });
}

/** Reads an optional `timeout` (`30s`, `10m`, `1h 30m`), or an expression. */
export function readTimeout(
  map: YamlMap,
  path: YamlPath,
  c: ProblemCollector,
  key = 'timeout',
): string | undefined {
  const value = readString(map, key, path, c);
  if (value === undefined || isDynamic(value)) return value;
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) {
    c.error(
      [...path, key],
      'timeout-format',
      `${JSON.stringify(value)} is not a valid timeout`,
      'write a positive duration such as 30s, 10m, 1h 30m, 1d or 1w',
    );
  }
  return value;
}

/** Reads one of `values` (or an expression when `allowDynamic`). */
export function readEnum<T extends string>(
  map: YamlMap,
  key: string,
  path: YamlPath,
  values: readonly T[],
  c: ProblemCollector,
  options: { required?: boolean; allowDynamic?: boolean } = {},
): T | undefined {
  const value = readString(map, key, path, c, { required: options.required });
  if (value === undefined) return undefined;
  if (options.allowDynamic && isDynamic(value)) return value as T;
  if (!values.includes(value as T)) {
    const hint = didYouMean(value, values);
    c.error(
      [...path, key],
      'invalid-value',
      `${JSON.stringify(value)} is not a valid ${key}${hint ? `; ${hint}` : ''}`,
      `use one of: ${values.join(', ')}`,
    );
    return undefined;
  }
  return value as T;
}

/** Reads a map of strings (`tags`). */
export function readStringMap(
  map: YamlMap,
  key: string,
  path: YamlPath,
  c: ProblemCollector,
): Record<string, string> | undefined {
  const value = map[key];
  if (value === undefined || value === null) return undefined;
  const m = expectMap(value, [...path, key], c, key);
  if (!m) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) {
    if (v !== null && typeof v === 'object') {
      c.error(
        [...path, key, k],
        'wrong-type',
        `${key}.${k} must be a string, found ${describe(v)}`,
      );
    } else {
      out[k] = v === null ? '' : String(v);
    }
  }
  return out;
}

/** Records an error for duplicate identifiers among siblings. */
export function checkUnique(
  entries: Array<{ id: string | undefined; path: YamlPath }>,
  c: ProblemCollector,
  what: string,
  key = 'identifier',
): void {
  const seen = new Map<string, YamlPath>();
  for (const { id, path } of entries) {
    if (id === undefined) continue;
    const first = seen.get(id);
    if (first) {
      c.error(
        [...path, key],
        'duplicate-identifier',
        `duplicate ${what} ${key} "${id}" (also used at ${formatPathShort(first)})`,
        `give each ${what} a unique ${key}; expressions address them by it`,
      );
    } else {
      seen.set(id, path);
    }
  }
}

function formatPathShort(path: YamlPath): string {
  return path
    .map(s => (typeof s === 'number' ? `[${s}]` : `.${s}`))
    .join('')
    .replace(/^\./, '');
}

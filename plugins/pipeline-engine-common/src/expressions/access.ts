/*
 * The only ways an expression reads data. Every root name, property and
 * index goes through here (the sandbox rewrites jexl's own member access into
 * calls to these), so the rules live in one place:
 * - only own data properties of plain objects and elements of arrays are
 *   readable; prototypes, getters, functions and class instances are not;
 * - names that lead to code (`constructor`, `__proto__`...) are refused even
 *   when some object has them as own keys;
 * - a missing name is an `unresolved` error in strict mode, `undefined` in
 *   lenient mode;
 * - secret references are resolved on read and their values recorded.
 */
import type { ExpressionContext } from './context';
import { didYouMean } from '../validation/suggest';
import { ExpressionError, fail } from './errors';
import {
  JsonFunctor,
  SecretReference,
  SecretsNamespace,
  isPlainRecord,
  typeName,
} from './values';

/**
 * Names no expression may read, as a root, property or map key.
 *
 * @public
 */
export const FORBIDDEN_NAMES: ReadonlySet<string> = new Set([
  'constructor',
  '__proto__',
  'prototype',
  'this',
  'Function',
  'eval',
  'globalThis',
  'global',
  'process',
  'require',
  'module',
  'window',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toString',
  'toLocaleString',
  'valueOf',
  'call',
  'apply',
  'bind',
  'getClass',
  'class',
]);

/**
 * Root names Harness defines; used to tell "not here" from "no such name".
 *
 * @public
 */
export const KNOWN_ROOTS: readonly string[] = [
  'pipeline',
  'stage',
  'step',
  'execution',
  'steps',
  'stepGroup',
  'org',
  'project',
  'account',
  'matrix',
  'repeat',
  'strategy',
  'env',
  'trigger',
  'secrets',
  'json',
];

/** Per-evaluation state, shared by an expression and its nested ones. */
export interface EvalState {
  readonly ctx: ExpressionContext;
  readonly strict: boolean;
  /** Secret values read so far. */
  readonly secrets: Set<string>;
  /** How many secret reads happened (repeated reads count again). */
  secretReads: number;
}

/** What the compiled jexl AST sees as `$frame`: the state plus nested values. */
export interface EvalFrame {
  readonly state: EvalState;
  readonly holes: readonly unknown[];
}

/** Throws `forbidden` for names that lead to code. */
export function assertAllowedName(name: string): void {
  if (FORBIDDEN_NAMES.has(name)) {
    fail('forbidden', `access to "${name}" is not allowed`, name);
  }
}

/** Strict: throws `unresolved`; lenient: the value is undefined. */
function missing(state: EvalState, detail: string, segment: string): undefined {
  if (state.strict) fail('unresolved', detail, segment);
  return undefined;
}

/** Resolves secret references; anything else is returned as is. */
export function readValue(state: EvalState, value: unknown): unknown {
  if (value instanceof SecretReference) return resolveSecret(state, value.ref);
  return value;
}

/** The value of secret `ref`, recorded as read. */
export function resolveSecret(state: EvalState, ref: unknown): unknown {
  if (typeof ref !== 'string' || ref === '') {
    return fail(
      'secret',
      `secret id must be a non-empty string, got ${typeName(ref)}`,
    );
  }
  const value = state.ctx.getSecret(ref);
  if (value === undefined) {
    if (state.strict) fail('secret', `secret "${ref}" not found`, ref);
    return undefined;
  }
  state.secrets.add(value);
  state.secretReads++;
  return value;
}

/** Value of a root name (`pipeline`, `stage`...). */
export function readRoot(state: EvalState, name: string): unknown {
  assertAllowedName(name);
  if (name === 'secrets') return SecretsNamespace.instance;
  if (name === 'json') return JsonFunctor.instance;
  const value = state.ctx.lookup(name);
  if (value !== undefined) return readValue(state, value);
  if (name === 'input') {
    return missing(
      state,
      'runtime input <+input> has no value: it must be supplied before evaluation',
      name,
    );
  }
  const available = [...(state.ctx.rootNames?.() ?? KNOWN_ROOTS), 'secrets'];
  if (KNOWN_ROOTS.includes(name)) {
    return missing(
      state,
      `"${name}" is not available here (available: ${[...new Set(available)].join(', ')})`,
      name,
    );
  }
  const hint = didYouMean(name, available);
  return missing(
    state,
    `"${name}" is not a known name${hint ? ` (${hint})` : ''}`,
    name,
  );
}

/** `obj.key`; `label` describes `obj` for messages (`pipeline.variables`). */
export function readMember(
  state: EvalState,
  obj: unknown,
  key: string,
  label: string,
): unknown {
  assertAllowedName(key);
  if (obj === null || obj === undefined) {
    return missing(state, `cannot read "${key}": ${label} is null`, key);
  }
  if (obj instanceof SecretsNamespace) {
    return fail(
      'unresolved',
      `secrets are read with secrets.getValue("${key}"), not secrets.${key}`,
      key,
    );
  }
  if (obj instanceof JsonFunctor) {
    return fail(
      'unresolved',
      `json is a functor: use json.select("path", text), json.list("path", text), json.object(text) or json.format(value), not json.${key}`,
      key,
    );
  }
  if (isPlainRecord(obj)) {
    const desc = Object.getOwnPropertyDescriptor(obj, key);
    if (desc && 'value' in desc) return readValue(state, desc.value);
    const hint = didYouMean(key, Object.keys(obj));
    return missing(
      state,
      `"${key}" not found in ${label}${hint ? ` (${hint})` : ''}`,
      key,
    );
  }
  if (
    typeof obj === 'string' ||
    typeof obj === 'number' ||
    typeof obj === 'boolean' ||
    Array.isArray(obj)
  ) {
    return missing(
      state,
      `"${key}" not found: ${label} is a ${typeName(obj)}, not a map`,
      key,
    );
  }
  return fail('forbidden', `${label} is not data and cannot be read`, key);
}

/** `obj[index]`: list element or map key. */
export function readIndex(
  state: EvalState,
  obj: unknown,
  index: unknown,
  label: string,
): unknown {
  if (typeof index === 'string') {
    if (Array.isArray(obj)) {
      return missing(
        state,
        `a list (${label}) cannot be indexed by "${index}"`,
        index,
      );
    }
    return readMember(state, obj, index, label);
  }
  if (typeof index !== 'number' || !Number.isInteger(index)) {
    return fail(
      'type',
      `index of ${label} must be an integer or a name, got ${typeName(index)}`,
    );
  }
  if (obj === null || obj === undefined) {
    return missing(
      state,
      `cannot read [${index}]: ${label} is null`,
      String(index),
    );
  }
  if (!Array.isArray(obj)) {
    if (isPlainRecord(obj) || typeof obj !== 'object') {
      return missing(
        state,
        `cannot read [${index}]: ${label} is a ${typeName(obj)}, not a list`,
        String(index),
      );
    }
    return fail('forbidden', `${label} is not data and cannot be read`);
  }
  if (index < 0 || index >= obj.length) {
    return missing(
      state,
      `index ${index} is out of range for ${label} (size ${obj.length})`,
      String(index),
    );
  }
  return readValue(state, obj[index]);
}

/** Converts any error into an {@link ExpressionError}, so nothing else escapes. */
export function asExpressionError(error: unknown): ExpressionError {
  if (error instanceof ExpressionError) return error;
  if (error instanceof RangeError) {
    return new ExpressionError('limit', 'expression is too deeply nested', {
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ExpressionError('internal', `evaluation failed: ${message}`, {
    cause: error,
  });
}

/** Lists and maps nested deeper than this are rejected (also stops cycles). */
const MAX_VALUE_DEPTH = 64;

/**
 * The result of an evaluation as plain JSON-like data: secret references
 * resolved (and recorded), undefined turned into null, only own data
 * properties copied, so callers never hold a live reference into the context.
 */
export function toPlain(state: EvalState, value: unknown, depth = 0): unknown {
  if (depth > MAX_VALUE_DEPTH) {
    return fail(
      'limit',
      `value is nested more than ${MAX_VALUE_DEPTH} levels deep`,
    );
  }
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return Number(value);
    default:
      break;
  }
  if (value instanceof SecretReference)
    return toPlain(state, readValue(state, value), depth);
  if (value instanceof SecretsNamespace) {
    return fail('type', '"secrets" is not a value; use secrets.getValue("id")');
  }
  if (value instanceof JsonFunctor) {
    return fail(
      'type',
      '"json" is not a value; use json.select("path", text) or json.object(text)',
    );
  }
  if (Array.isArray(value)) {
    return value.map(item => toPlain(state, item, depth + 1));
  }
  if (isPlainRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const desc = Object.getOwnPropertyDescriptor(value, key);
      if (!desc || !('value' in desc)) continue;
      // defineProperty: a data key named "__proto__" must stay a plain key.
      Object.defineProperty(out, key, {
        value: toPlain(state, desc.value, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return fail(
    'forbidden',
    `a ${typeof value} is not data and cannot be returned`,
  );
}

/*
 * `.method(args)` calls, dispatched on the receiver's type. Only methods in
 * these tables exist; nothing is looked up on the receiver object itself, so
 * a call can never reach a JavaScript function.
 */
import { didYouMean } from '../validation/suggest';
import type { EvalState } from './access';
import { readMember, readValue, resolveSecret } from './access';
import { fail } from './errors';
import type { MethodSpec } from './javaStringMethods';
import { JAVA_STRING_METHODS, intArg, javaToString } from './javaStringMethods';
import { JSON_FUNCTOR_METHODS } from './jsonFunctor';
import { javaEquals } from './operators';
import {
  JsonFunctor,
  SecretsNamespace,
  isPlainRecord,
  typeName,
} from './values';

const spec = <T>(
  minArgs: number,
  maxArgs: number,
  call: (receiver: T, args: readonly unknown[]) => unknown,
): MethodSpec<T> => ({ minArgs, maxArgs, call });

/** java.util.List methods. */
const LIST_METHODS: Readonly<Record<string, MethodSpec<unknown[]>>> = {
  size: spec(0, 0, l => l.length),
  isEmpty: spec(0, 0, l => l.length === 0),
  contains: spec(1, 1, (l, a) => l.some(x => javaEquals(x, a[0]))),
  indexOf: spec(1, 1, (l, a) => l.findIndex(x => javaEquals(x, a[0]))),
  get: spec(1, 1, (l, a) => {
    const i = intArg('get', a, 0);
    if (i < 0 || i >= l.length)
      fail('method', `get(): index ${i} is out of range for size ${l.length}`);
    return l[i];
  }),
  toString: spec(0, 0, l => javaToString(l)),
};

/** Methods on numbers and booleans (boxed Java values). */
const SCALAR_METHODS: Readonly<Record<string, MethodSpec<number | boolean>>> = {
  toString: spec(0, 0, v => javaToString(v)),
  equals: spec(1, 1, (v, a) => typeof a[0] === typeof v && a[0] === v),
};

/** java.util.Map methods other than `get`, which needs the evaluation state. */
const MAP_METHODS: Readonly<
  Record<string, MethodSpec<Record<string, unknown>>>
> = {
  size: spec(0, 0, o => Object.keys(o).length),
  isEmpty: spec(0, 0, o => Object.keys(o).length === 0),
  containsKey: spec(
    1,
    1,
    (o, a) =>
      typeof a[0] === 'string' && Object.prototype.hasOwnProperty.call(o, a[0]),
  ),
  keySet: spec(0, 0, o => Object.keys(o)),
  get: spec(1, 1, () => undefined), // implemented in callMethod
  toString: spec(0, 0, o => javaToString(o)),
};

/**
 * Every method name any receiver supports; others fail at compile time.
 *
 * @public
 */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  ...Object.keys(JAVA_STRING_METHODS),
  ...Object.keys(LIST_METHODS),
  ...Object.keys(SCALAR_METHODS),
  ...Object.keys(MAP_METHODS),
  ...Object.keys(JSON_FUNCTOR_METHODS),
  'getValue',
]);

/** Throws `unknown-method` with a suggestion among `names`. */
export function unknownMethod(
  name: string,
  where: string,
  names: Iterable<string>,
): never {
  const hint = didYouMean(name, names);
  return fail(
    'unknown-method',
    `method ${name}() is not available ${where}${hint ? ` (${hint})` : ''}`,
    name,
  );
}

function invoke<T>(
  table: Readonly<Record<string, MethodSpec<T>>>,
  name: string,
  receiver: T,
  args: readonly unknown[],
  label: string,
): unknown {
  const method = Object.prototype.hasOwnProperty.call(table, name)
    ? table[name]
    : undefined;
  if (!method) {
    return unknownMethod(
      name,
      `on a ${typeName(receiver)} (${label})`,
      Object.keys(table),
    );
  }
  if (args.length < method.minArgs || args.length > method.maxArgs) {
    const want =
      method.minArgs === method.maxArgs
        ? `${method.minArgs}`
        : `${method.minArgs} to ${method.maxArgs}`;
    fail(
      'method',
      `${name}() takes ${want} argument(s), got ${args.length}`,
      name,
    );
  }
  return method.call(receiver, args);
}

/**
 * `receiver.name(...args)`; `label` describes the receiver for messages.
 * A null receiver is an error in strict mode (Java would throw) and yields
 * null in lenient mode.
 */
export function callMethod(
  state: EvalState,
  name: string,
  label: string,
  receiver: unknown,
  args: readonly unknown[],
): unknown {
  if (receiver === null || receiver === undefined) {
    if (state.strict)
      fail('type', `cannot call ${name}() on null (${label})`, name);
    return undefined;
  }
  if (receiver instanceof SecretsNamespace) {
    if (name !== 'getValue')
      return unknownMethod(name, 'on secrets', ['getValue']);
    if (args.length !== 1)
      fail('method', `getValue() takes 1 argument, got ${args.length}`);
    return resolveSecret(state, args[0]);
  }
  if (receiver instanceof JsonFunctor) {
    return invoke(JSON_FUNCTOR_METHODS, name, receiver, args, 'json');
  }
  if (typeof receiver === 'string') {
    return invoke(JAVA_STRING_METHODS, name, receiver, args, label);
  }
  if (typeof receiver === 'number' || typeof receiver === 'boolean') {
    return invoke(SCALAR_METHODS, name, receiver, args, label);
  }
  if (Array.isArray(receiver)) {
    return readValue(state, invoke(LIST_METHODS, name, receiver, args, label));
  }
  if (isPlainRecord(receiver)) {
    if (name === 'get' && args.length === 1 && typeof args[0] === 'string') {
      // Java's Map.get: null when absent, same access rules as `m.key`.
      return readMember({ ...state, strict: false }, receiver, args[0], label);
    }
    return invoke(MAP_METHODS, name, receiver, args, label);
  }
  return fail(
    'forbidden',
    `cannot call ${name}() on ${label}: it is not data`,
    name,
  );
}

import { runtimeError } from './errors';
import type { PyValue } from './values';

/** A Python callable's parameters, for binding call arguments. */
export interface Signature {
  /** Function name, for error messages. */
  name: string;
  /** Parameter names in order. */
  params: readonly string[];
  /** How many leading parameters are required. */
  required?: number;
  /** Parameters that cannot be passed by keyword (Python's `/`). */
  positionalOnly?: boolean;
  /** Extra positional arguments are collected (Python's `*args`). */
  varargs?: boolean;
  /** Extra keyword arguments are collected (Python's `**kwargs`). */
  varkw?: boolean;
}

/** Arguments bound to a signature; `undefined` marks an omitted optional one. */
export interface BoundArgs {
  values: Array<PyValue | undefined>;
  rest: PyValue[];
  extraKw: Map<string, PyValue>;
}

/** Binds positional and keyword arguments as Python does, raising its TypeErrors. */
export function bind(
  sig: Signature,
  args: PyValue[],
  kwargs: Map<string, PyValue>,
): BoundArgs {
  const values: Array<PyValue | undefined> = new Array(sig.params.length).fill(
    undefined,
  );
  const rest: PyValue[] = [];
  const extraKw = new Map<string, PyValue>();
  args.forEach((a, i) => {
    if (i < sig.params.length) values[i] = a;
    else if (sig.varargs) rest.push(a);
    else
      throw runtimeError(
        `${sig.name}() takes at most ${sig.params.length} arguments (${args.length} given)`,
      );
  });
  for (const [k, v] of kwargs) {
    const idx = sig.params.indexOf(k);
    if (idx < 0 || sig.positionalOnly) {
      if (sig.varkw) {
        extraKw.set(k, v);
        continue;
      }
      throw runtimeError(
        sig.positionalOnly && idx >= 0
          ? `${sig.name}() takes no keyword arguments`
          : `${sig.name}() got an unexpected keyword argument '${k}'`,
      );
    }
    if (values[idx] !== undefined)
      throw runtimeError(
        `${sig.name}() got multiple values for argument '${k}'`,
      );
    values[idx] = v;
  }
  const required = sig.required ?? 0;
  for (let i = 0; i < required; i++) {
    if (values[i] === undefined) {
      throw runtimeError(
        `${sig.name}() missing required argument: '${sig.params[i]}'`,
      );
    }
  }
  return { values, rest, extraKw };
}

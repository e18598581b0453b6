import { bind } from './args';
import { runtimeError, unsupported } from './errors';
import {
  PyDict,
  PyObject,
  PyRange,
  PyUndefined,
  type PyValue,
  iterate,
  numeric,
  pyEq,
  pyRepr,
  pyStr,
  typeName,
} from './values';

/* Jinja2's runtime objects and default globals (range, dict, namespace, joiner, cycler). */

/** A builtin function. */
export class PyFunction extends PyObject {
  readonly typeName = 'function';
  constructor(
    readonly name: string,
    private readonly fn: (
      args: PyValue[],
      kwargs: Map<string, PyValue>,
    ) => PyValue,
  ) {
    super();
  }
  get callable(): boolean {
    return true;
  }
  call(args: PyValue[], kwargs: Map<string, PyValue>): PyValue {
    return this.fn(args, kwargs);
  }
}

/** jinja2.utils.Namespace, assignable with `{% set ns.x = ... %}`. */
export class PyNamespace extends PyObject {
  readonly typeName = 'Namespace';
  readonly attrs = new PyDict();
  getattr(name: string): PyValue | undefined {
    return this.attrs.get(name);
  }
  repr(): string {
    return `<Namespace ${pyRepr(this.attrs)}>`;
  }
}

/** The `loop` variable of a for loop. */
export class PyLoop extends PyObject {
  readonly typeName = 'LoopContext';
  index0 = -1;
  #changedLast: PyValue | undefined;
  constructor(private readonly items: PyValue[]) {
    super();
  }
  get length(): number {
    return this.items.length;
  }
  getattr(name: string): PyValue | undefined {
    const i = this.index0;
    const n = this.items.length;
    switch (name) {
      case 'index0':
        return i;
      case 'index':
        return i + 1;
      case 'revindex':
        return n - i;
      case 'revindex0':
        return n - i - 1;
      case 'first':
        return i === 0;
      case 'last':
        return i === n - 1;
      case 'length':
        return n;
      case 'depth':
        return 1;
      case 'depth0':
        return 0;
      case 'previtem':
        return i > 0
          ? this.items[i - 1]
          : new PyUndefined('there is no previous item');
      case 'nextitem':
        return i < n - 1
          ? this.items[i + 1]
          : new PyUndefined('there is no next item');
      case 'cycle':
        return new PyFunction('cycle', args => {
          if (!args.length) throw runtimeError('no items for cycling given');
          return args[i % args.length];
        });
      case 'changed':
        return new PyFunction('changed', args => {
          const value: PyValue = args.length === 1 ? args[0] : args;
          if (this.#changedLast !== undefined && pyEq(this.#changedLast, value))
            return false;
          this.#changedLast = value;
          return true;
        });
      default:
        return undefined;
    }
  }
  repr(): string {
    return `<LoopContext ${this.index0 + 1}/${this.items.length}>`;
  }
}

class PyJoiner extends PyObject {
  readonly typeName = 'Joiner';
  #used = false;
  constructor(private readonly sep: string) {
    super();
  }
  get callable(): boolean {
    return true;
  }
  call(): PyValue {
    if (!this.#used) {
      this.#used = true;
      return '';
    }
    return this.sep;
  }
}

class PyCycler extends PyObject {
  readonly typeName = 'Cycler';
  #pos = 0;
  constructor(private readonly items: PyValue[]) {
    super();
  }
  getattr(name: string): PyValue | undefined {
    if (name === 'current') return this.items[this.#pos];
    if (name === 'next') {
      return new PyFunction('next', () => {
        const rv = this.items[this.#pos];
        this.#pos = (this.#pos + 1) % this.items.length;
        return rv;
      });
    }
    if (name === 'reset') {
      return new PyFunction('reset', () => {
        this.#pos = 0;
        return null;
      });
    }
    return undefined;
  }
}

function intArg(v: PyValue, what: string): number {
  const n = numeric(v);
  if (n === undefined || typeof v === 'object')
    throw runtimeError(
      `'${typeName(v)}' object cannot be interpreted as an integer (${what})`,
    );
  return n;
}

/** The globals every cookiecutter template sees (Jinja2's defaults plus cookiecutter's). */
export function defaultGlobals(): Map<string, PyValue> {
  return new Map<string, PyValue>([
    [
      'range',
      new PyFunction('range', args => {
        if (!args.length || args.length > 3)
          throw runtimeError(
            `range expected at least 1 argument, got ${args.length}`,
          );
        const [start, stop, step] =
          args.length === 1
            ? [0, intArg(args[0], 'range'), 1]
            : [
                intArg(args[0], 'range'),
                intArg(args[1], 'range'),
                args[2] === undefined ? 1 : intArg(args[2], 'range'),
              ];
        if (step === 0)
          throw runtimeError('ValueError: range() arg 3 must not be zero');
        const r = new PyRange(start, stop, step);
        if (r.length > 100_000)
          throw unsupported(
            'ranges above 100000 items (Jinja2 limits them in sandboxes only)',
          );
        return r;
      }),
    ],
    [
      'dict',
      new PyFunction('dict', (args, kwargs) => {
        const d = new PyDict();
        if (args.length > 1)
          throw runtimeError(
            `dict expected at most 1 argument, got ${args.length}`,
          );
        if (args.length) {
          const src = args[0];
          const entries =
            src instanceof PyDict
              ? src.entries()
              : iterate(src).map(p => {
                  const kv = iterate(p);
                  if (kv.length !== 2)
                    throw runtimeError(
                      'ValueError: dictionary update sequence element has wrong length',
                    );
                  return kv as [PyValue, PyValue];
                });
          for (const [k, v] of entries) d.set(k, v);
        }
        for (const [k, v] of kwargs) d.set(k, v);
        return d;
      }),
    ],
    [
      'namespace',
      new PyFunction('namespace', (args, kwargs) => {
        const ns = new PyNamespace();
        for (const a of args) {
          if (!(a instanceof PyDict))
            throw runtimeError('namespace() takes a mapping');
          for (const [k, v] of a.entries()) ns.attrs.set(k, v);
        }
        for (const [k, v] of kwargs) ns.attrs.set(k, v);
        return ns;
      }),
    ],
    [
      'joiner',
      new PyFunction('joiner', (args, kwargs) => {
        const [sep] = bind(
          { name: 'joiner', params: ['sep'] },
          args,
          kwargs,
        ).values;
        return new PyJoiner(sep === undefined ? ', ' : pyStr(sep));
      }),
    ],
    [
      'cycler',
      new PyFunction('cycler', args => {
        if (!args.length)
          throw runtimeError('at least one item has to be provided');
        return new PyCycler(args);
      }),
    ],
    [
      'lipsum',
      new PyFunction('lipsum', () => {
        throw unsupported('lipsum() (random text)');
      }),
    ],
    [
      'random_ascii_string',
      new PyFunction('random_ascii_string', () => {
        throw unsupported('random_ascii_string() (random output)');
      }),
    ],
  ]);
}

import { PySlice, attrOrItem, itemOrAttr } from './attributes';
import {
  JinjaError,
  TemplateNotFoundError,
  runtimeError,
  undefinedError,
  unsupported,
} from './errors';
import {
  FILTERS,
  MARKUP_SAFE_FILTERS,
  UNSUPPORTED_FILTERS,
  type FilterEnv,
} from './filters';
import type { Expr, FilterExpr, Stmt } from './nodes';
import { renderNow } from './now';
import { PyLoop, PyNamespace } from './objects';
import { binary, unary } from './operators';
import { callTest } from './tests';
import {
  PyDict,
  PyMarkup,
  PyObject,
  PyTuple,
  PyUndefined,
  type PyValue,
  iterate,
  pyCmp,
  pyContains,
  pyEq,
  pyRepr,
  pyStr,
  truthy,
  typeName,
} from './values';

/* A tree-walking interpreter for the parsed template, with Jinja2's scoping. */

/** Variables of one Jinja2 frame; lookups fall back to the enclosing frame. */
export class Scope {
  readonly vars = new Map<string, PyValue>();
  constructor(readonly parent?: Scope) {}
  lookup(name: string): PyValue | undefined {
    if (this.vars.has(name)) return this.vars.get(name);
    return this.parent?.lookup(name);
  }
}

const MAX_OUTPUT_CHARS = 200_000_000;

class LoopSignal {
  constructor(readonly kind: 'break' | 'continue') {}
}

function namesIn(stmts: Stmt[]): Set<string> {
  const names = new Set<string>();
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object' && 'kind' in x) {
      const node = x as { kind: string; name?: string };
      if (node.kind === 'name' && node.name) names.add(node.name);
      Object.values(x).forEach(walk);
    }
  };
  walk(stmts);
  return names;
}

/** A `{% macro %}`. */
class PyMacro extends PyObject {
  readonly typeName = 'Macro';
  readonly #catchVarargs: boolean;
  readonly #catchKwargs: boolean;
  /** The template the macro is defined in ('' for the rendered one), named in errors raised inside it. */
  readonly #definedIn: string;
  constructor(
    private readonly def: Extract<Stmt, { kind: 'macro' }>,
    private readonly closure: Scope,
    private readonly interp: Interpreter,
  ) {
    super();
    this.#definedIn = interp.currentTemplate ?? '';
    const used = namesIn(def.body);
    this.#catchVarargs = used.has('varargs');
    this.#catchKwargs = used.has('kwargs');
  }
  get callable(): boolean {
    return true;
  }
  call(args: PyValue[], kwargs: Map<string, PyValue>): PyValue {
    this.interp.tick();
    const { params, defaults, name, body } = this.def;
    const scope = new Scope(this.closure);
    if (args.length > params.length && !this.#catchVarargs) {
      throw runtimeError(
        `macro '${name}' takes not more than ${params.length} argument(s)`,
      );
    }
    const rest = new Map(kwargs);
    params.forEach((p, i) => {
      if (i < args.length) {
        if (rest.has(p))
          throw runtimeError(
            `macro '${name}' got multiple values for argument '${p}'`,
          );
        scope.vars.set(p, args[i]);
      } else if (rest.has(p)) {
        scope.vars.set(p, rest.get(p)!);
        rest.delete(p);
      } else {
        const d = i - (params.length - defaults.length);
        scope.vars.set(
          p,
          d >= 0
            ? this.interp.eval(defaults[d], scope)
            : new PyUndefined(`parameter '${p}' was not provided`),
        );
      }
    });
    if (rest.size && !this.#catchKwargs) {
      throw runtimeError(
        `macro '${name}' takes no keyword argument '${[...rest.keys()][0]}'`,
      );
    }
    if (this.#catchVarargs)
      scope.vars.set('varargs', new PyTuple(args.slice(params.length)));
    if (this.#catchKwargs) scope.vars.set('kwargs', PyDict.from(rest));
    const out: string[] = [];
    try {
      this.interp.exec(body, scope, out);
    } catch (e) {
      if (e instanceof JinjaError) e.templateName ??= this.#definedIn;
      throw e;
    }
    return out.join('');
  }
  repr(): string {
    return `<Macro '${this.def.name}'>`;
  }
}

/** A template found by name for include, import and from-import. */
export interface LoadedTemplate {
  name: string;
  body: Stmt[];
}

/** Finds templates by name; throws TemplateNotFoundError when there is none. */
export type TemplateResolver = (name: string) => LoadedTemplate;

/** Names a template's top-level import statements bind (Jinja2 does not export them). */
function importedNames(body: Stmt[]): Set<string> {
  const names = new Set<string>();
  for (const s of body) {
    if (s.kind === 'import') names.add(s.target);
    else if (s.kind === 'fromimport')
      s.names.forEach(([, alias]) => names.add(alias));
    else if (s.kind === 'if')
      [...s.branches.flatMap(([, b]) => b), ...s.else_].forEach(x =>
        importedNames([x]).forEach(n => names.add(n)),
      );
  }
  return names;
}

/** An imported template (`{% import "t" as m %}`): its exported macros and top-level variables. */
class PyTemplateModule extends PyObject {
  readonly typeName = 'TemplateModule';
  constructor(
    readonly templateName: string,
    readonly exports: Map<string, PyValue>,
  ) {
    super();
  }
  getattr(name: string): PyValue | undefined {
    return this.exports.get(name);
  }
}

/** Executes statements and evaluates expressions. */
export class Interpreter implements FilterEnv {
  #ticks = 0;
  #deadline = Infinity;
  #outputChars = 0;
  /** The included or imported template being run, if any. */
  currentTemplate?: string;

  constructor(
    private readonly globals: Map<string, PyValue>,
    private readonly resolve?: TemplateResolver,
  ) {}

  /**
   * Starts a render's budget. Rendering is synchronous, so a runaway template
   * (nested huge loops) would block the whole backend; we stop it instead.
   */
  startBudget(ms: number): void {
    this.#ticks = 0;
    this.#outputChars = 0;
    this.#deadline = Date.now() + ms;
  }

  /** Counts loop iterations and macro calls, checking the clock now and then. */
  tick(): void {
    // eslint-disable-next-line no-bitwise
    if ((++this.#ticks & 0xff) === 0 && Date.now() > this.#deadline) {
      throw unsupported(
        'a template that runs this long (the builtin engine stops runaway loops; the cli engine is bounded by the step timeout only)',
      );
    }
  }

  #emit(out: string[], text: string): void {
    this.#outputChars += text.length;
    if (this.#outputChars > MAX_OUTPUT_CHARS)
      throw unsupported(
        `output above ${MAX_OUTPUT_CHARS / 1e6}M characters for one template`,
      );
    out.push(text);
  }

  /** Runs `stmts`, appending output to `out`. */
  exec(stmts: Stmt[], scope: Scope, out: string[]): void {
    for (const s of stmts) {
      try {
        this.#stmt(s, scope, out);
      } catch (e) {
        if (e instanceof JinjaError && e.lineno === undefined)
          e.lineno = s.lineno;
        throw e;
      }
    }
  }

  #stmt(s: Stmt, scope: Scope, out: string[]): void {
    switch (s.kind) {
      case 'output':
        for (const n of s.nodes)
          this.#emit(
            out,
            typeof n === 'string'
              ? n
              : this.#at(n, () => pyStr(this.eval(n, scope))),
          );
        return;
      case 'if':
        for (const [test, body] of s.branches) {
          if (this.#at(test, () => truthy(this.eval(test, scope)))) {
            this.exec(body, scope, out);
            return;
          }
        }
        this.exec(s.else_, scope, out);
        return;
      case 'for':
        this.#for(s, scope, out);
        return;
      case 'assign':
        this.#assign(s.target, this.eval(s.expr, scope), scope);
        return;
      case 'assignblock': {
        const buf: string[] = [];
        this.exec(s.body, new Scope(scope), buf);
        let value: PyValue = buf.join('');
        if (s.filter) value = this.#applyFilter(s.filter, value, scope);
        this.#assign(s.target, value, scope);
        return;
      }
      case 'filterblock': {
        const buf: string[] = [];
        this.exec(s.body, new Scope(scope), buf);
        out.push(pyStr(this.#applyFilter(s.filter, buf.join(''), scope)));
        return;
      }
      case 'with': {
        const inner = new Scope(scope);
        const values = s.values.map(v => this.eval(v, scope));
        s.targets.forEach((t, i) => this.#assign(t, values[i], inner));
        this.exec(s.body, inner, out);
        return;
      }
      case 'macro':
        scope.vars.set(s.name, new PyMacro(s, scope, this));
        return;
      case 'do':
        this.eval(s.expr, scope);
        return;
      case 'break':
      case 'continue':
        throw new LoopSignal(s.kind);
      case 'now': {
        const tz = pyStr(this.eval(s.tz, scope));
        const offset = s.offset ? pyStr(this.eval(s.offset, scope)) : undefined;
        const format = s.format ? this.eval(s.format, scope) : null;
        out.push(
          renderNow(
            tz,
            s.op,
            offset,
            format === null ? '%Y-%m-%d' : pyStr(format),
          ),
        );
        return;
      }
      case 'include': {
        const template = this.#includeTarget(
          this.eval(s.template, scope),
          s.ignoreMissing,
        );
        // With context the included template sees every variable visible here; its own assignments stay inside.
        if (template)
          this.#inTemplate(template, () =>
            this.exec(
              template.body,
              s.withContext ? new Scope(scope) : new Scope(new Scope()),
              out,
            ),
          );
        return;
      }
      case 'import':
        scope.vars.set(
          s.target,
          this.#module(
            this.eval(s.template, scope),
            s.withContext ? scope : undefined,
          ),
        );
        return;
      case 'fromimport': {
        const module = this.#module(
          this.eval(s.template, scope),
          s.withContext ? scope : undefined,
        );
        for (const [name, alias] of s.names) {
          scope.vars.set(
            alias,
            module.exports.get(name) ??
              new PyUndefined(
                `the template '${module.templateName}' (imported on line ${s.lineno}) does not export the requested name '${name}'`,
              ),
          );
        }
        return;
      }
      default:
        throw unsupported(`statement ${(s as Stmt).kind}`);
    }
  }

  #load(name: PyValue): LoadedTemplate {
    if (!this.resolve)
      throw runtimeError('TypeError: no loader for this environment specified');
    if (typeof name !== 'string') {
      if (name instanceof PyUndefined) pyStr(name);
      throw unsupported(
        `a template name that is ${typeName(name)}, not a string`,
      );
    }
    return this.resolve(name);
  }

  /** Jinja2's get_or_select_template: a name, or the first existing one of a list. */
  #includeTarget(
    name: PyValue,
    ignoreMissing: boolean,
  ): LoadedTemplate | undefined {
    let names = [name];
    if (Array.isArray(name)) names = name;
    else if (name instanceof PyTuple) names = name.items;
    for (const candidate of names) {
      try {
        return this.#load(candidate);
      } catch (e) {
        if (!(e instanceof TemplateNotFoundError)) throw e;
        if (names.length === 1 && !ignoreMissing) throw e;
      }
    }
    if (ignoreMissing) return undefined;
    throw runtimeError(
      `TemplatesNotFound: none of the templates given were found: ${pyRepr(names)}`,
    );
  }

  /** Renders a template as a module; without context it sees only the globals, as Jinja2 imports do by default. */
  #module(name: PyValue, context: Scope | undefined): PyTemplateModule {
    const template = this.#load(name);
    const moduleScope = new Scope(context ?? new Scope());
    this.#inTemplate(template, () => this.exec(template.body, moduleScope, []));
    const hidden = importedNames(template.body);
    const exports = new Map(
      [...moduleScope.vars].filter(
        ([k]) => !k.startsWith('_') && !hidden.has(k),
      ),
    );
    return new PyTemplateModule(template.name, exports);
  }

  /** Runs `fn` for another template, naming it in errors raised inside. */
  #inTemplate(template: LoadedTemplate, fn: () => void): void {
    const outer = this.currentTemplate;
    this.currentTemplate = template.name;
    try {
      fn();
    } catch (e) {
      if (e instanceof JinjaError && e.templateName === undefined) {
        e.templateName = template.name;
        e.lineno ??= 1;
      }
      throw e;
    } finally {
      this.currentTemplate = outer;
    }
  }

  /** Runs `fn`, attributing errors without a line to `node`'s line. */
  #at<T>(node: Expr, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof JinjaError && e.lineno === undefined)
        e.lineno = node.lineno;
      throw e;
    }
  }

  #for(s: Extract<Stmt, { kind: 'for' }>, scope: Scope, out: string[]): void {
    let items = this.#at(s.iter, () => iterate(this.eval(s.iter, scope)));
    if (s.test) {
      const test = s.test;
      items = items.filter(item => {
        const t = new Scope(scope);
        this.#assign(s.target, item, t);
        return truthy(this.eval(test, t));
      });
    }
    if (!items.length) {
      this.exec(s.else_, new Scope(scope), out);
      return;
    }
    const loop = new PyLoop(items);
    for (let i = 0; i < items.length; i++) {
      this.tick();
      loop.index0 = i;
      const iter = new Scope(scope);
      iter.vars.set('loop', loop);
      this.#assign(s.target, items[i], iter);
      try {
        this.exec(s.body, iter, out);
      } catch (e) {
        if (!(e instanceof LoopSignal)) throw e;
        if (e.kind === 'break') break;
      }
    }
  }

  #assign(target: Expr, value: PyValue, scope: Scope): void {
    if (target.kind === 'name') {
      scope.vars.set(target.name, value);
    } else if (target.kind === 'tuple') {
      const items = iterate(value);
      if (items.length !== target.items.length) {
        throw runtimeError(
          items.length < target.items.length
            ? `ValueError: not enough values to unpack (expected ${target.items.length}, got ${items.length})`
            : `ValueError: too many values to unpack (expected ${target.items.length})`,
        );
      }
      target.items.forEach((t, i) => this.#assign(t, items[i], scope));
    } else if (target.kind === 'nsref') {
      const ns = scope.lookup(target.name);
      if (!(ns instanceof PyNamespace))
        throw runtimeError('cannot assign attribute on non-namespace object');
      ns.attrs.set(target.attr, value);
    } else {
      throw runtimeError(`can't assign to '${target.kind}'`);
    }
  }

  /** Evaluates an expression. */
  eval(e: Expr, scope: Scope): PyValue {
    try {
      return this.#expr(e, scope);
    } catch (err) {
      if (err instanceof JinjaError && err.lineno === undefined)
        err.lineno = e.lineno;
      throw err;
    }
  }

  #expr(e: Expr, scope: Scope): PyValue {
    switch (e.kind) {
      case 'const':
        return e.value;
      case 'name':
        return this.#name(e.name, scope);
      case 'list':
        return e.items.map(x => this.eval(x, scope));
      case 'tuple':
        return new PyTuple(e.items.map(x => this.eval(x, scope)));
      case 'dict':
        return PyDict.from(
          e.pairs.map(([k, v]) => [this.eval(k, scope), this.eval(v, scope)]),
        );
      case 'getattr':
        return attrOrItem(this.eval(e.node, scope), e.attr);
      case 'getitem': {
        const obj = this.eval(e.node, scope);
        const arg =
          e.arg.kind === 'slice'
            ? new PySlice(
                e.arg.start ? this.eval(e.arg.start, scope) : null,
                e.arg.stop ? this.eval(e.arg.stop, scope) : null,
                e.arg.step ? this.eval(e.arg.step, scope) : null,
              )
            : this.eval(e.arg, scope);
        return itemOrAttr(obj, arg);
      }
      case 'slice':
        throw runtimeError('slice outside a subscript');
      case 'call': {
        const fn = this.eval(e.node, scope);
        const [args, kwargs] = this.#args(e, scope);
        if (fn instanceof PyUndefined)
          throw undefinedError(
            fn.strict ? fn.hint : 'an undefined value is not callable',
          );
        if (!(fn instanceof PyObject) || !fn.callable)
          throw runtimeError(`'${typeName(fn)}' object is not callable`);
        return fn.call(args, kwargs);
      }
      case 'filter':
        return this.#applyFilter(
          e,
          e.node ? this.eval(e.node, scope) : null,
          scope,
        );
      case 'test': {
        const value = this.eval(e.node, scope);
        const [args, kwargs] = this.#args(e, scope);
        return callTest(e.name, value, args, kwargs);
      }
      case 'condexpr':
        if (truthy(this.eval(e.test, scope))) return this.eval(e.expr1, scope);
        return e.expr2
          ? this.eval(e.expr2, scope)
          : new PyUndefined(
              'the inline if-expression evaluated to false and no else section was defined.',
              false,
            );
      case 'binary':
        return binary(
          e.op,
          this.eval(e.left, scope),
          this.eval(e.right, scope),
        );
      case 'concat':
        return e.nodes.map(n => pyStr(this.eval(n, scope))).join('');
      case 'compare': {
        let left = this.eval(e.expr, scope);
        for (const [op, rightExpr] of e.ops) {
          const right = this.eval(rightExpr, scope);
          if (!compare(op, left, right)) return false;
          left = right;
        }
        return true;
      }
      case 'and': {
        const l = this.eval(e.left, scope);
        return truthy(l) ? this.eval(e.right, scope) : l;
      }
      case 'or': {
        const l = this.eval(e.left, scope);
        return truthy(l) ? l : this.eval(e.right, scope);
      }
      case 'not':
        return !truthy(this.eval(e.node, scope));
      case 'unary':
        return unary(e.op, this.eval(e.node, scope));
      case 'nsref':
        throw runtimeError('namespace reference outside an assignment');
      default:
        throw unsupported(`expression ${(e as Expr).kind}`);
    }
  }

  #name(name: string, scope: Scope): PyValue {
    const local = scope.lookup(name);
    if (local !== undefined) return local;
    const global = this.globals.get(name);
    if (global !== undefined) return global;
    if (name === 'self') throw unsupported("the 'self' template reference");
    return new PyUndefined(`'${name}' is undefined`);
  }

  #args(
    e: Extract<Expr, { kind: 'call' | 'filter' | 'test' }>,
    scope: Scope,
  ): [PyValue[], Map<string, PyValue>] {
    const args = e.args.map(a => this.eval(a, scope));
    if (e.dynArgs) args.push(...iterate(this.eval(e.dynArgs, scope)));
    const kwargs = new Map<string, PyValue>(
      e.kwargs.map(([k, v]) => [k, this.eval(v, scope)]),
    );
    if (e.dynKwargs) {
      const d = this.eval(e.dynKwargs, scope);
      if (!(d instanceof PyDict))
        throw runtimeError(
          `argument after ** must be a mapping, not ${typeName(d)}`,
        );
      for (const [k, v] of d.entries()) {
        if (typeof k !== 'string')
          throw runtimeError('keywords must be strings');
        if (kwargs.has(k))
          throw runtimeError(`got multiple values for keyword argument '${k}'`);
        kwargs.set(k, v);
      }
    }
    return [args, kwargs];
  }

  #applyFilter(f: FilterExpr, value: PyValue, scope: Scope): PyValue {
    const [args, kwargs] = this.#args(f, scope);
    return this.callFilter(f.name, value, args, kwargs);
  }

  callFilter(
    name: string,
    value: PyValue,
    args: PyValue[],
    kwargs: Map<string, PyValue>,
  ): PyValue {
    if (UNSUPPORTED_FILTERS.has(name))
      throw unsupported(`the '${name}' filter`);
    const fn = FILTERS[name];
    if (!fn) throw runtimeError(`No filter named '${name}' found.`);
    if (value instanceof PyMarkup && !MARKUP_SAFE_FILTERS.has(name)) {
      throw unsupported(
        `the '${name}' filter on a Markup value (escape/safe result)`,
      );
    }
    return fn(this, value, args, kwargs);
  }

  callTest(
    name: string,
    value: PyValue,
    args: PyValue[],
    kwargs: Map<string, PyValue>,
  ): boolean {
    return callTest(name, value, args, kwargs);
  }
}

function compare(op: string, a: PyValue, b: PyValue): boolean {
  switch (op) {
    case '==':
      return pyEq(a, b);
    case '!=':
      return !pyEq(a, b);
    case '<':
      return pyCmp(a, b, op) < 0;
    case '<=':
      return pyCmp(a, b, op) <= 0;
    case '>':
      return pyCmp(a, b, op) > 0;
    case '>=':
      return pyCmp(a, b, op) >= 0;
    case 'in':
      return pyContains(b, a);
    case 'notin':
      return !pyContains(b, a);
    default:
      throw runtimeError(`unknown comparison ${op}`);
  }
}

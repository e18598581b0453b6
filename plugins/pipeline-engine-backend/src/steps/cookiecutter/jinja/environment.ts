import { JinjaError, runtimeError, syntaxError } from './errors';
import { FILTERS, UNSUPPORTED_FILTERS } from './filters';
import { tokenize } from './lexer';
import type { Stmt } from './nodes';
import { defaultGlobals } from './objects';
import { Parser } from './parser';
import { Interpreter, Scope, type LoadedTemplate } from './runtime';
import { TESTS } from './tests';
import type { PyValue } from './values';

/** How the environment is configured, as cookiecutter configures Jinja2's. */
export interface JinjaEnvironmentOptions {
  /** Jinja2's keep_trailing_newline (cookiecutter: true for files, false for variables). */
  keepTrailingNewline: boolean;
  /** Enables `{% do %}` (jinja2.ext.do). */
  doExtension?: boolean;
  /** Enables `{% break %}`/`{% continue %}` (jinja2.ext.loopcontrols). */
  loopControls?: boolean;
  /** Longest one render may take before it is stopped; default 10 s. */
  renderBudgetMs?: number;
  /**
   * Jinja2's loader: the source of a template by name, for include, import
   * and from-import. Throws TemplateNotFoundError when there is none.
   * Without it those tags fail as in an Environment without a loader.
   */
  loader?: (name: string) => string;
}

/** Longest a single template may render before the builtin engine gives up. */
const RENDER_BUDGET_MS = 10_000;

/** A compiled template. */
export class Template {
  constructor(readonly body: Stmt[], private readonly interp: Interpreter, private readonly budgetMs: number) {}

  /** Renders with `vars` as the template context (cookiecutter passes `cookiecutter`). */
  render(vars: Record<string, PyValue>): string {
    const context = new Scope();
    for (const [k, v] of Object.entries(vars)) context.vars.set(k, v);
    const out: string[] = [];
    this.interp.startBudget(this.budgetMs);
    try {
      this.interp.exec(this.body, new Scope(context), out);
    } catch (e) {
      // Python raises RecursionError where JS runs out of stack.
      if (e instanceof RangeError) throw runtimeError(`RecursionError: ${e.message}`);
      throw e;
    }
    return out.join('');
  }
}

/** A Jinja2 Environment with cookiecutter's StrictUndefined and default extensions. */
export class JinjaEnvironment {
  readonly #cache = new Map<string, Template>();
  readonly #byName = new Map<string, Template>();
  readonly #interp: Interpreter;

  constructor(private readonly options: JinjaEnvironmentOptions) {
    this.#interp = new Interpreter(defaultGlobals(), options.loader ? name => this.#loadTemplate(name) : undefined);
  }

  /** Jinja2's get_template: loads and compiles a template once per name. */
  getTemplate(name: string): Template {
    const cached = this.#byName.get(name);
    if (cached) return cached;
    if (!this.options.loader) throw runtimeError('TypeError: no loader for this environment specified');
    const source = this.options.loader(name);
    let template: Template;
    try {
      template = this.fromString(source, name);
    } catch (e) {
      // Syntax errors of a loaded template are located in it, not in the one including it.
      if (e instanceof JinjaError) e.templateName ??= name;
      throw e;
    }
    this.#byName.set(name, template);
    return template;
  }

  #loadTemplate(name: string): LoadedTemplate {
    return { name, body: this.getTemplate(name).body };
  }

  /**
   * Compiles a template source; throws JinjaError (syntax or unsupported)
   * with its line. `name` is the template's file name, as Jinja2 knows it.
   */
  fromString(source: string, name?: string): Template {
    const key = name === undefined ? source : `${name}\0${source}`;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const tokens = tokenize(source, this.options.keepTrailingNewline);
    const parser = new Parser(tokens, {
      doTag: this.options.doExtension ?? false,
      loopControls: this.options.loopControls ?? false,
      knownFilter: filter => filter in FILTERS || UNSUPPORTED_FILTERS.has(filter),
      knownTest: test => test in TESTS,
    });
    const body = parser.parse();
    // Jinja2 writes the name unescaped into the code of `a if b` without else, which breaks on a quote (its repr).
    if (name && /['"]/.test(name) && parser.bareCondexprLine !== undefined) {
      throw syntaxError(`Jinja2 cannot compile a template named ${JSON.stringify(name)} (a quote in the name) that has an if-expression without else`, parser.bareCondexprLine);
    }
    const template = new Template(body, this.#interp, this.options.renderBudgetMs ?? RENDER_BUDGET_MS);
    this.#cache.set(key, template);
    return template;
  }
}

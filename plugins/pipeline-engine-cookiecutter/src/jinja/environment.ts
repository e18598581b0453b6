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

/** A parsed template body, shared by every render of the same source with the same options. */
interface ParsedSource {
  body: Stmt[];
  /** Line of the first `a if b` without else, if any. */
  bareCondexprLine?: number;
}

/**
 * Parsed templates by options and source, across renders: a template
 * rendered again (the next run of the same workflow) is not tokenized and
 * parsed again. Bodies are never mutated after parsing. Bounded by the
 * total size of the sources kept; the oldest go first.
 */
class ParseCache {
  /** By parser options, then by source (no concatenated keys: sources are long). */
  readonly #byOptions = new Map<string, Map<string, ParsedSource>>();
  /** Every cached options + source, oldest first (options are 3 characters). */
  readonly #order = new Set<string>();
  #chars = 0;
  constructor(private readonly maxChars: number) {}

  get(options: string, source: string): ParsedSource | undefined {
    return this.#byOptions.get(options)?.get(source);
  }

  set(options: string, source: string, value: ParsedSource): void {
    if (source.length > this.maxChars / 4) return;
    let sources = this.#byOptions.get(options);
    if (!sources) {
      sources = new Map();
      this.#byOptions.set(options, sources);
    }
    if (!sources.has(source)) {
      this.#chars += source.length;
      this.#order.add(options + source);
    }
    sources.set(source, value);
    for (const oldest of this.#order) {
      if (this.#chars <= this.maxChars) break;
      this.#order.delete(oldest);
      this.#byOptions.get(oldest.slice(0, 3))?.delete(oldest.slice(3));
      this.#chars -= oldest.length - 3;
    }
  }
}

const PARSED = new ParseCache(4 * 1024 * 1024);

/** A compiled template. */
export class Template {
  constructor(
    readonly body: Stmt[],
    private readonly interp: Interpreter,
    private readonly budgetMs: number,
  ) {}

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
      if (e instanceof RangeError)
        throw runtimeError(`RecursionError: ${e.message}`);
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
    this.#interp = new Interpreter(
      defaultGlobals(),
      options.loader ? name => this.#loadTemplate(name) : undefined,
    );
  }

  /** Jinja2's get_template: loads and compiles a template once per name. */
  getTemplate(name: string): Template {
    const cached = this.#byName.get(name);
    if (cached) return cached;
    if (!this.options.loader)
      throw runtimeError('TypeError: no loader for this environment specified');
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

  #parse(source: string): ParsedSource {
    const doTag = this.options.doExtension ?? false;
    const loopControls = this.options.loopControls ?? false;
    const options = `${Number(this.options.keepTrailingNewline)}${Number(doTag)}${Number(loopControls)}`;
    const cached = PARSED.get(options, source);
    if (cached) return cached;
    const parser = new Parser(
      tokenize(source, this.options.keepTrailingNewline),
      {
        doTag,
        loopControls,
        knownFilter: filter =>
          filter in FILTERS || UNSUPPORTED_FILTERS.has(filter),
        knownTest: test => test in TESTS,
      },
    );
    const parsed = {
      body: parser.parse(),
      bareCondexprLine: parser.bareCondexprLine,
    };
    PARSED.set(options, source, parsed);
    return parsed;
  }

  #loadTemplate(name: string): LoadedTemplate {
    return { name, body: this.getTemplate(name).body };
  }

  /**
   * Compiles a template source; throws JinjaError (syntax or unsupported)
   * with its line. `name` is the template's file name, as Jinja2 knows it.
   */
  fromString(source: string, name?: string): Template {
    const cached = name === undefined ? this.#cache.get(source) : undefined;
    if (cached) return cached;
    const parsed = this.#parse(source);
    // Jinja2 writes the name unescaped into the code of `a if b` without else, which breaks on a quote (its repr).
    if (name && /['"]/.test(name) && parsed.bareCondexprLine !== undefined) {
      throw syntaxError(
        `Jinja2 cannot compile a template named ${JSON.stringify(name)} (a quote in the name) that has an if-expression without else`,
        parsed.bareCondexprLine,
      );
    }
    const template = new Template(
      parsed.body,
      this.#interp,
      this.options.renderBudgetMs ?? RENDER_BUDGET_MS,
    );
    if (name === undefined) this.#cache.set(source, template);
    return template;
  }
}

/**
 * Why rendering stopped:
 * - `syntax`: Jinja2 rejects the template too;
 * - `runtime`: Python would raise (TypeError, ValueError...), so cookiecutter fails too;
 * - `undefined`: a StrictUndefined value was used, as cookiecutter reports;
 * - `unsupported`: valid for Jinja2, but this emulation cannot reproduce its
 *   output exactly, so it refuses rather than render something different.
 */
export type JinjaErrorKind = 'syntax' | 'runtime' | 'undefined' | 'unsupported';

/** An error raised while compiling or rendering a template. */
export class JinjaError extends Error {
  /** 1-based line in the template, when known. */
  lineno?: number;
  /** The loader name of the included or imported template it happened in, when not the rendered one. */
  templateName?: string;

  constructor(
    readonly kind: JinjaErrorKind,
    message: string,
    lineno?: number,
  ) {
    super(message);
    this.name = 'JinjaError';
    this.lineno = lineno;
  }
}

/** Jinja2 would fail to compile the template too. */
export function syntaxError(message: string, lineno?: number): JinjaError {
  return new JinjaError('syntax', message, lineno);
}

/** Python raises at run time here too (TypeError, ValueError...). */
export function runtimeError(message: string): JinjaError {
  return new JinjaError('runtime', message);
}

/** A StrictUndefined value was used. */
export function undefinedError(message: string): JinjaError {
  return new JinjaError('undefined', message);
}

/** Valid Jinja2 whose exact output this emulation cannot reproduce. */
export function unsupported(message: string, lineno?: number): JinjaError {
  return new JinjaError('unsupported', message, lineno);
}

/** Jinja2's TemplateNotFound: no template of that name (ignored by `include ... ignore missing`). */
export class TemplateNotFoundError extends JinjaError {
  constructor(
    readonly name: string,
    detail = '',
  ) {
    super('runtime', `template "${name}" not found${detail}`);
  }
}

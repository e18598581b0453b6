import {
  CookiecutterTemplateError,
  CLI_HINT,
  PathEscapeError,
} from '../errors';
import { JinjaError } from '../jinja/errors';

/* Turns rendering failures into errors that name the file, line and construct. */

/** An error from rendering `file` (a template path, or cookiecutter.json for variables). */
export function templateError(e: unknown, file: string, what?: string): Error {
  if (e instanceof CookiecutterTemplateError || e instanceof PathEscapeError)
    return e;
  if (!(e instanceof JinjaError))
    return e instanceof Error ? e : new Error(String(e));
  const where = `${file}${e.lineno ? `:${e.lineno}` : ''}`;
  const subject = what ? ` (${what})` : '';
  switch (e.kind) {
    case 'unsupported':
      return new CookiecutterTemplateError(
        `${where}${subject}: ${e.message} is not supported by the builtin cookiecutter engine, which refuses rather than render differently; ${CLI_HINT}`,
        file,
        e.lineno,
        true,
      );
    case 'undefined':
      return new CookiecutterTemplateError(
        `${where}${subject}: undefined variable: ${e.message}`,
        file,
        e.lineno,
      );
    case 'syntax': {
      const unknown = /^No (filter|test) named '([^']+)'/.exec(e.message);
      if (unknown) {
        return new CookiecutterTemplateError(
          `${where}${subject}: unknown ${unknown[1]} '${unknown[2]}': neither Jinja2 nor cookiecutter defines it, and the builtin cookiecutter engine cannot load extensions; ${CLI_HINT}`,
          file,
          e.lineno,
          true,
        );
      }
      return new CookiecutterTemplateError(
        `${where}${subject}: template syntax error: ${e.message}`,
        file,
        e.lineno,
      );
    }
    default:
      return new CookiecutterTemplateError(
        `${where}${subject}: ${e.message}`,
        file,
        e.lineno,
      );
  }
}

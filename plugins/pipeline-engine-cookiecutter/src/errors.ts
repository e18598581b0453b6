import { InputError } from '@backstage/errors';

/** The config that switches to the real cookiecutter, quoted in errors. */
export const CLI_HINT =
  'set pipelineEngine.cookiecutter.engine: cli to render it with the real cookiecutter';

/**
 * The template cannot be rendered: a Jinja2 or JSON error, an undefined
 * variable, or a construct the builtin engine refuses. `file` and `line`
 * locate it in the template.
 *
 * @public
 */
export class CookiecutterTemplateError extends InputError {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly unsupported = false,
  ) {
    super(message);
  }
}

/** A path would leave the directory it must stay in (output, workspace or template). @public */
export class PathEscapeError extends InputError {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

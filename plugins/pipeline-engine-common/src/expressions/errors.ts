import type { Problem } from '../validation/problem';

/**
 * What went wrong with an expression:
 * - `unterminated`: a `<+` (or a string literal inside one) is never closed
 * - `syntax`: the body is not valid JEXL, or uses a construct this engine rejects
 * - `unresolved`: a reference names something that does not exist
 * - `forbidden`: the expression tried to reach prototypes, functions or code
 * - `unknown-method`: a `.method()` that is not one of the supported Java methods
 * - `method`: a supported method failed (bad arguments, index out of range...)
 * - `type`: an operator or condition got a value of the wrong type
 * - `secret`: a secret reference could not be resolved
 * - `limit`: the template exceeds a safety limit (nesting depth, length)
 * - `internal`: an unexpected failure inside the evaluator, reported instead of leaking
 *
 * @public
 */
export type ExpressionErrorCode =
  | 'unterminated'
  | 'syntax'
  | 'unresolved'
  | 'forbidden'
  | 'unknown-method'
  | 'method'
  | 'type'
  | 'secret'
  | 'limit'
  | 'internal';

/**
 * Where an error was found in the template (all 1-based except `offset`).
 *
 * @public
 */
export interface ExpressionErrorLocation {
  /** 0-based offset into the template. */
  offset: number;
  line: number;
  column: number;
}

/**
 * Options for {@link ExpressionError}.
 *
 * @public
 */
export interface ExpressionErrorOptions {
  /** The `<+...>` expression as written, when known. */
  expression?: string;
  /** The path segment or name that failed, e.g. `repository_description`. */
  segment?: string;
  location?: ExpressionErrorLocation;
  /** Where the template was found, e.g. `spec.messageContent` (renderDeep). */
  path?: string;
  /** The original exception, for `internal` errors. */
  cause?: unknown;
}

/**
 * The only error type the expression module throws. The message reads
 * `<+expression>: detail`, so it is useful without further formatting.
 *
 * @public
 */
export class ExpressionError extends Error {
  /** Machine-readable category. */
  readonly code: ExpressionErrorCode;
  /** The failure without the expression prefix. */
  readonly detail: string;
  /** The `<+...>` expression in which the failure happened, when known. */
  readonly expression?: string;
  /** The failing path segment / name, when there is one. */
  readonly segment?: string;
  /** Position of the failing expression in the template, when known. */
  readonly location?: ExpressionErrorLocation;
  /** Path of the field holding the template, when known (see renderDeep). */
  readonly path?: string;

  constructor(
    code: ExpressionErrorCode,
    detail: string,
    options: ExpressionErrorOptions = {},
  ) {
    super(
      options.expression ? `${options.expression}: ${detail}` : detail,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'ExpressionError';
    this.code = code;
    this.detail = detail;
    this.expression = options.expression;
    this.segment = options.segment;
    this.location = options.location;
    this.path = options.path;
  }

  /**
   * A copy that also names the expression / location / field path, for the
   * parts still unknown: errors raised deep in the evaluator do not know
   * which `<+...>` they belong to, the engine does. Innermost wins.
   */
  annotate(more: {
    expression?: string;
    location?: ExpressionErrorLocation;
    path?: string;
  }): ExpressionError {
    const expression = this.expression ?? more.expression;
    const location = this.location ?? more.location;
    const path = this.path ?? more.path;
    if (
      expression === this.expression &&
      location === this.location &&
      path === this.path
    ) {
      return this;
    }
    return new ExpressionError(this.code, this.detail, {
      expression,
      segment: this.segment,
      location,
      path,
      cause: this.cause,
    });
  }

  /** As a validation {@link Problem} at `path` (defaults to the error's own path). */
  toProblem(path?: string): Problem {
    return {
      severity: 'error',
      code: `expression-${this.code}`,
      path: path ?? this.path ?? '',
      message: this.message,
    };
  }
}

/** Throws an {@link ExpressionError}; a helper so call sites stay one line. */
export function fail(
  code: ExpressionErrorCode,
  detail: string,
  segment?: string,
): never {
  throw new ExpressionError(code, detail, { segment });
}

/** 1-based line and column of `offset` in `text`. */
export function locate(text: string, offset: number): ExpressionErrorLocation {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

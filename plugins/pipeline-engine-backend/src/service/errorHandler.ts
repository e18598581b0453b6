import type {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  ServiceUnavailableError,
  serializeError,
} from '@backstage/errors';
import type { ApiProblem } from '@idp-pipelines/plugin-pipeline-engine-common';
import type { ErrorRequestHandler } from 'express';

/*
 * The same answer as Backstage's standard error handler (status from the
 * `@backstage/errors` type, `{ error, request, response }` body), written
 * here so the plugin needs only `@backstage/backend-plugin-api` at run time
 * and never a second copy of `@backstage/backend-defaults` in an app.
 * Stack traces are never sent: an error message is the UX.
 */

const STATUS_BY_NAME: Record<string, number> = {
  [NotModifiedError.name]: 304,
  [InputError.name]: 400,
  [AuthenticationError.name]: 401,
  [NotAllowedError.name]: 403,
  [NotFoundError.name]: 404,
  [ConflictError.name]: 409,
  [NotImplementedError.name]: 501,
  [ServiceUnavailableError.name]: 503,
};

/** The HTTP status an error asks for: its own `statusCode`/`status`, or its type's. */
function statusOf(error: Error): number {
  for (const field of ['statusCode', 'status'] as const) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (
      Number.isInteger(value) &&
      (value as number) >= 100 &&
      (value as number) <= 599
    ) {
      return value as number;
    }
  }
  return STATUS_BY_NAME[error.name] ?? 500;
}

function problemsOf(error: unknown): ApiProblem[] | undefined {
  if (typeof error !== 'object' || error === null || !('problems' in error)) {
    return undefined;
  }
  const problems = (error as { problems: unknown }).problems;
  return Array.isArray(problems) ? (problems as ApiProblem[]) : undefined;
}

/**
 * Answers errors as Backstage does, plus a top-level `problems` list when
 * the error carries one, so clients need not dig in `error`.
 */
export function createErrorHandler(options: {
  config: RootConfigService;
  logger: LoggerService;
}): ErrorRequestHandler {
  const logger = options.logger.child({ type: 'errorHandler' });
  return (rawError, req, res, next) => {
    const error =
      rawError instanceof Error ? rawError : new Error(String(rawError));
    const statusCode = statusOf(error);
    if (statusCode >= 500) {
      logger.error(`Request failed with status ${statusCode}`, error);
    }
    if (res.headersSent) {
      next(error);
      return;
    }
    const problems = problemsOf(error);
    res.status(statusCode).json({
      error: serializeError(error, { includeStack: false }),
      request: { method: req.method, url: req.url },
      response: { statusCode },
      ...(problems ? { problems } : {}),
    });
  };
}

import type {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import type { ApiProblem } from '@idp-pipelines/plugin-pipeline-engine-common';
import type { ErrorRequestHandler } from 'express';

function problemsOf(error: unknown): ApiProblem[] | undefined {
  if (typeof error !== 'object' || error === null || !('problems' in error)) {
    return undefined;
  }
  const problems = (error as { problems: unknown }).problems;
  return Array.isArray(problems) ? (problems as ApiProblem[]) : undefined;
}

/**
 * Backstage's standard error handler (status from the `@backstage/errors`
 * type, `{ error, request, response }` body), plus a top-level `problems`
 * list when the error carries one, so clients need not dig in `error`.
 */
export function createErrorHandler(options: {
  config: RootConfigService;
  logger: LoggerService;
}): ErrorRequestHandler {
  const standard = MiddlewareFactory.create(options).error();
  return (error, req, res, next) => {
    const problems = problemsOf(error);
    if (problems && !res.headersSent) {
      const json = res.json.bind(res);
      res.json = (body: unknown) =>
        json(
          typeof body === 'object' && body !== null
            ? { ...body, problems }
            : body,
        );
    }
    standard(error, req, res, next);
  };
}

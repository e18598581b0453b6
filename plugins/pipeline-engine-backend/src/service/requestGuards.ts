import { InputError } from '@backstage/errors';
import {
  nestingExceeds,
  nestingMessage,
  yamlFlowNestingExceeds,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { NextFunction, Request, Response } from 'express';
import { YAML_MEDIA_TYPES } from './requestParsing';

/*
 * Guards every request body before a route reads it: bodies of another media
 * type are refused (415) instead of being read as "no inputs", and bodies
 * nested deeper than MAX_NESTING_DEPTH are refused (400) before anything
 * recursive (input-set conversion, JSON columns, the YAML parser) sees them.
 */

/** Media types the API reads bodies of. */
export const BODY_MEDIA_TYPES = ['application/json', ...YAML_MEDIA_TYPES];

/** An error the standard error handler answers with 415. */
class UnsupportedMediaTypeError extends Error {
  readonly statusCode = 415;
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedMediaTypeError';
  }
}

/** 415 for a body that is neither JSON nor YAML. */
export function requireKnownMediaType(
  req: Request,
  _res: Response,
  next: NextFunction,
): void {
  // null: the request has no body, which every route accepts; nor does an
  // empty one (Content-Length: 0) need a media type.
  const empty = req.header('content-length') === '0';
  if (!empty && req.is(BODY_MEDIA_TYPES) === false) {
    next(
      new UnsupportedMediaTypeError(
        `Content-Type ${req.header('content-type') ?? '(none)'} is not supported; send application/json or application/yaml`,
      ),
    );
    return;
  }
  next();
}

/** 400 for a body nested deeper than the limit. */
export function limitBodyNesting(
  req: Request,
  _res: Response,
  next: NextFunction,
): void {
  const body: unknown = req.body;
  const tooDeep =
    typeof body === 'string'
      ? yamlFlowNestingExceeds(body)
      : nestingExceeds(body);
  next(
    tooDeep ? new InputError(nestingMessage('the request body')) : undefined,
  );
}

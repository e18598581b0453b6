import { ResponseError } from '@backstage/errors';
import type { ApiProblem } from '../api/types';

/**
 * The problems a failed call reported (pipeline or input-set errors with
 * line:column), or an empty list.
 *
 * @public
 */
export function problemsOfError(error: unknown): ApiProblem[] {
  if (!ResponseError.is(error)) return [];
  const problems = (error.body as { problems?: unknown }).problems;
  return Array.isArray(problems) ? (problems as ApiProblem[]) : [];
}

import { InputError } from '@backstage/errors';
import type {
  ApiProblem,
  Problem,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { formatProblem } from '@idp-pipelines/plugin-pipeline-engine-common';

/**
 * A 400 that carries every problem of a pipeline or input set, each with its
 * path and line:column, so API clients can show all of them at once.
 */
export class ProblemsError extends InputError {
  readonly problems: ApiProblem[];

  constructor(summary: string, problems: Problem[]) {
    const errors = problems.filter(p => p.severity === 'error');
    super(
      `${summary}:\n${errors.map(p => `  ${formatProblem(p)}`).join('\n')}`,
    );
    this.name = 'InputError';
    this.problems = problems.map(toApiProblem);
  }
}

/** The API shape of a problem. */
export function toApiProblem(p: Problem): ApiProblem {
  return {
    severity: p.severity,
    code: p.code,
    path: p.path,
    message: p.message,
    ...(p.hint ? { hint: p.hint } : {}),
    ...(p.line !== undefined ? { line: p.line, column: p.column } : {}),
    ...(p.document ? { document: p.document } : {}),
  };
}

import { InputError } from '@backstage/errors';

/** A pipeline or input-set problem, as the engine and the input resolver report them. */
export interface ProblemLike {
  severity: 'error' | 'warning';
  path: string;
  message: string;
  hint?: string;
  line?: number;
  column?: number;
}

function describe(problem: ProblemLike): string {
  const where =
    problem.line !== undefined
      ? ` (line ${problem.line}${problem.column !== undefined ? `:${problem.column}` : ''})`
      : '';
  const hint = problem.hint ? ` — ${problem.hint}` : '';
  return `  - ${problem.path}: ${problem.message}${where}${hint}`;
}

/**
 * One InputError listing every problem, errors first, so a template author
 * fixes all fields in one go.
 */
export function inputSetProblemsError(
  subject: string,
  problems: readonly ProblemLike[],
): InputError {
  const errors = problems.filter(p => p.severity === 'error');
  const warnings = problems.filter(p => p.severity !== 'error');
  const lines = [
    `The inputset does not fit ${subject} (${errors.length} ${errors.length === 1 ? 'problem' : 'problems'}):`,
    ...errors.map(describe),
  ];
  if (warnings.length > 0) {
    lines.push('Warnings:', ...warnings.map(describe));
  }
  return new InputError(lines.join('\n'));
}

/** Warning lines for the task log. */
export function describeWarnings(problems: readonly ProblemLike[]): string[] {
  return problems
    .filter(p => p.severity !== 'error')
    .map(p => describe(p).replace(/^ {2}- /, 'Warning: '));
}

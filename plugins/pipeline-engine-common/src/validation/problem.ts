/** How bad a problem is: errors reject the pipeline, warnings do not. */
export type ProblemSeverity = 'error' | 'warning';

/**
 * One problem found in a pipeline, an input set or an expression.
 * `path` is the YAML path (`pipeline.stages[0].stage.identifier`) or, for
 * input sets, the fully-qualified input name.
 */
export interface Problem {
  severity: ProblemSeverity;
  /** Stable machine-readable code, e.g. `identifier-format`. */
  code: string;
  path: string;
  message: string;
  /** What would fix it. */
  hint?: string;
  /** 1-based source position, where the problem came from YAML. */
  line?: number;
  column?: number;
}

/** Renders a problem as one line: `path: message (line L, col C). hint`. */
export function formatProblem(problem: Problem): string {
  const where =
    problem.line !== undefined
      ? ` (line ${problem.line}, col ${problem.column ?? 1})`
      : '';
  const hint = problem.hint ? ` — ${problem.hint}` : '';
  return `${problem.path}: ${problem.message}${where}${hint}`;
}

/** True when any problem is an error. */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some(p => p.severity === 'error');
}

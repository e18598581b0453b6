/**
 * How bad a problem is: errors reject the pipeline, warnings do not.
 *
 * @public
 */
export type ProblemSeverity = 'error' | 'warning';

/**
 * One problem found in a pipeline, an input set or an expression.
 * `path` is the YAML path (`pipeline.stages[0].stage.identifier`) or, for
 * input sets, the fully-qualified input name.
 *
 * @public
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
  /**
   * The document `line`/`column` point into, when it is not the one being
   * checked: a template's file or `template <scope>/<id>@<version>`.
   */
  document?: string;
}

/**
 * Renders a problem as one line: `path: message (line L, col C). hint`.
 *
 * @public
 */
export function formatProblem(problem: Problem): string {
  const inDocument = problem.document ? ` in ${problem.document}` : '';
  const where =
    problem.line !== undefined
      ? ` (${inDocument ? `${problem.document} ` : ''}line ${problem.line}, col ${problem.column ?? 1})`
      : inDocument;
  const hint = problem.hint ? ` — ${problem.hint}` : '';
  return `${problem.path}: ${problem.message}${where}${hint}`;
}

/**
 * True when any problem is an error.
 *
 * @public
 */
export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some(p => p.severity === 'error');
}

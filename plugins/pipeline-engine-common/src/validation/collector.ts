import type { YamlPath } from '../parser/yamlPath';
import { formatYamlPath } from '../parser/yamlPath';
import type { Problem, ProblemSeverity } from './problem';

/** A problem before its source position is known. */
export interface PendingProblem {
  problem: Problem;
  path: YamlPath;
  /** Point at the map key (unknown keys) or at the value (bad values). */
  at: 'key' | 'value';
}

/** Collects every problem of a validation run, so all are reported at once. */
export class ProblemCollector {
  readonly pending: PendingProblem[] = [];

  /** Records an error. */
  error(
    path: YamlPath,
    code: string,
    message: string,
    hint?: string,
    at: 'key' | 'value' = 'value',
  ) {
    this.add('error', path, code, message, hint, at);
  }

  /** Records a warning. */
  warn(
    path: YamlPath,
    code: string,
    message: string,
    hint?: string,
    at: 'key' | 'value' = 'value',
  ) {
    this.add('warning', path, code, message, hint, at);
  }

  private add(
    severity: ProblemSeverity,
    path: YamlPath,
    code: string,
    message: string,
    hint: string | undefined,
    at: 'key' | 'value',
  ) {
    this.pending.push({
      problem: {
        severity,
        code,
        path: formatYamlPath(path),
        message,
        ...(hint ? { hint } : {}),
      },
      path,
      at,
    });
  }
}

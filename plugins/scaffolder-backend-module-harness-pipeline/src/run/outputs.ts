import { labelOfFqn } from './progress';
import type { OutputVariable } from './types';

/** Outputs the action always sets; output variables never replace them. */
export const RESERVED_OUTPUTS: readonly string[] = [
  'title',
  'url',
  'PipelineUrl',
];

/** Result of {@link exportOutputVariables}. */
export interface ExportedOutputs {
  /** Output name → value: every FQN, and each short name once. */
  values: Record<string, string>;
  /** One line per short name that more than one step wrote, or that is reserved. */
  warnings: string[];
}

function endedAtMs(variable: OutputVariable): number {
  const ms = variable.endedAt ? Date.parse(variable.endedAt) : NaN;
  return Number.isNaN(ms) ? -Infinity : ms;
}

/**
 * Harness's `showOutputVariables`: each output variable by its
 * fully-qualified name and by its short name. When several steps export
 * the same short name, it holds the value of the step that finished last
 * (by end time; on a tie, the later one in the list), and, when their
 * values differ, a warning names the others, which stay readable by FQN.
 */
export function exportOutputVariables(
  variables: readonly OutputVariable[],
): ExportedOutputs {
  const values: Record<string, string> = {};
  const byName = new Map<
    string,
    Array<{ variable: OutputVariable; order: number }>
  >();
  variables.forEach((variable, order) => {
    values[variable.fqn] = variable.value;
    const list = byName.get(variable.name) ?? [];
    list.push({ variable, order });
    byName.set(variable.name, list);
  });
  const warnings: string[] = [];
  for (const [name, list] of byName) {
    const sorted = [...list].sort(
      (a, b) =>
        endedAtMs(a.variable) - endedAtMs(b.variable) || a.order - b.order,
    );
    const winner = sorted[sorted.length - 1].variable;
    if (RESERVED_OUTPUTS.includes(name)) {
      warnings.push(
        `Output variable "${name}" is not exported by its short name, which the action's own "${name}" output uses; read it as steps.<id>.output['${winner.fqn}']`,
      );
      continue;
    }
    values[name] = winner.value;
    // Steps that agree on the value (CreateRepo and DirectPush both report
    // the repository) leave nothing ambiguous to warn about.
    if (sorted.some(({ variable }) => variable.value !== winner.value)) {
      const others = sorted
        .slice(0, -1)
        .map(({ variable }) => labelOfFqn(variable.nodeFqn));
      warnings.push(
        `Output variable "${name}" is exported by ${sorted.length} steps; "${name}" holds the value of ${labelOfFqn(winner.nodeFqn)}, which finished last. Read the value of ${others.join(', ')} by its fully-qualified name, e.g. ${sorted[0].variable.fqn}`,
      );
    }
  }
  return { values, warnings };
}

import type { Problem } from '../validation/problem';
import { normalizeInputSet } from './inputSet';

/**
 * Merges several input sets (flat maps, structured Harness input sets or
 * YAML text) by fully-qualified name, later ones winning — as Harness
 * applies a list of input sets. Keys keep the form they were written in.
 *
 * @public
 */
export function mergeInputSets(sources: readonly unknown[]): {
  inputSet: Record<string, unknown>;
  problems: Problem[];
} {
  const byFqn = new Map<string, { key: string; value: unknown }>();
  const problems: Problem[] = [];
  for (const source of sources) {
    const normalized = normalizeInputSet(source);
    problems.push(...normalized.problems);
    for (const entry of normalized.entries) {
      byFqn.set(entry.fqn, { key: entry.key, value: entry.value });
    }
  }
  return {
    inputSet: Object.fromEntries(
      [...byFqn.values()].map(e => [e.key, e.value]),
    ),
    problems,
  };
}

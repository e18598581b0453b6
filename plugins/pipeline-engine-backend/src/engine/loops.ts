import type {
  LoopingStrategy,
  YamlValue,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { InputError } from '@backstage/errors';

/** JSON value as loop variables hold them. */
export type LoopValue = YamlValue;

/** One iteration of a looping strategy. */
export interface Iteration {
  /** 0-based. */
  index: number;
  total: number;
  /** Appended to the node identifier: `build` → `build_0`, with or without `nodeName`. */
  suffix: string;
  /** The rendered `nodeName`; without one the iteration is named `<name>_<index>`. */
  name?: string;
  matrix?: Record<string, LoopValue>;
  repeat?: { item: LoopValue; items: LoopValue[] };
}

/** The iterations of a strategy and how many may run at once. */
export interface ExpandedStrategy {
  iterations: Iteration[];
  maxConcurrency: number;
}

/**
 * Expands `matrix`, `repeat` or `parallelism` into iterations. Values that
 * are expressions are rendered with `render` first (the engine's scope at
 * the looped node). Without `maxConcurrency` every iteration runs at once.
 *
 * Each iteration's identifier is the node's with the iteration index
 * appended (`step_0`, `step_1`), as Harness's looping-strategy docs say:
 * "the index value of the iteration count is appended to the base
 * stage/step identifier to create unique identifiers for each stage/step
 * instance created by the looping strategy". A `nodeName` template ("use the
 * keyword `nodeName` … to define your stage naming convention. Expressions
 * are supported") is rendered per iteration as the iteration's name; it
 * never changes the identifier.
 */
export function expandStrategy(
  strategy: LoopingStrategy,
  render: (
    value: YamlValue,
    iteration?: Omit<Iteration, 'suffix' | 'name'>,
  ) => unknown,
): ExpandedStrategy {
  let base: Array<Omit<Iteration, 'suffix' | 'name' | 'index' | 'total'>>;
  let nodeName: string | undefined;
  let maxConcurrency: unknown;
  if (strategy.matrix) {
    const axes = Object.entries(strategy.matrix.axes).map(
      ([name, values]) =>
        [
          name,
          asList(render(values as YamlValue), `matrix axis "${name}"`),
        ] as const,
    );
    let combos: Array<Record<string, LoopValue>> = [{}];
    for (const [name, values] of axes) {
      combos = combos.flatMap(c => values.map(v => ({ ...c, [name]: v })));
    }
    const exclude = strategy.matrix.exclude ?? [];
    combos = combos.filter(
      c =>
        !exclude.some(ex =>
          Object.entries(ex).every(
            ([k, v]) => JSON.stringify(c[k]) === JSON.stringify(v),
          ),
        ),
    );
    base = combos.map(matrix => ({ matrix }));
    nodeName = strategy.matrix.nodeName;
    maxConcurrency = strategy.matrix.maxConcurrency;
  } else if (strategy.repeat) {
    const { times, items } = strategy.repeat;
    const list =
      items !== undefined
        ? asList(render(items as YamlValue), 'repeat items')
        : Array.from(
            { length: asCount(render(times as YamlValue), 'repeat times') },
            (_, i) => i,
          );
    base = list.map(item => ({ repeat: { item, items: list } }));
    nodeName = strategy.repeat.nodeName;
    maxConcurrency = strategy.repeat.maxConcurrency;
  } else {
    const n = asCount(render(strategy.parallelism as YamlValue), 'parallelism');
    base = Array.from({ length: n }, () => ({}));
  }
  const total = base.length;
  const iterations = base.map((it, index) => {
    const partial = { ...it, index, total };
    const name =
      nodeName !== undefined ? String(render(nodeName, partial)) : undefined;
    return {
      ...partial,
      suffix: String(index),
      ...(name !== undefined ? { name } : {}),
    };
  });
  const limit =
    maxConcurrency === undefined
      ? total
      : asCount(render(maxConcurrency as YamlValue), 'maxConcurrency');
  return { iterations, maxConcurrency: Math.max(1, limit) };
}

function asList(value: unknown, what: string): LoopValue[] {
  let v = value;
  if (typeof value === 'string') {
    // Expressions render lists as JSON; plain text lists are comma-separated.
    try {
      v = JSON.parse(value);
    } catch {
      v = value
        .split(',')
        .map(s => s.trim())
        .filter(Boolean);
    }
  }
  if (!Array.isArray(v))
    throw new InputError(
      `${what} must be a list, found ${JSON.stringify(value)}`,
    );
  return v as LoopValue[];
}

function asCount(value: unknown, what: string): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new InputError(
      `${what} must be a whole number, found ${JSON.stringify(value)}`,
    );
  }
  return n;
}

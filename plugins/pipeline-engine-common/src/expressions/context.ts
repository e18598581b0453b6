/*
 * What expressions can see. The engine only talks to the
 * {@link ExpressionContext} interface; `createExpressionContext` builds one
 * from a plain JSON snapshot of an execution plus the position (scope) of the
 * node being evaluated, implementing Harness's relative names.
 */
import type { JsonValue } from './values';
import { SecretReference, isPlainRecord } from './values';

/**
 * The execution state visible to expressions.
 *
 * @public
 */
export interface ExpressionContext {
  /**
   * Value of a root name (`pipeline`, `stage`, `steps`, `matrix`...), or
   * undefined when the name is not defined here. Values are plain data
   * (objects, arrays, primitives) and may contain {@link SecretReference}s.
   * `secrets` is handled by the engine and never looked up.
   */
  lookup(root: string): unknown;
  /** Secret value for a scoped id (`x`, `org.x`, `account.x`), or undefined. */
  getSecret(ref: string): string | undefined;
  /** Root names defined here, for "did you mean" hints and messages. */
  rootNames?(): Iterable<string>;
}

/**
 * Output variables etc. of one step in a snapshot.
 *
 * @public
 */
export interface StepSnapshot {
  name?: string;
  identifier?: string;
  type?: string;
  status?: string;
  retryCount?: number;
  output?: { outputVariables?: Record<string, JsonValue> };
  [key: string]: unknown;
}

/**
 * A step group in a snapshot: recognised by having `steps`.
 *
 * @public
 */
export interface StepGroupSnapshot {
  name?: string;
  identifier?: string;
  status?: string;
  variables?: Record<string, JsonValue>;
  steps: Record<string, StepSnapshot | StepGroupSnapshot>;
  [key: string]: unknown;
}

/**
 * One stage in a snapshot.
 *
 * @public
 */
export interface StageSnapshot {
  name?: string;
  identifier?: string;
  type?: string;
  status?: string;
  variables?: Record<string, JsonValue>;
  spec?: {
    execution?: { steps?: Record<string, StepSnapshot | StepGroupSnapshot> };
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/**
 * The `pipeline` root of a snapshot.
 *
 * @public
 */
export interface PipelineSnapshot {
  name?: string;
  identifier?: string;
  executionId?: string;
  sequenceId?: number;
  startTs?: number;
  orgIdentifier?: string;
  projectIdentifier?: string;
  triggeredBy?: { name?: string; email?: string };
  triggerType?: string;
  variables?: Record<string, JsonValue>;
  stages?: Record<string, StageSnapshot>;
  [key: string]: unknown;
}

/**
 * Everything an execution exposes to expressions, as plain JSON.
 *
 * @public
 */
export interface ExpressionSnapshot {
  pipeline: PipelineSnapshot;
  accountIdentifier?: string;
  /** Defaults to `pipeline.orgIdentifier`. */
  orgIdentifier?: string;
  /** Defaults to `pipeline.projectIdentifier`. */
  projectIdentifier?: string;
  /** Secret values by scoped id: `x`, `org.x`, `account.x`. */
  secrets?: Record<string, string>;
  /**
   * Names of Secret-type variables. Their values in the snapshot are secret
   * ids (`account.x`, or `<+secrets.getValue("x")>`), resolved when read.
   */
  secretVariables?: {
    pipeline?: string[];
    /** Stage identifier → names of its Secret-type variables. */
    stages?: Record<string, string[]>;
  };
  /** The `trigger` root (`<+trigger.type>`, `<+trigger.payload...>`). */
  trigger?: Record<string, JsonValue>;
}

/**
 * Where in the pipeline the expression is evaluated.
 *
 * @public
 */
export interface ExpressionScope {
  stageId?: string;
  /** Enclosing step groups, outermost first. */
  stepGroupPath?: string[];
  stepId?: string;
  /** Current matrix combination: `<+matrix.KEY>`. */
  matrix?: Record<string, JsonValue>;
  /** Current repeat item: `<+repeat.item>`, `<+repeat.items>`. */
  repeat?: { item: JsonValue; items?: JsonValue[] };
  /** Current iteration: `<+strategy.iteration>`, `<+strategy.iterations>`. */
  strategy?: {
    iteration: number;
    iterations: number;
    [key: string]: JsonValue;
  };
  /** The `env` root. */
  env?: Record<string, JsonValue>;
}

type StepTree = Record<string, StepSnapshot | StepGroupSnapshot>;

/** True for a step group entry (it has `steps`). */
function isGroup(node: unknown): node is StepGroupSnapshot {
  return isPlainRecord(node) && isPlainRecord(node.steps);
}

/** Own property or undefined: snapshot keys must never hit the prototype. */
function own<T>(
  record: Record<string, T> | undefined,
  key: string,
): T | undefined {
  return record && Object.prototype.hasOwnProperty.call(record, key)
    ? record[key]
    : undefined;
}

/** `account.x`, `x`, or the id inside `<+secrets.getValue("x")>`. */
function secretIdOf(value: JsonValue): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^<\+secrets\.getValue\(\s*["']([^"']+)["']\s*\)>$/.exec(
    value.trim(),
  );
  return m ? m[1] : value.trim();
}

/** Copy of `variables` with the named ones turned into secret references. */
function markSecrets(
  variables: Record<string, JsonValue> | undefined,
  names: readonly string[] | undefined,
): Record<string, unknown> | undefined {
  if (!variables || !names?.length) return variables;
  const out: Record<string, unknown> = { ...variables };
  for (const name of names) {
    const id = secretIdOf(own(variables, name) ?? null);
    if (id) out[name] = new SecretReference(id);
  }
  return out;
}

/**
 * An {@link ExpressionContext} over a snapshot, seen from `scope`:
 * `stage` is the current stage, `step` the current step, `execution` the
 * current stage's execution, `steps.X` finds X in the innermost step group
 * first, then enclosing groups, then the stage; `stepGroup` is the innermost
 * group. Views are computed on first use.
 *
 * @public
 */
export function createExpressionContext(
  snapshot: ExpressionSnapshot,
  scope: ExpressionScope = {},
): ExpressionContext {
  const roots = new Map<string, () => unknown>();
  const cache = new Map<string, unknown>();

  const pipeline = (): Record<string, unknown> => {
    const p = snapshot.pipeline;
    const stageSecrets = snapshot.secretVariables?.stages ?? {};
    let stages: Record<string, unknown> | undefined = p.stages;
    if (p.stages && Object.keys(stageSecrets).length) {
      stages = { ...p.stages };
      for (const [id, names] of Object.entries(stageSecrets)) {
        const stage = own(p.stages, id);
        if (stage) {
          stages[id] = {
            ...stage,
            variables: markSecrets(stage.variables, names),
          };
        }
      }
    }
    const view: Record<string, unknown> = { ...p };
    if (p.variables) {
      view.variables = markSecrets(
        p.variables,
        snapshot.secretVariables?.pipeline,
      );
    }
    if (stages) view.stages = stages;
    return view;
  };
  const memo = <T>(key: string, make: () => T): T => {
    if (!cache.has(key)) cache.set(key, make());
    return cache.get(key) as T;
  };
  const pipelineView = () => memo('pipeline', pipeline);
  const stageView = (): Record<string, unknown> | undefined =>
    memo('stage', () => {
      if (!scope.stageId) return undefined;
      const stages = pipelineView().stages;
      const stage = isPlainRecord(stages)
        ? own(stages, scope.stageId)
        : undefined;
      return isPlainRecord(stage) ? stage : undefined;
    });
  const stageSteps = (): StepTree => {
    const spec = stageView()?.spec;
    const execution = isPlainRecord(spec) ? spec.execution : undefined;
    const steps = isPlainRecord(execution) ? execution.steps : undefined;
    return isPlainRecord(steps) ? (steps as StepTree) : {};
  };
  // Groups along stepGroupPath, outermost first; stops at the first missing one.
  const groups = (): StepGroupSnapshot[] =>
    memo('groups', () => {
      const found: StepGroupSnapshot[] = [];
      let tree = stageSteps();
      for (const id of scope.stepGroupPath ?? []) {
        const group = own(tree, id);
        if (!isGroup(group)) break;
        found.push(group);
        tree = group.steps;
      }
      return found;
    });

  roots.set('pipeline', pipelineView);
  roots.set('stage', stageView);
  roots.set('execution', () => {
    const stage = stageView();
    if (!stage) return undefined;
    const spec = stage.spec;
    const execution = isPlainRecord(spec) ? spec.execution : undefined;
    return isPlainRecord(execution) ? execution : { steps: {} };
  });
  roots.set('steps', () =>
    memo('steps', () => {
      if (!stageView()) return undefined;
      // Later (inner) groups overwrite earlier ones: innermost wins.
      const merged: Record<string, unknown> = Object.create(null);
      for (const tree of [stageSteps(), ...groups().map(g => g.steps)]) {
        for (const key of Object.keys(tree)) merged[key] = tree[key];
      }
      return merged;
    }),
  );
  roots.set('stepGroup', () => {
    const all = groups();
    return all.length ? all[all.length - 1] : undefined;
  });
  roots.set('step', () =>
    memo('step', () => {
      if (!scope.stepId) return undefined;
      const all = groups();
      const tree = all.length ? all[all.length - 1].steps : stageSteps();
      const step = own(tree, scope.stepId);
      const base = isPlainRecord(step) ? step : { identifier: scope.stepId };
      return { retryCount: 0, ...base };
    }),
  );
  const idRoot = (id: string | undefined) => () =>
    id === undefined ? undefined : { identifier: id };
  roots.set('account', idRoot(snapshot.accountIdentifier));
  roots.set(
    'org',
    idRoot(snapshot.orgIdentifier ?? snapshot.pipeline.orgIdentifier),
  );
  roots.set(
    'project',
    idRoot(snapshot.projectIdentifier ?? snapshot.pipeline.projectIdentifier),
  );
  roots.set('matrix', () => scope.matrix);
  roots.set('repeat', () => scope.repeat);
  roots.set('strategy', () => scope.strategy);
  roots.set('env', () => scope.env);
  roots.set('trigger', () => snapshot.trigger);

  return {
    lookup(root) {
      const make = roots.get(root);
      return make ? make() : undefined;
    },
    getSecret(ref) {
      const value = own(snapshot.secrets, ref);
      return typeof value === 'string' ? value : undefined;
    },
    rootNames() {
      return [...roots.keys()].filter(name => roots.get(name)!() !== undefined);
    },
  };
}

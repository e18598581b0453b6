import { ConflictError, InputError } from '@backstage/errors';
import { parseYaml } from '@idp-pipelines/plugin-pipeline-engine-common';
import type { NodeExecution, NodeStatus } from '../database';

/** A stage definition as frozen with an execution (runtime inputs applied). */
type StageDefinition = { identifier?: unknown } & Record<string, unknown>;

/**
 * The stages of a pipeline document in run order: each entry is one stage,
 * or the stages of a `parallel` block, which run (and re-run) together.
 */
export type StageGroups = StageDefinition[][];

/** Stage results a re-run may reuse: the stage did not fail. */
const REUSABLE_STATUSES: readonly NodeStatus[] = [
  'Success',
  'IgnoreFailed',
  'Skipped',
];

/** What a re-run reuses and where it starts. */
export interface RerunDecision {
  fromStage: string;
  /** Identifiers of the stages before `fromStage`, copied from the original. */
  reusedStages: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Stage groups of a `{pipeline: {stages}}` document. */
export function stageGroupsOf(document: unknown): StageGroups {
  const pipeline = isObject(document) ? document.pipeline : undefined;
  const stages =
    isObject(pipeline) && Array.isArray(pipeline.stages) ? pipeline.stages : [];
  const groups: StageGroups = [];
  for (const entry of stages) {
    if (!isObject(entry)) continue;
    if (isObject(entry.stage)) groups.push([entry.stage]);
    else if (Array.isArray(entry.parallel)) {
      groups.push(
        entry.parallel.flatMap(p =>
          isObject(p) && isObject(p.stage) ? [p.stage] : [],
        ),
      );
    }
  }
  return groups;
}

/** Stage groups of an execution's frozen pipeline (JSON, or YAML in older rows). */
export function frozenStageGroups(frozen: string): StageGroups {
  let document: unknown;
  try {
    document = JSON.parse(frozen);
  } catch {
    document = parseYaml(frozen).value;
  }
  return stageGroupsOf(document);
}

/** JSON with sorted keys, so that key order does not count as a change. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value)
      .filter(k => value[k] !== undefined)
      .sort();
    return `{${keys.map(k => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const idOf = (stage: StageDefinition) => String(stage.identifier);

/**
 * Decides where a re-run starts and which stages it reuses, or refuses:
 * InputError when `fromStage` is not a stage of the pipeline; ConflictError
 * when a stage before it cannot be reused (it changed since the original
 * ran, or it did not succeed there).
 */
export function decideRerun(options: {
  /** The pipeline that will run (the stored version, inputs applied). */
  next: StageGroups;
  /** The original execution's frozen pipeline. */
  original: StageGroups;
  /** Top-level nodes of the original by fqn. */
  originalNodes: NodeExecution[];
  /** The original's number, for messages. */
  originalLabel: string;
  fromStage?: string;
}): RerunDecision {
  const { next, original, originalLabel } = options;
  const statusOf = new Map(options.originalNodes.map(n => [n.fqn, n.status]));
  const statusOfStage = (id: string) => statusOf.get(`pipeline.stages.${id}`);
  const ids = next.flat().map(idOf);
  let fromStage = options.fromStage;
  if (fromStage === undefined) {
    // Harness's "retry failed pipeline": from the first stage that did not
    // succeed (or did not run); everything, if all succeeded.
    fromStage =
      ids.find(
        id => !REUSABLE_STATUSES.includes(statusOfStage(id) as NodeStatus),
      ) ?? ids[0];
  } else if (!ids.includes(fromStage)) {
    throw new InputError(
      `fromStage "${fromStage}" is not a stage of the pipeline; use one of: ${ids.join(', ')}`,
    );
  }
  if (fromStage === undefined) {
    throw new InputError('the pipeline has no stages to re-run');
  }
  const groupIndex = next.findIndex(group =>
    group.some(s => idOf(s) === fromStage),
  );
  const originalById = new Map(original.flat().map(s => [idOf(s), s]));
  const reused = next.slice(0, groupIndex).flat();
  for (const stage of reused) {
    const id = idOf(stage);
    const before = originalById.get(id);
    if (!before || canonical(before) !== canonical(stage)) {
      throw new ConflictError(
        `stage "${id}" ${before ? 'changed' : 'was added'} since execution ${originalLabel} ran (pipeline version or inputs differ), so its results cannot be reused; re-run from stage "${id}" or an earlier one, or execute the pipeline afresh`,
      );
    }
    const status = statusOfStage(id);
    if (!REUSABLE_STATUSES.includes(status as NodeStatus)) {
      throw new ConflictError(
        `stage "${id}" ${status ? `ended ${status}` : 'did not run'} in execution ${originalLabel}, so it cannot be reused; re-run from stage "${id}" or an earlier one`,
      );
    }
  }
  return { fromStage, reusedStages: reused.map(idOf) };
}

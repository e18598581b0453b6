import type {
  ExecutionElement,
  Pipeline,
  Problem,
  StageNode,
  StepGroupNode,
  StepNode,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { didYouMean } from '@idp-pipelines/plugin-pipeline-engine-common';
import type { StepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';

/** Step handlers by type, as installed in this engine. */
export interface StepHandlerLookup {
  get(type: string): StepHandler<unknown> | undefined;
  types(): string[];
}

/** A step bound to its handler. */
export interface PlanStep {
  kind: 'step';
  node: StepNode;
  handler: StepHandler<unknown>;
}

/** A step group and its planned children. */
export interface PlanGroup {
  kind: 'stepGroup';
  node: StepGroupNode;
  children: PlanElement[];
}

/** Steps or groups that run concurrently. */
export interface PlanParallel {
  kind: 'parallel';
  children: Array<PlanStep | PlanGroup>;
}

/** An element of a planned execution. */
export type PlanElement = PlanStep | PlanGroup | PlanParallel;

/** A planned stage. */
export interface PlanStage {
  kind: 'stage';
  node: StageNode;
  steps: PlanElement[];
  rollbackSteps: PlanElement[];
}

/** Stages that run concurrently. */
export interface PlanParallelStages {
  kind: 'parallel';
  stages: PlanStage[];
}

/** A validated pipeline with every step bound to the handler that runs it. */
export interface ExecutionPlan {
  pipeline: Pipeline;
  stages: Array<PlanStage | PlanParallelStages>;
}

/**
 * Binds every step to its handler. A step type without a handler in this
 * engine is reported before anything runs, with the step's path.
 */
export function planExecution(
  pipeline: Pipeline,
  handlers: StepHandlerLookup,
): { ok: true; plan: ExecutionPlan } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  function planOne(
    el: StepNode | StepGroupNode,
    path: string,
  ): PlanStep | PlanGroup | undefined {
    if (el.kind === 'stepGroup') {
      return {
        kind: 'stepGroup',
        node: el,
        children: planElements(el.steps, `${path}.stepGroup.steps`),
      };
    }
    const handler = handlers.get(el.type);
    if (!handler) {
      const hint = didYouMean(el.type, handlers.types());
      problems.push({
        severity: 'error',
        code: 'no-step-handler',
        path: `${path}.step.type`,
        message: `step type "${el.type}" has no handler installed in this engine${hint ? `; ${hint}` : ''}`,
        hint: `install the backend module that provides ${el.type}; installed: ${handlers.types().join(', ')}`,
      });
      return undefined;
    }
    return { kind: 'step', node: el, handler };
  }
  function planElements(
    elements: ExecutionElement[],
    path: string,
  ): PlanElement[] {
    return elements.flatMap((el, i): PlanElement[] => {
      if (el.kind === 'parallel') {
        const children = el.elements
          .map((child, j) => planOne(child, `${path}[${i}].parallel[${j}]`))
          .filter((c): c is PlanStep | PlanGroup => c !== undefined);
        return [{ kind: 'parallel', children }];
      }
      const one = planOne(el, `${path}[${i}]`);
      return one ? [one] : [];
    });
  }
  const planStage = (stage: StageNode, path: string): PlanStage => ({
    kind: 'stage',
    node: stage,
    steps: planElements(
      stage.spec.execution.steps,
      `${path}.stage.spec.execution.steps`,
    ),
    rollbackSteps: planElements(
      stage.spec.execution.rollbackSteps ?? [],
      `${path}.stage.spec.execution.rollbackSteps`,
    ),
  });
  const stages = pipeline.stages.map(
    (entry, i): PlanStage | PlanParallelStages =>
      entry.kind === 'parallel'
        ? {
            kind: 'parallel',
            stages: entry.stages.map((s, j) =>
              planStage(s, `pipeline.stages[${i}].parallel[${j}]`),
            ),
          }
        : planStage(entry, `pipeline.stages[${i}]`),
  );
  return problems.length
    ? { ok: false, problems }
    : { ok: true, plan: { pipeline, stages } };
}

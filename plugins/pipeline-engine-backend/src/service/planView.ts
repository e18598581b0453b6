import type {
  LoopingStrategy,
  PlannedNodeView,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { ExecutionPlan, PlanElement, PlanStage } from '../engine/plan';

/** What a plan would run, for dry runs. */
export function describePlan(
  plan: ExecutionPlan,
): Array<PlannedNodeView & { type: string }> {
  return plan.stages.flatMap(entry =>
    (entry.kind === 'parallel' ? entry.stages : [entry]).map(describeStage),
  );
}

function describeStage(stage: PlanStage): PlannedNodeView & { type: string } {
  const n = stage.node;
  return {
    identifier: n.identifier,
    name: n.name,
    type: n.type,
    ...strategyOf(n.strategy),
    ...(n.when?.condition ? { condition: n.when.condition } : {}),
    children: stage.steps.flatMap(describeElement),
  };
}

function describeElement(el: PlanElement): PlannedNodeView[] {
  if (el.kind === 'parallel') return el.children.flatMap(describeElement);
  const n = el.node;
  return [
    {
      identifier: n.identifier,
      name: n.name,
      ...(el.kind === 'step'
        ? { type: n.kind === 'step' ? n.type : undefined }
        : { children: el.children.flatMap(describeElement) }),
      ...strategyOf(n.strategy),
      ...(n.when?.condition ? { condition: n.when.condition } : {}),
    },
  ];
}

function strategyOf(strategy: LoopingStrategy | undefined): {
  strategy?: PlannedNodeView['strategy'];
} {
  if (!strategy) return {};
  if (strategy.matrix) return { strategy: 'matrix' };
  if (strategy.repeat) return { strategy: 'repeat' };
  return { strategy: 'parallelism' };
}

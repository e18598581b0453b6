import {
  createExpressionContext,
  type ExpressionEngine,
  type ExpressionSnapshot,
  type YamlValue,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { splitDeferred } from './deferredFields';
import type { ExecutionPlan, PlanElement, PlanStep } from './plan';

/**
 * Expressions whose value is known when an execution starts: pipeline
 * variables and the identifiers of the pipeline, org, project and account.
 */
const KNOWN_AT_START =
  /^\s*(pipeline\.variables\.[A-Za-z_][\w]*|pipeline\.(name|identifier|orgIdentifier|projectIdentifier)|(org|project|account)\.identifier)\s*$/;

/** True when every `<+...>` in the value can be rendered before any step ran. */
function knownAtStart(value: YamlValue | undefined): boolean {
  if (typeof value === 'string') {
    const inner = value.replace(/<\+([^<>]*)>/g, (_, expression: string) =>
      KNOWN_AT_START.test(expression) ? '' : '<+?',
    );
    return !inner.includes('<+');
  }
  if (Array.isArray(value)) return value.every(knownAtStart);
  if (value && typeof value === 'object')
    return Object.values(value).every(v => knownAtStart(v as YamlValue));
  return true;
}

function stepsOf(elements: PlanElement[]): PlanStep[] {
  return elements.flatMap(element => {
    if (element.kind === 'step') return [element];
    if (element.kind === 'stepGroup' && element.node.strategy) return [];
    return stepsOf(element.children);
  });
}

/**
 * Runs the `preflight` checks of the plan's steps whose spec is known at
 * start (see {@link KNOWN_AT_START}), so a setting that would fail a late
 * step (RegisterCatalog's reading allow list) stops the execution before
 * an earlier step created anything. Steps in a loop, or whose spec reads
 * step outputs or stage variables, are checked when they run instead.
 * Rejects with an error naming the stage and step.
 */
export async function runPreflightChecks(options: {
  plan: ExecutionPlan;
  snapshot: ExpressionSnapshot;
  expressions: ExpressionEngine;
}): Promise<void> {
  const stages = options.plan.stages.flatMap(entry =>
    entry.kind === 'parallel' ? entry.stages : [entry],
  );
  for (const stage of stages) {
    if (stage.node.strategy) continue;
    for (const { node, handler } of stepsOf(stage.steps)) {
      if (!handler.preflight || node.strategy) continue;
      const split = splitDeferred(node.spec, handler.deferredFields);
      if (!knownAtStart(split.rest as YamlValue)) continue;
      const scope = { stageId: stage.node.identifier, stepId: node.identifier };
      let spec: unknown;
      try {
        const rendered = options.expressions.renderDeep(
          split.rest,
          createExpressionContext(options.snapshot, scope),
        );
        const parsed = handler.spec.safeParse(split.restore(rendered.value));
        if (!parsed.success) continue; // reported when the step runs
        spec = parsed.data;
      } catch {
        continue; // reported when the step runs
      }
      try {
        await handler.preflight(spec, {
          identifier: node.identifier,
          type: node.type,
        });
      } catch (error) {
        throw new Error(
          `${node.type} step "${node.identifier}" of stage "${stage.node.identifier}" would fail, so nothing was run: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
}

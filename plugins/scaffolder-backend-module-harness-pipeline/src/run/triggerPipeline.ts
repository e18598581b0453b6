import type { LoggerService } from '@backstage/backend-plugin-api';
import { followExecution, type FollowOptions } from './followExecution';
import { exportOutputVariables } from './outputs';
import { labelOfFqn, statusKey } from './progress';
import type { InputValues, PipelineTarget, RunState } from './types';

/** What the checkpoint stores: the started execution, nothing secret. */
export type StartedExecution = { executionId: string };

/** The parts of the scaffolder's action context the trigger uses. */
export interface TriggerContext {
  logger: LoggerService;
  signal?: AbortSignal;
  isDryRun?: boolean;
  checkpoint(options: {
    key: string;
    fn: () => Promise<StartedExecution>;
  }): Promise<StartedExecution>;
  output(name: string, value: string): void;
}

/** One run of `trigger:harness-custom-pipeline`, inputs already checked. */
export interface TriggerRequest {
  target: PipelineTarget;
  inputs: InputValues;
  /** Checkpoint key; the same key never starts a second execution. */
  checkpointKey: string;
  hidePipelineURLLog: boolean;
  showOutputVariables: boolean;
  /** Called once the execution is known, before it is followed. */
  onStarted?: (executionId: string) => void;
}

const FAILED = new Set([
  'failed',
  'errored',
  'expired',
  'aborted',
  'approvalrejected',
]);

/** The failed step that ended first (the root cause), if any. */
function failedStep(state: RunState) {
  return state.nodes
    .filter(node => node.kind === 'step' && FAILED.has(statusKey(node.status)))
    .sort(
      (a, b) =>
        (Date.parse(a.endedAt ?? '') || Infinity) -
        (Date.parse(b.endedAt ?? '') || Infinity),
    )[0];
}

function failureMessage(state: RunState, target: PipelineTarget): string {
  const step = failedStep(state);
  let cause = '';
  if (step) {
    cause = `: step ${labelOfFqn(step.fqn)}${step.type ? ` (${step.type})` : ''} ${step.status}${step.errorMessage ? `: ${step.errorMessage}` : ''}`;
  } else if (state.errorMessage) {
    cause = `: ${state.errorMessage}`;
  }
  return `Execution ${state.executionId} of ${target.description} ended ${state.status}${cause}. Execution: ${state.url}`;
}

/**
 * Runs a pipeline for the scaffolder: in a dry run reports what would run;
 * otherwise starts the execution inside a checkpoint (so a retried or
 * recovered task follows the same execution instead of starting another),
 * follows it to its end, fails with the failed step when it fails, and
 * sets `title`, `url`, `PipelineUrl` and, when asked, the output variables.
 */
export async function triggerPipeline(
  ctx: TriggerContext,
  request: TriggerRequest,
  options: FollowOptions,
): Promise<void> {
  const { target, inputs } = request;
  const { logger } = ctx;
  if (!request.hidePipelineURLLog) {
    logger.info(`Pipeline URL: ${target.pipelineUrl}`);
  }
  if (ctx.isDryRun) {
    const report = await target.dryRun(inputs);
    report.lines.forEach(line => logger.info(line));
    report.warnings?.forEach(line => logger.warn(line));
    ctx.output('title', report.title);
    ctx.output('url', target.pipelineUrl);
    ctx.output('PipelineUrl', target.pipelineUrl);
    return;
  }
  if (ctx.signal?.aborted) {
    throw new Error(
      `The task was cancelled before ${target.description} was started`,
    );
  }

  let startedNow = false;
  const { executionId } = await ctx.checkpoint({
    key: request.checkpointKey,
    fn: async () => {
      startedNow = true;
      const started = await target.start(inputs);
      started.warnings?.forEach(warning => logger.warn(warning));
      return { executionId: started.executionId };
    },
  });
  request.onStarted?.(executionId);
  logger.info(
    startedNow
      ? `Started execution ${executionId} of ${target.description}`
      : `Following execution ${executionId} of ${target.description}, started before this task was retried or recovered`,
  );

  const final = await followExecution(
    ctx,
    target,
    executionId,
    options,
    first => {
      if (!request.hidePipelineURLLog)
        logger.info(`Execution URL: ${first.url}`);
    },
  );
  ctx.output('title', final.pipelineName);
  ctx.output('url', final.url);
  ctx.output('PipelineUrl', final.url);

  if (ctx.signal?.aborted) {
    throw new Error(
      `The task was cancelled; execution ${executionId} of ${target.description} ended ${final.status}`,
    );
  }
  if (!final.succeeded) {
    throw new Error(failureMessage(final, target));
  }
  logger.info(
    `Execution ${executionId} of ${target.description} ended ${final.status}`,
  );

  if (request.showOutputVariables) {
    const { values, warnings } = exportOutputVariables(final.outputs);
    warnings.forEach(warning => logger.warn(warning));
    for (const [name, value] of Object.entries(values)) ctx.output(name, value);
    logger.info(
      `Exported ${final.outputs.length} output ${final.outputs.length === 1 ? 'variable' : 'variables'}`,
    );
  }
}

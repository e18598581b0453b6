import {
  checkHarnessWebhookTrigger,
  waitForWebhookExecution,
} from '../harness/harnessWebhook';
import type { FollowOptions } from '../run/followExecution';
import { triggerPipeline, type TriggerContext } from '../run/triggerPipeline';
import type { HarnessTarget } from '../harness/harnessTarget';
import type { InputValues, PipelineTarget } from '../run/types';
import type { ParsedPipelineUrl } from '../url/parsePipelineUrl';
import { harnessTarget, type TargetDependencies } from './resolveTarget';

/**
 * A Harness target whose execution is started by a webhook event or a
 * stored input set instead of runtime inputs.
 */
class StartedByWebhook implements PipelineTarget {
  constructor(
    private readonly harness: HarnessTarget,
    private readonly begin: () => Promise<string>,
  ) {}

  get description() {
    return this.harness.description;
  }

  get pipelineUrl() {
    return this.harness.pipelineUrl;
  }

  dryRun(inputs: InputValues) {
    return this.harness.dryRun(inputs);
  }

  async start() {
    return { executionId: await this.begin() };
  }

  read(executionId: string) {
    return this.harness.read(executionId);
  }

  executionUrl(executionId: string) {
    return this.harness.executionUrl(executionId);
  }

  abort(executionId: string) {
    return this.harness.abort(executionId);
  }
}

/**
 * Options of `createTriggerPipelineWithWebhookAction`.
 *
 * @public
 */
export interface HarnessWebhookActionOptions extends TargetDependencies {
  /** Overrides of the follow timing, e.g. in tests. */
  follow?: Partial<FollowOptions>;
}

/** The scaffolder context the Harness webhook run uses. */
export interface WebhookRunContext extends Omit<TriggerContext, 'checkpoint'> {
  checkpoint<T extends Record<string, string>>(options: {
    key: string;
    fn: () => Promise<T>;
  }): Promise<T>;
}

/** The webhook action's inputs for a Harness host. */
export interface HarnessWebhookInput {
  url: string;
  inputSetName: string;
  triggerName?: string;
  apikey?: string;
  apiKeySecret?: string;
  hidePipelineURLLog?: boolean;
  showOutputVariables?: boolean;
  timeoutMs?: number;
}

/**
 * `trigger:trigger-pipeline-with-webhook` on Harness: checks the trigger
 * runs the input set, fires the custom webhook (`webhook/custom/v2`) once
 * per task, waits for `triggerExecutionDetails` to name the execution,
 * then follows it like `trigger:harness-custom-pipeline`. Without
 * `triggerName`, the input set runs through `execute/{id}/inputSetList`.
 */
export async function runHarnessWebhook(
  ctx: WebhookRunContext,
  options: HarnessWebhookActionOptions,
  parsed: ParsedPipelineUrl,
  input: HarnessWebhookInput,
): Promise<void> {
  const { api, target } = harnessTarget(options, parsed, input);
  const { logger } = ctx;
  const hide = input.hidePipelineURLLog ?? false;
  const { triggerName, inputSetName } = input;
  const query = new URLSearchParams({
    accountIdentifier: parsed.accountIdentifier!,
    orgIdentifier: parsed.orgIdentifier,
    projectIdentifier: parsed.projectIdentifier,
    pipelineIdentifier: parsed.pipelineIdentifier,
    ...(triggerName ? { triggerIdentifier: triggerName } : {}),
  });
  const apiUrl = triggerName
    ? `${parsed.origin}/gateway/pipeline/api/webhook/custom/v2?${query}`
    : `${parsed.origin}/gateway/pipeline/api/pipeline/execute/${encodeURIComponent(parsed.pipelineIdentifier)}/inputSetList?${query}`;
  ctx.output('apiUrl', apiUrl);
  ctx.output('pipelineUrl', target.pipelineUrl);
  ctx.output('executionsUrl', target.executionsUrl);

  if (ctx.isDryRun) {
    if (!hide) logger.info(`Pipeline URL: ${target.pipelineUrl}`);
    await target.readInputSet(inputSetName);
    if (triggerName) {
      await checkHarnessWebhookTrigger(api, parsed, triggerName, inputSetName);
    }
    logger.info(
      triggerName
        ? `Dry run: would fire webhook trigger ${triggerName} of ${target.description}, which runs input set ${inputSetName}`
        : `Dry run: would run ${target.description} with input set ${inputSetName}`,
    );
    ctx.output('url', target.executionsUrl);
    ctx.output('executionId', '');
    return;
  }

  const pollIntervalMs =
    options.follow?.pollIntervalMs ?? options.config.harnessPollIntervalMs;
  let start: () => Promise<string>;
  if (triggerName) {
    await checkHarnessWebhookTrigger(api, parsed, triggerName, inputSetName);
    const { eventCorrelationId } = await ctx.checkpoint({
      key: `trigger-webhook-event-${input.url}-${triggerName}`,
      fn: async () => {
        const event = await api.fireCustomWebhook(parsed, triggerName, {
          inputSetName,
        });
        return { eventCorrelationId: event.eventCorrelationId! };
      },
    });
    logger.info(
      `Fired webhook trigger ${triggerName} of ${target.description}: event ${eventCorrelationId}`,
    );
    start = () =>
      waitForWebhookExecution(api, eventCorrelationId, logger, {
        pollIntervalMs,
        ...(input.timeoutMs !== undefined
          ? { timeoutMs: input.timeoutMs }
          : {}),
        signal: ctx.signal,
      });
  } else {
    start = () => target.startWithInputSets([inputSetName]);
  }

  await triggerPipeline(
    ctx,
    {
      target: new StartedByWebhook(target, start),
      inputs: {},
      checkpointKey: `trigger-webhook-${input.url}-${triggerName ?? `inputSet:${inputSetName}`}`,
      hidePipelineURLLog: hide,
      showOutputVariables: input.showOutputVariables ?? false,
      onStarted: executionId => ctx.output('executionId', executionId),
    },
    {
      pollIntervalMs,
      hideUrls: hide,
      ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
      ...options.follow,
    },
  );
}

import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { parse } from 'yaml';
import type { PipelineRef } from '@idp-pipelines/plugin-pipeline-engine-common';
import type {
  HarnessPipelineApi,
  HarnessWebhookProcessing,
} from './harnessApi';

/** Webhook processing statuses that mean "not decided yet". */
const PENDING = new Set(['', 'QUEUED', 'TARGET_EXECUTION_REQUESTED']);

/** The parts of a trigger's YAML the webhook action checks. */
interface TriggerYaml {
  trigger?: {
    enabled?: boolean;
    inputSetRefs?: string[];
    source?: { type?: string; spec?: { type?: string } };
  };
}

/**
 * Checks that `triggerIdentifier` is an enabled custom webhook trigger of
 * the pipeline that runs `inputSetIdentifier` (Harness applies the input
 * sets named in the trigger, not ones sent with the event), so a mismatch
 * fails before anything runs.
 */
export async function checkHarnessWebhookTrigger(
  api: HarnessPipelineApi,
  ref: PipelineRef,
  triggerIdentifier: string,
  inputSetIdentifier: string,
): Promise<void> {
  const data = await api.trigger(ref, triggerIdentifier);
  let doc: TriggerYaml = {};
  try {
    doc = (parse(data.yaml ?? '') as TriggerYaml) ?? {};
  } catch {
    doc = {};
  }
  const source = doc.trigger?.source;
  const label = `trigger ${triggerIdentifier} of pipeline ${ref.pipelineIdentifier}`;
  if (source?.type !== 'Webhook' || source.spec?.type !== 'Custom') {
    throw new InputError(
      `input.triggerName: ${label} is not a custom webhook trigger (source ${source?.type ?? '?'}/${source?.spec?.type ?? '?'}); create a Custom webhook trigger in Harness or name another one`,
    );
  }
  if (data.enabled === false || doc.trigger?.enabled === false) {
    throw new InputError(
      `input.triggerName: ${label} is disabled; enable it in Harness (Triggers tab of the pipeline)`,
    );
  }
  const refs = doc.trigger?.inputSetRefs ?? [];
  if (!refs.includes(inputSetIdentifier)) {
    throw new InputError(
      `input.inputSetName: ${label} runs ${refs.length ? `input set ${refs.join(', ')}` : 'no input set'}, not ${inputSetIdentifier}; Harness applies the trigger's own input sets, so add ${inputSetIdentifier} to the trigger, name a trigger that uses it, or leave triggerName out to run the input set directly`,
    );
  }
}

/** Options of {@link waitForWebhookExecution}. */
export interface WebhookWaitOptions {
  pollIntervalMs: number;
  /** Give up when Harness has started nothing after this long; default 5 min. */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

const realSleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

function describeProcessing(details: HarnessWebhookProcessing): string {
  return [details.status, details.message, details.warningMsg]
    .filter(Boolean)
    .join(': ');
}

/**
 * Polls Harness's `triggerExecutionDetails` for a webhook event until it
 * names the execution it started; throws when Harness refused the event
 * (disabled trigger, invalid runtime input, ...) or started nothing in time.
 */
export async function waitForWebhookExecution(
  api: HarnessPipelineApi,
  eventCorrelationId: string,
  logger: LoggerService,
  options: WebhookWaitOptions,
): Promise<string> {
  const sleep = options.sleep ?? realSleep;
  const timeoutMs = options.timeoutMs ?? 5 * 60_000;
  let waited = 0;
  let lastStatus: string | undefined;
  for (;;) {
    const details = await api.webhookProcessing(eventCorrelationId);
    if (details.pipelineExecutionId) return details.pipelineExecutionId;
    const status = details.status ?? '';
    if (
      details.exceptionOccured ||
      (details.eventFound && !PENDING.has(status))
    ) {
      throw new Error(
        `Harness did not start the pipeline for webhook event ${eventCorrelationId}: ${describeProcessing(details) || 'no reason given'}`,
      );
    }
    if (status !== lastStatus && status !== '') {
      logger.info(`Webhook event ${eventCorrelationId} is ${status}`);
      lastStatus = status;
    }
    if (options.signal?.aborted) {
      throw new Error(
        `The task was cancelled while Harness processed webhook event ${eventCorrelationId}; the pipeline may still start`,
      );
    }
    if (waited >= timeoutMs) {
      throw new Error(
        `Harness started no execution for webhook event ${eventCorrelationId} within ${Math.round(timeoutMs / 1000)}s (last status: ${describeProcessing(details) || 'event not processed yet'}); look it up in the pipeline's Trigger Explorer`,
      );
    }
    await sleep(options.pollIntervalMs);
    waited += options.pollIntervalMs;
  }
}

import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import {
  enginePipelineUrl,
  explainEngineError,
  refLabel,
} from '../engine/engineTarget';
import { pipelineLinks } from '../engine/portalLinks';
import { parsePipelineUrl } from '../url/parsePipelineUrl';
import { webhookExamples } from './examples';
import {
  runHarnessWebhook,
  type HarnessWebhookActionOptions,
} from './harnessWebhookRun';
import { isHarnessHosted } from './resolveTarget';
import { harnessRunInputFields } from './harnessRunInputs';
import { parseTimeoutInput } from './timeoutInput';

/**
 * Input of `trigger:trigger-pipeline-with-webhook` (declared, so the public
 * API does not print zod's inferred types).
 *
 * @public
 */
export type TriggerPipelineWithWebhookInput = {
  url: string;
  inputSetName: string;
  triggerName?: string;
  apikey?: string;
  apiKey?: string;
  apiKeySecret?: string;
  hidePipelineURLLog?: boolean;
  showOutputVariables?: boolean;
  timeout?: string;
};

/**
 * Output of `trigger:trigger-pipeline-with-webhook`: links to the trigger
 * route, the pipeline and the execution; on Harness also `title` (the
 * pipeline's name), `PipelineUrl` (the older name of url) and, with
 * showOutputVariables, the output variables by name.
 *
 * @public
 */
export type TriggerPipelineWithWebhookOutput = {
  apiUrl: string;
  pipelineUrl: string;
  executionsUrl: string;
  url: string;
  executionId: string;
  [outputVariable: string]: string;
};

/**
 * `trigger:trigger-pipeline-with-webhook`: fires a pipeline's custom
 * webhook trigger with one of its stored input sets, as Harness IDP's
 * action of that name does. In the pipeline engine it returns at once with
 * links to the trigger route, the pipeline and its executions; `apikey` is
 * the trigger's webhook token, and without it the user's own credentials
 * (and permissions) are used. On a Harness host (`harness.baseUrls`) it
 * fires Harness's custom webhook trigger with an API key, waits for the
 * execution it starts and follows it like `trigger:harness-custom-pipeline`.
 * A retried or recovered task never fires the trigger twice.
 *
 * @public
 */
export function createTriggerPipelineWithWebhookAction(
  options: HarnessWebhookActionOptions,
): TemplateAction<
  TriggerPipelineWithWebhookInput,
  TriggerPipelineWithWebhookOutput,
  'v2'
> {
  return createTemplateAction({
    id: 'trigger:trigger-pipeline-with-webhook',
    description:
      'Fires a custom webhook trigger of a pipeline with a stored input set and returns links to the trigger route, the pipeline and its executions',
    examples: webhookExamples,
    supportsDryRun: true,
    schema: {
      input: z =>
        z.object({
          url: z
            .string()
            .min(1)
            .describe(
              'Pipeline URL of the pipeline engine (`…/api/pipeline-engine/pipelines/<org>/<project>/<pipeline>`) or a Harness pipeline link (every shape trigger:harness-custom-pipeline accepts)',
            ),
          inputSetName: z
            .string()
            .min(1)
            .describe('Identifier of the stored input set to run with'),
          triggerName: z
            .string()
            .min(1)
            .optional()
            .describe(
              'Identifier of the custom webhook trigger; required in the pipeline engine. On Harness, without it the input set runs through execute/inputSetList',
            ),
          apikey: z
            .string()
            .optional()
            .describe(
              "Engine: the trigger's webhook token (without it the user's credentials are used). Harness: the API key",
            ),
          apiKey: z.string().optional().describe('Same as apikey'),
          ...harnessRunInputFields(z, {
            apiKeySecret:
              'Harness only: identifier of an API key under harness.apiKeySecrets in app-config; wins over apikey',
            hidePipelineURLLog: 'Harness only: keep URLs out of the task log',
            showOutputVariables:
              'Harness only: export the output variables of the execution the trigger started',
            timeout:
              'Harness only: overall timeout as a Harness duration (30m, 1h); the run is aborted when it has not ended by then',
          }),
        }),
      output: z =>
        z
          .object({
            apiUrl: z.string().describe('The trigger route that was called'),
            pipelineUrl: z.string().describe('Link to the pipeline'),
            executionsUrl: z
              .string()
              .describe("Link to the pipeline's executions"),
            url: z.string().describe('Link to the execution that was started'),
            executionId: z.string().describe('Identifier of that execution'),
            title: z
              .string()
              .optional()
              .describe('Harness only: name of the pipeline'),
            PipelineUrl: z
              .string()
              .optional()
              .describe('Harness only: the older name of url'),
          })
          .catchall(
            z
              .string()
              .describe(
                'Harness with showOutputVariables: output variables by short and fully-qualified name',
              ),
          ),
    },
    async handler(ctx) {
      const { input } = ctx;
      const parsed = parsePipelineUrl(input.url);
      if (isHarnessHosted(options.config, parsed)) {
        await runHarnessWebhook(ctx, options, parsed, {
          ...input,
          apikey: input.apikey || input.apiKey || undefined,
          timeoutMs: parseTimeoutInput(input.timeout),
        });
        return;
      }
      const triggerName = input.triggerName;
      if (!triggerName) {
        throw new InputError(
          'input.triggerName is required for a pipeline of the pipeline engine: name the custom webhook trigger to fire',
        );
      }
      const harnessOnly = (
        [
          'apiKeySecret',
          'showOutputVariables',
          'hidePipelineURLLog',
          'timeout',
        ] as const
      ).filter(name => input[name] !== undefined);
      if (harnessOnly.length > 0) {
        ctx.logger.info(
          `${harnessOnly.join(', ')} ${harnessOnly.length === 1 ? 'applies' : 'apply'} to Harness SaaS pipelines only; in the pipeline engine this action returns once the run is queued`,
        );
      }
      const credentials = await ctx.getInitiatorCredentials();
      const base =
        await options.discovery.getExternalBaseUrl('pipeline-engine');
      const pipelineUrl = enginePipelineUrl(base, parsed);
      const apiUrl = `${pipelineUrl}/triggers/${encodeURIComponent(triggerName)}/run`;
      const executionsUrl = `${base}/executions?${new URLSearchParams({
        org: parsed.orgIdentifier,
        project: parsed.projectIdentifier,
        pipeline: parsed.pipelineIdentifier,
      })}`;
      const client = options.pipelineEngine;
      const webhookToken = input.apikey || input.apiKey || undefined;
      ctx.logger.info(`Pipeline URL: ${pipelineUrl}`);
      ctx.output('apiUrl', apiUrl);
      ctx.output('pipelineUrl', pipelineUrl);
      ctx.output('executionsUrl', executionsUrl);

      if (ctx.isDryRun) {
        try {
          const trigger = await client.getTrigger(parsed, triggerName, {
            credentials,
          });
          await client.getInputSet(parsed, input.inputSetName, { credentials });
          if (trigger.type !== 'Custom') {
            throw new InputError(
              `Trigger ${triggerName} of ${refLabel(parsed)} is a ${trigger.type} trigger, not a custom webhook`,
            );
          }
          ctx.logger.info(
            `Dry run: would fire trigger ${trigger.identifier}${trigger.enabled ? '' : ' (disabled!)'} of ${refLabel(parsed)} with input set ${input.inputSetName}`,
          );
        } catch (error) {
          throw explainEngineError(error, parsed, 'read');
        }
        ctx.output('url', executionsUrl);
        ctx.output('executionId', '');
        return;
      }

      const { executionId } = await ctx.checkpoint({
        key: `trigger-webhook-${input.url}-${triggerName}`,
        fn: async () => {
          try {
            const execution = await client.runTrigger(
              parsed,
              triggerName,
              { inputSetRefs: [input.inputSetName] },
              { credentials, ...(webhookToken ? { webhookToken } : {}) },
            );
            return { executionId: execution.id };
          } catch (error) {
            throw explainEngineError(error, parsed, 'execute');
          }
        },
      });
      const url = pipelineLinks(base, options.portalBaseUrl).execution(
        executionId,
      );
      ctx.logger.info(
        `Trigger ${triggerName} started execution ${executionId} of ${refLabel(parsed)}: ${url}`,
      );
      ctx.output('url', url);
      ctx.output('executionId', executionId);
    },
  });
}

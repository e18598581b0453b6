import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  enginePipelineUrl,
  explainEngineError,
  refLabel,
} from '../engine/engineTarget';
import { pipelineLinks } from '../engine/portalLinks';
import { parsePipelineUrl } from '../url/parsePipelineUrl';
import { webhookExamples } from './examples';
import { isHarnessHosted, type TargetDependencies } from './resolveTarget';

/**
 * `trigger:trigger-pipeline-with-webhook`: fires a pipeline's custom
 * webhook trigger with one of its stored input sets, as Harness IDP's
 * action of that name does, and returns at once with links to the trigger
 * route, the pipeline and its executions. `apikey` is the trigger's
 * webhook token; without it the user's own credentials (and permissions)
 * are used. A retried or recovered task never fires the trigger twice.
 *
 * @public
 */
export function createTriggerPipelineWithWebhookAction(
  options: TargetDependencies,
) {
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
              'Pipeline URL of the pipeline engine (`…/api/pipeline-engine/pipelines/<org>/<project>/<pipeline>`) or a Harness-style pipeline link',
            ),
          inputSetName: z
            .string()
            .min(1)
            .describe('Identifier of the stored input set to run with'),
          triggerName: z
            .string()
            .min(1)
            .describe('Identifier of the custom webhook trigger'),
          apikey: z
            .string()
            .optional()
            .describe(
              "The trigger's webhook token; without it the user's credentials are used",
            ),
          apiKey: z.string().optional().describe('Same as apikey'),
        }),
      output: z =>
        z.object({
          apiUrl: z.string().describe('The trigger route that was called'),
          pipelineUrl: z.string().describe('Link to the pipeline'),
          executionsUrl: z
            .string()
            .describe("Link to the pipeline's executions"),
          url: z.string().describe('Link to the execution that was started'),
          executionId: z.string().describe('Identifier of that execution'),
        }),
    },
    async handler(ctx) {
      const { input } = ctx;
      const parsed = parsePipelineUrl(input.url);
      if (isHarnessHosted(options.config, parsed)) {
        throw new InputError(
          `${parsed.origin} is a Harness SaaS host (harness.baseUrls); trigger:trigger-pipeline-with-webhook runs triggers of the pipeline engine only. Call the trigger's Harness webhook URL instead.`,
        );
      }
      const credentials = await ctx.getInitiatorCredentials();
      const base =
        await options.discovery.getExternalBaseUrl('pipeline-engine');
      const pipelineUrl = enginePipelineUrl(base, parsed);
      const apiUrl = `${pipelineUrl}/triggers/${encodeURIComponent(input.triggerName)}/run`;
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
          const trigger = await client.getTrigger(parsed, input.triggerName, {
            credentials,
          });
          await client.getInputSet(parsed, input.inputSetName, { credentials });
          if (trigger.type !== 'Custom') {
            throw new InputError(
              `Trigger ${input.triggerName} of ${refLabel(parsed)} is a ${trigger.type} trigger, not a custom webhook`,
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
        key: `trigger-webhook-${input.url}-${input.triggerName}`,
        fn: async () => {
          try {
            const execution = await client.runTrigger(
              parsed,
              input.triggerName,
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
        `Trigger ${input.triggerName} started execution ${executionId} of ${refLabel(parsed)}: ${url}`,
      );
      ctx.output('url', url);
      ctx.output('executionId', executionId);
    },
  });
}

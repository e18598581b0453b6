import {
  createTemplateAction,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import { HarnessTarget } from '../harness/harnessTarget';
import { triggerPipeline } from '../run/triggerPipeline';
import type { FollowOptions } from '../run/followExecution';
import { parsePipelineUrl } from '../url/parsePipelineUrl';
import { harnessRunInputFields } from './harnessRunInputs';
import { parseTimeoutInput } from './timeoutInput';
import { customPipelineExamples } from './examples';
import { resolveTarget, type TargetDependencies } from './resolveTarget';
import { withoutStackTrace } from '../run/withoutStackTrace';

/**
 * Options of {@link createTriggerHarnessCustomPipelineAction}.
 *
 * @public
 */
export interface TriggerCustomPipelineActionOptions extends TargetDependencies {
  /** Overrides of the follow timing, e.g. in tests. */
  follow?: Partial<FollowOptions>;
}

/**
 * Input of `trigger:harness-custom-pipeline` (declared, so the public API
 * does not print zod's inferred types).
 *
 * @public
 */
export type TriggerCustomPipelineInput = {
  url: string;
  timeout?: string;
  inputset?: JsonObject;
  apikey?: string;
  apiKeySecret?: string;
  hidePipelineURLLog?: boolean;
  showOutputVariables?: boolean;
};

/**
 * Output of `trigger:harness-custom-pipeline`: links, and with
 * showOutputVariables the output variables by short and fully-qualified name.
 *
 * @public
 */
export type TriggerCustomPipelineOutput = {
  title: string;
  url: string;
  PipelineUrl: string;
  [outputVariable: string]: string;
};

/**
 * The checkpoint key: one execution per step, URL and `each` item.
 *
 * @public
 */
export function triggerCheckpointKey(
  url: string,
  each?: { key?: unknown },
): string {
  return each?.key === undefined
    ? `trigger-${url}`
    : `trigger-${url}[${JSON.stringify(each.key)}]`;
}

/**
 * `trigger:harness-custom-pipeline`: runs a pipeline with the template's
 * inputs, follows it to its end with its log in the task log, and exports
 * its output variables. Pipelines on a host listed in `harness.baseUrls`
 * run on Harness SaaS with an API key; any other URL names a pipeline of
 * this Backstage's pipeline engine, run as the user who started the task.
 *
 * @public
 */
export function createTriggerHarnessCustomPipelineAction(
  options: TriggerCustomPipelineActionOptions,
): TemplateAction<
  TriggerCustomPipelineInput,
  TriggerCustomPipelineOutput,
  'v2'
> {
  return createTemplateAction({
    id: 'trigger:harness-custom-pipeline',
    description:
      'Runs a pipeline with the inputset as its runtime inputs and waits for it to end, streaming its log; with showOutputVariables, exports its output variables by short and fully-qualified name. Harness pipeline URLs on a host in harness.baseUrls run on Harness SaaS; all others run in the pipeline engine as the user who started the task.',
    examples: customPipelineExamples,
    supportsDryRun: true,
    schema: {
      input: z =>
        z.object({
          url: z
            .string()
            .min(1)
            .describe(
              'Pipeline URL: a Harness pipeline link (`…/ng/account/<acc>/module/idp/orgs/<org>/projects/<project>/pipelines/<pipeline>/pipeline-studio/?storeType=INLINE`) or this engine’s (`…/api/pipeline-engine/pipelines/<org>/<project>/<pipeline>`)',
            ),
          inputset: z
            .record(z.unknown())
            .optional()
            .describe(
              'Runtime input values by short variable name (project_name) or fully-qualified path (pipeline.variables.project_name, pipeline.stages.<stage>.variables.<name>)',
            ),
          apikey: z
            .string()
            .optional()
            .describe(
              'Harness SaaS only: API key (pat./sat.) or user session token that triggers the pipeline',
            ),
          ...harnessRunInputFields(z, {
            apiKeySecret:
              'Harness SaaS only: identifier of an API key under harness.apiKeySecrets in app-config; wins over apikey',
            hidePipelineURLLog:
              'Do not print the pipeline and execution URLs in the task log',
            showOutputVariables:
              'Export the pipeline’s output variables as outputs, by short name and by fully-qualified name',
            timeout:
              'Overall timeout as a Harness duration (30m, 1h 30m, 2d): an execution still running then is aborted and the step fails. Default: wait as long as the run does',
          }),
        }),
      output: z =>
        z
          .object({
            title: z.string().describe('Name of the pipeline'),
            url: z.string().describe('Link to the execution'),
            PipelineUrl: z
              .string()
              .describe('Link to the execution (the older name of url)'),
          })
          .catchall(
            z
              .string()
              .describe(
                'With showOutputVariables: output variables by short and fully-qualified name',
              ),
          ),
    },
    handler: ctx =>
      withoutStackTrace(async () => {
        const { input } = ctx;
        const parsed = parsePipelineUrl(input.url);
        const timeoutMs = parseTimeoutInput(input.timeout);
        const target = await resolveTarget(options, parsed, input, ctx);
        await triggerPipeline(
          ctx,
          {
            target,
            inputs: input.inputset ?? {},
            checkpointKey: triggerCheckpointKey(input.url, ctx.each),
            hidePipelineURLLog: input.hidePipelineURLLog ?? false,
            showOutputVariables: input.showOutputVariables ?? false,
          },
          {
            pollIntervalMs:
              target instanceof HarnessTarget
                ? options.config.harnessPollIntervalMs
                : options.config.enginePollIntervalMs,
            hideUrls: input.hidePipelineURLLog ?? false,
            ...(timeoutMs !== undefined ? { timeoutMs } : {}),
            ...options.follow,
          },
        );
      }),
  });
}

/**
 * Scaffolder actions that run pipelines: `trigger:harness-custom-pipeline`
 * and `trigger:trigger-pipeline-with-webhook`, against this Backstage's
 * pipeline engine or Harness SaaS.
 *
 * @packageDocumentation
 */

export { scaffolderModuleHarnessPipeline as default } from './module';
export {
  createTriggerHarnessCustomPipelineAction,
  triggerCheckpointKey,
} from './actions/triggerCustomPipeline';
export type {
  TriggerCustomPipelineActionOptions,
  TriggerCustomPipelineInput,
  TriggerCustomPipelineOutput,
} from './actions/triggerCustomPipeline';
export { createTriggerPipelineWithWebhookAction } from './actions/triggerPipelineWithWebhook';
export type {
  TriggerPipelineWithWebhookInput,
  TriggerPipelineWithWebhookOutput,
} from './actions/triggerPipelineWithWebhook';
export type { TargetDependencies } from './actions/resolveTarget';
export type { HarnessWebhookActionOptions } from './actions/harnessWebhookRun';
export { readHarnessActionsConfig } from './config';
export type { HarnessActionsConfig } from './config';
export type { FollowOptions } from './run/followExecution';
export {
  ACCEPTED_PIPELINE_URL_SHAPES,
  parsePipelineUrl,
} from './url/parsePipelineUrl';
export type {
  ParsedPipelineUrl,
  PipelineUrlForm,
} from './url/parsePipelineUrl';

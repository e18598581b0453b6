/**
 * Node library of the pipeline engine: the step-handler contract, the
 * extension point for step types, and the typed engine client.
 *
 * @packageDocumentation
 */

export { createStepHandler } from './stepHandler';
export { StepParkRequest } from './parking';
export type { StepWaitState } from './parking';
export { defineStep } from '@idp-pipelines/plugin-pipeline-engine-common';
export type { StepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
export type {
  StepContext,
  StepHandler,
  StepLogger,
  StepLogStream,
  StepOutputOptions,
  StepSecrets,
  StepTriggeredBy,
} from './stepHandler';
export { pipelineEngineStepsExtensionPoint } from './extensions';
export type { PipelineEngineStepsExtensionPoint } from './extensions';
export * from './client';

/**
 * Node library of the pipeline engine: the step-handler contract, the
 * extension points (steps, secret sources, runners, SCM providers, the
 * cookiecutter engine), and the typed engine client.
 *
 * @packageDocumentation
 */

export { createStepHandler } from './stepHandler';
export { StepParkRequest } from './parking';
export type { StepParkOptions, StepWaitState } from './parking';
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
export {
  pipelineEngineCookiecutterExtensionPoint,
  pipelineEngineRunnersExtensionPoint,
  pipelineEngineScmExtensionPoint,
  pipelineEngineSecretsExtensionPoint,
  pipelineEngineStepsExtensionPoint,
} from './extensions';
export type {
  PipelineEngineCookiecutterExtensionPoint,
  PipelineEngineRunnersExtensionPoint,
  PipelineEngineScmExtensionPoint,
  PipelineEngineSecretsExtensionPoint,
  PipelineEngineStepsExtensionPoint,
  PipelineSecretSource,
} from './extensions';
export type {
  ContainerOptions,
  ProcessIo,
  ProcessPaths,
  ProcessRequest,
  ProcessResult,
  StepRunner,
} from './runners';
export type {
  ConnectorAuth,
  ConnectorType,
  ConnectorUrlType,
  CreateRepositoryRequest,
  CreateRepositoryResult,
  GitAuth,
  ResolvedConnector,
  ScmCredentials,
  ScmProvider,
  ScmProviderFactory,
  ScmProviderKind,
  ScmRepositoryRef,
  ScmRequestContext,
} from './scm';
export * from './client';

export * from './types';
export { PipelineEngineClient } from './PipelineEngineClient';
export type { PipelineEngineClientOptions } from './PipelineEngineClient';
export { problemsOfError } from '@idp-pipelines/plugin-pipeline-engine-common';
export { pipelineEngineApiRef } from './ref';

export * from './types';
export { PipelineEngineClient, problemsOfError } from './PipelineEngineClient';
export type { PipelineEngineClientOptions } from './PipelineEngineClient';
export { pipelineEngineApiRef } from './ref';

export * from './types';
export type * from './PipelineEngineService';
export { PipelineEngineClient, problemsOfError } from './PipelineEngineClient';
export type { PipelineEngineClientOptions } from './PipelineEngineClient';
export { EventStreamParser } from './eventStream';
export type { ServerSentEvent } from './eventStream';
export { pipelineEngineServiceRef } from './serviceRef';

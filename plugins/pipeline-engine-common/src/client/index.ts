export * from './restTypes';
export { EventStreamParser, readServerSentEvents } from './eventStream';
export type { ServerSentEvent } from './eventStream';
export { PipelineEngineHttpClient } from './PipelineEngineHttpClient';
export type {
  Defined,
  JsonContent,
  ParametersOf,
  ResponsesOf,
  PipelineEngineHttpClientOptions,
  PipelineEngineOperationId,
  PipelineEnginePathParams,
  PipelineEngineQuery,
  PipelineEngineRequest,
  PipelineEngineResponseBody,
} from './PipelineEngineHttpClient';
export { followLogStream } from './followLogStream';
export type { FollowLogStreamOptions } from './followLogStream';
export { followExecutionStream } from './followExecutionStream';
export type {
  ExecutionStreamEvent,
  FollowExecutionStreamOptions,
} from './followExecutionStream';
export { problemsOfError } from './problems';
export {
  executionListQueryParams,
  ifMatchHeader,
  pipelinePathParams,
} from './requestParams';
export { pipelineEngineOperations } from './generated/operations';
export type { components, operations, paths } from './generated/schema';

export type * from './PipelineEngineService';
export { PipelineEngineClient } from './PipelineEngineClient';
export type { PipelineEngineClientOptions } from './PipelineEngineClient';
export { pipelineEngineServiceRef } from './serviceRef';
// The REST shapes and the SSE parser moved to the common package, which the
// browser client shares; re-exported so callers of this package keep working.
export {
  EXECUTION_CONFIG_FIELDS,
  EventStreamParser,
  problemsOfError,
} from '@idp-pipelines/plugin-pipeline-engine-common';
export type {
  ExecutionConfigData,
  ExecutionConfigField,
  ExecutionConfigInfra,
  ExecutionConfigResponse,
  ExecutionListQuery,
  ExecutionStreamEvent,
  FollowLogsResult,
  InputSetView,
  ListResponse,
  LogQuery,
  PageQuery,
  PipelineListQuery,
  ServerSentEvent,
  TriggerRunRequest,
  TriggerTypeView,
  TriggerView,
  TriggerWithTokenView,
} from '@idp-pipelines/plugin-pipeline-engine-common';

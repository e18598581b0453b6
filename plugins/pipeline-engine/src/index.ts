/**
 * Backstage frontend plugin for the pipeline engine: pipelines with their
 * run forms, input sets and triggers; executions with live step trees and
 * logs; the entity "Pipelines" tab. The default export is the plugin for
 * the new frontend system; `pipelineEnginePlugin` and the extensions next
 * to it serve apps on the legacy system.
 *
 * @packageDocumentation
 */

import { pipelineEngineFrontendPlugin } from './alpha';

export default pipelineEngineFrontendPlugin;
export { pipelineEngineFrontendPlugin } from './alpha';
export {
  pipelineEnginePlugin,
  PipelineEnginePage,
  EntityPipelinesContent,
  EntityPipelinesCard,
} from './plugin';
export * from './api';
export {
  rootRouteRef,
  pipelineRouteRef,
  executionRouteRef,
  approvalsRouteRef,
} from './routes';
export {
  PIPELINE_EXECUTION_ANNOTATION,
  PIPELINES_ANNOTATION,
  getEntityExecutionIds,
  getEntityPipelineRefs,
  isPipelineEngineAvailable,
} from './annotations';

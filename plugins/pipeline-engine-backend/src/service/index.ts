/*
 * The HTTP surface of the pipeline engine: router, admin service (input
 * sets, triggers, execution config) and permission integration.
 */
export { createRouter, UNAUTHENTICATED_PATHS } from './router';
export type { RouterOptions } from './router';
export type { LogStreamOptions } from './pumpEventStream';
export { PipelineAdminService } from './PipelineAdminService';
export { TemplateService } from './TemplateService';
export type { TemplateApi, TemplateFilter } from './TemplateService';
export type { PipelineAdminServiceOptions } from './PipelineAdminService';
export type {
  AdminPage,
  ExecutionConfigUpdate,
  PipelineAdminApi,
} from './adminTypes';
export { DEFAULT_EXECUTION_CONFIG } from './executionConfigDefaults';
export {
  builtInPipelineRuleset,
  createPipelineConditionalDecision,
  createPipelineResourceLoader,
  isInOrg,
  isInProject,
  isPipeline,
  pipelineConditions,
  pipelinePermissionResourceRef,
  pipelinePermissionRules,
  registerPipelinePermissions,
} from './permissionRules';
export type {
  PipelinePermissionQuery,
  PipelinePermissionRuleset,
  PipelineResourceLoader,
} from './permissionRules';
export type {
  Actor,
  ExecutionFilter,
  ListResult,
  PipelineEngineApi,
  PipelineFilter,
} from './types';

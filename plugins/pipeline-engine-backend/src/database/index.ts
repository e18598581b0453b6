/*
 * Storage layer of the pipeline engine: Knex migrations plus one store per
 * aggregate. Works on PostgreSQL (production, multi-replica) and SQLite
 * (development, single process).
 */

export { createPipelineEngineStores } from './createStores';
export type { PipelineEngineStores } from './createStores';
export {
  applyMigrations,
  connectDatabase,
  MIGRATIONS_DIRECTORY,
} from './migrations';
export { LeaseLostError } from './dbErrors';
export { createAesGcmSecretCipher } from './secretCipher';
export type { SecretCipher } from './secretCipher';
export type { SecretOutput } from './secretOutputs';
export * from './statuses';
export type * from './types';

export { PipelineStore } from './PipelineStore';
export type {
  NewPipeline,
  Pipeline,
  PipelineListOptions,
  PipelinePatch,
  PipelineSource,
  PipelineStoreType,
} from './PipelineStore';

export { TemplateStore } from './TemplateStore';
export type {
  NewTemplateVersion,
  TemplateListOptions,
  TemplateVersion,
} from './TemplateStore';

export { InputSetStore } from './InputSetStore';
export type { InputSet, InputSetPatch, NewInputSet } from './InputSetStore';

export { TRIGGER_TYPES, TriggerStore } from './TriggerStore';
export type {
  NewTrigger,
  Trigger,
  TriggerPatch,
  TriggerType,
} from './TriggerStore';

export { ExecutionStore } from './ExecutionStore';
export { PARKED_EXECUTION_STATUSES } from './executionWaits';
export type {
  ActivityDecision,
  ApprovalActivity,
  ExecutionWait,
  NewWait,
  WaitKind,
  WaitStatus,
} from './executionWaits';
export { StepProcessStore } from './StepProcessStore';
export type { StepProcessRecord, StoredStepProcess } from './StepProcessStore';
export type {
  ExecutionListOptions,
  ExecutionResult,
  ExecutionStoreOptions,
  NewExecution,
} from './ExecutionStore';
export type { Execution, ExecutionTemplateVersion } from './executionRows';
export type { RerunLink } from './rerunNodes';
export type { NodeExecution } from './nodeExecutionRows';
export type { NodeExecutionInput, NodeStatusUpdate } from './nodeExecutions';
export type { ExecutionWriteBatch } from './executionBatch';

export { LOG_STREAMS, LogStore } from './LogStore';
export type {
  LogAppendResult,
  LogLine,
  LogLineInput,
  LogPage,
  LogReadOptions,
  LogStream,
} from './LogStore';

export { EXECUTION_INFRAS, ExecutionConfigStore } from './ExecutionConfigStore';
export type {
  ExecutionConfigOverride,
  ExecutionInfra,
} from './ExecutionConfigStore';

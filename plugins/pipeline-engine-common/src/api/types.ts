/*
 * The JSON shapes of the engine's REST API (`/api/pipeline-engine`), shared
 * by the backend router and the typed client. Status names are Harness's,
 * so API responses need no translation for Harness users.
 */

import type { components } from '../client/generated/schema';

/*
 * Each shape is the generated type of openapi.yaml, the contract's source;
 * the names stay for callers.
 */
/**
 * Statuses of a pipeline execution. `IgnoreFailed`: it ended after failures
 * that `Ignore` failure strategies handled (and nothing else failed).
 *
 * @public
 */
export type ExecutionStatus = components['schemas']['ExecutionStatus'];

/**
 * Statuses of a stage, step group or step.
 *
 * @public
 */
export type NodeStatus = components['schemas']['NodeExecution']['status'];

/**
 * Kinds of execution-tree nodes.
 *
 * @public
 */
export type NodeType = components['schemas']['NodeExecution']['nodeType'];

/**
 * How an execution was started (Harness trigger types).
 *
 * @public
 */
export type ExecutionTriggerType =
  components['schemas']['ExecutionSummary']['triggerType'];

/**
 * Terminal execution statuses: the execution never changes again.
 *
 * @public
 */
export const TERMINAL_EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'Success',
  'IgnoreFailed',
  'Failed',
  'Errored',
  'Aborted',
  'Expired',
  'ApprovalRejected',
];

/**
 * True when an execution in this status is over.
 *
 * @public
 */
export function isTerminalExecutionStatus(status: ExecutionStatus): boolean {
  return TERMINAL_EXECUTION_STATUSES.includes(status);
}

/**
 * Identifies a pipeline.
 *
 * @public
 */
export type PipelineRef = components['schemas']['PipelineRef'];

/**
 * A stored pipeline as listed.
 *
 * @public
 */
export type PipelineSummary = components['schemas']['PipelineSummary'];

/**
 * A stored pipeline with its YAML.
 *
 * @public
 */
export type PipelineDetail = components['schemas']['PipelineDetail'];

/**
 * One problem of a pipeline or input set, as the API reports it.
 *
 * @public
 */
export type ApiProblem = components['schemas']['ApiProblem'];

/**
 * `POST .../validate` response.
 *
 * @public
 */
export type ValidationResponse = components['schemas']['ValidationResponse'];

/**
 * `POST .../execute` request body.
 *
 * @public
 */
export type ExecuteRequest = components['schemas']['ExecuteRequest'];

/**
 * The scaffolder task (and its template) whose `trigger:*` action started an
 * execution, so the portal can link the execution back to the task.
 *
 * @public
 */
export type ScaffolderTaskRef = components['schemas']['ScaffolderTaskRef'];

/**
 * `POST /executions/{id}/rerun` request body. Stages before `fromStage` are
 * not run again: their results and outputs are copied from the original.
 *
 * @public
 */
export type RerunRequest = components['schemas']['RerunRequest'];

/**
 * Who started an execution.
 *
 * @public
 */
export type TriggeredByView = components['schemas']['TriggeredBy'];

/**
 * An execution as listed.
 *
 * @public
 */
export type ExecutionSummary = components['schemas']['ExecutionSummary'];

/**
 * A node of the execution tree.
 *
 * @public
 */
export type NodeExecutionView = components['schemas']['NodeExecution'];

/**
 * An execution with its node tree and output variables.
 *
 * @public
 */
export type ExecutionDetail = components['schemas']['ExecutionDetail'];

/**
 * One template version as listed by `GET /templates`.
 *
 * @public
 */
export type TemplateSummary = components['schemas']['TemplateSummary'];

/**
 * One template version with its document.
 *
 * @public
 */
export type TemplateDetail = components['schemas']['TemplateDetail'];

/**
 * The versions of one template (`GET /templates/{scope}/{identifier}`).
 *
 * @public
 */
export type TemplateVersionsView = components['schemas']['TemplateVersions'];

/**
 * One stored log line.
 *
 * @public
 */
export type LogLineView = components['schemas']['LogLine'];

/**
 * A page of log lines.
 *
 * @public
 */
export type LogPageView = components['schemas']['LogPage'];

/**
 * A step or group that would run, for dry runs.
 *
 * @public
 */
export type PlannedNodeView = components['schemas']['PlannedNode'];

/**
 * `POST .../execute/dry-run` response: what would run, without running it.
 *
 * @public
 */
export type DryRunResponse = components['schemas']['DryRunResponse'];

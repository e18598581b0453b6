/*
 * The JSON shapes of the engine's REST API (`/api/pipeline-engine`), shared
 * by the backend router and the typed client. Status names are Harness's,
 * so API responses need no translation for Harness users.
 */

import type { TemplateUse } from '../templates/expandTemplates';
import type { TemplateType } from '../templates/templateDocument';

/**
 * Statuses of a pipeline execution. `IgnoreFailed`: it ended after failures
 * that `Ignore` failure strategies handled (and nothing else failed).
 *
 * @public
 */
export type ExecutionStatus =
  | 'Queued'
  | 'Running'
  | 'Paused'
  | 'InterventionWaiting'
  | 'ApprovalWaiting'
  | 'ResourceWaiting'
  | 'InputWaiting'
  | 'Success'
  | 'IgnoreFailed'
  | 'Failed'
  | 'Errored'
  | 'Aborted'
  | 'Expired'
  | 'ApprovalRejected';

/**
 * Statuses of a stage, step group or step.
 *
 * @public
 */
export type NodeStatus =
  | 'NotStarted'
  | 'Queued'
  | 'Running'
  | 'AsyncWaiting'
  | 'Paused'
  | 'InterventionWaiting'
  | 'ApprovalWaiting'
  | 'ResourceWaiting'
  | 'InputWaiting'
  | 'Success'
  | 'Failed'
  | 'Errored'
  | 'IgnoreFailed'
  | 'Skipped'
  | 'Aborted'
  | 'Expired'
  | 'ApprovalRejected';

/**
 * Kinds of execution-tree nodes.
 *
 * @public
 */
export type NodeType = 'stage' | 'step' | 'stepGroup' | 'parallel' | 'strategy';

/**
 * How an execution was started (Harness trigger types).
 *
 * @public
 */
export type ExecutionTriggerType =
  'MANUAL' | 'WEBHOOK' | 'WEBHOOK_CUSTOM' | 'SCHEDULER_CRON';

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
export interface PipelineRef {
  orgIdentifier: string;
  projectIdentifier: string;
  pipelineIdentifier: string;
}

/**
 * A stored pipeline as listed.
 *
 * @public
 */
export interface PipelineSummary extends PipelineRef {
  name: string;
  description?: string;
  version: number;
  /** INLINE: stored through the API; REMOTE: read from a file or URL in app-config. */
  storeType: 'INLINE' | 'REMOTE';
  /** For REMOTE pipelines: where the YAML is read from. */
  source?: string;
  updatedAt: string;
}

/**
 * A stored pipeline with its YAML.
 *
 * @public
 */
export interface PipelineDetail extends PipelineSummary {
  yaml: string;
  /**
   * Warnings of the YAML just created or updated (e.g. a script that pastes
   * a runtime input); only on create and update responses, when there are any.
   */
  warnings?: ApiProblem[];
}

/**
 * One problem of a pipeline or input set, as the API reports it.
 *
 * @public
 */
export interface ApiProblem {
  severity: 'error' | 'warning';
  code: string;
  path: string;
  message: string;
  hint?: string;
  line?: number;
  column?: number;
  /** The template whose document `line`/`column` point into, when not the one sent. */
  document?: string;
}

/**
 * `POST .../validate` response.
 *
 * @public
 */
export interface ValidationResponse {
  ok: boolean;
  problems: ApiProblem[];
}

/**
 * `POST .../execute` request body.
 *
 * @public
 */
export interface ExecuteRequest {
  /** Input set: flat map (short or fully-qualified keys) or YAML text. */
  inputSet?: Record<string, unknown> | string;
  /** Stored input sets to apply first, by identifier. */
  inputSetRefs?: string[];
  /**
   * Treat keys that match no runtime input as warnings instead of errors,
   * as Harness does for the scaffolder action's `inputset` (templates often
   * pass values a pipeline does not use). Default false.
   */
  allowUnknownKeys?: boolean;
  /** The scaffolder task whose action starts the execution; kept with who triggered it. */
  scaffolderTask?: ScaffolderTaskRef;
}

/**
 * The scaffolder task (and its template) whose `trigger:*` action started an
 * execution, so the portal can link the execution back to the task.
 *
 * @public
 */
export interface ScaffolderTaskRef {
  /** Id of the scaffolder task; its page is `/create/tasks/<taskId>`. */
  taskId: string;
  /** Entity ref of the task's template, e.g. `template:default/self-service`. */
  templateRef?: string;
}

/**
 * `POST /executions/{id}/rerun` request body. Stages before `fromStage` are
 * not run again: their results and outputs are copied from the original.
 *
 * @public
 */
export interface RerunRequest {
  /** Identifier of the first stage to run again; default the original's first failed stage. */
  fromStage?: string;
  /** `same` (default): the original's runtime inputs; or a new execute request. */
  inputs?: 'same' | ExecuteRequest;
}

/**
 * Who started an execution.
 *
 * @public
 */
export interface TriggeredByView {
  identity: string;
  name?: string;
  email?: string;
  /** Set when a scaffolder task's action started the execution. */
  scaffolderTask?: ScaffolderTaskRef;
}

/**
 * An execution as listed.
 *
 * @public
 */
export interface ExecutionSummary extends PipelineRef {
  id: string;
  sequenceId: number;
  pipelineName: string;
  status: ExecutionStatus;
  triggeredBy: TriggeredByView;
  triggerType: ExecutionTriggerType;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  errorMessage?: string;
  /** Id of the execution this one re-runs. */
  rerunOf?: string;
  /** First stage the re-run ran again; the stages before it were reused. */
  rerunFromStage?: string;
}

/**
 * A node of the execution tree.
 *
 * @public
 */
export interface NodeExecutionView {
  fqn: string;
  parentFqn?: string;
  nodeType: NodeType;
  identifier: string;
  name: string;
  stepType?: string;
  status: NodeStatus;
  /** 1 for the first try. */
  attempt: number;
  startedAt?: string;
  endedAt?: string;
  /** Non-secret output variables; secret ones are listed by name only in `secretOutputs`. */
  outputs: Record<string, string>;
  secretOutputs: string[];
  errorMessage?: string;
  failureType?: string;
  /** Set when a re-run reused this node: id of the execution that ran it. */
  reusedFrom?: string;
  children: NodeExecutionView[];
}

/**
 * An execution with its node tree and output variables.
 *
 * @public
 */
export interface ExecutionDetail extends ExecutionSummary {
  /** Identifier of the trigger that started it (webhook and schedule runs). */
  triggerIdentifier?: string;
  /**
   * The runtime input values it ran with, by fully-qualified name; secrets
   * appear as references (`<+secrets.getValue("x")>`), never as values.
   */
  inputs?: Record<string, unknown>;
  /** Stages at the top, steps below. */
  nodes: NodeExecutionView[];
  /**
   * Every non-secret output variable by fully-qualified name
   * (`pipeline.stages.s.spec.execution.steps.x.output.outputVariables.v`).
   */
  outputs: Record<string, string>;
  /** Link to the execution in the Backstage app or API. */
  url?: string;
  /** The template versions the pipeline was expanded with when the execution was queued. */
  templates?: TemplateUse[];
}

/**
 * One template version as listed by `GET /templates`.
 *
 * @public
 */
export interface TemplateSummary {
  /** `account`, `<org>` or `<org>.<project>`. */
  scope: string;
  identifier: string;
  versionLabel: string;
  name: string;
  type: TemplateType;
  description?: string;
  /** Used by references that give no versionLabel. */
  stable: boolean;
  createdAt: string;
  updatedAt: string;
  createdBy?: string;
  updatedBy?: string;
}

/**
 * One template version with its document.
 *
 * @public
 */
export interface TemplateDetail extends TemplateSummary {
  yaml: string;
  /** Warnings found in the document when it was saved. */
  warnings?: ApiProblem[];
}

/**
 * The versions of one template (`GET /templates/{scope}/{identifier}`).
 *
 * @public
 */
export interface TemplateVersionsView {
  scope: string;
  identifier: string;
  stableVersionLabel?: string;
  versions: TemplateSummary[];
}

/**
 * One stored log line.
 *
 * @public
 */
export interface LogLineView {
  /** Increasing per execution; use as cursor. */
  seq: number;
  nodeFqn: string;
  stream: 'info' | 'stdout' | 'stderr';
  line: string;
  createdAt: string;
}

/**
 * A page of log lines.
 *
 * @public
 */
export interface LogPageView {
  lines: LogLineView[];
  /** Pass as `after` to read on. */
  nextCursor: number;
  /** True when the execution is over and every line was read. */
  complete: boolean;
}

/**
 * A step or group that would run, for dry runs.
 *
 * @public
 */
export interface PlannedNodeView {
  identifier: string;
  name: string;
  /** Step type; absent for step groups. */
  type?: string;
  /** Looping strategy kind, when the node loops. */
  strategy?: 'matrix' | 'repeat' | 'parallelism';
  /** `when` condition, when the node has one. */
  condition?: string;
  children?: PlannedNodeView[];
}

/**
 * `POST .../execute/dry-run` response: what would run, without running it.
 *
 * @public
 */
export interface DryRunResponse {
  ok: boolean;
  /** Runtime-input and pipeline problems; empty when `ok`. */
  problems: ApiProblem[];
  /** Resolved runtime input values by fully-qualified name. */
  inputs: Record<string, unknown>;
  stages: Array<PlannedNodeView & { type: string }>;
}

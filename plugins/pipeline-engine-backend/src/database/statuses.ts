/*
 * Status vocabularies, named after Harness's so API responses need no
 * translation. The stored values are the API's, so the lists come from
 * openapi.yaml (its generated spec module); the groupings here drive the
 * queue: which executions a replica holds a lease on, and which are over.
 * Which statuses are over is the API's fact, so it comes from the common
 * package.
 */
import {
  isTerminalExecutionStatus,
  TERMINAL_EXECUTION_STATUSES,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { spec } from '../schema/openapi/generated/router';

export { isTerminalExecutionStatus, TERMINAL_EXECUTION_STATUSES };

const {
  ExecutionStatus: executionStatusSchema,
  NodeExecution,
  ExecutionSummary,
} = spec.components.schemas;

/** Statuses of a pipeline execution. */
export const EXECUTION_STATUSES = executionStatusSchema.enum;

/** Status of a pipeline execution. */
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/**
 * Statuses of a claimed execution that is not over: a replica holds its
 * lease (even while it only waits, e.g. for an approval) and expired leases
 * in these statuses are taken over.
 */
export const LEASED_EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'Running',
  'Paused',
  'InterventionWaiting',
  'ApprovalWaiting',
  'ResourceWaiting',
  'InputWaiting',
];

/** Statuses of a stage, step group or step. */
export const NODE_STATUSES = NodeExecution.properties.status.enum;

/** Status of a stage, step group or step. */
export type NodeStatus = (typeof NODE_STATUSES)[number];

/** Node statuses before the node started; it has no start time yet. */
export const PENDING_NODE_STATUSES: readonly NodeStatus[] = [
  'NotStarted',
  'Queued',
];

/** Node statuses in which the node is over. */
export const TERMINAL_NODE_STATUSES: readonly NodeStatus[] = [
  'Success',
  'Failed',
  'Errored',
  'IgnoreFailed',
  'Skipped',
  'Aborted',
  'Expired',
  'ApprovalRejected',
];

/**
 * Node statuses of work that was in flight; after a crash these are the
 * nodes the new lease owner must resume, re-run or fail.
 */
export const IN_PROGRESS_NODE_STATUSES: readonly NodeStatus[] = [
  'Running',
  'AsyncWaiting',
  'Paused',
  'InterventionWaiting',
  'ApprovalWaiting',
  'ResourceWaiting',
  'InputWaiting',
];

/** True when a node in this status is over. */
export function isTerminalNodeStatus(status: NodeStatus): boolean {
  return TERMINAL_NODE_STATUSES.includes(status);
}

/** Kinds of node in the execution graph. */
export const NODE_TYPES = NodeExecution.properties.nodeType.enum;

/** Kind of node in the execution graph. */
export type NodeType = (typeof NODE_TYPES)[number];

/** How an execution was started (Harness trigger types). */
export const EXECUTION_TRIGGER_TYPES =
  ExecutionSummary.allOf[1].properties.triggerType.enum;

/** How an execution was started. */
export type ExecutionTriggerType = (typeof EXECUTION_TRIGGER_TYPES)[number];

import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import type {
  ExecutionStatus,
  NodeStatus,
} from '@idp-pipelines/plugin-pipeline-engine-common';

const RUNNING = new Set(['Running', 'AsyncWaiting']);
const WAITING = new Set([
  'Queued',
  'NotStarted',
  'Paused',
  'InterventionWaiting',
  'ApprovalWaiting',
  'InputWaiting',
]);
const FAILED = new Set(['Failed', 'Errored', 'Expired', 'ApprovalRejected']);

/** A status with its colour and icon; the text stays Harness's status name. */
export function StatusLabel(props: { status: ExecutionStatus | NodeStatus }) {
  const { status } = props;
  if (status === 'Success') return <StatusOK>{status}</StatusOK>;
  if (RUNNING.has(status)) return <StatusRunning>{status}</StatusRunning>;
  if (WAITING.has(status)) return <StatusPending>{status}</StatusPending>;
  if (FAILED.has(status)) return <StatusError>{status}</StatusError>;
  if (status === 'IgnoreFailed') return <StatusWarning>{status}</StatusWarning>;
  return <StatusAborted>{status}</StatusAborted>;
}

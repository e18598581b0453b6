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
  'ResourceWaiting',
  'InputWaiting',
]);
const FAILED = new Set(['Failed', 'Errored', 'Expired', 'ApprovalRejected']);

/**
 * A status with its colour and icon; the text stays Harness's status name.
 * Backstage's status components hide themselves from assistive technology
 * (aria-hidden, with a generic "Status ok" label); here the status name is
 * the content, so it is read as shown.
 */
export function StatusLabel(props: { status: ExecutionStatus | NodeStatus }) {
  const { status } = props;
  const a11y = { 'aria-hidden': false, 'aria-label': undefined };
  if (status === 'Success') return <StatusOK {...a11y}>{status}</StatusOK>;
  if (RUNNING.has(status)) {
    return <StatusRunning {...a11y}>{status}</StatusRunning>;
  }
  if (WAITING.has(status)) {
    return <StatusPending {...a11y}>{status}</StatusPending>;
  }
  if (FAILED.has(status)) return <StatusError {...a11y}>{status}</StatusError>;
  if (status === 'IgnoreFailed') {
    return <StatusWarning {...a11y}>{status}</StatusWarning>;
  }
  return <StatusAborted {...a11y}>{status}</StatusAborted>;
}

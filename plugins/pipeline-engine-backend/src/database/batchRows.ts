import type { Knex } from 'knex';
import type { LogLineInput } from './LogStore';
import {
  assertNodeStatus,
  resultColumns,
  type NodeExecutionInput,
} from './nodeExecutions';
import type { SecretCipher } from './secretCipher';
import { isTerminalNodeStatus, PENDING_NODE_STATUSES } from './statuses';

/** Node states and log lines written together, in one transaction. */
export interface ExecutionWriteBatch {
  /**
   * Full node states, at most one per fqn (the latest): each replaces the
   * stored node. `started_at` is kept once set; `ended_at` follows the status.
   */
  nodes: NodeExecutionInput[];
  /** Log lines in order; they get consecutive sequence numbers. */
  logs: Array<LogLineInput & { nodeFqn?: string }>;
}

/**
 * Writes a batch while `ownerId` holds the lease: LeaseLostError (writing
 * nothing) when it does not, NotFoundError when the execution is gone,
 * InputError (writing nothing) for invalid input.
 */
export type ExecutionBatchWriter = (
  db: Knex,
  executionId: string,
  ownerId: string,
  batch: ExecutionWriteBatch,
  cipher: SecretCipher | undefined,
) => Promise<{ lastLogSeq?: number }>;

/**
 * The node columns a batch overwrites, in the order both batch writers bind
 * them (after `id`, `execution_id`, `fqn`; before `started_at`, `created_at`).
 */
export const NODE_BATCH_COLUMNS = [
  'parent_fqn',
  'node_type',
  'identifier',
  'name',
  'step_type',
  'idempotent',
  'status',
  'attempt',
  'outputs',
  'secret_outputs',
  'error_message',
  'failure_type',
  'ended_at',
  'updated_at',
] as const;

/**
 * The SET list of a batch's node upsert (`ON CONFLICT (execution_id, fqn)
 * DO UPDATE SET ...`): every column replaced, `started_at` kept once set.
 */
export const NODE_BATCH_UPSERT_SET = [
  ...NODE_BATCH_COLUMNS.map(column => `${column} = excluded.${column}`),
  'started_at = COALESCE(node_executions.started_at, excluded.started_at)',
].join(', ');

/**
 * A node's row as a batch writes it: every column a full state overwrites
 * (defaults for the result fields left out), and whether the batch's time
 * stamps `started_at` (kept once set) and `ended_at`. Throws InputError for
 * an invalid status or attempt.
 */
export function nodeBatchRow(
  node: NodeExecutionInput,
  cipher: SecretCipher | undefined,
) {
  assertNodeStatus(node.status);
  const result = resultColumns(node, cipher);
  return {
    fqn: node.fqn,
    parent_fqn: node.parentFqn ?? null,
    node_type: node.nodeType,
    identifier: node.identifier,
    name: node.name,
    step_type: node.stepType ?? null,
    idempotent: Boolean(node.idempotent),
    status: node.status,
    attempt: result.attempt ?? 1,
    outputs: result.outputs ?? '{}',
    secret_outputs: result.secret_outputs ?? '{}',
    // PostgreSQL text cannot hold NUL (step output may); same on every database.
    error_message:
      typeof result.error_message === 'string'
        ? result.error_message.replaceAll('\u0000', '\uFFFD')
        : null,
    failure_type: result.failure_type ?? null,
    started: !PENDING_NODE_STATUSES.includes(node.status),
    ended: isTerminalNodeStatus(node.status),
  };
}

import { InputError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { dbNow } from './dbClock';
import { toJsonColumn } from './jsonColumns';
import { assertLeaseHolder } from './leases';
import { NodeExecutionRow } from './nodeExecutionRows';
import { SecretCipher } from './secretCipher';
import { sealSecretOutputs } from './secretOutputs';
import {
  isTerminalNodeStatus,
  NODE_STATUSES,
  NODE_TYPES,
  NodeStatus,
  NodeType,
  PENDING_NODE_STATUSES,
} from './statuses';
import { JsonObject } from './types';
import { assertText } from './validation';

/** Changes to a node's status and results, for {@link ExecutionStore.updateNodeStatus}. */
export interface NodeStatusUpdate {
  status: NodeStatus;
  attempt?: number;
  /** Replaces the non-secret outputs. */
  outputs?: JsonObject;
  /**
   * Replaces the secret outputs, given in clear; only a marker (or
   * ciphertext, with a cipher configured) is stored.
   */
  secretOutputs?: Record<string, string>;
  /** `null` clears, e.g. when a retry starts. */
  errorMessage?: string | null;
  /** `null` clears. */
  failureType?: string | null;
}

/**
 * A node to create or overwrite, for {@link ExecutionStore.upsertNode}.
 * Optional fields left out keep their stored value on overwrite.
 */
export interface NodeExecutionInput extends NodeStatusUpdate {
  fqn: string;
  parentFqn?: string;
  nodeType: NodeType;
  identifier: string;
  name: string;
  stepType?: string;
  idempotent?: boolean;
}

const NODE_TABLE = 'node_executions';

/*
 * Start and end times follow the status, so a crash between "status" and
 * "timestamps" writes cannot leave them inconsistent: leaving a pending
 * status stamps started_at once, and ended_at is set exactly while the
 * status is terminal (a retry clears it again).
 */
function statusColumns(db: Knex, status: NodeStatus): Record<string, unknown> {
  const columns: Record<string, unknown> = {
    status,
    ended_at: isTerminalNodeStatus(status) ? dbNow(db) : null,
    updated_at: dbNow(db),
  };
  if (!PENDING_NODE_STATUSES.includes(status)) {
    columns.started_at = db.raw('COALESCE(??, ?)', [
      `${NODE_TABLE}.started_at`,
      dbNow(db),
    ]);
  }
  return columns;
}

/** Columns for the optional result fields that were given. */
export function resultColumns(
  update: NodeStatusUpdate,
  cipher: SecretCipher | undefined,
): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  if (update.attempt !== undefined) {
    if (!Number.isInteger(update.attempt) || update.attempt < 1) {
      throw new InputError(`Invalid attempt ${update.attempt}`);
    }
    columns.attempt = update.attempt;
  }
  if (update.outputs !== undefined) {
    columns.outputs = toJsonColumn(update.outputs);
  }
  if (update.secretOutputs !== undefined) {
    columns.secret_outputs = toJsonColumn(
      sealSecretOutputs(update.secretOutputs, cipher),
    );
  }
  if (update.errorMessage !== undefined) {
    columns.error_message = update.errorMessage;
  }
  if (update.failureType !== undefined) {
    columns.failure_type = update.failureType;
  }
  return columns;
}

export function assertNodeStatus(
  status: unknown,
): asserts status is NodeStatus {
  if (!NODE_STATUSES.includes(status as NodeStatus)) {
    throw new InputError(`Invalid node status '${String(status)}'`);
  }
}

/** Inserts or overwrites a node, while `ownerId` holds the execution lease. */
export async function upsertNodeRow(
  db: Knex,
  executionId: string,
  ownerId: string,
  node: NodeExecutionInput,
  cipher: SecretCipher | undefined,
): Promise<NodeExecutionRow> {
  assertText(node.fqn, 'node fqn');
  assertText(node.identifier, 'node identifier');
  assertText(node.name, 'node name');
  assertNodeStatus(node.status);
  if (!NODE_TYPES.includes(node.nodeType)) {
    throw new InputError(`Invalid node type '${String(node.nodeType)}'`);
  }
  return db.transaction(async tx => {
    await assertLeaseHolder(tx, executionId, ownerId);
    const descriptive: Record<string, unknown> = {
      parent_fqn: node.parentFqn ?? null,
      node_type: node.nodeType,
      identifier: node.identifier,
      name: node.name,
      step_type: node.stepType ?? null,
    };
    if (node.idempotent !== undefined) {
      descriptive.idempotent = Boolean(node.idempotent);
    }
    const changes = {
      ...descriptive,
      ...statusColumns(tx, node.status),
      ...resultColumns(node, cipher),
    };
    const now = dbNow(tx);
    const [row] = await tx(NODE_TABLE)
      .insert({
        id: randomUUID(),
        execution_id: executionId,
        fqn: node.fqn,
        attempt: 1,
        idempotent: false,
        started_at: null,
        created_at: now,
        ...changes,
        // On insert there is no previous start time to keep.
        ...('started_at' in changes ? { started_at: now } : {}),
      })
      .onConflict(['execution_id', 'fqn'])
      .merge(changes)
      .returning('*');
    return row as NodeExecutionRow;
  });
}

/**
 * Updates the status and results of an existing node, while `ownerId` holds
 * the execution lease. NotFoundError if the node does not exist.
 */
export async function updateNodeRow(
  db: Knex,
  executionId: string,
  ownerId: string,
  fqn: string,
  update: NodeStatusUpdate,
  cipher: SecretCipher | undefined,
): Promise<NodeExecutionRow> {
  assertNodeStatus(update.status);
  return db.transaction(async tx => {
    await assertLeaseHolder(tx, executionId, ownerId);
    const [row] = await tx(NODE_TABLE)
      .where({ execution_id: executionId, fqn })
      .update({
        ...statusColumns(tx, update.status),
        ...resultColumns(update, cipher),
      })
      .returning('*');
    if (!row) {
      throw new NotFoundError(
        `Node '${fqn}' not found in execution '${executionId}'`,
      );
    }
    return row as NodeExecutionRow;
  });
}

import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { dbNow } from './dbClock';
import { assertLeaseHolder } from './leases';
import { INSERT_CHUNK, prepareLine, type LogLineInput } from './LogStore';
import { assertNodeStatus, resultColumns, type NodeExecutionInput } from './nodeExecutions';
import type { SecretCipher } from './secretCipher';
import { isPostgres } from './dialect';
import { writeBatchOnPostgres } from './postgresBatchWriter';
import { usesBetterSqlite, writeBatchOnSqlite } from './sqliteBatchWriter';
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

const NODE_TABLE = 'node_executions';
const NODE_CHUNK = 400;

/**
 * Group commit of an execution's state: one transaction with one lease
 * check, all node upserts and all log inserts — a constant number of round
 * trips however many transitions the batch holds. Throws LeaseLostError
 * (and writes nothing) when `ownerId` lost the lease, NotFoundError when the
 * execution is gone, InputError (writing nothing) for invalid input.
 *
 * PostgreSQL and better-sqlite3 have dedicated writers (one statement;
 * prepared statements); {@link writeBatchWithKnex} serves other drivers
 * (the `sqlite3` client).
 */
export async function writeExecutionBatch(
  db: Knex,
  executionId: string,
  ownerId: string,
  batch: ExecutionWriteBatch,
  cipher: SecretCipher | undefined,
): Promise<{ lastLogSeq?: number }> {
  if (!batch.nodes.length && !batch.logs.length) return {};
  if (usesBetterSqlite(db)) return writeBatchOnSqlite(db, executionId, ownerId, batch, cipher);
  if (isPostgres(db)) return writeBatchOnPostgres(db, executionId, ownerId, batch, cipher);
  return writeBatchWithKnex(db, executionId, ownerId, batch, cipher);
}

/** {@link writeExecutionBatch} with portable Knex queries. */
export async function writeBatchWithKnex(
  db: Knex,
  executionId: string,
  ownerId: string,
  batch: ExecutionWriteBatch,
  cipher: SecretCipher | undefined,
): Promise<{ lastLogSeq?: number }> {
  if (!batch.nodes.length && !batch.logs.length) return {};
  const lines = batch.logs.map(l => ({ nodeFqn: l.nodeFqn, ...prepareLine(l) }));
  return db.transaction(async tx => {
    await assertLeaseHolder(tx, executionId, ownerId);
    const now = dbNow(tx);
    if (batch.nodes.length) {
      const rows = batch.nodes.map(node => {
        assertNodeStatus(node.status);
        return {
          id: randomUUID(),
          execution_id: executionId,
          ...describe(node),
          ...resultColumns(node, cipher),
          started_at: PENDING_NODE_STATUSES.includes(node.status) ? null : now,
          ended_at: isTerminalNodeStatus(node.status) ? now : null,
          created_at: now,
          updated_at: now,
        };
      });
      const merged = Object.keys(rows[0]).filter(c => !['id', 'execution_id', 'fqn', 'created_at', 'started_at'].includes(c));
      // ~20 bound values a row: 400 rows stay far below SQLite's and
      // PostgreSQL's parameter limits, in few statements.
      for (let i = 0; i < rows.length; i += NODE_CHUNK) {
        await tx(NODE_TABLE)
          .insert(rows.slice(i, i + NODE_CHUNK))
          .onConflict(['execution_id', 'fqn'])
          .merge({
            ...Object.fromEntries(merged.map(c => [c, tx.raw('??', [`excluded.${c}`])])),
            // A retry or a resumed node keeps the time it first started.
            started_at: tx.raw('COALESCE(??, ??)', [`${NODE_TABLE}.started_at`, 'excluded.started_at']),
          });
      }
    }
    if (!lines.length) return {};
    const [counter] = await tx('executions')
      .where({ id: executionId })
      .update({ log_seq: tx.raw('?? + ?', ['log_seq', lines.length]) })
      .returning('log_seq');
    const lastSeq = Number(counter.log_seq);
    const firstSeq = lastSeq - lines.length + 1;
    for (let i = 0; i < lines.length; i += INSERT_CHUNK) {
      await tx('execution_logs').insert(
        lines.slice(i, i + INSERT_CHUNK).map((l, j) => ({
          execution_id: executionId,
          seq: firstSeq + i + j,
          node_fqn: l.nodeFqn ?? null,
          stream: l.stream,
          line: l.line,
          created_at: now,
        })),
      );
    }
    return { lastLogSeq: lastSeq };
  });
}

/** A node's full row, with the defaults a full state overwrites. */
function describe(node: NodeExecutionInput) {
  return {
    fqn: node.fqn,
    parent_fqn: node.parentFqn ?? null,
    node_type: node.nodeType,
    identifier: node.identifier,
    name: node.name,
    step_type: node.stepType ?? null,
    idempotent: Boolean(node.idempotent),
    status: node.status,
    attempt: 1,
    outputs: '{}',
    secret_outputs: '{}',
    error_message: null,
    failure_type: null,
  };
}

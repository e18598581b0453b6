import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  NODE_BATCH_COLUMNS,
  NODE_BATCH_UPSERT_SET,
  nodeBatchRow,
  type ExecutionBatchWriter,
} from './batchRows';
import { SQLITE_EPOCH_MS } from './dbClock';
import { checkLeaseRow } from './leases';
import { prepareLine } from './LogStore';
import type { ExecutionStatus } from './statuses';

/*
 * The group commit of executionBatch.ts, specialised for better-sqlite3.
 *
 * Knex prepares every statement anew, and a batch's multi-row upsert is a
 * different statement for every row count: on SQLite, preparing it costs
 * more than running it (milliseconds per batch). better-sqlite3 is
 * synchronous and Knex gives SQLite a pool of one connection, so holding
 * that connection while a synchronous transaction runs excludes every other
 * query exactly like a Knex transaction would — with single-row statements
 * prepared once per connection and reused.
 */

/** The parts of a better-sqlite3 `Database` this writer uses. */
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  transaction<T>(fn: () => T): { immediate(): T };
}

interface SqliteStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
}

interface PooledClient {
  driverName?: string;
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<unknown>;
}

/** True when `db` runs on better-sqlite3, where {@link writeBatchOnSqlite} applies. */
export function usesBetterSqlite(db: Knex): boolean {
  return (db.client as PooledClient).driverName === 'better-sqlite3';
}

const SQL = {
  now: `SELECT ${SQLITE_EPOCH_MS} AS now`,
  lease: 'SELECT lease_owner, status FROM executions WHERE id = ?',
  upsertNode: `INSERT INTO node_executions
      (id, execution_id, fqn, ${NODE_BATCH_COLUMNS.join(', ')}, started_at, created_at)
    VALUES (?, ?, ?, ${NODE_BATCH_COLUMNS.map(() => '?').join(', ')}, ?, ?)
    ON CONFLICT (execution_id, fqn) DO UPDATE SET ${NODE_BATCH_UPSERT_SET}`,
  bumpLogSeq:
    'UPDATE executions SET log_seq = log_seq + ? WHERE id = ? RETURNING log_seq',
  insertLog: `INSERT INTO execution_logs (execution_id, seq, node_fqn, stream, line, created_at)
    VALUES (?, ?, ?, ?, ?, ?)`,
};

type Statements = { [K in keyof typeof SQL]: SqliteStatement };

// Prepared once per connection; the pool may replace a connection.
const statementsByConnection = new WeakMap<object, Statements>();

function statementsFor(connection: SqliteConnection): Statements {
  let statements = statementsByConnection.get(connection);
  if (!statements) {
    statements = Object.fromEntries(
      Object.entries(SQL).map(([name, sql]) => [name, connection.prepare(sql)]),
    ) as Statements;
    statementsByConnection.set(connection, statements);
  }
  return statements;
}

/**
 * Writes nodes and log lines in one immediate transaction after checking
 * that `ownerId` holds the lease; same contract as the Knex path
 * ({@link writeExecutionBatch}). Rows are bound straight from the inputs.
 */
export const writeBatchOnSqlite: ExecutionBatchWriter = async (
  db,
  executionId,
  ownerId,
  batch,
  cipher,
) => {
  // Invalid input fails before anything is written.
  const nodes = batch.nodes.map(node => nodeBatchRow(node, cipher));
  const lines = batch.logs.map(prepareLine);
  const client = db.client as PooledClient;
  const connection = (await client.acquireConnection()) as SqliteConnection;
  try {
    const s = statementsFor(connection);
    return connection
      .transaction(() => {
        checkLeaseRow(
          s.lease.get(executionId) as
            { lease_owner: string | null; status: ExecutionStatus } | undefined,
          executionId,
          ownerId,
        );
        const { now } = s.now.get() as { now: number };
        for (const n of nodes) {
          s.upsertNode.run(
            randomUUID(),
            executionId,
            n.fqn,
            n.parent_fqn,
            n.node_type,
            n.identifier,
            n.name,
            n.step_type,
            n.idempotent ? 1 : 0,
            n.status,
            n.attempt,
            n.outputs,
            n.secret_outputs,
            n.error_message,
            n.failure_type,
            n.ended ? now : null,
            now,
            n.started ? now : null,
            now,
          );
        }
        if (!lines.length) return {};
        const { log_seq: last } = s.bumpLogSeq.get(
          lines.length,
          executionId,
        ) as { log_seq: number | bigint };
        const lastLogSeq = Number(last);
        let seq = lastLogSeq - lines.length;
        lines.forEach((l, i) => {
          s.insertLog.run(
            executionId,
            ++seq,
            batch.logs[i].nodeFqn ?? null,
            l.stream,
            l.line,
            now,
          );
        });
        return { lastLogSeq };
      })
      .immediate();
  } finally {
    await client.releaseConnection(connection);
  }
};

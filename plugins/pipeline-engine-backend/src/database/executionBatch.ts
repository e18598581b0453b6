import { randomUUID } from 'node:crypto';
import { dbNow } from './dbClock';
import { assertLeaseHolder } from './leases';
import { INSERT_CHUNK, prepareLine } from './LogStore';
import { nodeBatchRow, type ExecutionBatchWriter } from './batchRows';
import { isPostgres } from './dialect';
import { writeBatchOnPostgres } from './postgresBatchWriter';
import { usesBetterSqlite, writeBatchOnSqlite } from './sqliteBatchWriter';

export type { ExecutionBatchWriter, ExecutionWriteBatch } from './batchRows';

const NODE_TABLE = 'node_executions';
const NODE_CHUNK = 400;

/** {@link writeExecutionBatch} with portable Knex queries. */
export const writeBatchWithKnex: ExecutionBatchWriter = async (
  db,
  executionId,
  ownerId,
  batch,
  cipher,
) => {
  if (!batch.nodes.length && !batch.logs.length) return {};
  const lines = batch.logs.map(l => ({
    nodeFqn: l.nodeFqn,
    ...prepareLine(l),
  }));
  return db.transaction(async tx => {
    await assertLeaseHolder(tx, executionId, ownerId);
    const now = dbNow(tx);
    if (batch.nodes.length) {
      const rows = batch.nodes.map(node => {
        const { started, ended, ...row } = nodeBatchRow(node, cipher);
        return {
          id: randomUUID(),
          execution_id: executionId,
          ...row,
          started_at: started ? now : null,
          ended_at: ended ? now : null,
          created_at: now,
          updated_at: now,
        };
      });
      const merged = Object.keys(rows[0]).filter(
        c =>
          !['id', 'execution_id', 'fqn', 'created_at', 'started_at'].includes(
            c,
          ),
      );
      // ~20 bound values a row: 400 rows stay far below SQLite's and
      // PostgreSQL's parameter limits, in few statements.
      for (let i = 0; i < rows.length; i += NODE_CHUNK) {
        await tx(NODE_TABLE)
          .insert(rows.slice(i, i + NODE_CHUNK))
          .onConflict(['execution_id', 'fqn'])
          .merge({
            ...Object.fromEntries(
              merged.map(c => [c, tx.raw('??', [`excluded.${c}`])]),
            ),
            // A retry or a resumed node keeps the time it first started.
            started_at: tx.raw('COALESCE(??, ??)', [
              `${NODE_TABLE}.started_at`,
              'excluded.started_at',
            ]),
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
};

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
export const writeExecutionBatch: ExecutionBatchWriter = async (
  db,
  executionId,
  ownerId,
  batch,
  cipher,
) => {
  if (!batch.nodes.length && !batch.logs.length) return {};
  if (usesBetterSqlite(db))
    return writeBatchOnSqlite(db, executionId, ownerId, batch, cipher);
  if (isPostgres(db))
    return writeBatchOnPostgres(db, executionId, ownerId, batch, cipher);
  return writeBatchWithKnex(db, executionId, ownerId, batch, cipher);
};

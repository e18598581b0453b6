import { randomUUID } from 'node:crypto';
import {
  NODE_BATCH_COLUMNS,
  NODE_BATCH_UPSERT_SET,
  nodeBatchRow,
  type ExecutionBatchWriter,
} from './batchRows';
import { checkLeaseRow, leaseLost } from './leases';
import { prepareLine } from './LogStore';
import { LEASED_EXECUTION_STATUSES } from './statuses';

/*
 * The group commit of executionBatch.ts as one PostgreSQL statement: the
 * lease check, the node upserts and the log inserts are data-modifying CTEs
 * of a single autocommitted statement — one round trip and one commit
 * instead of six. The lease CTE is an UPDATE of the execution row (it bumps
 * the log counter), so the row stays locked until the statement commits and
 * no takeover can slip in between the check and the writes; when it matches
 * no row (lease lost, execution gone), the inserts, which join it, write
 * nothing.
 */

const BATCH_SQL = `
WITH lease AS (
  UPDATE executions SET log_seq = log_seq + ?::bigint
  WHERE id = ? AND lease_owner = ? AND status = ANY(?::text[])
  RETURNING log_seq, now() AS now
), node_rows AS (
  INSERT INTO node_executions (id, execution_id, fqn, ${NODE_BATCH_COLUMNS.join(', ')}, started_at, created_at)
  SELECT r.id, ?, r.fqn, r.parent_fqn, r.node_type, r.identifier, r.name, r.step_type, r.idempotent, r.status,
    r.attempt, r.outputs, r.secret_outputs, r.error_message, r.failure_type,
    CASE WHEN r.ended THEN lease.now END, lease.now, CASE WHEN r.started THEN lease.now END, lease.now
  FROM lease, json_to_recordset(?::json) AS r(
    id uuid, fqn text, parent_fqn text, node_type text, identifier text, name text, step_type text,
    idempotent boolean, status text, attempt integer, outputs text, secret_outputs text,
    error_message text, failure_type text, started boolean, ended boolean)
  ON CONFLICT (execution_id, fqn) DO UPDATE SET ${NODE_BATCH_UPSERT_SET}
  RETURNING 1
), log_rows AS (
  INSERT INTO execution_logs (execution_id, seq, node_fqn, stream, line, created_at)
  SELECT ?, lease.log_seq - ?::bigint + r.i, r.node_fqn, r.stream, r.line, lease.now
  FROM lease, json_to_recordset(?::json) AS r(i bigint, node_fqn text, stream text, line text)
  RETURNING 1
)
SELECT (SELECT log_seq FROM lease) AS log_seq,
  (SELECT count(*) FROM node_rows) AS nodes,
  (SELECT count(*) FROM log_rows) AS logs`;

/**
 * Writes nodes and log lines in one statement after checking that
 * `ownerId` holds the lease; same contract as {@link writeExecutionBatch}.
 */
export const writeBatchOnPostgres: ExecutionBatchWriter = async (
  db,
  executionId,
  ownerId,
  batch,
  cipher,
) => {
  // Invalid input fails before anything is written.
  const nodes = batch.nodes.map(node => ({
    id: randomUUID(),
    ...nodeBatchRow(node, cipher),
  }));
  const lines = batch.logs.map((l, i) => ({
    i: i + 1,
    node_fqn: l.nodeFqn ?? null,
    ...prepareLine(l),
  }));
  const n = lines.length;
  const result = await db.raw(BATCH_SQL, [
    n,
    executionId,
    ownerId,
    [...LEASED_EXECUTION_STATUSES] as string[],
    executionId,
    JSON.stringify(nodes),
    executionId,
    n,
    JSON.stringify(lines),
  ]);
  const row = result.rows[0] as { log_seq: string | number | null };
  if (row.log_seq === null) {
    // Nothing was written; say why (gone, or held by another replica).
    checkLeaseRow(
      await db('executions')
        .where({ id: executionId })
        .first('lease_owner', 'status'),
      executionId,
      ownerId,
    );
    throw leaseLost(executionId, ownerId);
  }
  return n ? { lastLogSeq: Number(row.log_seq) } : {};
};

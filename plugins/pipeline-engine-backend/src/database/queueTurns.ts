import { Knex } from 'knex';
import { dbNow } from './dbClock';
import { isPostgres } from './dialect';
import { fromJsonColumn } from './jsonColumns';
import { TERMINAL_EXECUTION_STATUSES } from './statuses';
import { JsonObject } from './types';

/*
 * Queue step turns. Each Queue step that runs records a `queue` wait with
 * its resolved key: `Waiting` while queued, `Resolved` while it holds the
 * key, `Released` once its scope (stage or pipeline) ended. At most one
 * holder per key; the oldest waiter (arrival order) is granted next. Grants
 * for a key are serialised by a transaction-scoped advisory lock on
 * PostgreSQL and by SQLite's single writer.
 */

/** Takes the per-key lock for the rest of the transaction (PostgreSQL). */
async function lockKey(tx: Knex.Transaction, key: string): Promise<void> {
  if (isPostgres(tx))
    await tx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [
      `pipeline-engine-queue:${key}`,
    ]);
}

const LIVE_EXECUTION = (db: Knex) =>
  db('executions')
    .select('id')
    .whereNotIn('status', [...TERMINAL_EXECUTION_STATUSES]);

/**
 * Grants the key to its oldest live waiter when no live execution holds
 * it: the waiter's wait is resolved and its execution woken. A holder whose
 * execution ended (even without a release, e.g. a crash in between) no
 * longer counts. True when a turn was granted.
 */
export async function grantQueueTurn(
  tx: Knex.Transaction,
  key: string,
): Promise<boolean> {
  await lockKey(tx, key);
  const holder = await tx('execution_waits')
    .where({ kind: 'queue', queue_key: key, status: 'Resolved' })
    .whereIn('execution_id', LIVE_EXECUTION(tx))
    .first('id');
  if (holder) return false;
  const next: { id: string; execution_id: string } | undefined = await tx(
    'execution_waits',
  )
    .where({ kind: 'queue', queue_key: key, status: 'Waiting' })
    .whereIn('execution_id', LIVE_EXECUTION(tx))
    .where(q =>
      q.whereNull('deadline_at').orWhere('deadline_at', '>', dbNow(tx)),
    )
    .orderBy([
      { column: 'created_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ])
    .first('id', 'execution_id');
  if (!next) return false;
  await tx('execution_waits')
    .where({ id: next.id })
    .update({ status: 'Resolved', resolved_at: dbNow(tx) });
  await tx('executions')
    .where({ id: next.execution_id })
    .update({ wake_requested: true, updated_at: dbNow(tx) });
  return true;
}

/** Which holds to release: all of an execution's, or those of one stage. */
export interface QueueRelease {
  executionId: string;
  /** Only `Stage`-scoped holds of steps inside this stage node. */
  stageFqn?: string;
}

/**
 * Releases the queue keys an execution holds (its pipeline ended, or a
 * stage ended: its Stage-scoped keys) and hands each key to the next
 * waiter. Also drops the execution's own queued turns when it ended.
 * Returns how many keys were granted to others.
 */
export async function releaseQueueHolds(
  db: Knex,
  release: QueueRelease,
): Promise<number> {
  const held: Array<{
    id: string;
    node_fqn: string;
    payload: string;
    queue_key: string | null;
    status: string;
  }> = await db('execution_waits')
    .where({ kind: 'queue', execution_id: release.executionId })
    .whereIn(
      'status',
      release.stageFqn ? ['Resolved'] : ['Resolved', 'Waiting'],
    )
    .select('id', 'node_fqn', 'payload', 'queue_key', 'status');
  const ending = held.filter(row => {
    if (!release.stageFqn) return true;
    const payload = fromJsonColumn<JsonObject>(
      row.payload,
      'execution_waits.payload',
    );
    return (
      payload?.scope === 'Stage' &&
      row.node_fqn.startsWith(`${release.stageFqn}.`)
    );
  });
  let granted = 0;
  for (const row of ending) {
    const key = row.queue_key ?? '';
    const turn = await db.transaction(async tx => {
      await lockKey(tx, key);
      await tx('execution_waits')
        .where({ id: row.id })
        .update({ status: 'Released', resolved_at: dbNow(tx) });
      return grantQueueTurn(tx, key);
    });
    if (turn) granted++;
  }
  return granted;
}

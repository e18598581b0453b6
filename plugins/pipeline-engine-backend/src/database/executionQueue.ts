import { Knex } from 'knex';
import { dbNow, dbNowPlus } from './dbClock';
import { isPostgres } from './dialect';
import { ExecutionRow } from './executionRows';
import { ExecutionStatus, LEASED_EXECUTION_STATUSES } from './statuses';

/*
 * The queue is the executions table itself. Claims are conditional updates,
 * so whatever the interleaving, a row changes hands at most once per claim:
 *
 * - PostgreSQL: in a transaction, SELECT ... FOR UPDATE SKIP LOCKED picks
 *   the oldest candidate that no other claimer is looking at (so claimers do
 *   not queue up behind one row), then an UPDATE that re-checks the condition
 *   takes it.
 * - SQLite: a single UPDATE ... WHERE id = (oldest candidate) AND <condition>
 *   RETURNING *; SQLite runs one writer at a time, so the statement is
 *   atomic, and an empty RETURNING means nothing was claimed.
 *
 * All times come from the database clock, so replicas with skewed clocks
 * still agree on when a lease expires.
 */

const LEASED = [...LEASED_EXECUTION_STATUSES];

type Candidates = (db: Knex) => Knex.QueryBuilder;

const queued: Candidates = db =>
  db('executions')
    .where('status', 'Queued')
    .orderBy([
      { column: 'created_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);

const expired: Candidates = db =>
  db('executions')
    .whereIn('status', LEASED)
    .andWhere('lease_expires_at', '<=', dbNow(db))
    .orderBy([
      { column: 'lease_expires_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);

async function claimOne(
  db: Knex,
  candidates: Candidates,
  changes: (db: Knex) => Record<string, unknown>,
): Promise<ExecutionRow | undefined> {
  if (isPostgres(db)) {
    return db.transaction(async tx => {
      const pick = await candidates(tx).forUpdate().skipLocked().first('id');
      if (!pick) {
        return undefined;
      }
      const [row] = await candidates(tx)
        .clearOrder()
        .where('id', pick.id)
        .update(changes(tx))
        .returning('*');
      return row as ExecutionRow | undefined;
    });
  }
  const oldest = candidates(db).limit(1).select('id');
  const [row] = await candidates(db)
    .clearOrder()
    .where('id', oldest)
    .update(changes(db))
    .returning('*');
  return row as ExecutionRow | undefined;
}

/** Claims the oldest Queued execution for `ownerId`, moving it to Running. */
export function claimNextQueued(
  db: Knex,
  ownerId: string,
  leaseMs: number,
): Promise<ExecutionRow | undefined> {
  return claimOne(db, queued, tx => ({
    status: 'Running',
    lease_owner: ownerId,
    lease_expires_at: dbNowPlus(tx, leaseMs),
    heartbeat_at: dbNow(tx),
    started_at: dbNow(tx),
    attempt: tx.raw('?? + 1', ['attempt']),
    updated_at: dbNow(tx),
  }));
}

/**
 * Takes over the execution whose lease expired longest ago, keeping its
 * status (the new owner resumes it) and counting the recovery.
 */
export function claimExpiredLease(
  db: Knex,
  ownerId: string,
  leaseMs: number,
): Promise<ExecutionRow | undefined> {
  return claimOne(db, expired, tx => ({
    lease_owner: ownerId,
    lease_expires_at: dbNowPlus(tx, leaseMs),
    heartbeat_at: dbNow(tx),
    attempt: tx.raw('?? + 1', ['attempt']),
    recovery_count: tx.raw('?? + 1', ['recovery_count']),
    updated_at: dbNow(tx),
  }));
}

/** WHERE clause matching an execution only while `ownerId` holds its lease. */
export function heldBy(
  query: Knex.QueryBuilder,
  id: string,
  ownerId: string,
): Knex.QueryBuilder {
  return query
    .where({ id, lease_owner: ownerId })
    .whereIn('status', LEASED as ExecutionStatus[]);
}

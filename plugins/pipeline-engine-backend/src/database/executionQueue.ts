import { Knex } from 'knex';
import { dbNow, dbNowPlus } from './dbClock';
import { isPostgres } from './dialect';
import { ExecutionRow } from './executionRows';
import { ExecutionStatus, LEASED_EXECUTION_STATUSES } from './statuses';
import { PARKED_EXECUTION_STATUSES } from './executionWaits';

/*
 * The queue is the executions table itself. Claims are conditional updates,
 * so whatever the interleaving, a row changes hands at most once per claim:
 *
 * a single UPDATE ... WHERE id = (oldest candidate) AND <condition>
 * RETURNING *, one round trip; an empty RETURNING means nothing was claimed.
 * - PostgreSQL: the subquery picks with FOR UPDATE SKIP LOCKED, so
 *   concurrent claimers take different rows instead of queueing behind one,
 *   and the outer condition re-checks the row it locked.
 * - SQLite runs one writer at a time, so the statement is atomic.
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

const woken: Candidates = db =>
  db('executions')
    .whereIn('status', [...PARKED_EXECUTION_STATUSES])
    .whereNull('lease_owner')
    .andWhere(q =>
      q.where('wake_requested', true).orWhere('wake_at', '<=', dbNow(db)),
    )
    .orderBy([
      { column: 'created_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);

async function claimSome(
  db: Knex,
  candidates: Candidates,
  changes: (db: Knex) => Record<string, unknown>,
  limit: number,
): Promise<ExecutionRow[]> {
  // One statement either way: the update re-checks the candidate condition,
  // so a row another claimer took in the meantime is simply not updated.
  const picks = candidates(db).select('id').limit(limit);
  const update = candidates(db).clearOrder();
  if (isPostgres(db)) {
    // ARRAY(...) makes PostgreSQL pick (and lock) once, before updating; as
    // an IN (...) semi-join the locking subquery could be rescanned.
    update.whereRaw('?? = ANY(ARRAY(?))', [
      'id',
      picks.forUpdate().skipLocked(),
    ]);
  } else {
    update.whereIn('id', picks);
  }
  const rows: ExecutionRow[] = await update.update(changes(db)).returning('*');
  return rows;
}

/** The columns every claim sets: `ownerId` holds a fresh lease, one more attempt. */
function leaseTo(
  tx: Knex,
  ownerId: string,
  leaseMs: number,
): Record<string, unknown> {
  return {
    lease_owner: ownerId,
    lease_expires_at: dbNowPlus(tx, leaseMs),
    heartbeat_at: dbNow(tx),
    attempt: tx.raw('?? + 1', ['attempt']),
    updated_at: dbNow(tx),
  };
}

/**
 * Claims up to `limit` of the oldest Queued executions for `ownerId`, moving
 * them to Running, in one statement.
 */
export function claimQueued(
  db: Knex,
  ownerId: string,
  leaseMs: number,
  limit: number,
): Promise<ExecutionRow[]> {
  return claimSome(
    db,
    queued,
    tx => ({
      ...leaseTo(tx, ownerId, leaseMs),
      status: 'Running',
      started_at: dbNow(tx),
    }),
    limit,
  );
}

/**
 * Claims up to `limit` parked executions whose wait was resolved or whose
 * earliest deadline passed, oldest first, moving them back to Running: the
 * run resumes from the parked nodes (see executionWaits).
 */
export function claimWoken(
  db: Knex,
  ownerId: string,
  leaseMs: number,
  limit: number,
): Promise<ExecutionRow[]> {
  return claimSome(
    db,
    woken,
    tx => ({
      ...leaseTo(tx, ownerId, leaseMs),
      status: 'Running',
      wake_requested: false,
      wake_at: null,
    }),
    limit,
  );
}

/**
 * Takes over up to `limit` executions whose lease expired, longest expired
 * first, in one statement, keeping their status (the new owner resumes
 * them) and counting the recovery.
 */
export function claimExpiredLeases(
  db: Knex,
  ownerId: string,
  leaseMs: number,
  limit: number,
): Promise<ExecutionRow[]> {
  return claimSome(
    db,
    expired,
    tx => ({
      ...leaseTo(tx, ownerId, leaseMs),
      recovery_count: tx.raw('?? + 1', ['recovery_count']),
    }),
    limit,
  );
}

/**
 * Ends now the leases of every execution held by an owner whose id starts
 * with `ownerPrefix`, except `keepOwnerId`: a restarted replica's
 * predecessors (same instance id) are certainly dead, so their executions
 * need not wait for the leases to run out. Returns how many were freed.
 */
export function expireLeasesOfOwners(
  db: Knex,
  ownerPrefix: string,
  keepOwnerId?: string,
): Promise<number> {
  const query = db('executions')
    .whereIn('status', LEASED)
    .whereRaw('substr(??, 1, ?) = ?', [
      'lease_owner',
      ownerPrefix.length,
      ownerPrefix,
    ]);
  if (keepOwnerId !== undefined) query.whereNot('lease_owner', keepOwnerId);
  return query.update({ lease_expires_at: dbNow(db), updated_at: dbNow(db) });
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

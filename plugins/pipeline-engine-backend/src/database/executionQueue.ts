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

/**
 * Claims up to `limit` executions for `ownerId` in one statement: the
 * candidates' first rows get a fresh lease and one more attempt.
 */
export type LeaseClaim = (
  db: Knex,
  ownerId: string,
  leaseMs: number,
  limit: number,
) => Promise<ExecutionRow[]>;

/** A {@link LeaseClaim} of `candidates` that also sets `changes`. */
function leaseClaim(
  candidates: Candidates,
  changes: (tx: Knex) => Record<string, unknown>,
): LeaseClaim {
  return (db, ownerId, leaseMs, limit) =>
    claimSome(
      db,
      candidates,
      tx => ({
        lease_owner: ownerId,
        lease_expires_at: dbNowPlus(tx, leaseMs),
        heartbeat_at: dbNow(tx),
        attempt: tx.raw('?? + 1', ['attempt']),
        updated_at: dbNow(tx),
        ...changes(tx),
      }),
      limit,
    );
}

/** Claims the oldest Queued executions, moving them to Running. */
export const claimQueued = leaseClaim(queued, tx => ({
  status: 'Running',
  started_at: dbNow(tx),
}));

/**
 * Claims parked executions whose wait was resolved or whose earliest
 * deadline passed, oldest first, moving them back to Running: the run
 * resumes from the parked nodes (see executionWaits).
 */
export const claimWoken = leaseClaim(woken, () => ({
  status: 'Running',
  wake_requested: false,
  wake_at: null,
}));

/**
 * Takes over executions whose lease expired, longest expired first,
 * keeping their status (the new owner resumes them) and counting the
 * recovery.
 */
export const claimExpiredLeases = leaseClaim(expired, tx => ({
  recovery_count: tx.raw('?? + 1', ['recovery_count']),
}));

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

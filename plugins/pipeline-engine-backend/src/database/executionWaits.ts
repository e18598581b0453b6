import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import {
  dbNow,
  dbNowPlus,
  toIsoTimestamp,
  toOptionalIsoTimestamp,
} from './dbClock';
import { isUniqueViolation } from './dbErrors';
import { isPostgres } from './dialect';
import { grantQueueTurn } from './queueTurns';
import { fromJsonColumn, toJsonColumn } from './jsonColumns';
import { assertLeaseHolder } from './leases';
import { ExecutionStatus } from './statuses';
import { JsonObject } from './types';

/*
 * Parked executions. An execution whose nodes wait for a person or a queue
 * turn gives its lease up: one transaction records a wait row per waiting
 * node and sets the execution's wake condition. The claim query
 * (claimWoken) takes it back once a wait is resolved (wake_requested) or
 * the earliest deadline passed (wake_at, compared with the database
 * clock, so a deadline that passed while no replica ran fires at the next
 * start). The resumed run reuses finished nodes like a recovery and reads
 * each wait's resolution (or expiry) from here.
 */

/** Execution statuses of a parked execution (no lease while in them). */
export const PARKED_EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'ApprovalWaiting',
  'InterventionWaiting',
  'ResourceWaiting',
];

/** Why a node waits. */
export type WaitKind = 'approval' | 'intervention' | 'queue';

/**
 * State of a wait: open, or how it ended. A queue turn is `Resolved` while
 * its execution holds the key and `Released` once its scope ended.
 */
export type WaitStatus =
  'Waiting' | 'Approved' | 'Rejected' | 'Resolved' | 'Released';

/** A node's durable wait. */
export interface ExecutionWait {
  id: string;
  executionId: string;
  nodeFqn: string;
  kind: WaitKind;
  status: WaitStatus;
  /** When the wait times out, if it does. */
  deadlineAt?: string;
  /** True when still Waiting and its deadline passed (database clock). */
  expired: boolean;
  payload: JsonObject;
  resolution?: JsonObject;
  createdAt: string;
  resolvedAt?: string;
}

/** A node that parks: what {@link parkExecution} records. */
export interface NewWait {
  nodeFqn: string;
  kind: WaitKind;
  payload: JsonObject;
  /** Deadline, from now; none when undefined. */
  timeoutMs?: number;
}

/** An `execution_waits` row. */
interface WaitRow {
  id: string;
  execution_id: string;
  node_fqn: string;
  kind: WaitKind;
  status: WaitStatus;
  deadline_at: unknown;
  payload: string;
  resolution: string | null;
  created_at: unknown;
  resolved_at: unknown;
  expired?: number | boolean | string;
}

function toWait(row: WaitRow): ExecutionWait {
  return {
    id: row.id,
    executionId: row.execution_id,
    nodeFqn: row.node_fqn,
    kind: row.kind,
    status: row.status,
    deadlineAt: toOptionalIsoTimestamp(row.deadline_at),
    expired: row.status === 'Waiting' && Number(row.expired ?? 0) === 1,
    payload:
      fromJsonColumn<JsonObject>(row.payload, 'execution_waits.payload') ?? {},
    resolution: fromJsonColumn<JsonObject>(
      row.resolution,
      'execution_waits.resolution',
    ),
    createdAt: toIsoTimestamp(row.created_at),
    resolvedAt: toOptionalIsoTimestamp(row.resolved_at),
  };
}

/** Selects wait rows with `expired` computed by the database clock. */
export function selectWaits(db: Knex): Knex.QueryBuilder {
  return db('execution_waits').select(
    'execution_waits.*',
    db.raw(
      'CASE WHEN ?? IS NOT NULL AND ?? <= ? THEN 1 ELSE 0 END AS expired',
      ['execution_waits.deadline_at', 'execution_waits.deadline_at', dbNow(db)],
    ),
  );
}

/** Reads waits matching `where`, oldest first. */
export async function readWaits(
  db: Knex,
  where: (query: Knex.QueryBuilder) => void,
): Promise<ExecutionWait[]> {
  const query = selectWaits(db).orderBy([
    { column: 'execution_waits.created_at', order: 'asc' },
    { column: 'execution_waits.id', order: 'asc' },
  ]);
  where(query);
  const rows: WaitRow[] = await query;
  return rows.map(toWait);
}

/**
 * Parks a leased execution in one transaction: records the waits (a node
 * still Waiting keeps its row and deadline; a resolved one is replaced, as
 * when a retried step needs intervention again), moves the execution to
 * `status`, gives the lease up and sets the wake time to the earliest open
 * deadline. A wait resolved while the execution ran keeps `wake_requested`
 * set, so the execution is claimed again at once.
 */
export async function parkExecution(
  db: Knex,
  executionId: string,
  ownerId: string,
  status: ExecutionStatus,
  waits: NewWait[],
): Promise<void> {
  await db.transaction(async tx => {
    await assertLeaseHolder(tx, executionId, ownerId);
    for (const wait of waits) {
      const existing: WaitRow | undefined = await tx('execution_waits')
        .where({ execution_id: executionId, node_fqn: wait.nodeFqn })
        .first();
      if (existing?.status === 'Waiting') continue;
      if (existing)
        await tx('execution_waits').where({ id: existing.id }).delete();
      await tx('execution_waits').insert({
        id: randomUUID(),
        execution_id: executionId,
        node_fqn: wait.nodeFqn,
        kind: wait.kind,
        status: 'Waiting',
        deadline_at:
          wait.timeoutMs === undefined ? null : dbNowPlus(tx, wait.timeoutMs),
        payload: toJsonColumn(wait.payload),
        resolution: null,
        queue_key:
          typeof wait.payload.key === 'string'
            ? wait.payload.key.slice(0, 512)
            : null,
        created_at: dbNow(tx),
        resolved_at: null,
      });
    }
    const earliest = tx('execution_waits')
      .where({ execution_id: executionId, status: 'Waiting' })
      .min('deadline_at');
    await tx('executions')
      .where({ id: executionId })
      .update({
        status,
        lease_owner: null,
        lease_expires_at: null,
        heartbeat_at: null,
        wake_at: earliest,
        updated_at: dbNow(tx),
      });
    // A queue turn is granted at once when its key is free (the execution
    // is then woken straight away).
    for (const wait of waits)
      if (wait.kind === 'queue' && typeof wait.payload.key === 'string')
        await grantQueueTurn(tx, wait.payload.key.slice(0, 512));
  });
}

/** One activity on an approval, as recorded. */
export interface ApprovalActivity {
  id: string;
  waitId: string;
  userRef: string;
  action: 'APPROVE' | 'REJECT';
  comments?: string;
  approverInputs: Record<string, string>;
  createdAt: string;
}

interface ActivityRow {
  id: string;
  wait_id: string;
  user_ref: string;
  action: 'APPROVE' | 'REJECT';
  comments: string | null;
  approver_inputs: string | null;
  created_at: unknown;
}

function toActivity(row: ActivityRow): ApprovalActivity {
  return {
    id: row.id,
    waitId: row.wait_id,
    userRef: row.user_ref,
    action: row.action,
    ...(row.comments ? { comments: row.comments } : {}),
    approverInputs:
      (fromJsonColumn<JsonObject>(
        row.approver_inputs,
        'approval_activities.approver_inputs',
      ) as Record<string, string>) ?? {},
    createdAt: toIsoTimestamp(row.created_at),
  };
}

/** Activities of the given waits, oldest first. */
export async function readActivities(
  db: Knex,
  waitIds: string[],
): Promise<ApprovalActivity[]> {
  if (!waitIds.length) return [];
  const rows: ActivityRow[] = await db('approval_activities')
    .whereIn('wait_id', waitIds)
    .orderBy([
      { column: 'created_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);
  return rows.map(toActivity);
}

/** How an activity changes its wait, decided with every activity so far. */
export type ActivityDecision =
  { status: WaitStatus; resolution: JsonObject } | undefined;

/**
 * Records one person's activity on an open wait and, when `decide` says the
 * wait is over, resolves it and wakes the execution — one transaction, the
 * wait row locked, so concurrent approvers are counted once each.
 * ConflictError when the wait is no longer open or the user already acted.
 */
export async function addActivity(
  db: Knex,
  waitId: string,
  activity: Omit<ApprovalActivity, 'id' | 'waitId' | 'createdAt'>,
  decide: (
    wait: ExecutionWait,
    activities: ApprovalActivity[],
  ) => ActivityDecision,
): Promise<{ wait: ExecutionWait; activities: ApprovalActivity[] }> {
  try {
    return await db.transaction(async tx => {
      const wait = await lockOpenWait(tx, waitId);
      await tx('approval_activities').insert({
        id: randomUUID(),
        wait_id: waitId,
        user_ref: activity.userRef,
        action: activity.action,
        comments: activity.comments ?? null,
        approver_inputs: toJsonColumn(activity.approverInputs),
        created_at: dbNow(tx),
      });
      const activities = await readActivities(tx, [waitId]);
      const decision = decide(wait, activities);
      if (decision) await resolveLocked(tx, wait, decision);
      const [after] = await readWaits(tx, q =>
        q.where('execution_waits.id', waitId),
      );
      return { wait: after, activities };
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ConflictError('You already acted on this approval');
    throw error;
  }
}

/**
 * Resolves an open wait (a person's choice, a queue turn) and wakes its
 * execution. ConflictError when it is no longer open.
 */
export async function resolveWait(
  db: Knex,
  waitId: string,
  decision: NonNullable<ActivityDecision>,
): Promise<ExecutionWait> {
  return db.transaction(async tx => {
    const wait = await lockOpenWait(tx, waitId);
    await resolveLocked(tx, wait, decision);
    const [after] = await readWaits(tx, q =>
      q.where('execution_waits.id', waitId),
    );
    return after;
  });
}

async function lockOpenWait(
  tx: Knex.Transaction,
  waitId: string,
): Promise<ExecutionWait> {
  const query = selectWaits(tx).where('execution_waits.id', waitId);
  if (isPostgres(tx)) query.forUpdate();
  const rows: WaitRow[] = await query;
  if (!rows.length) throw new NotFoundError(`Wait '${waitId}' not found`);
  const wait = toWait(rows[0]);
  if (wait.status !== 'Waiting')
    throw new ConflictError(`'${waitId}' is already ${wait.status}`);
  if (wait.expired)
    throw new ConflictError(`'${waitId}' timed out at ${wait.deadlineAt}`);
  return wait;
}

async function resolveLocked(
  tx: Knex.Transaction,
  wait: ExecutionWait,
  decision: NonNullable<ActivityDecision>,
): Promise<void> {
  await tx('execution_waits')
    .where({ id: wait.id })
    .update({
      status: decision.status,
      resolution: toJsonColumn(decision.resolution),
      resolved_at: dbNow(tx),
    });
  await tx('executions')
    .where({ id: wait.executionId })
    .update({ wake_requested: true, updated_at: dbNow(tx) });
}

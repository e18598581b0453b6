import { InputError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { LeaseLostError } from './dbErrors';
import { isPostgres } from './dialect';
import { ExecutionStatus, LEASED_EXECUTION_STATUSES } from './statuses';

const MAX_LEASE_MS = 24 * 60 * 60 * 1000;

/** Throws InputError unless the owner and lease duration are usable. */
export function assertLeaseRequest(ownerId: string, leaseMs: number): void {
  if (typeof ownerId !== 'string' || ownerId.trim() === '') {
    throw new InputError('A lease owner id is required');
  }
  if (!Number.isInteger(leaseMs) || leaseMs < 1 || leaseMs > MAX_LEASE_MS) {
    throw new InputError(
      `Lease duration must be an integer between 1 and ${MAX_LEASE_MS} ms`,
    );
  }
}

/** {@link assertLeaseRequest}, and a claim takes at least one execution. */
export function assertClaimRequest(
  ownerId: string,
  leaseMs: number,
  limit: number,
): void {
  assertLeaseRequest(ownerId, leaseMs);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InputError(`Invalid claim limit ${limit}`);
  }
}

/**
 * Inside transaction `tx`, verifies that `ownerId` still holds the lease of
 * the execution; throws LeaseLostError if not, NotFoundError if it does not
 * exist. On PostgreSQL the row is share-locked until `tx` ends, so a takeover
 * (which needs FOR UPDATE) cannot slip in between this check and the write
 * it guards. SQLite transactions already exclude concurrent writers.
 */
export async function assertLeaseHolder(
  tx: Knex.Transaction,
  executionId: string,
  ownerId: string,
): Promise<void> {
  const query = tx('executions')
    .where({ id: executionId })
    .first('lease_owner', 'status');
  if (isPostgres(tx)) {
    query.forShare();
  }
  const row:
    { lease_owner: string | null; status: ExecutionStatus } | undefined =
    await query;
  checkLeaseRow(row, executionId, ownerId);
}

/**
 * Throws NotFoundError when the execution row is missing, LeaseLostError
 * unless `ownerId` holds its lease — the check behind every fenced write.
 */
export function checkLeaseRow(
  row: { lease_owner: string | null; status: ExecutionStatus } | undefined,
  executionId: string,
  ownerId: string,
): void {
  if (!row) {
    throw new NotFoundError(`Execution '${executionId}' not found`);
  }
  if (
    row.lease_owner !== ownerId ||
    !LEASED_EXECUTION_STATUSES.includes(row.status)
  ) {
    throw leaseLost(executionId, ownerId);
  }
}

/** The error for a write by a replica that does not hold the lease. */
export function leaseLost(
  executionId: string,
  ownerId: string,
): LeaseLostError {
  return new LeaseLostError(
    `'${ownerId}' no longer holds the lease of execution '${executionId}'`,
  );
}

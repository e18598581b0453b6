import { ConflictError } from '@backstage/errors';

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** True when an insert or update hit a unique or primary key constraint. */
export function isUniqueViolation(error: unknown): boolean {
  const code = errorCode(error);
  return (
    code === '23505' || // PostgreSQL unique_violation
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/** True when an insert referenced a parent row that does not exist. */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = errorCode(error);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/**
 * Thrown when a replica writes to an execution whose lease it no longer
 * holds (it expired and another replica took over, or the execution ended).
 * The replica must stop working on the execution. It is a ConflictError so
 * that it maps to HTTP 409 if it ever reaches a client.
 */
export class LeaseLostError extends ConflictError {}

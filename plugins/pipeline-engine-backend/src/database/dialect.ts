import { Knex } from 'knex';

/** The database engines the stores are written and tested for. */
export type SupportedDialect = 'postgresql' | 'sqlite3';

/**
 * Returns the dialect of a Knex instance or transaction, failing fast on
 * engines whose locking and clock SQL the stores do not implement.
 */
export function dialectOf(db: Knex): SupportedDialect {
  const dialect: unknown = db.client.dialect;
  if (dialect === 'postgresql' || dialect === 'sqlite3') {
    return dialect;
  }
  throw new Error(
    `The pipeline engine stores support PostgreSQL and SQLite, not '${String(
      dialect,
    )}'`,
  );
}

/** True on PostgreSQL, where row locks (FOR UPDATE / SKIP LOCKED) exist. */
export function isPostgres(db: Knex): boolean {
  return dialectOf(db) === 'postgresql';
}

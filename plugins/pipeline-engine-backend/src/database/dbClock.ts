import { Knex } from 'knex';
import { dialectOf } from './dialect';

/*
 * Every timestamp is taken from the database clock, never from the replica's
 * clock: leases are compared across replicas, so they need one time source.
 * SQLite has no timestamp type; there the value is epoch milliseconds, which
 * is also what Knex writes for a bound Date, so columns never mix formats.
 */

/** SQLite SQL for the current time in epoch milliseconds. */
export const SQLITE_EPOCH_MS =
  "CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)";

/** SQL for the current database time. */
export function dbNow(db: Knex): Knex.Raw {
  return dialectOf(db) === 'postgresql'
    ? db.raw('now()')
    : db.raw(SQLITE_EPOCH_MS);
}

/** SQL for the current database time plus `ms` milliseconds. */
export function dbNowPlus(db: Knex, ms: number): Knex.Raw {
  if (!Number.isFinite(ms)) {
    throw new TypeError(`Invalid duration ${ms}ms`);
  }
  const rounded = Math.round(ms);
  return dialectOf(db) === 'postgresql'
    ? db.raw("now() + (?::double precision * interval '1 millisecond')", [
        rounded,
      ])
    : db.raw(`(${SQLITE_EPOCH_MS} + ?)`, [rounded]);
}

/**
 * Converts a timestamp as read from either database (Date from pg, epoch
 * milliseconds from SQLite, or SQLite's `YYYY-MM-DD HH:MM:SS` text) to ISO 8601.
 */
export function toIsoTimestamp(value: unknown): string {
  const date = toDate(value);
  if (!date || Number.isNaN(date.getTime())) {
    throw new Error(`Unreadable database timestamp ${String(value)}`);
  }
  return date.toISOString();
}

/** Like {@link toIsoTimestamp}, but maps SQL NULL to undefined. */
export function toOptionalIsoTimestamp(value: unknown): string | undefined {
  return value === null || value === undefined
    ? undefined
    : toIsoTimestamp(value);
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    return new Date(Number(value));
  }
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) {
      return new Date(Number(value));
    }
    // SQLite CURRENT_TIMESTAMP text is UTC without a zone designator.
    const sqliteText = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/;
    return new Date(
      sqliteText.test(value) ? `${value.replace(' ', 'T')}Z` : value,
    );
  }
  return undefined;
}

/*
 * Counts SQL statements run by this process, for benches: better-sqlite3
 * statements run (`run`/`get`/`all`/`iterate`) and prepared, and `pg`
 * client queries. Installed by patching the drivers' prototypes, so it sees
 * Knex's queries and the engine's own prepared statements alike.
 */

/** Statements counted since {@link countSqlStatements} was called. */
export interface SqlStatementCounts {
  /** Statements executed (SQLite: run/get/all/iterate; PostgreSQL: queries). */
  executed: number;
  /** SQLite statements compiled (`Database.prepare`). */
  prepared: number;
}

const counts: SqlStatementCounts = { executed: 0, prepared: 0 };
let installed = false;

function wrap<T extends object>(
  target: T,
  name: string,
  count: () => void,
): void {
  const original = (target as Record<string, unknown>)[name];
  if (typeof original !== 'function') return;
  (target as Record<string, unknown>)[name] = function counted(
    this: unknown,
    ...args: unknown[]
  ) {
    count();
    return original.apply(this, args);
  };
}

/** Starts counting (once per process); returns the live counts. */
export function countSqlStatements(): SqlStatementCounts {
  if (installed) return counts;
  installed = true;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Database = require('better-sqlite3');
    const probe = new Database(':memory:');
    const statementPrototype = Object.getPrototypeOf(probe.prepare('SELECT 1'));
    probe.close();
    for (const method of ['run', 'get', 'all', 'iterate'])
      wrap(statementPrototype, method, () => counts.executed++);
    wrap(Database.prototype, 'prepare', () => counts.prepared++);
  } catch {
    // No better-sqlite3 here: nothing to count.
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Client } = require('pg');
    wrap(Client.prototype, 'query', () => counts.executed++);
  } catch {
    // No pg here: nothing to count.
  }
  return counts;
}

import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { dialectOf } from './dialect';
import { cacheSqliteStatements } from './sqliteStatementCache';

/** Directory holding this plugin's Knex migrations. */
export const MIGRATIONS_DIRECTORY = resolvePackagePath(
  '@idp-pipelines/plugin-pipeline-engine-backend',
  'migrations',
);

// Several stores share one client; Knex refuses concurrent migrate.latest
// calls on a locked migrations table, so each client migrates exactly once.
const migrated = new WeakMap<Knex, Promise<void>>();

/** Applies all pending migrations to `db`, at most once per client. */
export function applyMigrations(db: Knex): Promise<void> {
  let done = migrated.get(db);
  if (!done) {
    dialectOf(db);
    done = db.migrate
      .latest({ directory: MIGRATIONS_DIRECTORY })
      .then(() => undefined);
    done.catch(() => migrated.delete(db)); // let a later call retry
    migrated.set(db, done);
  }
  return done;
}

/**
 * Gets the plugin's Knex client and brings the schema up to date, unless the
 * deployment manages migrations itself (`database.migrations.skip`); on
 * better-sqlite3 its connections reuse compiled statements.
 */
export async function connectDatabase(
  database: DatabaseService,
): Promise<Knex> {
  const db = await database.getClient();
  if (!database.migrations?.skip) {
    await applyMigrations(db);
  }
  cacheSqliteStatements(db);
  return db;
}

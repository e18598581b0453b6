import type { Knex } from 'knex';
import { usesBetterSqlite } from './sqliteBatchWriter';

/*
 * Knex compiles every statement anew on better-sqlite3 (`connection.prepare`
 * per query), and on SQLite compiling a statement costs more than running
 * it. The engine sends the same few statements over and over (claims,
 * completions, enqueues, reads of an execution), so each connection keeps
 * its compiled statements by SQL text, least recently used dropped first.
 * better-sqlite3 statements are bound per call and run synchronously, so
 * one statement serves every later query with the same text; SQLite
 * recompiles a statement by itself when the schema changed under it.
 */

/** Compiled statements kept per connection. */
export const STATEMENT_CACHE_SIZE = 200;

interface SqliteConnection {
  prepare(sql: string): unknown;
}

interface AcquiringClient {
  acquireConnection(): Promise<unknown>;
}

const cachingClients = new WeakSet<object>();
const cachingConnections = new WeakSet<object>();

/**
 * Makes the better-sqlite3 connections of `db` reuse compiled statements
 * (no-op on other drivers, and when already installed).
 */
export function cacheSqliteStatements(
  db: Knex,
  capacity = STATEMENT_CACHE_SIZE,
): void {
  if (!usesBetterSqlite(db)) return;
  const client = db.client as AcquiringClient;
  if (cachingClients.has(client)) return;
  cachingClients.add(client);
  // Every query and transaction takes its connection from the client here.
  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = async () => {
    const connection = await acquire();
    withStatementCache(connection as SqliteConnection, capacity);
    return connection;
  };
}

function withStatementCache(
  connection: SqliteConnection,
  capacity: number,
): void {
  if (cachingConnections.has(connection)) return;
  cachingConnections.add(connection);
  const prepare = connection.prepare.bind(connection);
  const statements = new Map<string, unknown>();
  connection.prepare = (sql: string) => {
    let statement = statements.get(sql);
    if (statement) {
      // Most recently used last.
      statements.delete(sql);
    } else {
      statement = prepare(sql);
      if (statements.size >= capacity)
        statements.delete(statements.keys().next().value as string);
    }
    statements.set(sql, statement);
    return statement;
  };
}

import type { Knex } from 'knex';
import { isPostgres } from './dialect';

/** PostgreSQL channel the engine's replicas notify each other on. */
export const NOTIFY_CHANNEL = 'pipeline_engine_events';

/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_PAYLOAD_BYTES = 7900;

/** How long to wait before listening again after the connection broke. */
const RECONNECT_MS = [100, 500, 1000, 2000, 5000];

/**
 * A broadcast between the replicas that share the engine's database:
 * PostgreSQL `LISTEN/NOTIFY` on a dedicated connection, or in-process
 * delivery on SQLite (one process owns the file). Delivery is best effort:
 * a message sent while a listener reconnects is lost, so every consumer
 * keeps a slow poll as a safety net.
 */
export interface NotificationChannel {
  /** Sends `message` to every listener, this replica's included. */
  publish(messages: readonly string[]): Promise<void>;
  /**
   * Calls `onMessage` for each message until the returned function is
   * called. Never fails: when the connection cannot be opened or breaks,
   * `onTrouble` hears why and listening is retried with back-off
   * (messages sent meanwhile are missed).
   */
  listen(
    onMessage: (message: string) => void,
    onTrouble?: (error: unknown) => void,
  ): Promise<() => Promise<void>>;
}

/** Delivery inside one process, shared by every store on the same client. */
class InProcessChannel implements NotificationChannel {
  readonly #listeners = new Set<(message: string) => void>();

  async publish(messages: readonly string[]): Promise<void> {
    for (const message of messages) {
      for (const listener of [...this.#listeners]) listener(message);
    }
  }

  async listen(onMessage: (message: string) => void) {
    this.#listeners.add(onMessage);
    return async () => {
      this.#listeners.delete(onMessage);
    };
  }
}

interface PgNotification {
  channel: string;
  payload?: string;
}

interface PgClient {
  query(sql: string): Promise<unknown>;
  on(event: 'notification', listener: (n: PgNotification) => void): void;
  on(event: 'error' | 'end', listener: (error?: Error) => void): void;
  removeAllListeners(): void;
}

interface RawConnectionClient {
  acquireRawConnection(): Promise<PgClient>;
  destroyRawConnection(connection: PgClient): Promise<void>;
}

/** LISTEN on a connection of its own, outside the pool; NOTIFY through the pool. */
class PostgresChannel implements NotificationChannel {
  constructor(private readonly db: Knex) {}

  async publish(messages: readonly string[]): Promise<void> {
    const fitting = messages.filter(
      m => Buffer.byteLength(m) <= MAX_PAYLOAD_BYTES,
    );
    if (fitting.length === 0) return;
    await this.db.raw(
      `SELECT ${fitting.map(() => 'pg_notify(?, ?)').join(', ')}`,
      fitting.flatMap(m => [NOTIFY_CHANNEL, m]),
    );
  }

  async listen(
    onMessage: (message: string) => void,
    onTrouble?: (error: unknown) => void,
  ): Promise<() => Promise<void>> {
    const raw = this.db.client as unknown as RawConnectionClient;
    let connection: PgClient | undefined;
    let closed = false;
    let retry: NodeJS.Timeout | undefined;
    let failures = 0;

    async function connect(): Promise<void> {
      const client = await raw.acquireRawConnection();
      if (closed) {
        await raw.destroyRawConnection(client).catch(() => undefined);
        return;
      }
      client.on('notification', n => {
        if (n.channel === NOTIFY_CHANNEL && n.payload !== undefined)
          onMessage(n.payload);
      });
      const lost = (error?: Error) => {
        if (connection !== client) return;
        connection = undefined;
        client.removeAllListeners();
        void raw.destroyRawConnection(client).catch(() => undefined);
        onTrouble?.(error ?? new Error('the LISTEN connection ended'));
        scheduleReconnect();
      };
      client.on('error', lost);
      client.on('end', lost);
      try {
        await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
      } catch (error) {
        client.removeAllListeners();
        await raw.destroyRawConnection(client).catch(() => undefined);
        throw error;
      }
      connection = client;
    }

    function attempt(): void {
      connect().then(
        () => {
          failures = 0;
        },
        error => {
          onTrouble?.(error);
          scheduleReconnect();
        },
      );
    }

    function scheduleReconnect(): void {
      if (closed) return;
      const delay = RECONNECT_MS[Math.min(failures, RECONNECT_MS.length - 1)];
      failures++;
      retry = setTimeout(attempt, delay);
      retry.unref?.();
    }

    try {
      await connect();
    } catch (error) {
      onTrouble?.(error);
      scheduleReconnect();
    }
    return async () => {
      closed = true;
      if (retry) clearTimeout(retry);
      const client = connection;
      connection = undefined;
      if (client) {
        client.removeAllListeners();
        await raw.destroyRawConnection(client).catch(() => undefined);
      }
    };
  }
}

const inProcessChannels = new WeakMap<Knex, InProcessChannel>();

/** A channel of its own, for an engine whose stores bring none. */
export function inProcessChannel(): NotificationChannel {
  return new InProcessChannel();
}

/** The channel of the engine's database: LISTEN/NOTIFY on PostgreSQL, in-process on SQLite. */
export function notificationChannelOf(db: Knex): NotificationChannel {
  if (isPostgres(db)) return new PostgresChannel(db);
  let channel = inProcessChannels.get(db);
  if (!channel) {
    channel = new InProcessChannel();
    inProcessChannels.set(db, channel);
  }
  return channel;
}

import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import type { NotificationChannel } from '../database/notificationChannel';

/**
 * What happened to an execution, on any replica:
 * - `queued`: a new execution waits to be claimed (no id: a stopping
 *   replica gave its executions up for the others to take over);
 * - `abortRequested`: someone asked to abort it;
 * - `logsAppended`: new log lines are stored;
 * - `nodesChanged`: a node (stage, step…) changed status;
 * - `finished`: the execution reached its end status.
 *
 * @public
 */
export type ExecutionEventType =
  'queued' | 'abortRequested' | 'logsAppended' | 'nodesChanged' | 'finished';

/**
 * A notification about one execution. It says what changed, not the new
 * state: a subscriber reads what it needs from the database.
 *
 * @public
 */
export interface ExecutionEvent {
  type: ExecutionEventType;
  executionId: string;
}

const TYPES = new Set<string>([
  'queued',
  'abortRequested',
  'logsAppended',
  'nodesChanged',
  'finished',
]);

/** Every event, whatever the execution. */
const ALL = Symbol('all executions');

/**
 * In-process execution events that also arrive from the other replicas on
 * the same database (PostgreSQL LISTEN/NOTIFY; on SQLite everything is in
 * one process). Local subscribers hear local events at once; events of one
 * event-loop turn are sent to the other replicas in one statement, each
 * (type, execution) once. Delivery across replicas is best effort, so each
 * consumer keeps a slow poll as a safety net.
 */
export class ExecutionEvents {
  readonly #emitter = new EventEmitter();
  /** Tags this replica's messages so that it does not hear them twice. */
  readonly #origin = randomUUID();
  readonly #outgoing = new Map<string, ExecutionEvent>();
  #sendScheduled = false;
  #listening: Promise<(() => Promise<void>) | undefined> | undefined;

  constructor(
    private readonly channel: NotificationChannel,
    private readonly logger: LoggerService,
  ) {
    this.#emitter.setMaxListeners(0);
  }

  /** Starts hearing the other replicas; resolves once listening. */
  start(): Promise<void> {
    this.#listening ??= this.channel
      .listen(
        message => this.receive(message),
        error =>
          this.logger.warn(
            `pipeline engine does not hear other replicas' execution events (polling meanwhile; retrying): ${stringifyError(error)}`,
          ),
      )
      .catch(error => {
        this.logger.warn(
          `pipeline engine cannot listen for execution events (falls back to polling): ${stringifyError(error)}`,
        );
        return undefined;
      });
    return this.#listening.then(() => undefined);
  }

  /** Stops hearing the other replicas. */
  async stop(): Promise<void> {
    const listening = this.#listening;
    this.#listening = undefined;
    const unlisten = await listening;
    await unlisten?.();
  }

  /** Tells local subscribers now and the other replicas within a turn. */
  publish(event: ExecutionEvent): void {
    this.deliver(event);
    this.#outgoing.set(`${event.type}:${event.executionId}`, event);
    if (!this.#sendScheduled) {
      this.#sendScheduled = true;
      setImmediate(() => void this.send());
    }
  }

  /** Calls `listener` for each event of execution `executionId`; returns the unsubscribe function. */
  subscribe(
    executionId: string,
    listener: (event: ExecutionEvent) => void,
  ): () => void {
    this.#emitter.on(executionId, listener);
    return () => this.#emitter.off(executionId, listener);
  }

  /** Calls `listener` for every event; returns the unsubscribe function. */
  subscribeAll(listener: (event: ExecutionEvent) => void): () => void {
    this.#emitter.on(ALL, listener);
    return () => this.#emitter.off(ALL, listener);
  }

  private deliver(event: ExecutionEvent): void {
    this.#emitter.emit(ALL, event);
    this.#emitter.emit(event.executionId, event);
  }

  private async send(): Promise<void> {
    this.#sendScheduled = false;
    const events = [...this.#outgoing.values()];
    this.#outgoing.clear();
    try {
      await this.channel.publish(
        events.map(e => JSON.stringify([this.#origin, e.type, e.executionId])),
      );
    } catch (error) {
      this.logger.warn(
        `pipeline engine could not notify other replicas: ${stringifyError(error)}`,
      );
    }
  }

  private receive(message: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    if (!Array.isArray(parsed) || parsed.length !== 3) return;
    const [origin, type, executionId] = parsed;
    if (origin === this.#origin) return;
    if (typeof type !== 'string' || !TYPES.has(type)) return;
    if (typeof executionId !== 'string') return;
    this.deliver({ type: type as ExecutionEventType, executionId });
  }
}

import { randomUUID } from 'node:crypto';
import { stringifyError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Execution, ExecutionStore } from '../database';

/** Runs one claimed execution; must stop (without further writes) when `signal` fires. */
export type ExecutionHandler = (
  execution: Execution,
  lease: { ownerId: string; signal: AbortSignal; onAbortRequested(listener: (reason: string) => void): void },
) => Promise<void>;

/** An execution running on this replica. */
interface LocalRun {
  /** The user (or a failure strategy elsewhere) asked to abort: the run ends Aborted. */
  requestAbort(reason: string): void;
  /** This replica must stop without writing anything more (lease lost, shutdown). */
  release(reason: string): void;
  done: Promise<void>;
}

/** Options of {@link ExecutionWorker}. */
export interface ExecutionWorkerOptions {
  store: ExecutionStore;
  logger: LoggerService;
  run: ExecutionHandler;
  /** Executions this replica runs at once. */
  concurrency: number;
  /** How long a claim lasts without a heartbeat. */
  leaseMs: number;
  /** How often to look for queued or orphaned executions when idle. */
  pollMs: number;
  /** How often a running execution checks for an abort request made on another replica. */
  abortPollMs?: number;
  /** This replica's identity; random by default. */
  ownerId?: string;
}

/**
 * Claims queued executions from the database and runs them, up to
 * `concurrency` at a time. Each claim is a lease kept alive by heartbeats;
 * a replica that dies stops heartbeating, and once its lease expires any
 * replica (or this one after a restart) takes the execution over. A replica
 * that loses a lease stops that execution at once and writes nothing more.
 */
export class ExecutionWorker {
  readonly ownerId: string;
  readonly #running = new Map<string, LocalRun>();
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  #ticking = false;
  #again = false;
  #finished = 0;
  #lastOrphanScan = 0;

  constructor(private readonly o: ExecutionWorkerOptions) {
    this.ownerId = o.ownerId ?? `pipeline-engine-${randomUUID()}`;
  }

  /** Starts claiming. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.schedule(0);
  }

  /** Looks for work now (e.g. right after an enqueue on this replica). */
  wake(): void {
    if (!this.#stopped) this.schedule(0);
  }

  /** Aborts an execution running on this replica; true when it was here. */
  abortLocal(id: string, reason: string): boolean {
    const run = this.#running.get(id);
    run?.requestAbort(reason);
    return !!run;
  }

  /**
   * Stops claiming and stops local executions without writing anything
   * more, leaving them to be taken over once their leases expire.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    for (const run of this.#running.values()) run.release('the engine is shutting down');
    await Promise.allSettled([...this.#running.values()].map(r => r.done));
  }

  /** Executions this replica ran to their end (or gave up) since it started. */
  get finishedCount(): number {
    return this.#finished;
  }

  /** Executions running here now. */
  get runningCount(): number {
    return this.#running.size;
  }

  private schedule(ms: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    if (this.#stopped) return;
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    this.#ticking = true;
    let claimed = false;
    try {
      while (!this.#stopped && this.#running.size < this.o.concurrency) {
        // Queued work first, as many as there are free slots in one round
        // trip; orphans, which only appear when a replica died, are looked
        // for when nothing is queued.
        const free = this.o.concurrency - this.#running.size;
        let batch = await this.o.store.claimQueued(this.ownerId, this.o.leaseMs, free);
        if (!batch.length && this.orphanScanDue()) {
          const orphan = await this.o.store.claimExpired(this.ownerId, this.o.leaseMs);
          batch = orphan ? [orphan] : [];
        }
        if (!batch.length) break;
        // Stopped while claiming: run nothing more; the leases expire and
        // the executions are taken over like those of a replica that died.
        if (this.#stopped) break;
        claimed = true;
        for (const execution of batch) this.launch(execution);
      }
    } catch (error) {
      this.o.logger.warn(`pipeline engine could not claim executions: ${stringifyError(error)}`);
    } finally {
      this.#ticking = false;
    }
    if (this.#stopped) return;
    const again = this.#again || (claimed && this.#running.size < this.o.concurrency);
    this.#again = false;
    this.schedule(again ? 0 : this.o.pollMs);
  }

  /**
   * Whether to look for expired leases now. A lease runs for `leaseMs`, so
   * looking every quarter of it finds an orphan soon enough; polling for
   * queued work (every `pollMs`) does not need to pay for it each time.
   */
  private orphanScanDue(): boolean {
    const now = Date.now();
    if (now - this.#lastOrphanScan < Math.max(this.o.pollMs, this.o.leaseMs / 4)) return false;
    this.#lastOrphanScan = now;
    return true;
  }

  private launch(execution: Execution): void {
    const controller = new AbortController();
    const abortListeners: Array<(reason: string) => void> = [];
    const requestAbort = (reason: string) => {
      for (const listener of abortListeners) listener(reason);
    };
    const loseLease = (reason: string) => {
      if (!controller.signal.aborted) controller.abort(new Error(reason));
    };
    const heartbeat = setInterval(async () => {
      try {
        const held = await this.o.store.heartbeat(execution.id, this.ownerId, this.o.leaseMs);
        if (!held) loseLease(`lost the lease on execution ${execution.id}`);
      } catch (error) {
        this.o.logger.warn(`heartbeat of execution ${execution.id} failed: ${stringifyError(error)}`);
      }
    }, Math.max(50, Math.floor(this.o.leaseMs / 3)));
    const abortPoll = setInterval(async () => {
      try {
        const current = await this.o.store.get(execution.id);
        if (current.abortRequested) requestAbort('aborted by request');
      } catch {
        // Next poll tries again.
      }
    }, this.o.abortPollMs ?? 1000);
    if (execution.abortRequested) setImmediate(() => requestAbort('aborted by request'));
    const done = this.o
      .run(execution, {
        ownerId: this.ownerId,
        signal: controller.signal,
        onAbortRequested: listener => abortListeners.push(listener),
      })
      .catch(error => {
        this.o.logger.error(`execution ${execution.id} crashed: ${stringifyError(error)}`);
      })
      .finally(() => {
        clearInterval(heartbeat);
        clearInterval(abortPoll);
        this.#running.delete(execution.id);
        this.#finished++;
        this.wake();
      });
    this.#running.set(execution.id, { requestAbort, release: loseLease, done });
  }
}

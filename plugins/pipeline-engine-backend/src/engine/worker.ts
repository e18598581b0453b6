import { randomUUID } from 'node:crypto';
import { stringifyError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Execution, ExecutionStore } from '../database';
import type { EngineMetrics } from '../metrics/engineMetrics';
import type { AdmissionGate } from './admissionGate';
import type { ExecutionEvents } from './executionEvents';
import { instanceOwnerPrefix, leaseOwnerId } from './instanceIdentity';

/** Runs one claimed execution; must stop (without further writes) when `signal` fires. */
export type ExecutionHandler = (
  execution: Execution,
  lease: {
    ownerId: string;
    signal: AbortSignal;
    onAbortRequested(listener: (reason: string) => void): void;
  },
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
  /**
   * This replica's stable identity (`pipelineEngine.worker.instanceId`). The
   * lease owner id becomes `<instanceId>/<random>`, and at start the leases
   * of earlier runs of the same instance, which are certainly dead, are
   * ended at once instead of when they expire.
   */
  instanceId?: string;
  /** The lease owner id; derived from `instanceId`, or random. For tests. */
  ownerId?: string;
  /**
   * Runs once before the first claim, e.g. to kill the step processes that
   * an earlier run of this instance left behind.
   */
  beforeFirstClaim?: () => Promise<void>;
  /**
   * Wakes the worker when an execution is queued and delivers abort
   * requests, from any replica; started and stopped with the worker. With
   * it, `pollMs` and `abortPollMs` are only a safety net.
   */
  events?: ExecutionEvents;
  /** While admissions are in flight, claims wait (bounded) so requests are answered first. */
  admission?: AdmissionGate;
  /** OpenTelemetry instruments (executions started, claim latency). */
  metrics?: EngineMetrics;
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
  #wokenDue = true;
  #prepared: Promise<void> | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(private readonly options: ExecutionWorkerOptions) {
    this.ownerId =
      options.ownerId ??
      (options.instanceId
        ? leaseOwnerId(options.instanceId)
        : `pipeline-engine-${randomUUID()}`);
  }

  /** Starts claiming. */
  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    const events = this.options.events;
    if (events) {
      void events.start();
      this.#unsubscribe = events.subscribeAll(event => {
        if (event.type === 'queued') {
          // No id: a replica gave its leases up; take them over now.
          if (event.executionId === '') this.#lastOrphanScan = 0;
          this.wake();
        } else if (event.type === 'abortRequested')
          this.abortLocal(event.executionId, 'aborted by request');
      });
    }
    this.schedule(0);
  }

  /**
   * Resolves once the worker has done its start-up work (leftover processes
   * killed, the leases of earlier runs of this instance ended).
   */
  ready(): Promise<void> {
    return this.prepare();
  }

  /** Looks for work now (e.g. right after an enqueue on this replica). */
  wake(): void {
    if (!this.#stopped) this.schedule(0);
  }

  /**
   * Looks for parked executions to resume now (a wait was resolved through
   * this replica); otherwise they are found at the next orphan scan.
   */
  wakeParked(): void {
    this.#wokenDue = true;
    this.wake();
  }

  /** Aborts an execution running on this replica; true when it was here. */
  abortLocal(id: string, reason: string): boolean {
    const run = this.#running.get(id);
    run?.requestAbort(reason);
    return !!run;
  }

  /**
   * Stops claiming and stops local executions without writing anything
   * more, then gives their leases up so that another replica (or this one
   * after a restart) takes them over at once.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    const running = [...this.#running.values()];
    for (const run of running) run.release('the engine is shutting down');
    await Promise.allSettled(running.map(r => r.done));
    try {
      await this.options.store.releaseLeasesOf(this.ownerId);
    } catch (error) {
      this.options.logger.warn(
        `pipeline engine could not release its leases at shutdown: ${stringifyError(error)}`,
      );
    }
    // Another replica may take the released executions over at once.
    if (running.length > 0)
      this.options.events?.publish({ type: 'queued', executionId: '' });
    await this.options.events?.stop();
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
      await this.prepare();
      await this.options.admission?.clearForClaim();
      while (!this.#stopped && this.#running.size < this.options.concurrency) {
        // Orphans first (they were running when a replica died or shut
        // down), then queued work, each time as many as there are free
        // slots in one round trip.
        const free = this.options.concurrency - this.#running.size;
        const scan = this.orphanScanDue();
        let batch = scan
          ? await this.options.store.claimExpiredBatch(
              this.ownerId,
              this.options.leaseMs,
              free,
            )
          : [];
        // Parked executions whose wait ended or timed out: they hold no
        // slot while parked, so they are looked for on the same cadence.
        if (!batch.length && (scan || this.#wokenDue)) {
          this.#wokenDue = false;
          batch = await this.options.store.claimWoken(
            this.ownerId,
            this.options.leaseMs,
            free,
          );
          if (batch.length) this.#wokenDue = true;
        }
        if (!batch.length)
          batch = await this.options.store.claimQueued(
            this.ownerId,
            this.options.leaseMs,
            free,
          );
        if (!batch.length) break;
        // Stopped while claiming: run nothing more; stop() gives the leases
        // up (or they expire) and the executions are taken over.
        if (this.#stopped) break;
        claimed = true;
        for (const execution of batch) this.launch(execution);
      }
    } catch (error) {
      this.options.logger.warn(
        `pipeline engine could not claim executions: ${stringifyError(error)}`,
      );
    } finally {
      this.#ticking = false;
    }
    if (this.#stopped) return;
    const again =
      this.#again || (claimed && this.#running.size < this.options.concurrency);
    this.#again = false;
    this.schedule(again ? 0 : this.options.pollMs);
  }

  /**
   * Whether to look for expired leases now: at most once per `pollMs`, so
   * that leases given up at a shutdown are taken over within a poll (the
   * claim is one indexed statement).
   */
  private orphanScanDue(): boolean {
    const now = Date.now();
    if (
      this.#lastOrphanScan !== 0 &&
      now - this.#lastOrphanScan < this.options.pollMs
    )
      return false;
    this.#lastOrphanScan = now;
    return true;
  }

  /**
   * Start-up work, once: kill what an earlier run of this instance left
   * behind, then end its leases so the first claim takes its executions.
   */
  private prepare(): Promise<void> {
    this.#prepared ??= (async () => {
      try {
        await this.options.beforeFirstClaim?.();
      } catch (error) {
        this.options.logger.warn(
          `pipeline engine start-up clean-up failed: ${stringifyError(error)}`,
        );
      }
      if (!this.options.instanceId) return;
      const freed = await this.options.store.expireLeasesOfOwners(
        instanceOwnerPrefix(this.options.instanceId),
        this.ownerId,
      );
      if (freed)
        this.options.logger.info(
          `pipeline engine resumes ${freed} execution(s) of its previous run`,
        );
    })().catch(error => {
      this.#prepared = undefined; // the next tick tries again
      throw error;
    });
    return this.#prepared;
  }

  private launch(execution: Execution): void {
    this.options.metrics?.executionStarted({
      triggerType: execution.triggerType,
      takeover: execution.recoveryCount > 0,
    });
    // Queue wait of a first claim; later claims (takeovers, parked
    // executions woken) waited for other reasons.
    if (execution.attempt === 1)
      this.options.metrics?.claimLatency(
        Date.now() - Date.parse(execution.createdAt),
      );
    const controller = new AbortController();
    const abortListeners: Array<(reason: string) => void> = [];
    const requestAbort = (reason: string) => {
      for (const listener of abortListeners) listener(reason);
    };
    const loseLease = (reason: string) => {
      if (!controller.signal.aborted) controller.abort(new Error(reason));
    };
    const heartbeat = setInterval(
      async () => {
        try {
          const held = await this.options.store.heartbeat(
            execution.id,
            this.ownerId,
            this.options.leaseMs,
          );
          if (!held) loseLease(`lost the lease on execution ${execution.id}`);
        } catch (error) {
          this.options.logger.warn(
            `heartbeat of execution ${execution.id} failed: ${stringifyError(error)}`,
          );
        }
      },
      Math.max(50, Math.floor(this.options.leaseMs / 3)),
    );
    const abortPoll = setInterval(
      async () => {
        try {
          const current = await this.options.store.get(execution.id);
          if (current.abortRequested) requestAbort('aborted by request');
        } catch {
          // Next poll tries again.
        }
      },
      this.options.abortPollMs ?? (this.options.events ? 5000 : 1000),
    );
    if (execution.abortRequested)
      setImmediate(() => requestAbort('aborted by request'));
    const done = this.options
      .run(execution, {
        ownerId: this.ownerId,
        signal: controller.signal,
        onAbortRequested: listener => abortListeners.push(listener),
      })
      .catch(error => {
        this.options.logger.error(
          `execution ${execution.id} crashed: ${stringifyError(error)}`,
        );
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

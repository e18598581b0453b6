import type {
  ExecutionStore,
  LogLineInput,
  NodeExecutionInput,
} from '../../database';
import { LeaseLostError } from '../../database';

/** A log line on its way to the store. */
export type PendingLogLine = LogLineInput & { nodeFqn: string };

/** Callbacks of a {@link StateWriter}. */
export interface StateWriterEvents {
  /** After each successful write (live log streams wake up on it). */
  onFlushed?(written: { nodes: boolean; logs: boolean }): void;
  /** Another replica holds the lease now: stop, write nothing more. */
  onLeaseLost?(error: Error): void;
  /** A write failed for another reason and was given up after retries. */
  onError?(error: Error): void;
}

const RETRIES = 3;

/**
 * Group commit of one execution's state. Node transitions and log lines are
 * queued and written continuously, each write one fenced transaction with
 * everything queued meanwhile (a node's latest state replaces its earlier
 * queued ones). Every transition is persisted, in order; `barrier()` waits
 * until all queued so far is written — the executor calls it before a
 * non-idempotent step runs and before the execution ends, so recovery can
 * never run such a step twice.
 */
export class StateWriter {
  #nodes = new Map<string, NodeExecutionInput>();
  #logs: PendingLogLine[] = [];
  #loop: Promise<void> | undefined;
  #frozen = false;
  #error: Error | undefined;

  constructor(
    private readonly store: ExecutionStore,
    private readonly executionId: string,
    private readonly ownerId: string,
    private readonly events: StateWriterEvents = {},
  ) {}

  /** Queues a node's full state. */
  putNode(state: NodeExecutionInput): void {
    if (this.#frozen) return;
    this.#nodes.delete(state.fqn);
    this.#nodes.set(state.fqn, state);
    this.kick();
  }

  /** Queues log lines. */
  addLogs(lines: PendingLogLine[]): void {
    if (this.#frozen || !lines.length) return;
    this.#logs.push(...lines);
    this.kick();
  }

  /** Resolves once everything queued before the call is written; rejects if it could not be. */
  async barrier(): Promise<void> {
    while (!this.#frozen && !this.#error && (this.pending() || this.#loop)) {
      this.kick();
      await this.#loop;
    }
    if (this.#error) throw this.#error;
  }

  /** Drops what is queued and writes nothing more (the lease is gone). */
  freeze(): void {
    this.#frozen = true;
    this.#nodes.clear();
    this.#logs = [];
  }

  /** True once frozen. */
  get frozen(): boolean {
    return this.#frozen;
  }

  private pending(): boolean {
    return this.#nodes.size > 0 || this.#logs.length > 0;
  }

  private kick(): void {
    if (this.#frozen || this.#loop || this.#error) return;
    // setImmediate lets the transitions of one tick join the same write.
    this.#loop = new Promise<void>(resolve => setImmediate(resolve))
      .then(() => this.drain())
      .finally(() => {
        this.#loop = undefined;
        if (this.pending() && !this.#error) this.kick();
      });
  }

  private async drain(): Promise<void> {
    let failures = 0;
    while (this.pending() && !this.#frozen) {
      const nodes = [...this.#nodes.values()];
      const logs = this.#logs;
      this.#nodes.clear();
      this.#logs = [];
      try {
        await this.store.writeBatch(this.executionId, this.ownerId, {
          nodes,
          logs,
        });
        failures = 0;
        this.events.onFlushed?.({
          nodes: nodes.length > 0,
          logs: logs.length > 0,
        });
      } catch (error) {
        if (error instanceof LeaseLostError) {
          this.freeze();
          this.events.onLeaseLost?.(error);
          return;
        }
        // Put the batch back (newer states of the same nodes win) and retry.
        for (const node of nodes)
          if (!this.#nodes.has(node.fqn)) this.#nodes.set(node.fqn, node);
        this.#logs = [...logs, ...this.#logs];
        if (++failures > RETRIES) {
          this.#error = error as Error;
          this.events.onError?.(this.#error);
          return;
        }
        await sleep(100 * failures);
      }
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Gives admission (accepting a new execution) priority over running
 * executions on this replica. A burst of execute requests and the
 * executions already running share one event loop and, on SQLite, one
 * database connection; left alone, every request waits behind step work.
 * While admissions are in flight, and for a short quiet period after the
 * last one of a burst (requests of a burst arrive a few milliseconds
 * apart), the worker claims nothing new and running executions pause
 * before their next step, each wait bounded so that sustained admission
 * traffic slows execution down without starving it. A lone admission (none
 * other in flight or within the quiet period) has no quiet period: its
 * execution is claimed as soon as it is answered.
 */
export class AdmissionGate {
  #inFlight = 0;
  #quiet: NodeJS.Timeout | undefined;
  #waiters = new Set<() => void>();
  /** When the latest admission started (ms since the epoch). */
  #lastEnteredAt = Number.NEGATIVE_INFINITY;
  /** Whether the admissions since the gate was last clear came as a burst. */
  #burst = false;

  /**
   * @param maxWaitMs - the longest one {@link AdmissionGate.clear} waits:
   * the bound on how long running work yields to admission at a time.
   * @param quietMs - how long after the last admission work still waits.
   */
  constructor(
    readonly maxWaitMs = 200,
    readonly quietMs = 10,
  ) {}

  /** Marks an admission as started; call the returned function when it ends. */
  enter(): () => void {
    const now = Date.now();
    if (
      this.#inFlight > 0 ||
      this.#quiet !== undefined ||
      now - this.#lastEnteredAt <= this.quietMs
    )
      this.#burst = true;
    this.#lastEnteredAt = now;
    this.#inFlight++;
    if (this.#quiet) {
      clearTimeout(this.#quiet);
      this.#quiet = undefined;
    }
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.#inFlight--;
      if (this.#inFlight > 0) return;
      if (!this.#burst) {
        this.wakeAll();
        return;
      }
      this.#quiet = setTimeout(() => {
        this.#quiet = undefined;
        this.#burst = false;
        this.wakeAll();
      }, this.quietMs);
    };
  }

  private wakeAll(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  /** Whether work should wait now: admissions in flight or just ended. */
  get busy(): boolean {
    return this.#inFlight > 0 || this.#quiet !== undefined;
  }

  /** Admissions in flight now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Resolves at once when the gate is not busy; otherwise once the last
   * admission ended and the quiet period passed, or after `maxWaitMs`,
   * whichever comes first.
   */
  clear(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise(resolve => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      timer = setTimeout(done, this.maxWaitMs);
      this.#waiters.add(done);
    });
  }
}

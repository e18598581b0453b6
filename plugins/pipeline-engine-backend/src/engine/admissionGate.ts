/** Bounds of {@link AdmissionGate}, in milliseconds. */
export interface AdmissionGateOptions {
  /** The longest a running execution's next step waits for admissions. */
  stepWaitMs?: number;
  /** The longest the worker waits for admissions before claiming new work. */
  claimWaitMs?: number;
  /** How long after the last admission of a burst work still waits. */
  quietMs?: number;
}

/**
 * Gives admission (accepting a new execution) priority over running
 * executions on this replica. A burst of execute requests and the
 * executions already running share one event loop and, on SQLite, one
 * database connection; left alone, every request waits behind step work.
 * While admissions are in flight, and for a short quiet period after the
 * last one of a burst (admissions that overlap), the worker claims nothing
 * new and running executions pause before their next step, each wait
 * bounded so that sustained admission traffic slows execution down without
 * starving it. A lone admission (none other in flight) has no quiet period:
 * its execution is claimed as soon as it is answered, also when a client
 * sends one after another.
 *
 * Claims wait longer than steps: an execution started in the middle of a
 * burst costs the requests still coming its claim, its first steps and
 * their writes, while one that starts when the burst is over costs them
 * nothing; a step of an execution already running waits less, so that
 * steady traffic does not hold running work up for long.
 */
export class AdmissionGate {
  #inFlight = 0;
  #quiet: NodeJS.Timeout | undefined;
  #waiters = new Set<() => void>();
  /** Whether the admissions since the gate was last clear came as a burst. */
  #burst = false;

  readonly stepWaitMs: number;
  readonly claimWaitMs: number;
  readonly quietMs: number;

  constructor(options: AdmissionGateOptions = {}) {
    this.stepWaitMs = options.stepWaitMs ?? 200;
    this.claimWaitMs = options.claimWaitMs ?? 2000;
    this.quietMs = options.quietMs ?? 50;
  }

  /** Marks an admission as started; call the returned function when it ends. */
  enter(): () => void {
    // Overlapping admissions are a burst; one after another (a client
    // executing in a loop) are not, and their executions start at once.
    if (this.#inFlight > 0 || this.#quiet !== undefined) this.#burst = true;
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

  /** Waits (at most `stepWaitMs`) before a running execution's next step. */
  clearForStep(): Promise<void> {
    return this.clear(this.stepWaitMs);
  }

  /** Waits (at most `claimWaitMs`) before the worker claims new work. */
  clearForClaim(): Promise<void> {
    return this.clear(this.claimWaitMs);
  }

  /**
   * Resolves at once when the gate is not busy; otherwise once the last
   * admission ended and the quiet period passed, or after `maxWaitMs`,
   * whichever comes first.
   */
  private clear(maxWaitMs: number): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise(resolve => {
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      timer = setTimeout(done, maxWaitMs);
      this.#waiters.add(done);
    });
  }
}

/**
 * Gives admission (accepting a new execution) priority over running
 * executions on this replica. A burst of execute requests and the
 * executions already running share one event loop and, on SQLite, one
 * database connection; left alone, every request waits behind step work.
 * While an admission is in flight the worker claims nothing new and running
 * executions pause before their next step, each wait bounded so that
 * sustained admission traffic slows execution down without starving it.
 */
export class AdmissionGate {
  #inFlight = 0;
  #waiters = new Set<() => void>();

  /**
   * @param maxWaitMs - the longest one {@link AdmissionGate.clear} waits:
   * the bound on how long running work yields to admission at a time.
   */
  constructor(readonly maxWaitMs = 200) {}

  /** Marks an admission as started; call the returned function when it ends. */
  enter(): () => void {
    this.#inFlight++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.#inFlight--;
      if (this.#inFlight === 0) {
        for (const wake of [...this.#waiters]) wake();
      }
    };
  }

  /** Admissions in flight now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Resolves at once when no admission is in flight; otherwise when the
   * last one ends or after `maxWaitMs`, whichever comes first.
   */
  clear(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
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

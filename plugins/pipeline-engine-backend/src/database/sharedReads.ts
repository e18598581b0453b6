/**
 * Coalesces identical reads: callers asking for the same key before the
 * read has started share one query. The read starts on the next turn of the
 * event loop, after every caller that joined it, so a caller never gets a
 * result read before it asked (no staleness beyond a plain read). A burst
 * of executes of one pipeline then costs one lookup instead of hundreds.
 * The result is shared: callers must not mutate it.
 */
export class SharedReads<K, V> {
  readonly #waiting = new Map<string, Promise<V>>();

  constructor(
    private readonly read: (key: K) => Promise<V>,
    private readonly keyOf: (key: K) => string,
  ) {}

  get(key: K): Promise<V> {
    const id = this.keyOf(key);
    let shared = this.#waiting.get(id);
    if (!shared) {
      shared = new Promise<void>(resolve => setImmediate(resolve)).then(() => {
        // Later callers start a new read, which begins after they asked.
        this.#waiting.delete(id);
        return this.read(key);
      });
      this.#waiting.set(id, shared);
    }
    return shared;
  }
}

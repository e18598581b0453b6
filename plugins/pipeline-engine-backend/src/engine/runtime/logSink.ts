import type { LogStore, LogStream } from '../../database';
import type { SecretMasker } from '../secretMasker';

/** A listener told when new lines of an execution were stored (live log streams). */
export type LogListener = (executionId: string) => void;

const FLUSH_LINES = 200;
const FLUSH_MS = 100;
const MAX_LINE = 16_384;

/**
 * Collects an execution's log lines, masks secrets in them, and stores them
 * in order in small batches. Every line passes the masker before it is
 * stored or handed to anyone.
 */
export class LogSink {
  #buffer: Array<{ nodeFqn: string; line: string; stream: LogStream }> = [];
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #partial = new Map<string, string>();
  #frozen = false;

  constructor(
    private readonly executionId: string,
    private readonly store: LogStore,
    private readonly masker: SecretMasker,
    private readonly onStored?: LogListener,
    private readonly onError?: (error: Error) => void,
  ) {}

  /** Adds complete lines (split on newlines). */
  lines(nodeFqn: string, stream: LogStream, text: string): void {
    for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
      this.push(nodeFqn, stream, line);
    }
  }

  /** Adds raw process output; a trailing partial line waits for its end. */
  write(nodeFqn: string, stream: LogStream, chunk: string): void {
    const key = `${nodeFqn}\u0000${stream}`;
    const text = (this.#partial.get(key) ?? '') + chunk;
    const parts = text.replace(/\r\n/g, '\n').split('\n');
    this.#partial.set(key, parts.pop() ?? '');
    for (const line of parts) this.push(nodeFqn, stream, line);
  }

  /** Stores everything written so far, including partial lines. */
  async flush(): Promise<void> {
    for (const [key, rest] of this.#partial) {
      if (rest) {
        const [nodeFqn, stream] = key.split('\u0000');
        this.push(nodeFqn, stream as LogStream, rest);
      }
    }
    this.#partial.clear();
    this.drain();
    await this.#chain;
  }

  /** Drops what is not stored yet and stores nothing more (lease lost). */
  freeze(): void {
    this.#frozen = true;
    this.#buffer = [];
    this.#partial.clear();
  }

  private push(nodeFqn: string, stream: LogStream, line: string): void {
    if (this.#frozen) return;
    const clipped = line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}… (line cut at ${MAX_LINE} characters)` : line;
    this.#buffer.push({ nodeFqn, stream, line: this.masker.mask(clipped) });
    if (this.#buffer.length >= FLUSH_LINES) this.drain();
    else this.#timer ??= setTimeout(() => this.drain(), FLUSH_MS);
  }

  private drain(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#buffer.length) return;
    const batch = this.#buffer;
    this.#buffer = [];
    // One append per node run keeps seq order equal to write order.
    this.#chain = this.#chain.then(async () => {
      let start = 0;
      while (start < batch.length) {
        let end = start;
        while (end < batch.length && batch[end].nodeFqn === batch[start].nodeFqn) end++;
        await this.store.append(
          this.executionId,
          batch[start].nodeFqn,
          batch.slice(start, end).map(l => ({ line: l.line, stream: l.stream })),
        );
        start = end;
      }
      this.onStored?.(this.executionId);
    }).catch(error => {
      // Logs must never fail a step; the engine's own log says what was lost.
      this.onError?.(error as Error);
    });
  }
}

import type { LogStream } from '../../database';
import type { SecretMasker } from '../secretMasker';
import type { StateWriter } from './stateWriter';

const MAX_LINE = 16_384;

/**
 * Turns what steps write into stored log lines: splits lines, keeps partial
 * lines of process output until they end, and masks secrets in every line
 * before it is queued for the store.
 */
export class LogSink {
  #partial = new Map<string, string>();

  constructor(
    private readonly writer: StateWriter,
    private readonly masker: SecretMasker,
  ) {}

  /** Adds complete lines (split on newlines). */
  lines(nodeFqn: string, stream: LogStream, text: string): void {
    this.push(nodeFqn, stream, text.replace(/\r\n/g, '\n').split('\n'));
  }

  /** Adds raw process output; a trailing partial line waits for its end. */
  write(nodeFqn: string, stream: LogStream, chunk: string): void {
    const key = `${nodeFqn}\u0000${stream}`;
    const parts = ((this.#partial.get(key) ?? '') + chunk)
      .replace(/\r\n/g, '\n')
      .split('\n');
    this.#partial.set(key, parts.pop() ?? '');
    this.push(nodeFqn, stream, parts);
  }

  /** Queues partial lines too and waits until everything is stored. */
  async flush(): Promise<void> {
    for (const [key, rest] of this.#partial) {
      if (rest) {
        const [nodeFqn, stream] = key.split('\u0000');
        this.push(nodeFqn, stream as LogStream, [rest]);
      }
    }
    this.#partial.clear();
    await this.writer.barrier();
  }

  private push(nodeFqn: string, stream: LogStream, lines: string[]): void {
    this.writer.addLogs(
      lines.map(line => ({
        nodeFqn,
        stream,
        line: cut(this.masker.mask(line)),
      })),
    );
  }
}

/** Masked first, then cut: a secret across the cut is never half shown. */
function cut(line: string): string {
  return line.length > MAX_LINE
    ? `${line.slice(0, MAX_LINE)}… (line cut at ${MAX_LINE} characters)`
    : line;
}

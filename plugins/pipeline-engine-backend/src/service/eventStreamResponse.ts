import type { Response } from 'express';

/** The compression middleware adds `flush`; plain responses lack it. */
type FlushableResponse = Response & { flush?: () => void };

/** An open `text/event-stream` response. */
export interface EventStreamResponse {
  /** Writes raw event-stream text; nothing once the stream is closed. */
  write(text: string): void;
  /** Writes one event (`event:` only when named, `id:` only when given). */
  send(event: { event?: string; id?: number; data: unknown }): void;
  /** Ends the response. */
  end(): void;
  /** True once the client went away or `end()` was called. */
  readonly closed: boolean;
}

/**
 * Starts a Server-Sent Events response: headers that keep proxies from
 * buffering it, a `retry:` hint and keep-alive comments. `onClose` runs
 * once, when the client goes away or the stream is ended.
 */
export function openEventStream(
  res: FlushableResponse,
  options: { keepAliveMs: number; onClose: () => void },
): EventStreamResponse {
  let closed = false;
  res.status(200);
  res.set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    // Stops nginx from buffering the stream.
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();

  const write = (text: string) => {
    if (!closed) {
      res.write(text);
      res.flush?.();
    }
  };
  const keepAlive = setInterval(
    () => write(': keep-alive\n\n'),
    options.keepAliveMs,
  );
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    options.onClose();
  };
  res.on('close', close);
  write('retry: 2000\n\n');

  return {
    write,
    send({ event, id, data }) {
      write(
        `${event ? `event: ${event}\n` : ''}${id !== undefined ? `id: ${id}\n` : ''}data: ${JSON.stringify(data)}\n\n`,
      );
    },
    end() {
      close();
      res.end();
    },
    get closed() {
      return closed;
    },
  };
}

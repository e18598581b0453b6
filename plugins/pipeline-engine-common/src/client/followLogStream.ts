import { ResponseError } from '@backstage/errors';
import type { LogLineView } from '../api/types';
import { readServerSentEvents } from './eventStream';
import type { PipelineEngineHttpClient } from './PipelineEngineHttpClient';
import type { FollowLogsResult } from './restTypes';

/**
 * Options of {@link followLogStream}.
 *
 * @public
 */
export interface FollowLogStreamOptions {
  /** The client to open `streamLogs` with. */
  http: PipelineEngineHttpClient;
  executionId: string;
  /** Sequence number to start after; 0 (the default) sends every line. */
  after?: number;
  /** Stops following; the call then resolves with `complete: false`. */
  signal?: AbortSignal;
  /** Wait before reconnecting. Default 1000 ms. */
  reconnectDelayMs?: number;
  /** Give up after this many reconnects in a row without a new line. Default 5. */
  maxReconnects?: number;
  /**
   * Receives the lines in order, one batch per network chunk (a long log
   * renders once per chunk); the next batch waits for the returned promise.
   */
  onLines: (lines: LogLineView[]) => void | Promise<void>;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * Follows the log event stream of an execution (`streamLogs`) until the
 * server sends `end` or `signal` aborts, reconnecting after the last line
 * received when the connection drops. The one SSE follower of the node and
 * browser clients.
 *
 * @public
 */
export async function followLogStream(
  options: FollowLogStreamOptions,
): Promise<FollowLogsResult> {
  const { http, executionId, signal, onLines } = options;
  const reconnectDelayMs = options.reconnectDelayMs ?? 1000;
  const maxReconnects = options.maxReconnects ?? 5;
  let cursor = options.after ?? 0;
  let failures = 0;
  const deliver = async (lines: LogLineView[]) => {
    if (lines.length === 0) return;
    await onLines(lines);
    cursor = lines[lines.length - 1].seq;
  };
  for (;;) {
    if (signal?.aborted) return { cursor, complete: false };
    const before = cursor;
    let lastError: unknown;
    try {
      const response = await http.send('streamLogs', {
        path: { id: executionId },
        query: { after: cursor },
        headers: {
          Accept: 'text/event-stream',
          ...(cursor > 0 ? { 'Last-Event-ID': String(cursor) } : {}),
        },
        signal,
      });
      if ((await readStream(response, deliver, signal)) === 'end') {
        return { cursor, complete: true };
      }
    } catch (error) {
      if (signal?.aborted) return { cursor, complete: false };
      // 4xx answers will not change by retrying.
      if (ResponseError.is(error) && error.statusCode < 500) throw error;
      lastError = error;
    }
    failures = cursor > before ? 0 : failures + 1;
    if (failures > maxReconnects) {
      throw new Error(
        `The log stream of execution ${executionId} kept closing before the execution ended`,
        { cause: lastError },
      );
    }
    await sleep(reconnectDelayMs, signal);
  }
}

/** Reads events until the stream closes: 'end' if the server said so. */
function readStream(
  response: Response,
  deliver: (lines: LogLineView[]) => Promise<void>,
  signal?: AbortSignal,
): Promise<'end' | 'closed'> {
  return readServerSentEvents(
    response,
    async events => {
      const batch: LogLineView[] = [];
      for (const event of events) {
        if (event.event === 'message') {
          batch.push(JSON.parse(event.data) as LogLineView);
        } else if (event.event === 'end') {
          await deliver(batch);
          return 'end';
        } else if (event.event === 'error') {
          await deliver(batch);
          const { message } = JSON.parse(event.data) as { message?: string };
          throw new Error(`The log stream failed: ${message ?? event.data}`);
        }
      }
      await deliver(batch);
      return undefined;
    },
    signal,
  );
}

import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import type { LogLineView } from '@idp-pipelines/plugin-pipeline-engine-common';
import type { Response } from 'express';
import type { PipelineEngineApi } from './types';

/** Timing of the log event stream. */
export interface LogStreamOptions {
  /**
   * How often to look for new lines without a notification, a safety net:
   * lines and ends arrive as execution events, from every replica (events
   * between replicas are best effort). Default 5000 ms.
   */
  pollIntervalMs?: number;
  /** How often to send a comment so proxies keep the stream open. Default 15 s. */
  keepAliveMs?: number;
  /** Lines read per database round trip. Default 500. */
  pageSize?: number;
}

/** The compression middleware adds `flush`; plain responses lack it. */
type FlushableResponse = Response & { flush?: () => void };

/**
 * Streams the log of execution `id` as Server-Sent Events, starting after
 * `after`: one event per line (`id: seq`, `data:` the {@link LogLineView}),
 * then `event: end` once the execution is over and every line was sent.
 * Reads are serialised: a wake-up during a read causes one more read.
 */
export async function streamExecutionLogs(options: {
  api: Pick<PipelineEngineApi, 'readLogs' | 'onLogs'>;
  id: string;
  after: number;
  res: FlushableResponse;
  logger: LoggerService;
  stream?: LogStreamOptions;
}): Promise<void> {
  const { api, id, res, logger } = options;
  const pageSize = options.stream?.pageSize ?? 500;
  let cursor = options.after;
  let closed = false;
  let reading = false;
  let wokenWhileReading = false;

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

  const unsubscribe = api.onLogs(id, () => void pump());
  const poll = setInterval(
    () => void pump(),
    options.stream?.pollIntervalMs ?? 5000,
  );
  const keepAlive = setInterval(
    () => write(': keep-alive\n\n'),
    options.stream?.keepAliveMs ?? 15_000,
  );
  const stop = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    clearInterval(poll);
    clearInterval(keepAlive);
  };
  res.on('close', stop);

  const finish = () => {
    stop();
    res.end();
  };

  const sendLine = (line: LogLineView) => {
    write(`id: ${line.seq}\ndata: ${JSON.stringify(line)}\n\n`);
  };

  async function pump(): Promise<void> {
    if (reading) {
      wokenWhileReading = true;
      return;
    }
    reading = true;
    try {
      do {
        wokenWhileReading = false;
        for (;;) {
          const page = await api.readLogs(id, {
            after: cursor,
            limit: pageSize,
          });
          if (closed) return;
          for (const line of page.lines) {
            sendLine(line);
            cursor = line.seq;
          }
          cursor = Math.max(cursor, page.nextCursor);
          if (page.complete) {
            write(`event: end\ndata: ${JSON.stringify({ cursor })}\n\n`);
            finish();
            return;
          }
          if (page.lines.length < pageSize) break; // caught up
        }
      } while (wokenWhileReading && !closed);
    } catch (error) {
      logger.warn(
        `Log stream of execution ${id} failed: ${stringifyError(error)}`,
      );
      write(
        `event: error\ndata: ${JSON.stringify({ message: 'reading the log failed' })}\n\n`,
      );
      finish();
    } finally {
      reading = false;
    }
  }

  write('retry: 2000\n\n');
  await pump();
}

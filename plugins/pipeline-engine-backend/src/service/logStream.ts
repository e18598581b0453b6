import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import type { LogLineView } from '@idp-pipelines/plugin-pipeline-engine-common';
import type { Response } from 'express';
import { openEventStream } from './eventStreamResponse';
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
  res: Response;
  logger: LoggerService;
  stream?: LogStreamOptions;
}): Promise<void> {
  const { api, id, res, logger } = options;
  const pageSize = options.stream?.pageSize ?? 500;
  let cursor = options.after;
  let reading = false;
  let wokenWhileReading = false;

  const unsubscribe = api.onLogs(id, () => void pump());
  const poll = setInterval(
    () => void pump(),
    options.stream?.pollIntervalMs ?? 5000,
  );
  const stream = openEventStream(res, {
    keepAliveMs: options.stream?.keepAliveMs ?? 15_000,
    onClose: () => {
      unsubscribe();
      clearInterval(poll);
    },
  });
  const finish = () => stream.end();

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
          if (stream.closed) return;
          for (const line of page.lines) {
            stream.send({ id: line.seq, data: line });
            cursor = line.seq;
          }
          cursor = Math.max(cursor, page.nextCursor);
          if (page.complete) {
            stream.send({ event: 'end', data: { cursor } });
            finish();
            return;
          }
          if (page.lines.length < pageSize) break; // caught up
        }
      } while (wokenWhileReading && !stream.closed);
    } catch (error) {
      logger.warn(
        `Log stream of execution ${id} failed: ${stringifyError(error)}`,
      );
      stream.send({
        event: 'error',
        data: { message: 'reading the log failed' },
      });
      finish();
    } finally {
      reading = false;
    }
  }

  await pump();
}

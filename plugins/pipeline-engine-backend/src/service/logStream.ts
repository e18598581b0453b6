import type { LoggerService } from '@backstage/backend-plugin-api';
import type { LogLineView } from '@idp-pipelines/plugin-pipeline-engine-common';
import type { Response } from 'express';
import { pumpEventStream } from './pumpEventStream';
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
  const { api, id } = options;
  const pageSize = options.stream?.pageSize ?? 500;
  let cursor = options.after;

  await pumpEventStream({
    res: options.res,
    logger: options.logger,
    subscribe: wake => api.onLogs(id, wake),
    pollIntervalMs: options.stream?.pollIntervalMs ?? 5000,
    keepAliveMs: options.stream?.keepAliveMs ?? 15_000,
    failure: {
      logMessage: `Log stream of execution ${id} failed`,
      clientMessage: 'reading the log failed',
    },
    async read(stream) {
      for (;;) {
        const page = await api.readLogs(id, { after: cursor, limit: pageSize });
        if (stream.closed) return undefined;
        for (const line of page.lines) {
          stream.send({ id: line.seq, data: line });
          cursor = line.seq;
        }
        cursor = Math.max(cursor, page.nextCursor);
        if (page.complete) {
          stream.send({ event: 'end', data: { cursor } });
          return 'end';
        }
        if (page.lines.length < pageSize) return undefined; // caught up
      }
    },
  });
}

import type { LogLineView } from '@idp-pipelines/plugin-pipeline-engine-common';
import { pumpEventStream, type EventStreamTarget } from './pumpEventStream';
import type { PipelineEngineApi } from './types';

/**
 * Streams the log of execution `id` as Server-Sent Events, starting after
 * `after`: one event per line (`id: seq`, `data:` the {@link LogLineView}),
 * then `event: end` once the execution is over and every line was sent.
 * Reads are serialised: a wake-up during a read causes one more read.
 */
export async function streamExecutionLogs(
  options: EventStreamTarget & {
    api: Pick<PipelineEngineApi, 'readLogs' | 'onLogs'>;
    id: string;
    after: number;
  },
): Promise<void> {
  const { api, id } = options;
  const pageSize = options.stream?.pageSize ?? 500;
  let cursor = options.after;

  await pumpEventStream(options, {
    subscribe: wake => api.onLogs(id, wake),
    defaultPollIntervalMs: 5000,
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

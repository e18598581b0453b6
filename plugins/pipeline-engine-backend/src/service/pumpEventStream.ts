import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import type { Response } from 'express';
import {
  openEventStream,
  type EventStreamResponse,
} from './eventStreamResponse';

/** Options of {@link pumpEventStream}. */
export interface PumpEventStreamOptions {
  res: Response;
  logger: LoggerService;
  /** Subscribes to notifications of new state; returns the unsubscribe. */
  subscribe: (wake: () => void) => () => void;
  /** Safety-net read interval, for writes that do not notify this replica. */
  pollIntervalMs: number;
  keepAliveMs: number;
  /**
   * Reads the stored state once and sends what is new; `'end'` when the
   * stream is complete (it is then ended). Returns early once
   * `stream.closed`.
   */
  read: (stream: EventStreamResponse) => Promise<'end' | undefined>;
  /** What failed, for the log and the client's `error` event. */
  failure: { logMessage: string; clientMessage: string };
}

/**
 * Runs a Server-Sent Events response fed from stored state: reads once at
 * the start, then on every notification and poll, until `read` says the
 * stream is complete, a read fails (`event: error`) or the client goes away
 * (which unsubscribes and stops the poll). Reads are serialised: a wake-up
 * during a read causes one more read.
 */
export async function pumpEventStream(
  options: PumpEventStreamOptions,
): Promise<void> {
  const { logger, read, failure } = options;
  let reading = false;
  let wokenWhileReading = false;

  const unsubscribe = options.subscribe(() => void pump());
  const poll = setInterval(() => void pump(), options.pollIntervalMs);
  const stream = openEventStream(options.res, {
    keepAliveMs: options.keepAliveMs,
    onClose: () => {
      unsubscribe();
      clearInterval(poll);
    },
  });

  async function pump(): Promise<void> {
    if (reading) {
      wokenWhileReading = true;
      return;
    }
    reading = true;
    try {
      do {
        wokenWhileReading = false;
        const outcome = await read(stream);
        if (stream.closed) return;
        if (outcome === 'end') {
          stream.end();
          return;
        }
      } while (wokenWhileReading && !stream.closed);
    } catch (error) {
      logger.warn(`${failure.logMessage}: ${stringifyError(error)}`);
      stream.send({ event: 'error', data: { message: failure.clientMessage } });
      stream.end();
    } finally {
      reading = false;
    }
  }

  await pump();
}

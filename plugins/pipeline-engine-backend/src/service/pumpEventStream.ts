import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import type { Response } from 'express';
import {
  openEventStream,
  type EventStreamResponse,
} from './eventStreamResponse';

/** Timing of the log and execution event streams. */
export interface LogStreamOptions {
  /**
   * How often to look for new state without a notification, a safety net:
   * lines, changes and ends arrive as execution events, from every replica
   * (events between replicas are best effort). Default 5000 ms for the log,
   * 1000 ms for the execution's status.
   */
  pollIntervalMs?: number;
  /** How often to send a comment so proxies keep the stream open. Default 15 s. */
  keepAliveMs?: number;
  /** Lines read per database round trip (the log). Default 500. */
  pageSize?: number;
}

/** What a route gives an event stream: the response, the logger and the timing. */
export interface EventStreamTarget {
  res: Response;
  logger: LoggerService;
  stream?: LogStreamOptions;
}

/** What one kind of event stream reads and how it is woken. */
export interface EventStreamSource {
  /** Subscribes to notifications of new state; returns the unsubscribe. */
  subscribe: (wake: () => void) => () => void;
  /** Safety-net read interval unless the target's timing sets one. */
  defaultPollIntervalMs: number;
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
  target: EventStreamTarget,
  source: EventStreamSource,
): Promise<void> {
  const { logger } = target;
  const { read, failure } = source;
  let reading = false;
  let wokenWhileReading = false;

  const unsubscribe = source.subscribe(() => void pump());
  const poll = setInterval(
    () => void pump(),
    target.stream?.pollIntervalMs ?? source.defaultPollIntervalMs,
  );
  const stream = openEventStream(target.res, {
    keepAliveMs: target.stream?.keepAliveMs ?? 15_000,
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

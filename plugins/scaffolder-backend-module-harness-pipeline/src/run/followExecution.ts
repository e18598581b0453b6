import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import { formatDuration, labelOfFqn, NodeProgress } from './progress';
import type { PipelineTarget, RunState } from './types';

/** Timing of {@link followExecution}. */
export interface FollowOptions {
  /** How often to read the execution. */
  pollIntervalMs: number;
  /** How long a cancelled task waits for the aborted execution to stop; default 30 s. */
  abortTimeoutMs?: number;
  /** How long to wait for the last log lines once the execution ended; default 5 s. */
  logDrainTimeoutMs?: number;
}

/** Consecutive failed reads tolerated before giving up. */
const MAX_READ_FAILURES = 5;

/** Resolves after `ms`, or at once when `signal` aborts or `early` settles. */
function pause(
  ms: number,
  signal?: AbortSignal,
  early?: Promise<unknown>,
): Promise<void> {
  return new Promise(resolve => {
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    early?.then(done, done);
  });
}

/**
 * Follows an execution until it ends: streams its log lines (when the
 * target can) prefixed by `stage/step`, logs each node's start, end,
 * status and duration from successive reads, and, when `signal` aborts
 * (the scaffolder task was cancelled), aborts the execution and waits for
 * it to stop. Returns the final state; throws only when the execution
 * cannot be read or does not stop after an abort.
 */
export async function followExecution(
  ctx: { logger: LoggerService; signal?: AbortSignal },
  target: PipelineTarget,
  executionId: string,
  options: FollowOptions,
  onFirstRead?: (state: RunState) => void,
): Promise<RunState> {
  const { logger, signal } = ctx;
  const abortTimeoutMs = options.abortTimeoutMs ?? 30_000;
  const progress = new NodeProgress(logger);
  const following = new AbortController();
  let logsEnded = false;
  const logs = target
    .followLogs?.(executionId, following.signal, line => {
      progress.noteActivity(line.nodeFqn);
      const text = `[${labelOfFqn(line.nodeFqn)}] ${line.line}`;
      if (line.stream === 'stderr') logger.warn(text);
      else logger.info(text);
    })
    .catch(error => {
      if (!following.signal.aborted) {
        logger.warn(
          `Stopped streaming the execution log: ${stringifyError(error)}`,
        );
      }
    })
    .finally(() => {
      logsEnded = true;
    });

  let state: RunState | undefined;
  let abortRequestedAt: number | undefined;
  let failures = 0;
  try {
    for (;;) {
      if (signal?.aborted && abortRequestedAt === undefined) {
        abortRequestedAt = Date.now();
        logger.warn(
          `The task was cancelled: aborting execution ${executionId}`,
        );
        await target.abort(executionId).catch(error => {
          logger.error(
            `Could not abort execution ${executionId}: ${stringifyError(error)}`,
          );
        });
      }
      try {
        const read = await target.read(executionId);
        if (!state) onFirstRead?.(read);
        state = read;
        failures = 0;
      } catch (error) {
        failures += 1;
        if (failures >= MAX_READ_FAILURES) throw error;
        logger.warn(
          `Could not read execution ${executionId} (try ${failures} of ${MAX_READ_FAILURES}): ${stringifyError(error)}`,
        );
      }
      if (state) {
        progress.update(state.nodes);
        if (state.terminal) break;
      }
      if (
        abortRequestedAt !== undefined &&
        Date.now() - abortRequestedAt > abortTimeoutMs
      ) {
        throw new Error(
          `The task was cancelled, but execution ${executionId} did not stop within ${formatDuration(abortTimeoutMs)}; it is ${state?.status ?? 'in an unknown state'}`,
        );
      }
      // The log stream ending means the execution is over: read at once.
      await pause(
        options.pollIntervalMs,
        abortRequestedAt === undefined ? signal : undefined,
        logsEnded ? undefined : logs,
      );
    }
  } finally {
    if (logs) {
      // Once the execution is over the stream ends by itself; give the tail
      // a moment, then stop following either way.
      if (state?.terminal) {
        await pause(options.logDrainTimeoutMs ?? 5000, undefined, logs);
      }
      following.abort();
      await logs;
    }
  }
  return state;
}

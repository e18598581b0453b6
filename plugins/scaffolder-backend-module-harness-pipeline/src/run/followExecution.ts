import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import {
  formatDuration,
  labelOfFqn,
  NodeProgress,
  statusKey,
} from './progress';
import type { PipelineTarget, RunState, TrackedNode } from './types';

/**
 * Timing of `followExecution`.
 *
 * @public
 */
export interface FollowOptions {
  /** How often to read the execution when its status stream is unavailable. */
  pollIntervalMs: number;
  /** How long a cancelled task waits for the aborted execution to stop; default 30 s. */
  abortTimeoutMs?: number;
  /** How long to wait for the last log lines once the execution ended; default 5 s. */
  logDrainTimeoutMs?: number;
  /** Abort the execution and fail when it has not ended after this long. */
  timeoutMs?: number;
  /** Keep execution links out of log lines and errors (`hidePipelineURLLog`). */
  hideUrls?: boolean;
}

/** Statuses in which a run waits for someone or something, and what for. */
const WAITING_FOR: Record<string, string> = {
  approvalwaiting: 'an approval',
  interventionwaiting:
    'a manual intervention (a failure strategy asks someone to retry, ignore or abort)',
  inputwaiting: 'runtime input to be entered',
  resourcewaiting:
    'a resource held by another execution (resource constraint or queue step)',
};

/** Consecutive failed reads tolerated before giving up. */
const MAX_READ_FAILURES = 5;

/**
 * Resolves after `ms` (never when infinite), or at once when `signal`
 * aborts or one of `early` settles.
 */
function pause(
  ms: number,
  signal?: AbortSignal,
  early: Array<Promise<unknown>> = [],
): Promise<void> {
  return new Promise(resolve => {
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    if (Number.isFinite(ms)) timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    for (const promise of early) promise.then(done, done);
  });
}

/** `nodes` with `node` replacing the one of the same FQN, or added. */
function withNode(nodes: readonly TrackedNode[], node: TrackedNode) {
  const index = nodes.findIndex(other => other.fqn === node.fqn);
  return index < 0
    ? [...nodes, node]
    : nodes.map((other, i) => (i === index ? node : other));
}

/** One log line per node that starts waiting, saying what for and where. */
class WaitingReporter {
  private readonly reported = new Set<string>();

  constructor(
    private readonly logger: LoggerService,
    private readonly hideUrls: boolean,
  ) {}

  update(state: RunState): void {
    const allWaiting = state.nodes.filter(
      node => WAITING_FOR[statusKey(node.status)] !== undefined,
    );
    // A waiting step makes its stage wait too: name the step only.
    const stepsWaiting = allWaiting.filter(node => node.kind !== 'stage');
    const waiting = stepsWaiting.length > 0 ? stepsWaiting : allWaiting;
    const where = this.hideUrls ? '' : `: ${state.url}`;
    for (const node of waiting) {
      const key = `${node.fqn}#${node.attempt}#${statusKey(node.status)}`;
      if (this.reported.has(key)) continue;
      this.reported.add(key);
      this.logger.warn(
        `⏸ ${node.kind === 'stage' ? 'stage' : 'step'} ${labelOfFqn(node.fqn)} waits for ${WAITING_FOR[statusKey(node.status)]} (${node.status}); act on it in the execution${where}`,
      );
    }
    const pipelineWaits = WAITING_FOR[statusKey(state.status)];
    if (pipelineWaits && waiting.length === 0) {
      const key = `pipeline#${statusKey(state.status)}`;
      if (this.reported.has(key)) return;
      this.reported.add(key);
      this.logger.warn(
        `⏸ Execution ${state.executionId} waits for ${pipelineWaits} (${state.status})${where}`,
      );
    }
  }
}

/**
 * Follows an execution until it ends: streams its log lines (when the
 * target can) prefixed by `stage/step`, logs each node's start, end,
 * status and duration as its status stream reports them (or, when the
 * target has none or it fails, from reads every `pollIntervalMs`), and,
 * when `signal` aborts
 * (the scaffolder task was cancelled), aborts the execution and waits for
 * it to stop. Logs once what a run waits for (approval, intervention,
 * input, resource). With `timeoutMs`, aborts a run that has not ended in
 * time and throws. Throws too when the execution cannot be read (saying it
 * may still run, and where) or does not stop after an abort.
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
  const waiting = new WaitingReporter(logger, options.hideUrls ?? false);
  const startedFollowingAt = Date.now();
  let timedOut = false;
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
  let endedByStream: RunState | undefined;
  let statusStreamAlive = target.followStatus !== undefined;
  const statusStream = target
    .followStatus?.(executionId, following.signal, update => {
      if (update.type === 'end') {
        endedByStream = update.state;
        progress.update(update.state.nodes);
        return;
      }
      if (update.type === 'node') {
        progress.update([update.node]);
        if (state)
          state = { ...state, nodes: withNode(state.nodes, update.node) };
      } else if (state) {
        state = {
          ...state,
          status: update.status,
          errorMessage: update.errorMessage,
        };
      }
      if (state) waiting.update(state);
    })
    .catch(error => {
      if (!following.signal.aborted) {
        logger.warn(
          `Stopped following the execution status stream (${stringifyError(error)}); reading the execution every ${formatDuration(options.pollIntervalMs)} instead`,
        );
      }
    })
    .finally(() => {
      statusStreamAlive = false;
    });
  let abortRequestedAt: number | undefined;
  let failures = 0;
  try {
    for (;;) {
      if (
        options.timeoutMs !== undefined &&
        !timedOut &&
        !state?.terminal &&
        Date.now() - startedFollowingAt >= options.timeoutMs
      ) {
        timedOut = true;
      }
      if ((signal?.aborted || timedOut) && abortRequestedAt === undefined) {
        abortRequestedAt = Date.now();
        logger.warn(
          timedOut
            ? `Execution ${executionId} has not ended within the timeout of ${formatDuration(options.timeoutMs!)}: aborting it`
            : `The task was cancelled: aborting execution ${executionId}`,
        );
        await target.abort(executionId).catch(error => {
          logger.error(
            `Could not abort execution ${executionId}: ${stringifyError(error)}`,
          );
        });
      }
      try {
        // The stream's end event carries the whole execution: no read needed.
        const read = endedByStream ?? (await target.read(executionId));
        if (!state) onFirstRead?.(read);
        state = read;
        failures = 0;
      } catch (error) {
        failures += 1;
        if (failures >= MAX_READ_FAILURES) {
          const where = options.hideUrls
            ? ''
            : `; follow it at ${state?.url ?? target.executionUrl(executionId)}`;
          throw new Error(
            `Gave up reading execution ${executionId} after ${failures} failed reads (${stringifyError(error)}). The execution was not stopped and may still be running in ${target.description}${where}`,
          );
        }
        logger.warn(
          `Could not read execution ${executionId} (try ${failures} of ${MAX_READ_FAILURES}): ${stringifyError(error)}`,
        );
      }
      if (state) {
        progress.update(state.nodes);
        waiting.update(state);
        if (state.terminal) break;
      }
      if (
        abortRequestedAt !== undefined &&
        Date.now() - abortRequestedAt > abortTimeoutMs
      ) {
        throw new Error(
          `${timedOut ? 'The timeout passed' : 'The task was cancelled'}, but execution ${executionId} did not stop within ${formatDuration(abortTimeoutMs)}; it is ${state?.status ?? 'in an unknown state'}`,
        );
      }
      // The stream ended the execution while it was being read: take its end.
      if (endedByStream && state !== endedByStream) continue;
      const untilTimeout =
        options.timeoutMs !== undefined && abortRequestedAt === undefined
          ? Math.max(0, startedFollowingAt + options.timeoutMs - Date.now())
          : Infinity;
      // While the status stream runs it reports every change, so reads are
      // only a fallback; once an abort was asked for, reads check the stop.
      const pollMs =
        statusStreamAlive && abortRequestedAt === undefined
          ? Infinity
          : options.pollIntervalMs;
      // The end (or failure) of either stream means something to read now.
      const wakeUps: Array<Promise<unknown>> = [];
      if (logs && !logsEnded) wakeUps.push(logs);
      if (statusStream && statusStreamAlive) wakeUps.push(statusStream);
      await pause(
        Math.min(pollMs, untilTimeout),
        abortRequestedAt === undefined ? signal : undefined,
        wakeUps,
      );
    }
  } finally {
    if (logs) {
      // Once the execution is over the stream ends by itself; give the tail
      // a moment, then stop following either way.
      if (state?.terminal) {
        await pause(options.logDrainTimeoutMs ?? 5000, undefined, [logs]);
      }
    }
    following.abort();
    await Promise.all([logs, statusStream]);
  }
  if (timedOut && !signal?.aborted) {
    throw new Error(
      `Execution ${executionId} of ${target.description} did not end within the timeout of ${formatDuration(options.timeoutMs!)} and was aborted; it ended ${state?.status ?? 'in an unknown state'}${options.hideUrls ? '' : `. Execution: ${state?.url ?? target.executionUrl(executionId)}`}`,
    );
  }
  return state;
}

import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import type { StepProcessStore } from '../database';
import { readBootId } from './procfs';

/** Forgets a tracked process group or container once it ended. Never rejects. */
export type ForgetStepProcess = () => Promise<void>;

/**
 * Records the step processes a replica starts, so that a restart of the
 * same instance can kill what a crash left running. Never rejects: a step
 * runs even when its process cannot be recorded.
 */
export interface StepProcessTracker {
  /** A process group that was just started; `startTime` from /proc tells it apart from a reused pid. */
  processGroupStarted(group: {
    pgid: number;
    startTime?: string;
  }): Promise<ForgetStepProcess>;
  /** A container about to be started (recorded first: its name is known in advance). */
  containerStarting(container: {
    name: string;
    command: string;
  }): Promise<ForgetStepProcess>;
  /**
   * Resolves once every recorded process has ended and been forgotten, or
   * after `timeoutMs`: a shutdown waits for its steps' processes to die
   * rather than leaving their rows for the next start to clean up.
   */
  whenIdle?(timeoutMs: number): Promise<void>;
}

/** A tracker that writes to the `step_processes` table under `instanceId`. */
export function createStepProcessTracker(options: {
  store: StepProcessStore;
  instanceId: string;
  logger: LoggerService;
}): StepProcessTracker {
  const { store, instanceId, logger } = options;
  const bootId = readBootId();
  const live = new Set<string>();
  let onIdle: Array<() => void> = [];
  const forgotten = (id: string) => {
    live.delete(id);
    if (live.size > 0) return;
    const waiting = onIdle;
    onIdle = [];
    waiting.forEach(wake => wake());
  };
  const record = async (fields: {
    pgid?: number;
    startTime?: string;
    containerName?: string;
    containerCommand?: string;
  }): Promise<ForgetStepProcess> => {
    let id: string;
    try {
      id = await store.add({
        instanceId,
        ...(bootId ? { bootId } : {}),
        ...fields,
      });
    } catch (error) {
      logger.warn(
        `could not record a step process; a crash would leave it running: ${stringifyError(error)}`,
      );
      return async () => {};
    }
    live.add(id);
    return async () => {
      try {
        await store.remove(id);
      } catch (error) {
        // Harmless: the next start of this instance finds it gone.
        logger.warn(
          `could not forget ended step process ${id}: ${stringifyError(error)}`,
        );
      } finally {
        forgotten(id);
      }
    };
  };
  return {
    whenIdle: timeoutMs =>
      live.size === 0
        ? Promise.resolve()
        : new Promise<void>(resolve => {
            const timer = setTimeout(resolve, timeoutMs);
            onIdle.push(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
    processGroupStarted: group =>
      record({ pgid: group.pgid, startTime: group.startTime }),
    containerStarting: container =>
      record({
        containerName: container.name,
        containerCommand: container.command,
      }),
  };
}

import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import type { StepProcessStore, StoredStepProcess } from '../database';
import { removeContainer } from './dockerRunner';
import { CONTAINER_CLIENT_VARIABLES, scrubbedEnvironment } from './environment';
import { processGroupMembers, readBootId, type ProcessStat } from './procfs';

const POLL_MS = 20;
/** How long to wait for killed processes to disappear from /proc. */
const GONE_WITHIN_MS = 5000;

/**
 * Kills the step processes that earlier runs of this instance recorded and
 * did not see end (the backend was killed while steps ran), then forgets
 * them. Run before this instance resumes anything: the interrupted steps
 * run again or fail, and must not race their own leftovers.
 *
 * A process group is killed (SIGKILL) only when it is still the one that
 * was recorded: same boot, and its leader has the recorded start time; when
 * the leader is gone (e.g. killed by SIGPIPE when the backend's end of its
 * output pipe closed), the members started after it are killed. Containers
 * are removed by name. Returns how many records were handled.
 */
export async function killLeftoverStepProcesses(options: {
  store: StepProcessStore;
  instanceId: string;
  logger: LoggerService;
}): Promise<number> {
  const { store, instanceId, logger } = options;
  const leftovers = await store.listForInstance(instanceId);
  const bootId = readBootId();
  for (const leftover of leftovers) {
    try {
      if (leftover.pgid !== undefined)
        await killLeftoverGroup(leftover, bootId, logger);
      if (leftover.containerName && leftover.containerCommand) {
        logger.info(
          `removing container ${leftover.containerName} left by an earlier run of this backend`,
        );
        await removeContainer(
          leftover.containerCommand,
          leftover.containerName,
          scrubbedEnvironment(CONTAINER_CLIENT_VARIABLES),
        );
      }
      await store.remove(leftover.id);
    } catch (error) {
      logger.warn(
        `could not clean up step process ${leftover.id}: ${stringifyError(error)}`,
      );
    }
  }
  return leftovers.length;
}

async function killLeftoverGroup(
  leftover: StoredStepProcess,
  bootId: string | undefined,
  logger: LoggerService,
): Promise<void> {
  const pgid = leftover.pgid!;
  if (!bootId || leftover.startTime === undefined) {
    logger.warn(
      `step process group ${pgid} left by an earlier run was not killed: its identity cannot be checked on this host`,
    );
    return;
  }
  // After a reboot nothing of it runs, and start times count anew.
  if (leftover.bootId !== bootId) return;
  const startTime = leftover.startTime;
  let targets = groupOf(pgid, startTime);
  if (!targets.length) return;
  logger.info(
    `killing step process group ${pgid} (${targets.length} process(es)) left by an earlier run of this backend`,
  );
  const deadline = Date.now() + GONE_WITHIN_MS;
  // Again until none is left: a member may fork between listing and kill.
  while (targets.length && Date.now() < deadline) {
    const leaderAlive = targets.some(target => target.pid === pgid);
    for (const pid of leaderAlive
      ? [-pgid]
      : targets.map(target => target.pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
      }
    }
    await new Promise(resolve => setTimeout(resolve, POLL_MS));
    targets = groupOf(pgid, startTime);
  }
}

/**
 * The live processes of the recorded group: none when its leader's pid now
 * belongs to another process (a different start time).
 */
function groupOf(pgid: number, leaderStartTime: string): ProcessStat[] {
  const members = processGroupMembers(pgid);
  const leader = members.find(member => member.pid === pgid);
  if (leader) return leader.startTime === leaderStartTime ? members : [];
  // The leader exited; a group id is not reused while the group has members,
  // and members of the recorded group started after its leader.
  const recorded = BigInt(leaderStartTime);
  return members.filter(member => BigInt(member.startTime) >= recorded);
}

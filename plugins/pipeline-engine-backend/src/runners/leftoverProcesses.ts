import type { LoggerService } from '@backstage/backend-plugin-api';
import { stringifyError } from '@backstage/errors';
import type { StepProcessStore, StoredStepProcess } from '../database';
import { removeContainer } from './dockerRunner';
import { CONTAINER_CLIENT_VARIABLES, scrubbedEnvironment } from './environment';
import { liveProcesses, readBootId, type ProcessStat } from './procfs';

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
  if (!leftovers.length) return 0;
  const bootId = readBootId();
  const groups = leftovers.filter(
    leftover =>
      leftover.pgid !== undefined && identifiable(leftover, bootId, logger),
  );
  let alive = liveGroups(groups);
  if (alive.size) {
    logger.info(
      `killing ${alive.size} step process group(s) left by an earlier run of this backend`,
    );
  }
  // All groups at once, again until none is left: a member may fork
  // between listing and kill.
  const deadline = Date.now() + GONE_WITHIN_MS;
  while (alive.size && Date.now() < deadline) {
    for (const [pgid, members] of alive) {
      const leaderAlive = members.some(member => member.pid === pgid);
      for (const pid of leaderAlive
        ? [-pgid]
        : members.map(member => member.pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== 'ESRCH')
            logger.warn(`could not kill leftover step process ${pid}: ${code}`);
        }
      }
    }
    await new Promise(resolve => setTimeout(resolve, POLL_MS));
    alive = liveGroups(groups);
  }
  if (alive.size)
    logger.warn(`${alive.size} leftover step process group(s) did not die`);
  await Promise.all(
    leftovers
      .filter(leftover => leftover.containerName && leftover.containerCommand)
      .map(leftover => {
        logger.info(
          `removing container ${leftover.containerName} left by an earlier run of this backend`,
        );
        return removeContainer(
          leftover.containerCommand!,
          leftover.containerName!,
          scrubbedEnvironment(CONTAINER_CLIENT_VARIABLES),
        );
      }),
  );
  for (const leftover of leftovers) {
    try {
      await store.remove(leftover.id);
    } catch (error) {
      logger.warn(
        `could not forget step process ${leftover.id}: ${stringifyError(error)}`,
      );
    }
  }
  return leftovers.length;
}

/** Whether a recorded group can be told apart from a later process with its pid. */
function identifiable(
  leftover: StoredStepProcess,
  bootId: string | undefined,
  logger: LoggerService,
): boolean {
  if (!bootId || leftover.startTime === undefined) {
    logger.warn(
      `step process group ${leftover.pgid} left by an earlier run was not killed: its identity cannot be checked on this host`,
    );
    return false;
  }
  // After a reboot nothing of it runs, and start times count anew.
  return leftover.bootId === bootId;
}

/**
 * The live processes of each recorded group, from one look at /proc; a
 * group whose leader's pid now belongs to another process (a different
 * start time) has none. When the leader exited, the group id cannot have
 * been reused while the group has members, and the members of the recorded
 * group started after its leader.
 */
function liveGroups(groups: StoredStepProcess[]): Map<number, ProcessStat[]> {
  const byGroup = new Map<number, ProcessStat[]>();
  if (!groups.length) return byGroup;
  const wanted = new Set(groups.map(group => group.pgid!));
  for (const stat of liveProcesses()) {
    if (!wanted.has(stat.pgid)) continue;
    const members = byGroup.get(stat.pgid) ?? [];
    members.push(stat);
    byGroup.set(stat.pgid, members);
  }
  const alive = new Map<number, ProcessStat[]>();
  for (const group of groups) {
    const pgid = group.pgid!;
    const members = byGroup.get(pgid) ?? [];
    const leader = members.find(member => member.pid === pgid);
    if (leader) {
      // Another process now has the leader's pid: not our group.
      if (leader.startTime === group.startTime) alive.set(pgid, members);
      continue;
    }
    const recorded = BigInt(group.startTime!);
    const ours = members.filter(member => BigInt(member.startTime) >= recorded);
    if (ours.length) alive.set(pgid, ours);
  }
  return alive;
}

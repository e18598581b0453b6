import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { mockServices } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  initStores,
} from '../database/__testUtils__/testDatabases';
import type { StepProcessStore } from '../database';
import { killLeftoverStepProcesses } from './leftoverProcesses';
import { runProcessGroup } from './processGroup';
import { readBootId, readProcessStat } from './procfs';
import { createStepProcessTracker } from './stepProcessTracker';
import { DockerRunner } from './dockerRunner';
import { readRunnerSettings } from './settings';
import { ConfigReader } from '@backstage/config';
import { cleanupTemp, standIn } from '../steps/run/__testUtils__/stepTestKit';
import {
  alive,
  killLeftovers,
  pidsIn,
  recordingLogger,
  waitUntil,
} from './__testUtils__/processes';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const leftovers: number[] = [];
afterEach(() => {
  killLeftovers(leftovers.splice(0));
  cleanupTemp();
});

/**
 * Starts `script` as the leader of its own process group, as the local
 * runner does, and returns the pids it prints; the group then stands in
 * for the steps of a backend that was killed.
 */
async function orphanGroup(script: string): Promise<Record<string, number>> {
  const child = spawn('/bin/bash', ['-c', script], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
    cwd: tmpdir(),
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', text => (out += text));
  await waitUntil(
    () => 'child' in pidsIn(out),
    10_000,
    'the script to start its child',
  );
  const pids = { ...pidsIn(out), leader: child.pid! };
  leftovers.push(...Object.values(pids));
  child.unref();
  return pids;
}

const bootId = readBootId();

describe.each(databases.eachSupportedId())(
  'leftover step processes on %p',
  databaseId => {
    let store: StepProcessStore;
    beforeEach(async () => {
      store = (await initStores(databases, databaseId)).stores.stepProcesses;
    });
    const logger = mockServices.logger.mock();

    it('kills a recorded group left by an earlier run of the instance, and forgets it', async () => {
      const { leader, child } = await orphanGroup(
        'sleep 300 & echo child=$!; sleep 300',
      );
      await store.add({
        instanceId: 'host-a',
        bootId,
        pgid: leader,
        startTime: readProcessStat(leader)!.startTime,
      });
      const other = await orphanGroup('sleep 300 & echo child=$!; sleep 300');
      await store.add({
        instanceId: 'host-b',
        bootId,
        pgid: other.leader,
        startTime: readProcessStat(other.leader)!.startTime,
      });

      await expect(
        killLeftoverStepProcesses({ store, instanceId: 'host-a', logger }),
      ).resolves.toBe(1);
      await waitUntil(
        () => !alive(leader) && !alive(child),
        5000,
        'the group to die',
      );
      await expect(store.listForInstance('host-a')).resolves.toEqual([]);
      // Another instance's processes are its own business.
      expect(alive(other.leader)).toBe(true);
      expect(alive(other.child)).toBe(true);
    });

    it('kills the rest of the group when its leader already died', async () => {
      // The leader exits (as a shell does on SIGPIPE once the backend is gone); its child stays in the group.
      const { leader, child } = await orphanGroup(
        'sleep 300 & echo child=$!; read -t 300 _ </dev/zero; sleep 300',
      );
      const startTime = readProcessStat(leader)!.startTime;
      process.kill(leader, 'SIGKILL');
      await waitUntil(() => !alive(leader), 5000, 'the leader to die');
      expect(alive(child)).toBe(true);
      await store.add({
        instanceId: 'host-a',
        bootId,
        pgid: leader,
        startTime,
      });
      await killLeftoverStepProcesses({ store, instanceId: 'host-a', logger });
      expect(alive(child)).toBe(false);
    });

    it('never kills a process that reuses a recorded pid, nor anything recorded before a reboot', async () => {
      const { leader, child } = await orphanGroup(
        'sleep 300 & echo child=$!; sleep 300',
      );
      const startTime = readProcessStat(leader)!.startTime;
      await store.add({
        instanceId: 'host-a',
        bootId,
        pgid: leader,
        startTime: String(BigInt(startTime) - 1n),
      });
      await store.add({
        instanceId: 'host-a',
        bootId: 'another-boot',
        pgid: leader,
        startTime,
      });
      await expect(
        killLeftoverStepProcesses({ store, instanceId: 'host-a', logger }),
      ).resolves.toBe(2);
      expect(alive(leader)).toBe(true);
      expect(alive(child)).toBe(true);
      await expect(store.listForInstance('host-a')).resolves.toEqual([]);
    });

    it('records a step process group while it runs and forgets it when it ends', async () => {
      const tracker = createStepProcessTracker({
        store,
        instanceId: 'host-a',
        logger,
      });
      const stepLogger = recordingLogger();
      const result = runProcessGroup({
        program: '/bin/bash',
        args: ['-c', 'echo main=$$; read -t 300 _ </dev/zero'],
        cwd: tmpdir(),
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
        logger: stepLogger,
        signal: AbortSignal.timeout(60_000),
        graceMs: 1000,
        tracker,
      });
      await waitUntil(
        () => 'main' in pidsIn(stepLogger.stdout()),
        10_000,
        'the script to start',
      );
      const { main } = pidsIn(stepLogger.stdout());
      leftovers.push(main);
      let rows = await store.listForInstance('host-a');
      for (let i = 0; i < 100 && !rows.length; i++) {
        await new Promise(r => setTimeout(r, 20));
        rows = await store.listForInstance('host-a');
      }
      expect(rows).toEqual([
        expect.objectContaining({
          pgid: main,
          startTime: readProcessStat(main)!.startTime,
          bootId,
        }),
      ]);
      process.kill(main, 'SIGTERM');
      await result;
      await expect(store.listForInstance('host-a')).resolves.toEqual([]);
    });

    it('records a container before it starts, and a restart removes it by name', async () => {
      const tracker = createStepProcessTracker({
        store,
        instanceId: 'host-a',
        logger,
      });
      // A docker stand-in that reports what is recorded while the container "runs".
      const seen: string[] = [];
      const docker = standIn('docker');
      const runner = new DockerRunner(
        readRunnerSettings(
          new ConfigReader({
            pipelineEngine: { runners: { docker: { command: docker.path } } },
          }),
        ),
        {
          processGroupStarted: tracker.processGroupStarted,
          containerStarting: async container => {
            const forget = await tracker.containerStarting(container);
            seen.push(
              ...(await store.listForInstance('host-a')).map(
                r => r.containerName ?? '',
              ),
            );
            return forget;
          },
        },
      );
      await runner.run(
        {
          argv: () => ['true'],
          env: {},
          container: { image: 'alpine:3.20' },
          purpose: 'test',
        },
        {
          workspace: tmpdir(),
          logger: recordingLogger(),
          signal: new AbortController().signal,
          label: 'Run_1',
        },
      );
      const [runArgs] = docker.calls();
      expect(seen).toEqual([runArgs[3]]);
      await expect(store.listForInstance('host-a')).resolves.toEqual([]);

      // As if the backend had been killed while it ran.
      await store.add({
        instanceId: 'host-a',
        containerName: 'pipeline-Run_1-0123abcd',
        containerCommand: docker.path,
      });
      await killLeftoverStepProcesses({ store, instanceId: 'host-a', logger });
      expect(docker.calls().at(-1)).toEqual([
        'rm',
        '-f',
        'pipeline-Run_1-0123abcd',
      ]);
      await expect(store.listForInstance('host-a')).resolves.toEqual([]);
    });
  },
);

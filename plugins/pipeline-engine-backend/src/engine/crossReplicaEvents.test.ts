import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { createPipelineEngineStores } from '../database';
import {
  createTestDatabases,
  initStores,
  replicaClients,
  TEST_DATABASE_IDS,
} from '../database/__testUtils__/testDatabases';
import { builtinStepHandlers } from '../steps';
import { pipelineYaml } from './__testUtils__/engineHarness';
import { testSteps } from './__testUtils__/testSteps';
import { createPipelineEngine } from '../createPipelineEngine';
import type { ExecutionEvent } from './executionEvents';
import { StepHandlerRegistry } from './stepHandlerRegistry';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const actor = { identity: 'user:default/jane' };
/** Longer than the test: only events can move anything. */
const NEVER = 600_000;

describe.each(TEST_DATABASE_IDS)(
  'execution events across replicas on %s',
  databaseId => {
    it('wakes the other replica, and carries its log lines and an abort back and forth', async () => {
      // Migrated once, before the replicas connect.
      const { knex } = await initStores(databases, databaseId);
      const { clients, destroy } = replicaClients(knex, 2);
      const [runner, front] = await Promise.all(
        clients.map(async (client, i) => {
          const stores = await createPipelineEngineStores({
            database: mockServices.database({ knex: client }),
          });
          const handlers = new StepHandlerRegistry();
          handlers.add(...builtinStepHandlers, ...testSteps);
          return createPipelineEngine({
            stores,
            handlers,
            logger: mockServices.logger.mock(),
            secrets: {},
            workspaceRoot: mkdtempSync(join(tmpdir(), `events-${i}-`)),
            defaultStepTimeoutMs: NEVER,
            expressionMode: 'strict',
            accountIdentifier: 'acc',
            worker: {
              concurrency: 2,
              leaseMs: 60_000,
              pollMs: NEVER,
              abortPollMs: NEVER,
              ownerId: `replica-${i}`,
            },
          });
        }),
      );
      // `front` only answers requests (no worker), `runner` only runs.
      const heard: ExecutionEvent[] = [];
      const waiters: Array<() => void> = [];
      front.events.subscribeAll(event => {
        heard.push(event);
        waiters.splice(0).forEach(wake => wake());
      });
      const hears = async (
        type: ExecutionEvent['type'],
        executionId: string,
      ) => {
        while (
          !heard.some(e => e.type === type && e.executionId === executionId)
        ) {
          await new Promise<void>(resolve => waiters.push(resolve));
        }
      };
      try {
        await front.events.start();
        runner.worker.start();
        await runner.events.start();
        await runner.worker.ready();

        const pipeline = await front.service.createPipeline(
          pipelineYaml(
            `- step:
    type: TestEcho
    name: hello
    identifier: hello
    spec:
      message: hello from the runner
- step:
    type: TestSleep
    name: wait
    identifier: wait
    spec:
      ms: ${NEVER}
`,
            { identifier: 'events' },
          ),
          actor,
        );
        const execution = await front.service.execute(pipeline, {}, actor);
        let logsWoken = 0;
        const unsubscribe = front.service.onLogs(
          execution.id,
          () => logsWoken++,
        );

        // The runner's worker polls every 10 minutes: only the event wakes it.
        await hears('logsAppended', execution.id);
        await hears('nodesChanged', execution.id);
        expect(logsWoken).toBeGreaterThan(0);
        const page = await front.service.readLogs(execution.id, {});
        expect(page.lines.map(l => l.line)).toContain('hello from the runner');
        expect(runner.worker.runningCount).toBe(1);

        // The runner checks for aborts every 10 minutes: only the event stops it.
        await front.service.abortExecution(execution.id, actor);
        await hears('finished', execution.id);
        expect((await front.service.getExecution(execution.id)).status).toBe(
          'Aborted',
        );
        unsubscribe();
      } finally {
        await runner.worker.stop();
        await front.events.stop();
        await destroy();
      }
    });
  },
);

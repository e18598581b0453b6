import { createPipelineEngineStores } from '../database';
import {
  createTestDatabases,
  replicaClients,
} from '../database/__testUtils__/testDatabases';
import { mockServices } from '@backstage/backend-test-utils';
import {
  createEngineHarness,
  pipelineYaml,
} from './__testUtils__/engineHarness';
import { calls, resetTestSteps } from './__testUtils__/testSteps';
import { createPipelineEngine } from '../createPipelineEngine';
import { StepHandlerRegistry } from './stepHandlerRegistry';
import { builtinStepHandlers } from '../steps';
import { testSteps } from './__testUtils__/testSteps';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(120_000);

const databases = createTestDatabases();
const COUNT = 200;

describe('scale-out on PostgreSQL', () => {
  // Always runs: scripts/test.sh and CI start PostgreSQL; without it this fails, never skips.
  it('two engine instances drain 200 queued executions, each run exactly once', async () => {
    resetTestSteps();
    const h = await createEngineHarness(databases, 'POSTGRES_15', {
      worker: { concurrency: 4 },
    });
    await h.engine.worker.stop();
    const created = await h.engine.service.createPipeline(
      pipelineYaml(
        `- step:
    type: TestEcho
    name: once
    identifier: once
    spec:
      message: ran
`,
        { identifier: 'scale' },
      ),
      { identity: 'user:default/jane' },
    );
    const ids: string[] = [];
    for (let i = 0; i < COUNT; i++) {
      ids.push(
        (
          await h.engine.service.execute(
            created,
            {},
            { identity: 'user:default/jane' },
          )
        ).id,
      );
    }
    const { clients, destroy } = replicaClients(h.knex, 2);
    const engines = await Promise.all(
      clients.map(async (knex, i) => {
        const stores = await createPipelineEngineStores({
          database: mockServices.database({ knex }),
        });
        const handlers = new StepHandlerRegistry();
        handlers.add(...builtinStepHandlers, ...testSteps);
        return createPipelineEngine({
          stores,
          handlers,
          logger: mockServices.logger.mock(),
          secrets: {},
          workspaceRoot: mkdtempSync(join(tmpdir(), `scale-${i}-`)),
          defaultStepTimeoutMs: 60_000,
          expressionMode: 'strict',
          accountIdentifier: 'acc',
          worker: {
            concurrency: 4,
            leaseMs: 5000,
            pollMs: 20,
            ownerId: `replica-${i}`,
          },
        });
      }),
    );
    try {
      engines.forEach(e => e.worker.start());
      const deadline = Date.now() + 100_000;
      for (;;) {
        const [{ n }] = await h
          .knex('executions')
          .whereIn('status', ['Queued', 'Running'])
          .count({ n: '*' });
        if (Number(n) === 0) break;
        if (Date.now() > deadline)
          throw new Error(`${n} executions still not done`);
        await new Promise(r => setTimeout(r, 50));
      }
      const executions = await h
        .knex('executions')
        .select('id', 'status', 'attempt');
      expect(executions).toHaveLength(COUNT);
      expect(
        executions.every(
          e => e.status === 'Success' && Number(e.attempt) === 1,
        ),
      ).toBe(true);
      const nodes = await h
        .knex('node_executions')
        .where({ identifier: 'once' })
        .select('execution_id', 'attempt', 'status');
      expect(nodes).toHaveLength(COUNT);
      expect(new Set(nodes.map(n => n.execution_id)).size).toBe(COUNT);
      expect(
        nodes.every(n => Number(n.attempt) === 1 && n.status === 'Success'),
      ).toBe(true);
      const perExecution = new Map<string, number>();
      for (const c of calls)
        perExecution.set(
          c.split(':')[0],
          (perExecution.get(c.split(':')[0]) ?? 0) + 1,
        );
      expect([...perExecution.keys()].sort()).toEqual([...ids].sort());
      expect([...perExecution.values()].every(v => v === 1)).toBe(true);
      expect(engines.map(e => e.worker.finishedCount).every(n => n > 0)).toBe(
        true,
      );
      expect(engines.reduce((sum, e) => sum + e.worker.finishedCount, 0)).toBe(
        COUNT,
      );
    } finally {
      await Promise.all(engines.map(e => e.worker.stop()));
      await destroy();
      await h.stop();
    }
  });
});

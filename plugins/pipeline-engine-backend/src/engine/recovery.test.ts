import {
  createTestDatabases,
  TEST_DATABASE_IDS,
} from '../database/__testUtils__/testDatabases';
import {
  createEngineHarness,
  pipelineYaml,
  statuses,
  type EngineHarness,
} from './__testUtils__/engineHarness';
import { calls, resetTestSteps } from './__testUtils__/testSteps';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const actor = { identity: 'user:default/jane' };

/*
 * A replica dies mid-step: its worker stops (no more heartbeats, no more
 * writes) while the step runs. Another replica takes the execution over once
 * the lease expires.
 */
describe.each(TEST_DATABASE_IDS)('recovery on %s', databaseId => {
  let h: EngineHarness;
  beforeEach(async () => {
    resetTestSteps();
    h = await createEngineHarness(databases, databaseId, {
      worker: { leaseMs: 600 },
    });
  });
  afterEach(async () => {
    await h.stop();
  });

  async function startAndKillMidStep(stepType: string, identifier: string) {
    const yaml = pipelineYaml(
      `- step:
    type: ${stepType}
    name: work
    identifier: work
    spec:
      ms: 800
- step:
    type: TestEcho
    name: after
    identifier: after
    spec:
      message: after
`,
      { identifier },
    );
    const created = await h.engine.service.createPipeline(yaml, actor);
    const execution = await h.engine.service.execute(created, {}, actor);
    // Die mid-step, once the step's Running state is stored (writes are batched).
    const running = async () =>
      (await h.stores.executions.listNodes(execution.id)).some(
        n => n.identifier === 'work' && n.status === 'Running',
      );
    for (let i = 0; i < 200 && !(calls.length && (await running())); i++)
      await new Promise(r => setTimeout(r, 10));
    expect(calls).toHaveLength(1);
    expect(await running()).toBe(true);
    await h.engine.worker.stop();
    const survivor = h.replica();
    return { id: execution.id, survivor };
  }

  it('runs an interrupted idempotent step again, once, and finishes', async () => {
    const { id } = await startAndKillMidStep('TestSleep', 'recover_idempotent');
    const detail = await h.waitFor(id);
    expect(detail.status).toBe('Success');
    const work = calls.filter(c => c.endsWith('.steps.work'));
    expect(work).toHaveLength(2);
    expect(statuses(detail)).toMatchObject({
      work: 'Success',
      after: 'Success',
      'pipeline.stages.main': 'Success',
    });
    const stored = await h.stores.executions.get(id);
    expect(stored.recoveryCount).toBe(1);
    expect(await h.logLines(id)).toContain(
      'the engine restarted during this step; running it again (it is idempotent)',
    );
  });

  it('fails an interrupted non-idempotent step with the interruption message and leaves nothing running', async () => {
    const { id } = await startAndKillMidStep('TestSleepOnce', 'recover_once');
    const detail = await h.waitFor(id);
    expect(detail.status).toBe('Failed');
    expect(detail.errorMessage).toBe(
      'interrupted: engine restarted during step pipeline.stages.main.spec.execution.steps.work',
    );
    expect(calls.filter(c => c.endsWith('.steps.work'))).toHaveLength(1);
    expect(calls.filter(c => c.endsWith('.steps.after'))).toHaveLength(0);
    const nodes = await h.stores.executions.listNodes(id);
    expect(nodes.map(n => [n.identifier, n.status])).toEqual([
      ['main', 'Failed'],
      ['work', 'Failed'],
    ]);
  });
});

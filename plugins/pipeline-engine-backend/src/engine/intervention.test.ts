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
const WORK = 'pipeline.stages.main.spec.execution.steps.work';

function interventionPipeline(
  identifier: string,
  onTimeout = 'Ignore',
): string {
  return pipelineYaml(
    `- step:
    type: TestFail
    name: work
    identifier: work
    spec:
      times: 1
    failureStrategies:
      - onFailure:
          errors: [AllErrors]
          action:
            type: ManualIntervention
            spec:
              timeout: 1h
              onTimeout:
                action:
                  type: ${onTimeout}
- step:
    type: TestEcho
    name: after
    identifier: after
    spec: {}
`,
    { identifier },
  );
}

/*
 * ManualIntervention: the failed step waits (InterventionWaiting, the
 * execution parked) for a person's action or its timeout.
 */
describe.each(TEST_DATABASE_IDS)('ManualIntervention on %s', databaseId => {
  let h: EngineHarness;
  beforeEach(async () => {
    resetTestSteps();
    h = await createEngineHarness(databases, databaseId);
  });
  afterEach(async () => {
    await h.stop();
  });

  async function startWaiting(
    identifier: string,
    onTimeout?: string,
  ): Promise<string> {
    const created = await h.engine.service.createPipeline(
      interventionPipeline(identifier, onTimeout),
      actor,
    );
    const execution = await h.engine.service.execute(created, {}, actor);
    for (let i = 0; i < 400; i++) {
      const stored = await h.stores.executions.get(execution.id);
      if (stored.status === 'InterventionWaiting' && !stored.leaseOwner)
        return execution.id;
      await new Promise(r => setTimeout(r, 25));
    }
    throw new Error('the execution did not wait for an intervention');
  }

  it('waits, and Retry runs the step again', async () => {
    const id = await startWaiting('intervene_retry');
    const node = await h.stores.executions.getNode(id, WORK);
    expect(node.status).toBe('InterventionWaiting');
    await h.engine.interventions.act(id, WORK, 'Retry', 'user:default/ann');
    const detail = await h.waitFor(id);
    expect(detail.status).toBe('Success');
    expect(statuses(detail)).toMatchObject({
      work: 'Success',
      after: 'Success',
    });
    expect(calls.filter(c => c.endsWith('.steps.work'))).toHaveLength(2);
    expect(await h.logLines(id)).toContain(
      'manual intervention: Retry chosen by user:default/ann',
    );
  });

  it('MarkAsSuccess continues without running the step again', async () => {
    const id = await startWaiting('intervene_success');
    await h.engine.interventions.act(
      id,
      WORK,
      'MarkAsSuccess',
      'user:default/ann',
    );
    const detail = await h.waitFor(id);
    expect(detail.status).toBe('Success');
    expect(statuses(detail)).toMatchObject({
      work: 'Success',
      after: 'Success',
    });
    expect(calls.filter(c => c.endsWith('.steps.work'))).toHaveLength(1);
  });

  it('Ignore continues with the failure ignored', async () => {
    const id = await startWaiting('intervene_ignore');
    await h.engine.interventions.act(id, WORK, 'Ignore', 'user:default/ann');
    const detail = await h.waitFor(id);
    expect(detail.status).toBe('IgnoreFailed');
    expect(statuses(detail)).toMatchObject({
      work: 'IgnoreFailed',
      after: 'Success',
    });
  });

  it('Abort ends the execution Aborted', async () => {
    const id = await startWaiting('intervene_abort');
    await h.engine.interventions.act(id, WORK, 'Abort', 'user:default/ann');
    const detail = await h.waitFor(id);
    expect(detail.status).toBe('Aborted');
    expect(statuses(detail).work).toBe('Failed');
    expect(calls.filter(c => c.endsWith('.steps.after'))).toHaveLength(0);
  });

  it('MarkAsFailure and StageRollback fail the step', async () => {
    const failed = await startWaiting('intervene_fail');
    await h.engine.interventions.act(
      failed,
      WORK,
      'MarkAsFailure',
      'user:default/ann',
    );
    expect((await h.waitFor(failed)).status).toBe('Failed');
    const rolledBack = await startWaiting('intervene_rollback');
    await h.engine.interventions.act(
      rolledBack,
      WORK,
      'StageRollback',
      'user:default/ann',
    );
    const detail = await h.waitFor(rolledBack);
    expect(detail.status).toBe('Failed');
    expect(statuses(detail).work).toBe('Failed');
    expect(await h.logLines(rolledBack)).toContain(
      'manual intervention: StageRollback chosen by user:default/ann',
    );
  });

  it('applies onTimeout when the timeout passes, even while no engine ran', async () => {
    const id = await startWaiting('intervene_timeout', 'MarkAsSuccess');
    await h.engine.worker.stop();
    const past = new Date(Date.now() - 1000);
    await h
      .knex('execution_waits')
      .where({ execution_id: id })
      .update({ deadline_at: past });
    await h.knex('executions').where({ id }).update({ wake_at: past });
    h.replica();
    const detail = await h.waitFor(id);
    expect(detail.status).toBe('Success');
    expect(statuses(detail)).toMatchObject({
      work: 'Success',
      after: 'Success',
    });
    expect(await h.logLines(id)).toContain(
      'manual intervention: no action before the timeout; applying MarkAsSuccess',
    );
  });

  it('refuses unknown actions, nodes that do not wait, and a second decision', async () => {
    const id = await startWaiting('intervene_errors');
    await expect(
      h.engine.interventions.act(id, WORK, 'Skip', 'user:default/ann'),
    ).rejects.toThrow(/action must be one of Retry/);
    await expect(
      h.engine.interventions.act(
        id,
        'pipeline.stages.main.spec.execution.steps.after',
        'Retry',
        'user:default/ann',
      ),
    ).rejects.toMatchObject({ name: 'NotFoundError' });
    const node = await h.stores.executions.getNode(id, WORK);
    await h.engine.interventions.act(id, node.id, 'Ignore', 'user:default/ann');
    await expect(
      h.engine.interventions.act(id, WORK, 'Retry', 'user:default/ann'),
    ).rejects.toMatchObject({
      name: 'ConflictError',
    });
  });
});

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
import { mockServices } from '@backstage/backend-test-utils';
import {
  calls,
  parkedNotices,
  parkHooks,
  resetTestSteps,
} from './__testUtils__/testSteps';
import { MASK } from './secretMasker';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const actor = { identity: 'user:default/jane' };

const PARKING = pipelineYaml(
  `- step:
    type: TestEcho
    name: before
    identifier: before
    spec:
      outputs:
        x: one
- step:
    type: TestPark
    name: gate
    identifier: gate
    timeout: 1h
    spec: {}
- step:
    type: TestEcho
    name: after
    identifier: after
    spec:
      message: <+pipeline.stages.main.spec.execution.steps.gate.output.outputVariables.answer>
`,
  { identifier: 'parking' },
);

/*
 * Parked executions hold no lease and no worker slot; they resume on any
 * replica when a wait is resolved or its deadline passes.
 */
describe.each(TEST_DATABASE_IDS)('parked executions on %s', databaseId => {
  let h: EngineHarness;
  beforeEach(async () => {
    resetTestSteps();
    h = await createEngineHarness(databases, databaseId, {
      worker: { concurrency: 1 },
    });
  });
  afterEach(async () => {
    await h.stop();
  });

  async function startParked(): Promise<string> {
    const created = await h.engine.service.createPipeline(PARKING, actor);
    const execution = await h.engine.service.execute(created, {}, actor);
    for (let i = 0; i < 400; i++) {
      const stored = await h.stores.executions.get(execution.id);
      if (stored.status === 'ApprovalWaiting' && !stored.leaseOwner)
        return execution.id;
      await new Promise(r => setTimeout(r, 25));
    }
    throw new Error('the execution did not park');
  }

  it('gives the lease and the slot up while parked, and resumes once the wait is resolved', async () => {
    const id = await startParked();
    const stored = await h.stores.executions.get(id);
    expect(stored.leaseExpiresAt).toBeUndefined();
    expect(h.engine.worker.runningCount).toBe(0);
    // The only slot is free: another execution runs to its end meanwhile.
    const other = await h.run(
      pipelineYaml(
        `- step:
    type: TestEcho
    name: e
    identifier: e
    spec: {}
`,
        { identifier: 'other' },
      ),
    );
    expect(other.status).toBe('Success');
    const [wait] = await h.stores.executions.listWaits(id);
    expect(wait).toMatchObject({
      kind: 'approval',
      status: 'Waiting',
      expired: false,
      payload: { label: 'test' },
    });
    expect(wait.nodeFqn).toBe('pipeline.stages.main.spec.execution.steps.gate');
    await h.stores.executions.resolveWait(wait.id, {
      status: 'Resolved',
      resolution: { answer: 'yes' },
    });
    h.engine.worker.wakeParked();
    const detail = await h.waitFor(id);
    expect(detail.status).toBe('Success');
    expect(statuses(detail)).toMatchObject({
      before: 'Success',
      gate: 'Success',
      after: 'Success',
    });
    // The finished step ran once; the parked one twice (park, resume).
    expect(calls.filter(c => c.endsWith('.steps.before'))).toHaveLength(1);
    expect(calls.filter(c => c.endsWith('.steps.gate'))).toHaveLength(2);
    expect(await h.logLines(id)).toContain('yes');
    expect((await h.stores.executions.get(id)).recoveryCount).toBe(0);
  });

  it('survives a restart while parked: a new engine resumes it', async () => {
    const id = await startParked();
    await h.engine.worker.stop();
    const [wait] = await h.stores.executions.listWaits(id);
    await h.stores.executions.resolveWait(wait.id, {
      status: 'Resolved',
      resolution: { answer: 'later' },
    });
    h.replica();
    const detail = await h.waitFor(id);
    expect(detail.status).toBe('Success');
    expect(await h.logLines(id)).toContain('later');
  });

  it('expires at its deadline even when it passed while no engine ran', async () => {
    const id = await startParked();
    await h.engine.worker.stop();
    // The deadline passes while nothing runs.
    const past = new Date(Date.now() - 60_000);
    await h
      .knex('execution_waits')
      .where({ execution_id: id })
      .update({ deadline_at: past });
    await h.knex('executions').where({ id }).update({ wake_at: past });
    h.replica();
    const detail = await h.waitFor(id);
    expect(detail.status).toBe('Expired');
    expect(statuses(detail)).toMatchObject({ gate: 'Expired' });
    expect(calls.filter(c => c.endsWith('.steps.after'))).toHaveLength(0);
  });

  it('is resumed by exactly one of two engines', async () => {
    const id = await startParked();
    const second = h.replica();
    const [wait] = await h.stores.executions.listWaits(id);
    await h.stores.executions.resolveWait(wait.id, {
      status: 'Resolved',
      resolution: { answer: 'once' },
    });
    h.engine.worker.wakeParked();
    second.worker.wakeParked();
    const detail = await h.waitFor(id);
    expect(detail.status).toBe('Success');
    expect(calls.filter(c => c.endsWith('.steps.gate'))).toHaveLength(2);
    expect(calls.filter(c => c.endsWith('.steps.after'))).toHaveLength(1);
    expect(h.engine.worker.finishedCount + second.worker.finishedCount).toBe(2);
  });

  it('ends Aborted when aborted while parked, with the waiting node aborted', async () => {
    const id = await startParked();
    await h.engine.service.abortExecution(id, actor);
    const detail = await h.waitFor(id);
    expect(detail.status).toBe('Aborted');
    expect(statuses(detail)).toMatchObject({ gate: 'Aborted' });
  });

  it('calls onParked once the wait is stored, with the masked payload, and not again when parking again on it', async () => {
    await h.stop();
    h = await createEngineHarness(databases, databaseId, {
      worker: { concurrency: 1 },
      secrets: { gate_key: 'parked-secret-value' },
    });
    const waitsSeenByNotices: string[][] = [];
    parkHooks.onParked = async executionId => {
      const waits = await h.stores.executions.listWaits(executionId);
      waitsSeenByNotices.push(waits.map(w => `${w.nodeFqn}:${w.status}`));
    };
    const created = await h.engine.service.createPipeline(
      pipelineYaml(
        `- parallel:
    - step:
        type: TestPark
        name: gate_a
        identifier: gate_a
        timeout: 1h
        spec:
          label: key <+secrets.getValue("gate_key")>
    - step:
        type: TestPark
        name: gate_b
        identifier: gate_b
        timeout: 1h
        spec: {}
`,
        { identifier: 'two_gates' },
      ),
      actor,
    );
    const { id } = await h.engine.service.execute(created, {}, actor);
    for (let i = 0; i < 400 && waitsSeenByNotices.length < 2; i++)
      await new Promise(r => setTimeout(r, 25));
    const gate = (name: string) =>
      `pipeline.stages.main.spec.execution.steps.${name}`;
    expect(
      parkedNotices.map(n => [n.executionId, n.fqn, n.payload.label]).sort(),
    ).toEqual([
      [id, gate('gate_a'), `key ${MASK}`],
      [id, gate('gate_b'), 'test'],
    ]);
    // Each was told once both waits were stored.
    for (const seen of waitsSeenByNotices)
      expect(seen.sort()).toEqual([
        `${gate('gate_a')}:Waiting`,
        `${gate('gate_b')}:Waiting`,
      ]);

    // gate_a resolved: the execution wakes and gate_b parks again on its
    // wait, still open; nobody is told a second time.
    const waits = await h.stores.executions.listWaits(id);
    const waitOf = (name: string) => waits.find(w => w.nodeFqn === gate(name))!;
    await h.stores.executions.resolveWait(waitOf('gate_a').id, {
      status: 'Resolved',
      resolution: {},
    });
    h.engine.worker.wakeParked();
    for (let i = 0; i < 400; i++) {
      const stored = await h.stores.executions.get(id);
      if (
        calls.filter(c => c.endsWith('.gate_b')).length === 2 &&
        stored.status === 'ApprovalWaiting' &&
        !stored.leaseOwner
      )
        break;
      await new Promise(r => setTimeout(r, 25));
    }
    await h.stores.executions.resolveWait(waitOf('gate_b').id, {
      status: 'Resolved',
      resolution: {},
    });
    h.engine.worker.wakeParked();
    expect((await h.waitFor(id)).status).toBe('Success');
    expect(calls.filter(c => c.endsWith('.gate_b'))).toHaveLength(3);
    expect(parkedNotices).toHaveLength(2);
  });

  it('parks and resumes as usual when onParked throws: one masked warning in the backend log', async () => {
    await h.stop();
    const logger = mockServices.logger.mock();
    h = await createEngineHarness(databases, databaseId, {
      worker: { concurrency: 1 },
      secrets: { gate_key: 'parked-secret-value' },
      logger,
    });
    parkHooks.onParked = () => {
      throw new Error('no luck with parked-secret-value');
    };
    const id = await startParked();
    for (
      let i = 0;
      i < 400 &&
      !logger.warn.mock.calls.some(([m]) => String(m).includes('onParked'));
      i++
    )
      await new Promise(r => setTimeout(r, 25));
    expect(logger.warn).toHaveBeenCalledWith(
      `execution ${id}: onParked of pipeline.stages.main.spec.execution.steps.gate failed: no luck with ${MASK}`,
    );
    const [wait] = await h.stores.executions.listWaits(id);
    await h.stores.executions.resolveWait(wait.id, {
      status: 'Resolved',
      resolution: { answer: 'fine' },
    });
    h.engine.worker.wakeParked();
    expect((await h.waitFor(id)).status).toBe('Success');
    const onParkedWarnings = logger.warn.mock.calls.filter(([message]) =>
      String(message).includes('onParked'),
    );
    expect(onParkedWarnings).toHaveLength(1);
  });

  it('refuses a second resolution of the same wait', async () => {
    const id = await startParked();
    const [wait] = await h.stores.executions.listWaits(id);
    await h.stores.executions.resolveWait(wait.id, {
      status: 'Resolved',
      resolution: {},
    });
    await expect(
      h.stores.executions.resolveWait(wait.id, {
        status: 'Resolved',
        resolution: {},
      }),
    ).rejects.toThrow(/already Resolved/);
  });
});

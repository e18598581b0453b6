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
import { resetTestSteps } from './__testUtils__/testSteps';

jest.setTimeout(60_000);

const databases = createTestDatabases();
type StoredPipeline = Awaited<
  ReturnType<EngineHarness['engine']['service']['createPipeline']>
>;
const actor = { identity: 'user:default/jane' };

/** Queue (scope Pipeline), then a gate the test opens, then maybe a failure. */
function holderPipeline(identifier: string, after = ''): string {
  return pipelineYaml(
    `- step:
    type: Queue
    name: queue
    identifier: queue
    timeout: 10m
    spec:
      key: repo-<+pipeline.variables.repo>
      scope: Pipeline
- step:
    type: TestPark
    name: gate
    identifier: gate
    timeout: 10m
    spec: {}
${after}`,
    {
      identifier,
      variables: `    - name: repo
      type: String
      value: shared
`,
    },
  );
}

/** Stage `first` queues (scope Stage) and ends; stage `second` waits at a gate. */
const STAGE_SCOPED = `pipeline:
  name: staged
  identifier: staged
  orgIdentifier: default
  projectIdentifier: default
  stages:
    - stage:
        name: first
        identifier: first
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: Queue
                  name: queue
                  identifier: queue
                  timeout: 10m
                  spec:
                    key: repo-shared
                    scope: Stage
              - step:
                  type: TestPark
                  name: gate
                  identifier: gate
                  timeout: 10m
                  spec: {}
    - stage:
        name: second
        identifier: second
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: TestPark
                  name: later
                  identifier: later
                  timeout: 10m
                  spec: {}
`;

/*
 * Queue step: one execution at a time per resolved key, in arrival order,
 * across replicas; queued executions are parked (ResourceWaiting, no lease)
 * and the key is handed on when the holder's scope ends in any way.
 */
describe.each(TEST_DATABASE_IDS)('Queue step on %s', databaseId => {
  let h: EngineHarness;
  beforeEach(async () => {
    resetTestSteps();
    h = await createEngineHarness(databases, databaseId);
  });
  afterEach(async () => {
    await h.stop();
  });

  async function statusOf(id: string) {
    return (await h.stores.executions.get(id)).status;
  }

  async function until(id: string, status: string): Promise<void> {
    for (let i = 0; i < 800; i++) {
      const stored = await h.stores.executions.get(id);
      if (stored.status === status && !stored.leaseOwner) return;
      await new Promise(r => setTimeout(r, 25));
    }
    throw new Error(`${id} is ${await statusOf(id)}, not ${status}`);
  }

  function start(created: StoredPipeline) {
    return h.engine.service.execute(created, {}, actor);
  }

  /** Opens the open TestPark gate of an execution. */
  async function openGate(id: string, node = '.steps.gate') {
    const waits = await h.stores.executions.listWaits(id);
    const gate = waits.find(
      w => w.nodeFqn.endsWith(node) && w.status === 'Waiting',
    );
    if (!gate) throw new Error(`no open gate ${node} in ${id}`);
    await h.stores.executions.resolveWait(gate.id, {
      status: 'Resolved',
      resolution: {},
    });
    h.engine.worker.wakeParked();
  }

  it('runs executions with the same key one at a time, in arrival order, across two engines', async () => {
    const second = h.replica();
    const created = await h.engine.service.createPipeline(
      holderPipeline('ordered'),
      actor,
    );
    const first = await start(created);
    await until(first.id, 'ApprovalWaiting');
    const queued = [];
    for (let i = 0; i < 3; i++) {
      const execution = await start(created);
      await until(execution.id, 'ResourceWaiting');
      queued.push(execution.id);
    }
    // Queued executions hold no lease and no worker slot.
    expect(h.engine.worker.runningCount + second.worker.runningCount).toBe(0);
    const [wait] = (await h.stores.executions.listWaits(queued[0])).filter(
      w => w.kind === 'queue',
    );
    expect(wait).toMatchObject({
      status: 'Waiting',
      payload: { key: 'repo-shared', scope: 'Pipeline' },
    });

    let holder = first.id;
    for (const next of queued) {
      await openGate(holder);
      second.worker.wakeParked();
      expect((await h.waitFor(holder)).status).toBe('Success');
      await until(next, 'ApprovalWaiting');
      // Everyone behind the new holder still waits its turn.
      for (const behind of queued.slice(queued.indexOf(next) + 1))
        expect(await statusOf(behind)).toBe('ResourceWaiting');
      holder = next;
    }
    await openGate(holder);
    expect((await h.waitFor(holder)).status).toBe('Success');
    const detail = await h.engine.service.getExecution(queued[2]);
    expect(statuses(detail)).toMatchObject({ queue: 'Success' });
  });

  it('hands the key on when the holder fails', async () => {
    const created = await h.engine.service.createPipeline(
      holderPipeline(
        'failing',
        `- step:
    type: TestFail
    name: boom
    identifier: boom
    spec: {}
`,
      ),
      actor,
    );
    const holder = await start(created);
    await until(holder.id, 'ApprovalWaiting');
    const waiter = await start(created);
    await until(waiter.id, 'ResourceWaiting');
    await openGate(holder.id);
    expect((await h.waitFor(holder.id)).status).toBe('Failed');
    await until(waiter.id, 'ApprovalWaiting');
  });

  it('hands the key on when the holder is aborted, and drops an aborted waiter from the queue', async () => {
    const created = await h.engine.service.createPipeline(
      holderPipeline('aborted'),
      actor,
    );
    const holder = await start(created);
    await until(holder.id, 'ApprovalWaiting');
    const abandoned = await start(created);
    await until(abandoned.id, 'ResourceWaiting');
    const waiter = await start(created);
    await until(waiter.id, 'ResourceWaiting');
    await h.engine.service.abortExecution(abandoned.id, actor);
    expect((await h.waitFor(abandoned.id)).status).toBe('Aborted');
    expect(await statusOf(waiter.id)).toBe('ResourceWaiting');
    await h.engine.service.abortExecution(holder.id, actor);
    expect((await h.waitFor(holder.id)).status).toBe('Aborted');
    await until(waiter.id, 'ApprovalWaiting');
  });

  it('with scope Stage, hands the key on when the stage ends, while the holder goes on', async () => {
    const created = await h.engine.service.createPipeline(STAGE_SCOPED, actor);
    const holder = await start(created);
    await until(holder.id, 'ApprovalWaiting');
    const waiter = await start(created);
    await until(waiter.id, 'ResourceWaiting');
    await openGate(holder.id);
    // The holder's first stage ended: it waits in its second stage and
    // the waiter has the key.
    await until(waiter.id, 'ApprovalWaiting');
    const holderWaits = await h.stores.executions.listWaits(holder.id);
    expect(
      holderWaits.find(w => w.nodeFqn.endsWith('.steps.later'))?.status,
    ).toBe('Waiting');
  });
});

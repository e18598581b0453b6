import {
  createTestDatabases,
  TEST_DATABASE_IDS,
} from '../database/__testUtils__/testDatabases';
import {
  createEngineHarness,
  pipelineYaml,
  statuses,
  type EngineHarness,
} from '../engine/__testUtils__/engineHarness';
import { resetTestSteps } from '../engine/__testUtils__/testSteps';
import { MASK } from '../engine/secretMasker';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const executor = { identity: 'user:default/jane', name: 'Jane' };

/** Catalog memberships of the test users. */
const groups: Record<string, string[]> = {
  'user:default/jane': ['group:default/admins'],
  'user:default/ann': ['group:default/admins'],
  'user:default/bob': ['group:default/admins', 'group:default/ops'],
  'user:default/eve': ['group:default/guests'],
};

function approvalPipeline(identifier: string, approval: string): string {
  return pipelineYaml(
    `- step:
    type: HarnessApproval
    name: approve
    identifier: approve
    timeout: 1d
    spec:
${approval.replace(/^/gm, '      ')}
- step:
    type: TestEcho
    name: after
    identifier: after
    spec:
      message: region <+pipeline.stages.main.spec.execution.steps.approve.output.approverInputs.region> and <+execution.steps.approve.output.approverInputs.region>
`,
    { identifier },
  );
}

const DEFAULT_APPROVAL = `approvalMessage: Create the repository for <+pipeline.name>?
includePipelineExecutionHistory: true
approvers:
  userGroups:
    - account.admins
  minimumCount: 1
  disallowPipelineExecutor: false
approverInputs:
  - name: region
    defaultValue: eu
isAutoRejectEnabled: false`;

describe.each(TEST_DATABASE_IDS)('HarnessApproval on %s', databaseId => {
  let h: EngineHarness;
  beforeEach(async () => {
    resetTestSteps();
    h = await createEngineHarness(databases, databaseId, {
      membership: async user => groups[user] ?? [],
    });
  });
  afterEach(async () => {
    await h.stop();
  });

  async function startWaiting(identifier: string, approval = DEFAULT_APPROVAL) {
    const created = await h.engine.service.createPipeline(
      approvalPipeline(identifier, approval),
      executor,
    );
    const execution = await h.engine.service.execute(created, {}, executor);
    for (let i = 0; i < 400; i++) {
      const [waiting] = await h.engine.approvals.listForExecution(execution.id);
      const stored = await h.stores.executions.get(execution.id);
      if (waiting && stored.status === 'ApprovalWaiting')
        return { id: execution.id, approval: waiting };
      await new Promise(r => setTimeout(r, 25));
    }
    throw new Error('the approval did not start waiting');
  }

  it('waits without a lease, and an approval resumes it with the approver inputs as outputs', async () => {
    const { id, approval } = await startWaiting('approve_once');
    expect(approval).toMatchObject({
      status: 'WAITING',
      approvalMessage: 'Create the repository for test?',
      userGroups: ['group:default/admins'],
      minimumCount: 1,
      approverInputs: [{ name: 'region', defaultValue: 'eu' }],
      stepIdentifier: 'approve',
      pipelineIdentifier: 'approve_once',
    });
    expect((await h.stores.executions.get(id)).leaseOwner).toBeUndefined();
    expect(await h.logLines(id)).toContain(
      'waiting for approval by group:default/admins (1 needed)',
    );
    const view = await h.engine.approvals.act(approval.id, 'user:default/ann', {
      action: 'APPROVE',
      comments: 'go',
      approverInputs: { region: 'us' },
    });
    expect(view.status).toBe('APPROVED');
    expect(view.activities).toEqual([
      expect.objectContaining({
        user: 'user:default/ann',
        action: 'APPROVE',
        comments: 'go',
        approverInputs: { region: 'us' },
      }),
    ]);
    expect(Date.parse(view.activities[0].createdAt)).not.toBeNaN();
    const detail = await h.waitFor(id);
    expect(detail.status).toBe('Success');
    expect(await h.logLines(id)).toContain('region us and us');
    expect(detail.outputs).toMatchObject({
      'pipeline.stages.main.spec.execution.steps.approve.output.outputVariables.region':
        'us',
    });
  });

  it('masks a secret resolved into the approval message, as in logs', async () => {
    await h.stop();
    h = await createEngineHarness(databases, databaseId, {
      membership: async user => groups[user] ?? [],
      secrets: { deploy_key: 'approval-secret-value' },
    });
    const { approval } = await startWaiting(
      'approve_secret',
      DEFAULT_APPROVAL.replace(
        'approvalMessage: Create the repository for <+pipeline.name>?',
        'approvalMessage: key <+secrets.getValue("deploy_key")>',
      ),
    );
    expect(approval.approvalMessage).toBe(`key ${MASK}`);
    expect(JSON.stringify(approval)).not.toContain('approval-secret-value');
  });

  it('uses the default of an approver input nobody set', async () => {
    const { id, approval } = await startWaiting('approve_default');
    await h.engine.approvals.act(approval.id, 'user:default/ann', {
      action: 'APPROVE',
    });
    expect((await h.waitFor(id)).status).toBe('Success');
    expect(await h.logLines(id)).toContain('region eu and eu');
  });

  it('fails the step when an approver rejects, and runs nothing after it', async () => {
    const { id, approval } = await startWaiting('reject');
    await h.engine.approvals.act(approval.id, 'user:default/bob', {
      action: 'REJECT',
      comments: 'not now',
    });
    const detail = await h.waitFor(id);
    expect(detail.status).toBe('Failed');
    expect(detail.errorMessage).toContain(
      'approval rejected by user:default/bob: not now',
    );
    expect(statuses(detail)).toMatchObject({
      approve: 'Failed',
      'pipeline.stages.main': 'Failed',
    });
    expect(statuses(detail).after).toBe('Skipped');
    const node = await h.stores.executions.getNode(
      id,
      'pipeline.stages.main.spec.execution.steps.approve',
    );
    expect(node.failureType).toBe('ApprovalRejection');
    const [after] = await h.engine.approvals.listForExecution(id);
    expect(after.status).toBe('REJECTED');
    await expect(
      h.engine.approvals.act(approval.id, 'user:default/ann', {
        action: 'APPROVE',
      }),
    ).rejects.toThrow(/already Rejected/);
  });

  it('needs minimumCount different approvers', async () => {
    const { id, approval } = await startWaiting(
      'two_approvers',
      DEFAULT_APPROVAL.replace('minimumCount: 1', 'minimumCount: 2'),
    );
    const first = await h.engine.approvals.act(
      approval.id,
      'user:default/ann',
      { action: 'APPROVE' },
    );
    expect(first.status).toBe('WAITING');
    await expect(
      h.engine.approvals.act(approval.id, 'user:default/ann', {
        action: 'APPROVE',
      }),
    ).rejects.toThrow('You already acted on this approval');
    expect((await h.stores.executions.get(id)).status).toBe('ApprovalWaiting');
    const second = await h.engine.approvals.act(
      approval.id,
      'user:default/bob',
      {
        action: 'APPROVE',
        approverInputs: { region: 'ap' },
      },
    );
    expect(second.status).toBe('APPROVED');
    expect((await h.waitFor(id)).status).toBe('Success');
    expect(await h.logLines(id)).toContain('region ap and ap');
  });

  it("refuses the pipeline's executor with disallowPipelineExecutor, and users outside the groups", async () => {
    const { approval } = await startWaiting(
      'no_executor',
      DEFAULT_APPROVAL.replace(
        'disallowPipelineExecutor: false',
        'disallowPipelineExecutor: true',
      ),
    );
    await expect(
      h.engine.approvals.act(approval.id, 'user:default/jane', {
        action: 'APPROVE',
      }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('disallowPipelineExecutor'),
    });
    await expect(
      h.engine.approvals.act(approval.id, 'user:default/eve', {
        action: 'APPROVE',
      }),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message:
        'user:default/eve is not a member of the approver groups group:default/admins',
    });
    await expect(
      h.engine.approvals.act(approval.id, 'user:default/ann', {
        action: 'APPROVE',
        approverInputs: { size: 'xl' },
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('approverInputs.size'),
    });
    // What each may act on.
    const mayRespond = async () => true;
    expect(
      (
        await h.engine.approvals.listWaiting('user:default/jane', mayRespond)
      ).map(a => a.id),
    ).toEqual([]);
    expect(
      (
        await h.engine.approvals.listWaiting('user:default/eve', mayRespond)
      ).map(a => a.id),
    ).toEqual([]);
    expect(
      (
        await h.engine.approvals.listWaiting('user:default/ann', mayRespond)
      ).map(a => a.id),
    ).toEqual([approval.id]);
    expect(
      await h.engine.approvals.listWaiting(
        'user:default/ann',
        async () => false,
      ),
    ).toEqual([]);
  });

  it('lets any signed-in user approve for _account_all_users', async () => {
    const { id, approval } = await startWaiting(
      'all_users',
      DEFAULT_APPROVAL.replace('- account.admins', '- _account_all_users'),
    );
    await h.engine.approvals.act(approval.id, 'user:default/eve', {
      action: 'APPROVE',
    });
    expect((await h.waitFor(id)).status).toBe('Success');
  });

  it('expires at its timeout, also when the deadline passed while no engine ran', async () => {
    const { id, approval } = await startWaiting('expire');
    await h.engine.worker.stop();
    const past = new Date(Date.now() - 1000);
    await h
      .knex('execution_waits')
      .where({ id: approval.id })
      .update({ deadline_at: past });
    await h.knex('executions').where({ id }).update({ wake_at: past });
    const replica = h.replica();
    const detail = await h.waitFor(id);
    expect(detail.status).toBe('Expired');
    expect(statuses(detail)).toMatchObject({ approve: 'Expired' });
    const [expired] = await replica.approvals.listForExecution(id);
    expect(expired.status).toBe('EXPIRED');
    await expect(
      replica.approvals.act(approval.id, 'user:default/ann', {
        action: 'APPROVE',
      }),
    ).rejects.toThrow(/timed out/);
  });

  it('is approved after a restart, through another replica', async () => {
    const { id, approval } = await startWaiting('restart');
    await h.engine.worker.stop();
    const replica = h.replica();
    await replica.approvals.act(approval.id, 'user:default/ann', {
      action: 'APPROVE',
    });
    expect((await h.waitFor(id)).status).toBe('Success');
  });
});

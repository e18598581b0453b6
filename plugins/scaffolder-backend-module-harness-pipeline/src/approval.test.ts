import {
  startBackend,
  template,
  waitFor,
  type TestBackend,
} from './__testUtils__/testBackend';

jest.setTimeout(120_000);

const APPROVAL = `pipeline:
  name: Approved onboarding
  identifier: approved
  orgIdentifier: default
  projectIdentifier: demo
  stages:
    - stage:
        name: gate
        identifier: gate
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: HarnessApproval
                  name: approve
                  identifier: approve
                  timeout: 1d
                  spec:
                    approvalMessage: Create the repository?
                    includePipelineExecutionHistory: true
                    approvers:
                      userGroups: [_account_all_users]
                      minimumCount: 1
                      disallowPipelineExecutor: false
                    approverInputs:
                      - name: region
                        defaultValue: eu
                    isAutoRejectEnabled: false
              - step:
                  type: Emit
                  name: create
                  identifier: create
                  spec:
                    outputs:
                      region: <+execution.steps.approve.output.approverInputs.region>
`;

const ANSI_COLOR = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');

/*
 * End to end: the scaffolder action waits for an approval given through
 * the engine's API, then finishes with the approver's input as output.
 */
describe('trigger:harness-custom-pipeline with a HarnessApproval step', () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startBackend();
    await backend.createPipeline(APPROVAL);
    backend.addTemplate(
      template(
        'approved',
        [
          {
            id: 'trigger',
            name: 'Creating your app',
            action: 'trigger:harness-custom-pipeline',
            input: {
              url: '/api/pipeline-engine/pipelines/default/demo/approved',
              showOutputVariables: true,
            },
          },
        ],
        {
          text: [
            { title: 'Region', content: '${{ steps.trigger.output.region }}' },
          ],
        },
      ),
    );
  });

  it('logs who must approve and where, keeps waiting, and finishes once approved', async () => {
    const taskId = await backend.startTask('approved');
    const approval = await waitFor(async () => {
      const res = await backend.call(
        'get',
        '/api/pipeline-engine/approvals?status=waiting',
      );
      return res.body.items?.[0] as
        { id: string; executionId: string; link: string } | undefined;
    }, 'the approval to wait');
    expect(approval.link).toMatch(
      new RegExp(`/executions/${approval.executionId}$`),
    );
    // The task keeps waiting while the approval is open.
    const task = await backend.call(
      'get',
      `/api/scaffolder/v2/tasks/${taskId}`,
    );
    expect(task.body.status).toBe('processing');

    const activity = await backend
      .call('post', `/api/pipeline-engine/approvals/${approval.id}/activity`, {
        action: 'APPROVE',
        comments: 'fine',
        approverInputs: { region: 'us' },
      })
      .expect(200);
    expect(activity.body.status).toBe('APPROVED');
    expect(activity.body.activities[0]).toMatchObject({
      user: 'user:default/jane',
      action: 'APPROVE',
    });

    const events = await backend.events(taskId);
    const done = events.find(e => e.type === 'completion')!;
    expect(done.body.error).toBeUndefined();
    expect(
      (done.body.output as { text: Array<{ content: string }> }).text[0]
        .content,
    ).toBe('us');
    const log = events
      .filter(e => e.type === 'log')
      .map(e =>
        String(e.body.message)
          .replace(ANSI_COLOR, '')
          .replace(/^(info|warn|error|debug): /, ''),
      );
    expect(log).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^\\[gate/approve\\] waiting for approval by _account_all_users \\(1 needed\\): .*/executions/${approval.executionId}$`,
        ),
      ),
    );
    expect(log).toContainEqual(
      expect.stringMatching(
        /^⏸ step gate\/approve waits for an approval \(ApprovalWaiting\)/,
      ),
    );
  });
});

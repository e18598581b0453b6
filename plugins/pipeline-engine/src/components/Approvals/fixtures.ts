import type { ApprovalView } from '@idp-pipelines/plugin-pipeline-engine-common';

/** A waiting approval of execution `exec-1` (pipeline default/demo/hello). */
export function waitingApproval(
  overrides: Partial<ApprovalView> = {},
): ApprovalView {
  return {
    id: 'approval-1',
    executionId: 'exec-1',
    orgIdentifier: 'default',
    projectIdentifier: 'demo',
    pipelineIdentifier: 'hello',
    nodeFqn: 'pipeline.stages.build.spec.execution.steps.approve',
    stepIdentifier: 'approve',
    stepName: 'Approve creation',
    status: 'WAITING',
    approvalMessage: 'Create repository payments?',
    userGroups: ['group:default/platform'],
    minimumCount: 2,
    disallowPipelineExecutor: false,
    approverInputs: [{ name: 'visibility', defaultValue: 'private' }],
    createdAt: '2026-12-01T10:00:05Z',
    activities: [
      {
        user: 'user:default/ann',
        action: 'APPROVE',
        comments: 'fine by me',
        approverInputs: {},
        createdAt: '2026-12-01T10:01:00Z',
      },
    ],
    ...overrides,
  };
}

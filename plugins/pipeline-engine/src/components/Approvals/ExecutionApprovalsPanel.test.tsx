import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { ExecutionDetail } from '@idp-pipelines/plugin-pipeline-engine-common';
import { pipelineEngineApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  executionDetail,
  mockPipelineEngineApi,
  node,
} from '../../testUtils/mockApi';
import { ExecutionApprovalsPanel } from './ExecutionApprovalsPanel';
import { waitingApproval } from './fixtures';

const STEPS = 'pipeline.stages.build.spec.execution.steps';

function parked(
  overrides: Partial<ExecutionDetail>,
  step: Parameters<typeof node>[0],
) {
  return executionDetail({
    endedAt: undefined,
    ...overrides,
    nodes: [
      node({
        fqn: 'pipeline.stages.build',
        nodeType: 'stage',
        name: 'Build',
        status: overrides.status,
        children: [node(step)],
      }),
    ],
  });
}

function apiFor(execution: ExecutionDetail) {
  return mockPipelineEngineApi({
    listExecutionApprovals: async () => ({
      items: [
        waitingApproval({ pipelineIdentifier: execution.pipelineIdentifier }),
      ],
      totalCount: 1,
    }),
    addApprovalActivity: async (_id, request) =>
      waitingApproval({
        pipelineIdentifier: execution.pipelineIdentifier,
        status: request.action === 'APPROVE' ? 'APPROVED' : 'REJECTED',
      }),
    interveneInExecution: async () => undefined,
  });
}

async function renderPanel(
  execution: ExecutionDetail,
  api: ReturnType<typeof apiFor>,
  authorize: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  onChange: () => void = () => {},
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [pipelineEngineApiRef, api],
        [permissionApiRef, mockApis.permission({ authorize })],
      ]}
    >
      <ExecutionApprovalsPanel execution={execution} onChange={onChange} />
    </TestApiProvider>,
    { mountedRoutes: { '/': rootRouteRef } },
  );
}

describe('ExecutionApprovalsPanel', () => {
  it('shows a waiting approval and approves it with the inputs and a comment', async () => {
    const execution = parked(
      { status: 'ApprovalWaiting' },
      {
        fqn: `${STEPS}.approve`,
        stepType: 'HarnessApproval',
        name: 'Approve creation',
        status: 'ApprovalWaiting',
      },
    );
    const api = apiFor(execution);
    const onChange = jest.fn();
    await renderPanel(execution, api, AuthorizeResult.ALLOW, onChange);

    const panel = await screen.findByRole('region', {
      name: 'Approval Approve creation',
    });
    expect(
      within(panel).getByText('Create repository payments?'),
    ).toBeInTheDocument();
    expect(within(panel).getByText(/Approvers: platform/)).toBeInTheDocument();
    expect(within(panel).getByText(/1 of 2 approvals/)).toBeInTheDocument();
    expect(within(panel).getByText('user:default/ann')).toBeInTheDocument();
    expect(within(panel).getByText('fine by me')).toBeInTheDocument();

    const visibility = within(panel).getByLabelText('visibility');
    expect(visibility).toHaveValue('private');
    fireEvent.change(visibility, { target: { value: 'public' } });
    fireEvent.change(within(panel).getByLabelText('Comments'), {
      target: { value: 'go' },
    });
    await userEvent.click(
      within(panel).getByRole('button', { name: 'Approve' }),
    );

    await waitFor(() =>
      expect(api.addApprovalActivity).toHaveBeenCalledWith('approval-1', {
        action: 'APPROVE',
        comments: 'go',
        approverInputs: { visibility: 'public' },
      }),
    );
    expect(
      await screen.findByText('Approve creation — Approved'),
    ).toBeInTheDocument();
    expect(api.listExecutionApprovals).toHaveBeenCalledWith('exec-1');
    // The page reloads the execution, which resumes once decided.
    expect(onChange).toHaveBeenCalled();
  });

  it('hides Approve and Reject from users the policy denies the respond permission', async () => {
    // Another pipeline: usePermission caches answers per resource across tests.
    const execution = parked(
      { status: 'ApprovalWaiting', pipelineIdentifier: 'denied' },
      {
        fqn: `${STEPS}.approve`,
        stepType: 'HarnessApproval',
        name: 'Approve creation',
        status: 'ApprovalWaiting',
      },
    );
    const api = apiFor(execution);
    const onChange = jest.fn();
    await renderPanel(execution, api, AuthorizeResult.DENY, onChange);
    expect(
      await screen.findByText('Create repository payments?'),
    ).toBeInTheDocument();
    await waitFor(() => expect(api.listExecutionApprovals).toHaveBeenCalled());
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Reject' })).toBeNull();
  });

  it('offers the intervention actions of a step waiting for one', async () => {
    const execution = parked(
      { status: 'InterventionWaiting', pipelineIdentifier: 'intervene' },
      {
        fqn: `${STEPS}.publish`,
        stepType: 'Run',
        name: 'Publish',
        status: 'InterventionWaiting',
        errorMessage: 'exit code 1',
      },
    );
    const api = apiFor(execution);
    const onChange = jest.fn();
    await renderPanel(execution, api, AuthorizeResult.ALLOW, onChange);
    const section = await screen.findByRole('region', {
      name: 'Intervention Publish',
    });
    for (const label of ['Retry', 'Mark as success', 'Ignore', 'Abort']) {
      expect(
        within(section).getByRole('button', { name: label }),
      ).toBeInTheDocument();
    }
    await userEvent.click(
      within(section).getByRole('button', { name: 'Mark as success' }),
    );
    await waitFor(() =>
      expect(api.interveneInExecution).toHaveBeenCalledWith(
        'exec-1',
        `${STEPS}.publish`,
        'MarkAsSuccess',
      ),
    );
    expect(onChange).toHaveBeenCalled();
    // No approval step: the approvals are not asked for.
    expect(api.listExecutionApprovals).not.toHaveBeenCalled();
  });
});

import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { pipelineEngineApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { mockPipelineEngineApi } from '../../testUtils/mockApi';
import { ApprovalsPage } from './ApprovalsPage';
import { waitingApproval } from './fixtures';

async function renderPage(api: ReturnType<typeof mockPipelineEngineApi>) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [pipelineEngineApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
        ],
      ]}
    >
      <ApprovalsPage />
    </TestApiProvider>,
    { mountedRoutes: { '/pipelines': rootRouteRef } },
  );
}

describe('ApprovalsPage', () => {
  it('lists the waiting approvals with a link to the execution, and rejects one', async () => {
    let waiting = [waitingApproval({ pipelineIdentifier: 'page' })];
    const api = mockPipelineEngineApi({
      listWaitingApprovals: async () => ({
        items: waiting,
        totalCount: waiting.length,
      }),
      addApprovalActivity: async () => {
        const decided = { ...waiting[0], status: 'REJECTED' as const };
        waiting = [];
        return decided;
      },
    });
    await renderPage(api);

    const link = await screen.findByRole('link', { name: 'default/demo/page' });
    expect(link).toHaveAttribute('href', '/pipelines/executions/exec-1');
    await userEvent.click(
      await screen.findByRole('button', { name: 'Reject' }),
    );
    await waitFor(() =>
      expect(api.addApprovalActivity).toHaveBeenCalledWith('approval-1', {
        action: 'REJECT',
      }),
    );
    expect(
      await screen.findByText('Nothing is waiting for your approval.'),
    ).toBeInTheDocument();
  });
});

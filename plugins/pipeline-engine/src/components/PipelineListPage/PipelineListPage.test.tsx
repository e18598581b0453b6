import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { pipelineEngineApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  executionSummary,
  mockPipelineEngineApi,
} from '../../testUtils/mockApi';
import { PipelineListPage } from './PipelineListPage';

const pipelines = [
  {
    orgIdentifier: 'default',
    projectIdentifier: 'demo',
    pipelineIdentifier: 'hello',
    name: 'Hello',
    version: 1,
    storeType: 'INLINE' as const,
    updatedAt: '2026-12-01T10:00:00Z',
  },
  {
    orgIdentifier: 'platform',
    projectIdentifier: 'infra',
    pipelineIdentifier: 'create_service',
    name: 'Create service',
    version: 3,
    storeType: 'REMOTE' as const,
    updatedAt: '2026-12-01T10:00:00Z',
  },
];

describe('PipelineListPage', () => {
  it('lists pipelines with their last run and filters them by org', async () => {
    const api = mockPipelineEngineApi({
      listPipelines: async () => ({ items: pipelines, totalCount: 2 }),
      listExecutions: async () => ({
        items: [
          executionSummary({ id: 'newest', status: 'Failed' }),
          executionSummary({ id: 'older', status: 'Success' }),
        ],
        totalCount: 2,
      }),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[pipelineEngineApiRef, api]]}>
        <PipelineListPage />
      </TestApiProvider>,
      { mountedRoutes: { '/pipelines': rootRouteRef } },
    );

    const hello = (await screen.findByText('Hello')).closest('tr')!;
    expect(within(hello).getByText('Failed').closest('a')).toHaveAttribute(
      'href',
      '/pipelines/executions/newest',
    );
    expect(screen.getByText('Hello').closest('a')).toHaveAttribute(
      'href',
      '/pipelines/default/demo/hello',
    );
    const service = screen.getByText('Create service').closest('tr')!;
    expect(within(service).getByText('Never run')).toBeInTheDocument();

    await userEvent.click(screen.getByLabelText('Org'));
    await userEvent.click(screen.getByRole('option', { name: 'platform' }));
    expect(screen.queryByText('Hello')).not.toBeInTheDocument();
    expect(screen.getByText('Create service')).toBeInTheDocument();
    expect(api.listPipelines).toHaveBeenCalledWith({ limit: 1000 });
  });
});

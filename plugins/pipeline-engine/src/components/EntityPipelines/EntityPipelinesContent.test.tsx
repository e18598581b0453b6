import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { NotFoundError } from '@backstage/errors';
import type { Entity } from '@backstage/catalog-model';
import { pipelineEngineApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  executionDetail,
  mockPipelineEngineApi,
} from '../../testUtils/mockApi';
import { EntityPipelinesContent } from './EntityPipelinesContent';
import { EntityPipelinesCard } from './EntityPipelinesCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'my-service',
    annotations: {
      'idp-pipelines.io/execution': 'exec-1, exec-gone',
      'idp-pipelines.io/pipelines': 'default/demo/hello, broken-ref',
    },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

describe('EntityPipelinesContent', () => {
  it('lists the executions recorded on the entity and the pipelines it can run', async () => {
    const api = mockPipelineEngineApi({
      getExecution: async id => {
        if (id === 'exec-1') return executionDetail();
        throw new NotFoundError(`no execution ${id}`);
      },
    });
    await renderInTestApp(
      <TestApiProvider apis={[[pipelineEngineApiRef, api]]}>
        <EntityProvider entity={entity}>
          <EntityPipelinesContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/pipelines': rootRouteRef } },
    );

    expect(await screen.findByText('Hello #7')).toHaveAttribute(
      'href',
      '/pipelines/executions/exec-1',
    );
    expect(screen.getByText('no execution exec-gone')).toBeInTheDocument();
    const pipelines = screen.getByRole('list', {
      name: 'Pipelines of this entity',
    });
    expect(within(pipelines).getAllByRole('link')).toHaveLength(1);
    expect(within(pipelines).getByText('Run hello')).toHaveAttribute(
      'href',
      '/pipelines/default/demo/hello?tab=run',
    );
  });

  it('shows the newest executions on the overview card', async () => {
    const api = mockPipelineEngineApi({
      getExecution: async id =>
        executionDetail({ id, sequenceId: id === 'exec-1' ? 1 : 2 }),
    });
    await renderInTestApp(
      <TestApiProvider apis={[[pipelineEngineApiRef, api]]}>
        <EntityProvider entity={entity}>
          <EntityPipelinesCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/pipelines': rootRouteRef } },
    );
    const list = await screen.findByRole('list', {
      name: 'Recent pipeline executions',
    });
    await within(list).findByText('Hello #2');
    // Newest (last in the annotation) first.
    expect(
      within(list)
        .getAllByRole('link')
        .map(link => link.textContent),
    ).toEqual(['Hello #2', 'Hello #1']);
    expect(screen.getByText('Run hello')).toBeInTheDocument();
  });
});

import { screen } from '@testing-library/react';
import { Route, Routes } from 'react-router-dom';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { pipelineEngineApiRef } from './api';
import { PipelineEnginePage, pipelineEnginePlugin } from './plugin';
import { rootRouteRef } from './routes';
import { executionDetail, mockPipelineEngineApi } from './testUtils/mockApi';

describe('pipelineEnginePlugin (legacy frontend system)', () => {
  it('registers its API and routes', () => {
    expect(pipelineEnginePlugin.getId()).toBe('pipeline-engine');
    expect(
      [...pipelineEnginePlugin.getApis()].map(factory => factory.api.id),
    ).toEqual([pipelineEngineApiRef.id]);
    expect(pipelineEnginePlugin.routes.root).toBe(rootRouteRef);
  });

  it('serves execution pages below the path the app mounts it at', async () => {
    const api = mockPipelineEngineApi({
      getExecution: async () => executionDetail(),
      followLogs: async () => ({ cursor: 0, complete: true }),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [pipelineEngineApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <Routes>
          <Route path="/pipelines/*" element={<PipelineEnginePage />} />
        </Routes>
      </TestApiProvider>,
      {
        routeEntries: ['/pipelines/executions/exec-1'],
        mountedRoutes: { '/pipelines': rootRouteRef },
      },
    );
    expect(await screen.findByText('Hello #7')).toBeInTheDocument();
    expect(api.getExecution).toHaveBeenCalledWith('exec-1');
  });
});

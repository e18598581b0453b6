import { screen } from '@testing-library/react';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { pipelineEngineApiRef } from './api';
import { pipelineEngineFrontendPlugin } from './alpha';
import {
  executionDetail,
  executionSummary,
  mockPipelineEngineApi,
} from './testUtils/mockApi';

describe('pipelineEngineFrontendPlugin', () => {
  const api = mockPipelineEngineApi({
    listPipelines: async () => ({ items: [], totalCount: 0 }),
    listExecutions: async () => ({
      items: [executionSummary()],
      totalCount: 1,
    }),
    getExecution: async () => executionDetail(),
    followLogs: async () => ({ cursor: 0, complete: true }),
  });

  it('serves the pipelines list at /pipelines', async () => {
    renderTestApp({
      features: [pipelineEngineFrontendPlugin],
      initialRouteEntries: ['/pipelines'],
      apis: [[pipelineEngineApiRef, api]],
    });
    expect(await screen.findByText('Pipelines (0)')).toBeInTheDocument();
  });

  it('serves execution pages under /pipelines/executions', async () => {
    renderTestApp({
      features: [pipelineEngineFrontendPlugin],
      initialRouteEntries: ['/pipelines/executions/exec-1'],
      apis: [[pipelineEngineApiRef, api]],
    });
    expect(await screen.findByText('Hello #7')).toBeInTheDocument();
  });
});

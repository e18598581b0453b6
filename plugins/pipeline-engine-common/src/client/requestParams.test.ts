import { PipelineEngineHttpClient } from './PipelineEngineHttpClient';
import {
  executionListQueryParams,
  ifMatchHeader,
  pipelinePathParams,
} from './requestParams';

const http = new PipelineEngineHttpClient({
  baseUrl: async () => 'http://engine',
  fetch: () => Promise.reject(new Error('no I/O in this test')),
});

describe('requestParams', () => {
  it('fills every per-pipeline path from a pipeline ref', async () => {
    const path = pipelinePathParams({
      orgIdentifier: 'default',
      projectIdentifier: 'my project',
      pipelineIdentifier: 'seed',
    });
    await expect(http.url('getPipeline', { path })).resolves.toBe(
      'http://engine/pipelines/default/my%20project/seed',
    );
    await expect(
      http.url('runTrigger', { path: { ...path, triggerId: 'push' } }),
    ).resolves.toBe(
      'http://engine/pipelines/default/my%20project/seed/triggers/push/run',
    );
  });

  it("maps the execution filter to openapi.yaml's query names", async () => {
    const query = executionListQueryParams({
      orgIdentifier: 'default',
      projectIdentifier: 'p',
      pipelineIdentifier: 'seed',
      status: 'Running,Queued',
      limit: 20,
      offset: 40,
    });
    await expect(http.url('listExecutions', { query })).resolves.toBe(
      'http://engine/executions?org=default&project=p&pipeline=seed&status=Running%2CQueued&limit=20&offset=40',
    );
    await expect(
      http.url('listExecutions', { query: executionListQueryParams({}) }),
    ).resolves.toBe('http://engine/executions');
  });

  it('sends If-Match only with an expected version', () => {
    expect(ifMatchHeader(3)).toEqual({ 'If-Match': '"3"' });
    expect(ifMatchHeader(0)).toEqual({ 'If-Match': '"0"' });
    expect(ifMatchHeader(undefined)).toEqual({});
  });
});

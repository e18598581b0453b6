import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  PipelineEngineClient,
  problemsOfError,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakePipelineEngine } from './__testUtils__/FakePipelineEngine';
import { createTestApp, sleep } from './__testUtils__/routerHarness';

const REF = {
  orgIdentifier: 'default',
  projectIdentifier: 'web',
  pipelineIdentifier: 'build',
};

/** The typed client of the node package against this router, over HTTP. */
describe('PipelineEngineClient against the router', () => {
  let server: Server;
  let api: FakePipelineEngine;
  let client: PipelineEngineClient;
  const options = { credentials: mockCredentials.user('user:default/jane') };

  beforeEach(async () => {
    api = new FakePipelineEngine();
    api.addPipeline(
      REF,
      'pipeline:\n  identifier: build\n  variables:\n    - name: repo\n      type: String\n      value: <+input>\n',
    );
    const { app } = await createTestApp({ api });
    server = app.listen(0, '127.0.0.1');
    await new Promise(resolve => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const baseUrl = `http://127.0.0.1:${port}`;
    client = new PipelineEngineClient({
      discovery: {
        getBaseUrl: async () => baseUrl,
        getExternalBaseUrl: async () => baseUrl,
      },
      auth: mockServices.auth({ pluginId: 'scaffolder' }),
    });
  });

  afterEach(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  it('executes, then follows the log to the end', async () => {
    const execution = await client.execute(
      REF,
      { inputSet: { repo: 'x' } },
      options,
    );
    expect(execution.status).toBe('Queued');
    expect(api.executeCalls[0].actor).toEqual({
      identity: 'user:default/jane',
    });

    api.appendLogs(execution.id, 'one', 'two');
    const lines: string[] = [];
    const following = client.followLogs(execution.id, options, line => {
      lines.push(line.line);
    });
    await sleep(50);
    api.appendLogs(execution.id, 'three');
    api.finish(execution.id);
    await expect(following).resolves.toEqual({ cursor: 3, complete: true });
    expect(lines).toEqual(['one', 'two', 'three']);
  });

  it('surfaces runtime-input problems with line:col', async () => {
    const error = await client.execute(REF, {}, options).catch(e => e);
    expect(error.statusCode).toBe(400);
    expect(problemsOfError(error)).toEqual([
      expect.objectContaining({
        path: 'pipeline.variables.repo',
        line: 6,
        column: 14,
      }),
    ]);
  });

  it('re-runs an ended execution through the client', async () => {
    const original = api.addExecution(REF, 'Failed');
    const rerun = await client.rerunExecution(
      original.id,
      { fromStage: 'deploy', inputs: { inputSet: { repo: 'y' } } },
      options,
    );
    expect(rerun).toMatchObject({
      status: 'Queued',
      rerunOf: original.id,
      rerunFromStage: 'deploy',
    });
    expect(api.rerunCalls[0].request).toEqual({
      fromStage: 'deploy',
      inputs: { inputSet: { repo: 'y' } },
    });
  });
});

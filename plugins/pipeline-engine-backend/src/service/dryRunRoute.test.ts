import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { FakePipelineEngine } from './__testUtils__/FakePipelineEngine';
import { createTestApp, USER } from './__testUtils__/routerHarness';

const REF = {
  orgIdentifier: 'default',
  projectIdentifier: 'web',
  pipelineIdentifier: 'build',
};
const URL = '/pipelines/default/web/build/execute/dry-run';

function seeded() {
  const api = new FakePipelineEngine();
  api.addPipeline(
    REF,
    'pipeline:\n  identifier: build\n  variables:\n    - name: repo\n      type: String\n      value: <+input>\n',
  );
  return api;
}

describe('POST /pipelines/:org/:project/:pipelineId/execute/dry-run', () => {
  it('answers 200 with the problems as data and runs nothing', async () => {
    const { app, api } = await createTestApp({ api: seeded() });
    const res = await request(app)
      .post(URL)
      .set('Authorization', USER)
      .send({ inputSet: {} });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      ok: false,
      problems: [
        expect.objectContaining({
          path: 'pipeline.variables.repo',
          line: 6,
          column: 14,
        }),
      ],
    });
    expect(api.executeCalls).toHaveLength(0);
    expect(api.executions.size).toBe(0);
  });

  it('passes a bare input set as the request, like execute', async () => {
    const { app, api } = await createTestApp({ api: seeded() });
    const res = await request(app)
      .post(URL)
      .set('Authorization', USER)
      .send({ repo: 'x' });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(api.dryRunCalls[0].request.inputSet).toEqual({ repo: 'x' });
  });

  it('needs read permission on the pipeline', async () => {
    const { app, permissions } = await createTestApp({
      api: seeded(),
      policy: permission => ({
        result:
          permission.name === 'pipeline-engine.pipeline.read'
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      }),
    });
    const res = await request(app)
      .post(URL)
      .set('Authorization', USER)
      .send({});
    expect(res.status).toBe(403);
    expect(permissions.asked).toContainEqual({
      permission: 'pipeline-engine.pipeline.read',
      resourceRef: 'default:web:build',
    });
  });

  it('answers 401 without credentials and 404 for unknown pipelines', async () => {
    const { app, api } = await createTestApp({ api: seeded() });
    const anonymous = await request(app).post(URL).send({});
    expect(anonymous.status).toBe(401);
    const missing = await request(app)
      .post('/pipelines/default/web/nope/execute/dry-run')
      .set('Authorization', USER)
      .send({});
    expect(missing.status).toBe(404);
    expect(api.dryRunCalls).toHaveLength(0);
  });
});

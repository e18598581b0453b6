import {
  AuthorizeResult,
  type Permission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type { PipelineRef } from '@idp-pipelines/plugin-pipeline-engine-common';
import request from 'supertest';
import { listRegisteredRoutes } from './__testUtils__/routes';
import { createTestApp, mockAdmin, USER } from './__testUtils__/routerHarness';
import { FakePipelineEngine } from './__testUtils__/FakePipelineEngine';

const WEB: PipelineRef = {
  orgIdentifier: 'default',
  projectIdentifier: 'web',
  pipelineIdentifier: 'build',
};
const WEB_URL = '/pipelines/default/web/build';

/** `{"a":{"a":...}}` nested `depth` levels, built without recursion. */
function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 'x' };
  for (let i = 1; i < depth; i++) value = { a: value };
  return value;
}

/** The JSON text of {@link nested}, for depths JSON.stringify cannot reach. */
function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth - 1)}{"leaf":"x"}${'}'.repeat(depth - 1)}`;
}

const denyOnly =
  (name: string) =>
  (permission: Permission): PolicyDecision => ({
    result:
      permission.name === name ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
  });

async function app(options: Parameters<typeof createTestApp>[0] = {}) {
  const api = options.api ?? new FakePipelineEngine();
  api.addPipeline(WEB);
  return createTestApp({ ...options, api });
}

describe('bad request bodies are 4xx, never 500 (finding 9)', () => {
  it('answers 400 for an execute body nested 100k levels deep, and runs nothing', async () => {
    const { app: server, api } = await app();
    const res = await request(server)
      .post(`${WEB_URL}/execute`)
      .set('Authorization', USER)
      .set('Content-Type', 'application/json')
      .send(`{"inputSet": {"name": ${nestedJson(100_000)}}}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      name: 'InputError',
      message:
        'the request body is nested more than 64 levels deep; at most 64 levels of maps and lists are accepted',
    });
    expect(api.executeCalls).toHaveLength(0);
  });

  it('answers 400 for a YAML body with deeply nested flow collections', async () => {
    const { app: server, api } = await app();
    const res = await request(server)
      .post(`${WEB_URL}/execute`)
      .set('Authorization', USER)
      .set('Content-Type', 'application/yaml')
      .send(`name: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/nested more than 64 levels/);
    expect(api.executeCalls).toHaveLength(0);
  });

  it('answers 400 for a trigger payload nested 5k levels deep', async () => {
    const admin = mockAdmin();
    admin.runTrigger.mockResolvedValue({ id: 'e1' } as never);
    const { app: server } = await app({ admin });
    const res = await request(server)
      .post(`${WEB_URL}/triggers/t/run`)
      .set('Authorization', USER)
      .set('Content-Type', 'application/json')
      .send(nestedJson(5_000));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/nested more than 64 levels/);
    expect(admin.runTrigger).not.toHaveBeenCalled();
  });

  it('accepts a body nested exactly 64 levels', async () => {
    const { app: server, api } = await app();
    await request(server)
      .post(`${WEB_URL}/execute`)
      .set('Authorization', USER)
      .send({ inputSet: { name: nested(62) } })
      .expect(201);
    expect(api.executeCalls).toHaveLength(1);
  });

  it.each([
    ['application/x-www-form-urlencoded', 'name=x'],
    ['multipart/form-data; boundary=b', '--b\r\n\r\nx\r\n--b--'],
    ['application/xml', '<name>x</name>'],
  ])(
    'answers 415 for a %s body instead of running with no inputs',
    async (type, body) => {
      const { app: server, api } = await app();
      const res = await request(server)
        .post(`${WEB_URL}/execute`)
        .set('Authorization', USER)
        .set('Content-Type', type)
        .send(body);
      expect(res.status).toBe(415);
      expect(res.body.error.message).toBe(
        `Content-Type ${type} is not supported; send application/json or application/yaml`,
      );
      expect(api.executeCalls).toHaveLength(0);
    },
  );

  it('still accepts requests without a body, and JSON or YAML bodies', async () => {
    const { app: server, api } = await app();
    await request(server)
      .post(`${WEB_URL}/execute`)
      .set('Authorization', USER)
      .expect(201);
    await request(server)
      .post(`${WEB_URL}/execute`)
      .set('Authorization', USER)
      .send({ name: 'x' })
      .expect(201);
    await request(server)
      .post(`${WEB_URL}/execute`)
      .set('Authorization', USER)
      .set('Content-Type', 'application/yaml; charset=utf-8')
      .send('name: x\n')
      .expect(201);
    expect(api.executeCalls).toHaveLength(3);
  });

  it('guards every route the router registers (their paths share the guarded prefixes)', async () => {
    const { router } = await app();
    for (const route of listRegisteredRoutes(router)) {
      expect(route.path).toMatch(
        /^\/(pipelines|executions|execution-config|templates|approvals)(\/|$)/,
      );
    }
  });
});

describe('read-level routes need a permission (finding 4)', () => {
  it('answers 403 on /pipelines/validate without pipeline-engine.pipeline.create', async () => {
    const { app: server } = await app({
      policy: denyOnly('pipeline-engine.pipeline.create'),
    });
    const res = await request(server)
      .post('/pipelines/validate')
      .set('Authorization', USER)
      .set('Content-Type', 'application/yaml')
      .send('pipeline: {identifier: x}\n');
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
  });

  it('validates for a user who may create pipelines', async () => {
    const { app: server, permissions } = await app();
    await request(server)
      .post('/pipelines/validate')
      .set('Authorization', USER)
      .set('Content-Type', 'application/yaml')
      .send('pipeline: {identifier: x}\n')
      .expect(200);
    expect(permissions.asked).toEqual([
      { permission: 'pipeline-engine.pipeline.create' },
    ]);
  });

  it.each(['get-default-config', 'get-customer-config'])(
    'answers 403 on %s without pipeline-engine.execution-config.read',
    async route => {
      const admin = mockAdmin();
      const { app: server } = await app({
        admin,
        policy: denyOnly('pipeline-engine.execution-config.read'),
      });
      const res = await request(server)
        .get(`/execution-config/${route}?infra=K8`)
        .set('Authorization', USER);
      expect(res.status).toBe(403);
      expect(admin.getDefaultExecutionConfig).not.toHaveBeenCalled();
      expect(admin.getCustomerExecutionConfig).not.toHaveBeenCalled();
    },
  );
});

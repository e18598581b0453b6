import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthenticationError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  type Permission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type { PipelineRef } from '@idp-pipelines/plugin-pipeline-engine-common';
import request from 'supertest';
import { pipelineConditions } from './permissionRules';
import { listRegisteredRoutes } from './__testUtils__/routes';
import { createTestApp, mockAdmin, USER } from './__testUtils__/routerHarness';
import { FakePipelineEngine } from './__testUtils__/FakePipelineEngine';
import { AdmissionGate } from '../engine/admissionGate';

const WEB: PipelineRef = {
  orgIdentifier: 'default',
  projectIdentifier: 'web',
  pipelineIdentifier: 'build',
};
const WEB_DEPLOY: PipelineRef = { ...WEB, pipelineIdentifier: 'deploy' };
const OPS: PipelineRef = {
  orgIdentifier: 'default',
  projectIdentifier: 'ops',
  pipelineIdentifier: 'build',
};
const OTHER_ORG: PipelineRef = {
  orgIdentifier: 'acme',
  projectIdentifier: 'web',
  pipelineIdentifier: 'build',
};
const WEB_URL = '/pipelines/default/web/build';

const deny = (): PolicyDecision => ({ result: AuthorizeResult.DENY });

/** A policy allowing everything but `name`. */
const denyOnly =
  (name: string) =>
  (permission: Permission): PolicyDecision =>
    permission.name === name
      ? { result: AuthorizeResult.DENY }
      : { result: AuthorizeResult.ALLOW };

/** A policy limiting pipeline permissions to project default/web. */
const onlyWebProject = (permission: Permission): PolicyDecision =>
  'resourceType' in permission
    ? {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'pipeline-engine',
        resourceType: permission.resourceType,
        conditions: pipelineConditions.isInProject({
          orgIdentifier: 'default',
          projectIdentifier: 'web',
        }),
      }
    : { result: AuthorizeResult.ALLOW };

const REQUIRED_INPUTS_YAML = `pipeline:
  identifier: build
  variables:
    - name: repo
      type: String
      value: <+input>
    - name: owner
      type: String
      value: <+input>
`;

function seeded(api = new FakePipelineEngine()) {
  for (const ref of [WEB, WEB_DEPLOY, OPS, OTHER_ORG]) api.addPipeline(ref);
  return api;
}

describe('createRouter', () => {
  describe('authentication', () => {
    it('answers 401 on every route without credentials', async () => {
      const { app, router, admin } = await createTestApp({ api: seeded() });
      const routes = listRegisteredRoutes(router);
      expect(routes.length).toBeGreaterThan(20);
      for (const route of routes) {
        const path = route.path
          .replace(':org', 'default')
          .replace(':project', 'web')
          .replace(':pipelineId', 'build')
          .replace(/:\w+/g, 'x');
        const res = await request(app)
          [route.method](path)
          .set('Content-Type', 'application/json')
          .send(route.method === 'get' ? undefined : '{}');
        expect({
          route: `${route.method} ${route.path}`,
          status: res.status,
        }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 401,
        });
      }
      expect(admin.runTrigger).not.toHaveBeenCalled();
    });

    it('answers 401 before validating: an invalid query and body change nothing', async () => {
      const { app, router } = await createTestApp({ api: seeded() });
      for (const route of listRegisteredRoutes(router)) {
        const path = route.path
          .replace(':org', 'default')
          .replace(':project', 'web')
          .replace(':pipelineId', 'build')
          .replace(/:\w+/g, 'x');
        const res = await request(app)
          [route.method](`${path}?limit=-1&infra=nope&status=all`)
          .set('Content-Type', 'application/json')
          .send(route.method === 'get' ? undefined : '[1, {"from": 2}]');
        expect({
          route: `${route.method} ${path}`,
          status: res.status,
        }).toEqual({ route: `${route.method} ${path}`, status: 401 });
      }
    });

    it('answers 403 before validating a request the caller may not make', async () => {
      const { app } = await createTestApp({
        api: seeded(),
        policy: denyOnly('pipeline-engine.execution-config.update'),
      });
      const res = await request(app)
        .post('/execution-config/update-config?infra=nope')
        .set('Authorization', USER)
        .send({ not: 'a list' });
      expect(res.status).toBe(403);
    });

    it('validates against openapi.yaml once authorized, naming the field and what it must be', async () => {
      const { app } = await createTestApp({ api: seeded() });
      const res = await request(app)
        .post('/execution-config/update-config?infra=nope')
        .set('Authorization', USER)
        .send({ not: 'a list' });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        "Query parameter 'infra' must be one of: K8, VM (got 'nope'); The request body must be a list (got an object)",
      );
    });

    it('accepts service principals and records them as the actor', async () => {
      const { app, api } = await createTestApp({ api: seeded() });
      const res = await request(app)
        .post(`${WEB_URL}/execute`)
        .set('Authorization', mockCredentials.service.header())
        .send({});
      expect(res.status).toBe(201);
      expect(api.executeCalls[0].actor.identity).toMatch(/^external:|^plugin:/);
    });
  });

  describe('authorization', () => {
    it('checks resource permissions with org:project:pipeline refs', async () => {
      const { app, permissions } = await createTestApp({ api: seeded() });
      await request(app).get(WEB_URL).set('Authorization', USER).expect(200);
      await request(app)
        .put(WEB_URL)
        .set('Authorization', USER)
        .set('Content-Type', 'application/yaml')
        .send('pipeline:\n  identifier: build\n')
        .expect(200);
      await request(app)
        .post(`${WEB_URL}/execute`)
        .set('Authorization', USER)
        .send({})
        .expect(201);
      await request(app).delete(WEB_URL).set('Authorization', USER).expect(204);
      expect(permissions.asked).toEqual([
        {
          permission: 'pipeline-engine.pipeline.read',
          resourceRef: 'default:web:build',
        },
        {
          permission: 'pipeline-engine.pipeline.update',
          resourceRef: 'default:web:build',
        },
        {
          permission: 'pipeline-engine.pipeline.execute',
          resourceRef: 'default:web:build',
        },
        {
          permission: 'pipeline-engine.pipeline.delete',
          resourceRef: 'default:web:build',
        },
      ]);
    });

    it.each([
      ['get', WEB_URL, 'pipeline-engine.pipeline.read'],
      ['put', WEB_URL, 'pipeline-engine.pipeline.update'],
      ['delete', WEB_URL, 'pipeline-engine.pipeline.delete'],
      ['post', `${WEB_URL}/execute`, 'pipeline-engine.pipeline.execute'],
      ['post', '/pipelines', 'pipeline-engine.pipeline.create'],
      ['get', '/pipelines', 'pipeline-engine.pipeline.read'],
      ['get', `${WEB_URL}/input-sets`, 'pipeline-engine.pipeline.read'],
      ['post', `${WEB_URL}/input-sets`, 'pipeline-engine.pipeline.update'],
      ['delete', `${WEB_URL}/triggers/t`, 'pipeline-engine.pipeline.update'],
      ['post', `${WEB_URL}/triggers/t/run`, 'pipeline-engine.pipeline.execute'],
      [
        'post',
        '/execution-config/update-config?infra=K8',
        'pipeline-engine.execution-config.update',
      ],
    ] as const)(
      'answers 403 for %s %s when %s is denied',
      async (method, url, name) => {
        const { app, api } = await createTestApp({
          api: seeded(),
          policy: denyOnly(name),
        });
        const res = await request(app)
          [method](url)
          .set('Authorization', USER)
          .set('Content-Type', 'application/json')
          .send(
            method === 'get'
              ? undefined
              : '{"yaml": "pipeline: {identifier: x}"}',
          );
        expect(res.status).toBe(403);
        expect(res.body.error.name).toBe('NotAllowedError');
        expect(api.executeCalls).toHaveLength(0);
      },
    );

    it("checks abort against the execution's pipeline", async () => {
      const api = seeded();
      const execution = api.addExecution(OPS);
      const { app, permissions } = await createTestApp({
        api,
        policy: onlyWebProject,
      });
      const res = await request(app)
        .post(`/executions/${execution.id}/abort`)
        .set('Authorization', USER);
      expect(res.status).toBe(403);
      expect(permissions.asked).toContainEqual({
        permission: 'pipeline-engine.execution.abort',
        resourceRef: 'default:ops:build',
      });
      expect(api.executions.get(execution.id)!.status).toBe('Running');
    });

    it('applies conditional decisions to single pipelines', async () => {
      const { app } = await createTestApp({
        api: seeded(),
        policy: onlyWebProject,
      });
      const web = await request(app).get(WEB_URL).set('Authorization', USER);
      expect(web.status).toBe(200);
      const ops = await request(app)
        .get('/pipelines/default/ops/build')
        .set('Authorization', USER);
      expect(ops.status).toBe(403);
    });

    it('filters pipeline lists by conditional decisions, with honest paging', async () => {
      const api = seeded();
      for (let i = 0; i < 7; i++) {
        api.addPipeline({ ...OPS, pipelineIdentifier: `ops_${i}` });
        api.addPipeline({ ...WEB, pipelineIdentifier: `web_${i}` });
      }
      const { app } = await createTestApp({ api, policy: onlyWebProject });
      const all = await request(app)
        .get('/pipelines?limit=100')
        .set('Authorization', USER)
        .expect(200);
      expect(all.body.totalCount).toBe(9);
      expect(
        all.body.items.every(
          (p: PipelineRef) =>
            p.orgIdentifier === 'default' && p.projectIdentifier === 'web',
        ),
      ).toBe(true);
      const page = await request(app)
        .get('/pipelines?limit=3&offset=3')
        .set('Authorization', USER)
        .expect(200);
      expect(page.body.totalCount).toBe(9);
      expect(
        page.body.items.map((p: PipelineRef) => p.pipelineIdentifier),
      ).toEqual(
        all.body.items
          .slice(3, 6)
          .map((p: PipelineRef) => p.pipelineIdentifier),
      );
    });

    it('filters execution lists by conditional decisions', async () => {
      const api = seeded();
      const visible = api.addExecution(WEB);
      api.addExecution(OPS);
      const { app } = await createTestApp({ api, policy: onlyWebProject });
      const res = await request(app)
        .get('/executions?org=default&project=web')
        .set('Authorization', USER)
        .expect(200);
      expect(res.body.items.map((e: { id: string }) => e.id)).toEqual([
        visible.id,
      ]);
      const ops = await request(app)
        .get('/executions?org=default&project=ops')
        .set('Authorization', USER)
        .expect(200);
      expect(ops.body).toEqual({ items: [], totalCount: 0 });
      await request(app)
        .get('/executions?org=default&project=ops&pipeline=build')
        .set('Authorization', USER)
        .expect(403);
    });

    it('answers 403 on lists when the policy denies outright', async () => {
      const { app } = await createTestApp({ api: seeded(), policy: deny });
      const pipelines = await request(app)
        .get('/pipelines')
        .set('Authorization', USER);
      expect(pipelines.status).toBe(403);
      const executions = await request(app)
        .get('/executions')
        .set('Authorization', USER);
      expect(executions.status).toBe(403);
    });
  });

  describe('pipelines', () => {
    it('creates from YAML text and from JSON {yaml}', async () => {
      const { app, api } = await createTestApp();
      await request(app)
        .post('/pipelines')
        .set('Authorization', USER)
        .set('Content-Type', 'application/yaml')
        .send(
          'pipeline:\n  identifier: one\n  orgIdentifier: default\n  projectIdentifier: web\n',
        )
        .expect(201);
      await request(app)
        .post('/pipelines')
        .set('Authorization', USER)
        .set('Content-Type', 'text/yaml')
        .send('pipeline:\n  identifier: two\n')
        .expect(201);
      const res = await request(app)
        .post('/pipelines')
        .set('Authorization', USER)
        .send({ yaml: 'pipeline:\n  identifier: three\n' })
        .expect(201);
      expect(res.body.pipelineIdentifier).toBe('three');
      expect([...api.pipelines.keys()]).toEqual([
        'default/web/one',
        'default/default/two',
        'default/default/three',
      ]);
    });

    it('answers 400 with line:col problems for broken YAML', async () => {
      const { app } = await createTestApp();
      const res = await request(app)
        .post('/pipelines')
        .set('Authorization', USER)
        .set('Content-Type', 'application/yaml')
        .send('pipeline:\n  identifier: x\n  name: [unclosed\n');
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.problems.length).toBeGreaterThan(0);
      expect(res.body.problems[0]).toEqual(
        expect.objectContaining({
          severity: 'error',
          line: expect.any(Number),
          column: expect.any(Number),
        }),
      );
    });

    it('answers 400 for a missing body', async () => {
      const { app } = await createTestApp();
      const res = await request(app)
        .post('/pipelines')
        .set('Authorization', USER);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/YAML body/);
    });

    it('validates without storing', async () => {
      const { app, api } = await createTestApp();
      const res = await request(app)
        .post('/pipelines/validate')
        .set('Authorization', USER)
        .set('Content-Type', 'application/yaml')
        .send('pipeline: [\n')
        .expect(200);
      expect(res.body.ok).toBe(false);
      expect(res.body.problems[0].line).toEqual(expect.any(Number));
      expect(api.pipelines.size).toBe(0);
    });

    it('passes the expected version from JSON or If-Match, and maps conflicts to 409', async () => {
      const { app } = await createTestApp({ api: seeded() });
      await request(app)
        .put(WEB_URL)
        .set('Authorization', USER)
        .send({ yaml: 'pipeline:\n  identifier: build\n', expectedVersion: 1 })
        .expect(200);
      const conflict = await request(app)
        .put(WEB_URL)
        .set('Authorization', USER)
        .set('If-Match', '"1"')
        .set('Content-Type', 'application/yaml')
        .send('pipeline:\n  identifier: build\n');
      expect(conflict.status).toBe(409);
    });

    it('accepts If-Match as 3, "3" or W/"3" and rejects anything else, naming the header', async () => {
      const api = seeded();
      const { app } = await createTestApp({ api });
      const put = (ifMatch: string) =>
        request(app)
          .put(WEB_URL)
          .set('Authorization', USER)
          .set('If-Match', ifMatch)
          .set('Content-Type', 'application/yaml')
          .send('pipeline:\n  identifier: build\n');
      // The seeded pipeline is at version 1.
      await put('1').expect(200);
      await put('"2"').expect(200);
      await put('W/"3"').expect(200);
      const bad = await put('latest');
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe(
        `Header 'If-Match' must be the version number to update, e.g. 3 or "3" (got 6 character(s))`,
      );
      expect((await put('"3"')).status).toBe(409);
    });

    it('answers 404 for unknown pipelines', async () => {
      const { app } = await createTestApp();
      const res = await request(app).get(WEB_URL).set('Authorization', USER);
      expect(res.status).toBe(404);
      expect(res.body.error.name).toBe('NotFoundError');
    });

    it('rejects bad paging', async () => {
      const { app } = await createTestApp();
      const res = await request(app)
        .get('/pipelines?limit=-1')
        .set('Authorization', USER);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/limit/);
    });
  });

  describe('execute', () => {
    it('counts an execute request as an admission from the moment it reaches the router', async () => {
      const api = seeded();
      const admission = new AdmissionGate();
      const enter = jest.spyOn(admission, 'enter');
      const inFlightInService: number[] = [];
      const execute = api.execute.bind(api);
      jest.spyOn(api, 'execute').mockImplementation((...args) => {
        inFlightInService.push(admission.inFlight);
        return execute(...args);
      });
      const { app } = await createTestApp({ api, admission });
      await request(app).get('/pipelines').set('Authorization', USER);
      expect(enter).not.toHaveBeenCalled();
      const res = await request(app)
        .post(`${WEB_URL}/execute`)
        .set('Authorization', USER)
        .send({ inputSet: {} });
      expect(res.status).toBe(201);
      // Counted from its arrival at the router, while the service admits it.
      expect(inFlightInService).toEqual([1]);
      expect(enter).toHaveBeenCalledTimes(1);
      expect(admission.inFlight).toBe(0);
      // Refused before the service is reached: still left when answered.
      const refused = await request(app)
        .post(`${WEB_URL}/execute`)
        .send({ inputSet: {} });
      expect(refused.status).toBe(401);
      expect(enter).toHaveBeenCalledTimes(2);
      expect(admission.inFlight).toBe(0);
    });

    it('answers 400 listing every missing runtime input with line:col', async () => {
      const api = new FakePipelineEngine();
      api.addPipeline(WEB, REQUIRED_INPUTS_YAML);
      const { app } = await createTestApp({ api });
      const res = await request(app)
        .post(`${WEB_URL}/execute`)
        .set('Authorization', USER)
        .send({ inputSet: {} });
      expect(res.status).toBe(400);
      expect(res.body.error).toEqual(
        expect.objectContaining({ name: 'InputError' }),
      );
      expect(res.body.problems).toEqual([
        expect.objectContaining({
          path: 'pipeline.variables.repo',
          line: 6,
          column: 14,
        }),
        expect.objectContaining({
          path: 'pipeline.variables.owner',
          line: 9,
          column: 14,
        }),
      ]);
    });

    it('accepts an ExecuteRequest, a flat input set, a structured one and YAML', async () => {
      const api = seeded();
      const { app } = await createTestApp({ api });
      const post = () =>
        request(app).post(`${WEB_URL}/execute`).set('Authorization', USER);
      const res = await post().send({
        inputSet: { repo: 'a' },
        inputSetRefs: ['defaults'],
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual(
        expect.objectContaining({
          status: 'Queued',
          pipelineIdentifier: 'build',
        }),
      );
      await post()
        .send({ repo: 'b', 'pipeline.variables.owner': 'c' })
        .expect(201);
      await post()
        .send({
          inputSet: {
            identifier: 'x',
            name: 'x',
            pipeline: { identifier: 'build' },
          },
        })
        .expect(201);
      await post()
        .set('Content-Type', 'application/yaml')
        .send('repo: d\n')
        .expect(201);
      await post().expect(201);
      expect(api.executeCalls.map(c => c.request)).toEqual([
        { inputSet: { repo: 'a' }, inputSetRefs: ['defaults'] },
        { inputSet: { repo: 'b', 'pipeline.variables.owner': 'c' } },
        { inputSet: { pipeline: { identifier: 'build' } } },
        { inputSet: 'repo: d\n' },
        {},
      ]);
      expect(api.executeCalls[0].actor).toEqual({
        identity: 'user:default/jane',
      });
    });

    it('passes an Idempotency-Key header on, and rejects a malformed one', async () => {
      const api = seeded();
      const { app } = await createTestApp({ api });
      const post = () =>
        request(app).post(`${WEB_URL}/execute`).set('Authorization', USER);
      await post().set('Idempotency-Key', 'run-42').send({}).expect(201);
      await post().send({}).expect(201);
      const [keyed, plain] = api.executeCalls.map(c => c.options);
      expect(keyed).toMatchObject({ idempotencyKey: 'run-42' });
      expect(plain).not.toHaveProperty('idempotencyKey');
      const res = await post().set('Idempotency-Key', 'x'.repeat(256)).send({});
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        "Header 'Idempotency-Key' must be 1 to 255 visible ASCII characters without spaces (a UUID, for example) (got 256 character(s))",
      );
      // What was sent is told by its length only: a key may be secret.
      const secretLooking = await post()
        .set('Idempotency-Key', 'token s3cr3t')
        .send({});
      expect(secretLooking.status).toBe(400);
      expect(secretLooking.body.error.message).not.toMatch(/s3cr3t/);
      expect(secretLooking.body.error.message).toMatch(/got 12 character/);
      expect(api.executeCalls).toHaveLength(2);
    });

    it('rejects malformed inputSetRefs', async () => {
      const { app } = await createTestApp({ api: seeded() });
      const res = await request(app)
        .post(`${WEB_URL}/execute`)
        .set('Authorization', USER)
        .send({ inputSetRefs: [1] });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/inputSetRefs/);
    });
  });

  describe('executions', () => {
    it('lists, reads, aborts and pages logs', async () => {
      const api = seeded();
      const execution = api.addExecution(WEB);
      api.appendLogs(execution.id, 'one', 'two', 'three');
      const { app } = await createTestApp({ api });
      const list = await request(app)
        .get(
          '/executions?org=default&project=web&pipeline=build&status=Running',
        )
        .set('Authorization', USER)
        .expect(200);
      expect(list.body.totalCount).toBe(1);
      await request(app)
        .get(`/executions/${execution.id}`)
        .set('Authorization', USER)
        .expect(200);
      const logs = await request(app)
        .get(`/executions/${execution.id}/logs?after=1&limit=1`)
        .set('Authorization', USER)
        .expect(200);
      expect(logs.body).toEqual({
        lines: [expect.objectContaining({ seq: 2, line: 'two' })],
        nextCursor: 2,
        complete: false,
      });
      const aborted = await request(app)
        .post(`/executions/${execution.id}/abort`)
        .set('Authorization', USER)
        .expect(200);
      expect(aborted.body.status).toBe('Aborted');
    });

    describe('re-run', () => {
      it('queues a re-run as the caller, passing fromStage and inputs through', async () => {
        const api = seeded();
        const execution = api.addExecution(WEB, 'Failed');
        const { app, permissions } = await createTestApp({ api });
        const res = await request(app)
          .post(`/executions/${execution.id}/rerun`)
          .set('Authorization', USER)
          .send({ fromStage: 'register', inputs: { inputSet: { repo: 'x' } } });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          status: 'Queued',
          rerunOf: execution.id,
          rerunFromStage: 'register',
        });
        expect(api.rerunCalls).toEqual([
          {
            id: execution.id,
            request: {
              fromStage: 'register',
              inputs: { inputSet: { repo: 'x' } },
            },
            actor: { identity: 'user:default/jane' },
          },
        ]);
        expect(permissions.asked).toContainEqual({
          permission: 'pipeline-engine.pipeline.execute',
          resourceRef: 'default:web:build',
        });
        const read = await request(app)
          .get(`/executions/${res.body.id}`)
          .set('Authorization', USER)
          .expect(200);
        expect(read.body.rerunOf).toBe(execution.id);
      });

      it('defaults to the same inputs with an empty body', async () => {
        const api = seeded();
        const execution = api.addExecution(WEB, 'Failed');
        const { app } = await createTestApp({ api });
        await request(app)
          .post(`/executions/${execution.id}/rerun`)
          .set('Authorization', USER)
          .expect(201);
        expect(api.rerunCalls[0].request).toEqual({ inputs: 'same' });
      });

      it.each([
        [
          { fromStage: 3 },
          'Field fromStage of the request body must be a string (got an integer)',
        ],
        [
          { inputs: 'other' },
          `Field inputs of the request body must be "same", an object {inputSet, inputSetRefs, allowUnknownKeys, scaffolderTask} or a map of values (got 'other')`,
        ],
        [
          { inputs: { inputSetRefs: [1] } },
          expect.stringMatching(/inputSetRefs/),
        ],
        [
          { from: 'x' },
          'The request body has an unknown field from; it takes fromStage and inputs',
        ],
        [['x'], 'The request body must be an object (got a list)'],
      ])('answers 400 for the body %j', async (body, message) => {
        const api = seeded();
        const execution = api.addExecution(WEB, 'Failed');
        const { app } = await createTestApp({ api });
        const res = await request(app)
          .post(`/executions/${execution.id}/rerun`)
          .set('Authorization', USER)
          .send(body as object);
        expect(res.status).toBe(400);
        expect(res.body.error).toMatchObject({ name: 'InputError', message });
        expect(api.rerunCalls).toHaveLength(0);
      });

      it("answers 403 without execute permission on the execution's pipeline", async () => {
        const api = seeded();
        const execution = api.addExecution(WEB, 'Failed');
        const { app } = await createTestApp({
          api,
          policy: denyOnly('pipeline-engine.pipeline.execute'),
        });
        const res = await request(app)
          .post(`/executions/${execution.id}/rerun`)
          .set('Authorization', USER)
          .send({});
        expect(res.status).toBe(403);
        expect(res.body.error.name).toBe('NotAllowedError');
        expect(api.rerunCalls).toHaveLength(0);
      });

      it('answers 404 for an unknown execution and 409 for a running one', async () => {
        const api = seeded();
        const running = api.addExecution(WEB, 'Running');
        const { app } = await createTestApp({ api });
        const missing = await request(app)
          .post('/executions/nope/rerun')
          .set('Authorization', USER)
          .send({});
        expect(missing.status).toBe(404);
        const conflict = await request(app)
          .post(`/executions/${running.id}/rerun`)
          .set('Authorization', USER)
          .send({});
        expect(conflict.status).toBe(409);
        expect(conflict.body.error).toMatchObject({
          name: 'ConflictError',
          message: `execution ${running.id} is still Running`,
        });
      });
    });

    it('answers 404 for unknown executions', async () => {
      const { app } = await createTestApp();
      const res = await request(app)
        .get('/executions/nope')
        .set('Authorization', USER);
      expect(res.status).toBe(404);
    });
  });

  describe('input sets and triggers', () => {
    it('routes CRUD to the admin API with the pipeline ref and actor', async () => {
      const admin = mockAdmin();
      admin.listInputSets.mockResolvedValue({ items: [], totalCount: 0 });
      admin.createInputSet.mockResolvedValue({} as never);
      admin.updateInputSet.mockResolvedValue({} as never);
      admin.getTrigger.mockResolvedValue({} as never);
      admin.rotateWebhookToken.mockResolvedValue({} as never);
      const { app } = await createTestApp({ admin });
      await request(app)
        .get(`${WEB_URL}/input-sets?limit=5`)
        .set('Authorization', USER)
        .expect(200);
      expect(admin.listInputSets).toHaveBeenCalledWith(WEB, { limit: 5 });
      await request(app)
        .post(`${WEB_URL}/input-sets`)
        .set('Authorization', USER)
        .send({ inputSet: { identifier: 'a' } })
        .expect(201);
      expect(admin.createInputSet).toHaveBeenCalledWith(
        WEB,
        'inputSet:\n  identifier: a\n',
        {
          identity: 'user:default/jane',
        },
      );
      await request(app)
        .put(`${WEB_URL}/input-sets/a`)
        .set('Authorization', USER)
        .set('If-Match', '4')
        .set('Content-Type', 'application/yaml')
        .send('inputSet: {}\n')
        .expect(200);
      expect(admin.updateInputSet).toHaveBeenCalledWith(
        WEB,
        'a',
        'inputSet: {}\n',
        { identity: 'user:default/jane' },
        4,
      );
      await request(app)
        .get(`${WEB_URL}/triggers/t`)
        .set('Authorization', USER)
        .expect(200);
      expect(admin.getTrigger).toHaveBeenCalledWith(WEB, 't');
      await request(app)
        .post(`${WEB_URL}/triggers/t/webhook-token`)
        .set('Authorization', USER)
        .expect(200);
      expect(admin.rotateWebhookToken).toHaveBeenCalledWith(WEB, 't', {
        identity: 'user:default/jane',
      });
    });

    it('runs a trigger with its webhook token and no Backstage credentials', async () => {
      const admin = mockAdmin();
      const actor = { identity: 'trigger:default/web/build/t', name: 'T' };
      admin.authenticateWebhook.mockResolvedValue(actor);
      admin.runTrigger.mockResolvedValue({ id: 'e1' } as never);
      const { app, permissions } = await createTestApp({ admin });
      const res = await request(app)
        .post(`${WEB_URL}/triggers/t/run`)
        .set('X-Api-Key', 'secret-token-of-the-trigger')
        .send({
          inputSetName: 'defaults',
          inputSet: { repo: 'x' },
          someWebhookPayload: 1,
        });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: 'e1' });
      expect(admin.authenticateWebhook).toHaveBeenCalledWith(
        WEB,
        't',
        'secret-token-of-the-trigger',
      );
      expect(admin.runTrigger).toHaveBeenCalledWith(
        WEB,
        't',
        { inputSetRefs: ['defaults'], inputSet: { repo: 'x' } },
        actor,
        // The whole body is the payload (`<+trigger.payload.*>`).
        {
          payload: {
            inputSetName: 'defaults',
            inputSet: { repo: 'x' },
            someWebhookPayload: 1,
          },
        },
      );
      expect(permissions.asked).toEqual([]);
    });

    it('passes an Idempotency-Key header of a trigger run on', async () => {
      const admin = mockAdmin();
      const actor = { identity: 'trigger:default/web/build/t', name: 'T' };
      admin.authenticateWebhook.mockResolvedValue(actor);
      admin.runTrigger.mockResolvedValue({ id: 'e1' } as never);
      const { app } = await createTestApp({ admin });
      await request(app)
        .post(`${WEB_URL}/triggers/t/run`)
        .set('X-Api-Key', 'secret-token-of-the-trigger')
        .set('Idempotency-Key', 'delivery-7')
        .send({})
        .expect(201);
      expect(admin.runTrigger).toHaveBeenCalledWith(WEB, 't', {}, actor, {
        payload: {},
        idempotencyKey: 'delivery-7',
      });
      const bad = await request(app)
        .post(`${WEB_URL}/triggers/t/run`)
        .set('X-Api-Key', 'secret-token-of-the-trigger')
        .set('Idempotency-Key', 'two words')
        .send({});
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(
        /^Header 'Idempotency-Key' must be 1 to 255 visible ASCII characters/,
      );
      expect(admin.runTrigger).toHaveBeenCalledTimes(1);
    });

    it('answers 401 for a wrong webhook token', async () => {
      const admin = mockAdmin();
      admin.authenticateWebhook.mockRejectedValue(
        new AuthenticationError('Invalid webhook token'),
      );
      const { app } = await createTestApp({ admin });
      await request(app)
        .post(`${WEB_URL}/triggers/t/run`)
        .set('X-Api-Key', 'wrong')
        .send({})
        .expect(401);
      expect(admin.runTrigger).not.toHaveBeenCalled();
    });

    it('runs a trigger for a principal allowed to execute', async () => {
      const admin = mockAdmin();
      admin.runTrigger.mockResolvedValue({ id: 'e2' } as never);
      const { app, permissions } = await createTestApp({ admin });
      await request(app)
        .post(`${WEB_URL}/triggers/t/run`)
        .set('Authorization', USER)
        .send({ inputSetRefs: ['a', 'b'] })
        .expect(201);
      expect(admin.runTrigger).toHaveBeenCalledWith(
        WEB,
        't',
        { inputSetRefs: ['a', 'b'] },
        { identity: 'user:default/jane' },
        {
          payload: { inputSetRefs: ['a', 'b'] },
          deniedSecrets: expect.any(Function),
        },
      );
      expect(permissions.asked).toEqual([
        {
          permission: 'pipeline-engine.pipeline.execute',
          resourceRef: 'default:web:build',
        },
      ]);
    });

    it('passes admin errors through the error handler', async () => {
      const admin = mockAdmin();
      admin.getInputSet.mockRejectedValue(
        new NotFoundError('no such input set'),
      );
      const { app } = await createTestApp({ admin });
      const res = await request(app)
        .get(`${WEB_URL}/input-sets/nope`)
        .set('Authorization', USER);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe('no such input set');
    });
  });
});

import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { pipelineEnginePlugin } from './plugin';

jest.setTimeout(60_000);

const PIPELINE = `pipeline:
  name: api demo
  identifier: api_demo
  orgIdentifier: default
  projectIdentifier: default
  variables:
    - name: who
      type: String
      value: <+input>.default(world)
  stages:
    - stage:
        name: main
        identifier: main
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: Wait
                  name: first
                  identifier: first
                  spec:
                    duration: <+input>.default(0s)
              - step:
                  type: Wait
                  name: second
                  identifier: second
                  spec:
                    duration: "0s"
                  when:
                    stageStatus: Success
                    condition: <+secrets.getValue("api_token")> != "<+pipeline.variables.who>"
`;

const config = {
  pipelineEngine: {
    secrets: { api_token: 'tok-very-secret-1234' },
    worker: { pollIntervalMs: 50 },
  },
};

async function start(
  permission:
    AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const { server } = await startTestBackend({
    features: [
      pipelineEnginePlugin,
      mockServices.rootConfig.factory({ data: config }),
      mockServices.permissions.factory({ result: permission }),
      // Requests without an Authorization header are anonymous, as in production.
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
    ],
  });
  return server;
}

const user = mockCredentials.user.header();
const api = '/api/pipeline-engine';

describe('pipeline-engine plugin through startTestBackend', () => {
  it('answers 401 without credentials and 200 with them', async () => {
    const server = await start();
    const anonymous = await request(server).get(`${api}/pipelines`);
    expect(anonymous.status).toBe(401);
    const res = await request(server)
      .get(`${api}/pipelines`)
      .set('Authorization', user)
      .expect(200);
    expect(res.body).toMatchObject({ items: [], totalCount: 0 });
  });

  it('answers 403 when the permission policy denies', async () => {
    const server = await start(AuthorizeResult.DENY);
    const res = await request(server)
      .post(`${api}/pipelines`)
      .set('Authorization', user)
      .set('Content-Type', 'application/yaml')
      .send(PIPELINE);
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
  });

  it('answers 400 with every line:col problem for a broken pipeline', async () => {
    const server = await start();
    const broken = PIPELINE.replace(
      'identifier: first',
      'identifier: first-step',
    ).replace('type: Custom', 'type: Deploy');
    const res = await request(server)
      .post(`${api}/pipelines`)
      .set('Authorization', user)
      .set('Content-Type', 'application/yaml')
      .send(broken)
      .expect(400);
    const errors = res.body.problems.filter(
      (p: { severity: string }) => p.severity === 'error',
    );
    expect(errors).toEqual([
      expect.objectContaining({
        path: 'pipeline.stages[0].stage.type',
        line: 14,
        column: 15,
      }),
      expect.objectContaining({
        path: 'pipeline.stages[0].stage.spec.execution.steps[0].step.identifier',
        line: 21,
        column: 31,
      }),
    ]);
  });

  it('runs an execution, streams its logs in order over SSE and masks secrets', async () => {
    const server = await start();
    await request(server)
      .post(`${api}/pipelines`)
      .set('Authorization', user)
      .set('Content-Type', 'application/yaml')
      .send(PIPELINE)
      .expect(201);
    const bad = await request(server)
      .post(`${api}/pipelines/default/default/api_demo/execute`)
      .set('Authorization', user)
      .send({ inputSet: { whoo: 'x' } })
      .expect(400);
    expect(bad.body.problems[0].message).toContain('did you mean "who"?');
    const started = await request(server)
      .post(`${api}/pipelines/default/default/api_demo/execute`)
      .set('Authorization', user)
      .send({ inputSet: { who: 'tok-very-secret-1234' } })
      .expect(201);
    const id = started.body.id;
    const stream = await request(server)
      .get(`${api}/executions/${id}/logs/stream`)
      .set('Authorization', user)
      .expect(200);
    expect(stream.headers['content-type']).toContain('text/event-stream');
    const events = stream.text.split('\n\n').filter(e => e.includes('data:'));
    const lines = events
      .filter(e => !e.includes('event: end'))
      .map(e =>
        JSON.parse(
          e
            .split('\n')
            .find(l => l.startsWith('data:'))!
            .slice(5),
        ),
      );
    expect(lines.map(l => l.seq)).toEqual(lines.map((_, i) => i + 1));
    expect(lines.map(l => l.line)).toContain('waiting 0s');
    expect(stream.text).toContain('event: end');
    expect(stream.text).not.toContain('tok-very-secret-1234');
    const detail = await request(server)
      .get(`${api}/executions/${id}`)
      .set('Authorization', user)
      .expect(200);
    expect(detail.body.status).toBe('Success');
    expect(
      detail.body.nodes[0].children.map(
        (n: { identifier: string; status: string }) =>
          `${n.identifier}:${n.status}`,
      ),
    ).toEqual(['first:Success', 'second:Skipped']);
    expect(JSON.stringify(detail.body)).not.toContain('tok-very-secret-1234');
  });

  it('keeps the scaffolder task that started an execution with who triggered it', async () => {
    const server = await start();
    await request(server)
      .post(`${api}/pipelines`)
      .set('Authorization', user)
      .set('Content-Type', 'application/yaml')
      .send(PIPELINE)
      .expect(201);
    const execute = `${api}/pipelines/default/default/api_demo/execute`;
    const scaffolderTask = {
      taskId: 'c0ffee-task',
      templateRef: 'template:default/self-service',
    };
    const started = await request(server)
      .post(execute)
      .set('Authorization', user)
      .send({ inputSet: {}, scaffolderTask })
      .expect(201);
    const detail = await request(server)
      .get(`${api}/executions/${started.body.id}`)
      .set('Authorization', user)
      .expect(200);
    expect(detail.body.triggeredBy).toEqual({
      identity: 'user:default/mock',
      scaffolderTask,
    });

    const bad = await request(server)
      .post(execute)
      .set('Authorization', user)
      .send({ scaffolderTask: { taskId: 'x', templateRef: 'self-service' } })
      .expect(400);
    expect(bad.body.error).toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'scaffolderTask.templateRef "self-service" is not an entity ref',
      ),
    });
    const noTask = await request(server)
      .post(execute)
      .set('Authorization', user)
      .send({ scaffolderTask: { templateRef: 'template:default/x' } })
      .expect(400);
    expect(noTask.body.error.message).toMatch(
      /^scaffolderTask\.taskId must be a non-empty string/,
    );
    const extra = await request(server)
      .post(execute)
      .set('Authorization', user)
      .send({ scaffolderTask: { taskId: 'x', by: 'me' } })
      .expect(400);
    expect(extra.body.error.message).toContain(
      'scaffolderTask has unknown key(s) by',
    );
  });
});

describe('Scheduled triggers through startTestBackend', () => {
  it('registers one global scheduler task that fires due triggers, and shows the next fire time', async () => {
    const scheduler = mockServices.scheduler.mock();
    const { server } = await startTestBackend({
      features: [
        pipelineEnginePlugin,
        mockServices.rootConfig.factory({ data: config }),
        scheduler.factory,
      ],
    });
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'pipeline-engine-scheduled-triggers',
        scope: 'global',
        frequency: { seconds: 10 },
      }),
    );
    const ref = `${api}/pipelines/default/default/api_demo`;
    await request(server)
      .post(`${api}/pipelines`)
      .set('Authorization', user)
      .set('Content-Type', 'application/yaml')
      .send(PIPELINE)
      .expect(201);
    const created = await request(server)
      .post(`${ref}/triggers`)
      .set('Authorization', user)
      .set('Content-Type', 'application/yaml')
      .send(
        'trigger:\n  identifier: nightly\n  source:\n    type: Scheduled\n    spec:\n      type: Cron\n      spec:\n        type: UNIX\n        expression: "0 2 * * *"\n',
      );
    expect(created.status).toBe(201);
    const nextFireAt = new Date(created.body.nextFireAt);
    expect(nextFireAt.getUTCHours()).toBe(2);
    expect(nextFireAt.getTime()).toBeGreaterThan(Date.now());

    const bad = await request(server)
      .post(`${ref}/triggers`)
      .set('Authorization', user)
      .set('Content-Type', 'application/yaml')
      .send(
        'trigger:\n  identifier: broken\n  source:\n    type: Scheduled\n    spec:\n      type: Cron\n      spec:\n        type: UNIX\n        expression: "0 2 * *"\n',
      );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('has 5 fields, this one has 4');

    // The task's function runs a pass; nothing is due yet, so nothing starts.
    const task = scheduler.scheduleTask.mock.calls[0][0];
    await task.fn(new AbortController().signal as never);
    const executions = await request(server)
      .get(`${api}/executions?org=default&project=default&pipeline=api_demo`)
      .set('Authorization', user);
    expect(executions.body).toMatchObject({ totalCount: 0 });
  });
});

describe('Idempotency-Key on execute through startTestBackend', () => {
  it('returns the first execution for a repeated key from the same caller, also for concurrent requests', async () => {
    const server = await start();
    await request(server)
      .post(`${api}/pipelines`)
      .set('Authorization', user)
      .set('Content-Type', 'application/yaml')
      .send(PIPELINE)
      .expect(201);
    const execute = (key: string, as = user) =>
      request(server)
        .post(`${api}/pipelines/default/default/api_demo/execute`)
        .set('Authorization', as)
        .set('Idempotency-Key', key)
        .send({})
        .expect(201);
    const concurrent = await Promise.all([
      execute('order-1'),
      execute('order-1'),
      execute('order-1'),
    ]);
    const ids = new Set(concurrent.map(res => res.body.id));
    expect(ids.size).toBe(1);
    const [first] = ids;
    expect((await execute('order-1')).body.id).toBe(first);
    // Another caller or another key starts another execution.
    const joe = await execute(
      'order-1',
      mockCredentials.user.header('user:default/joe'),
    );
    const other = await execute('order-2');
    expect(new Set([first, joe.body.id, other.body.id]).size).toBe(3);
    const list = await request(server)
      .get(`${api}/executions`)
      .query({ org: 'default', project: 'default', pipeline: 'api_demo' })
      .set('Authorization', user)
      .expect(200);
    expect(list.body.totalCount).toBe(3);
  });
});

describe('Execution retention through startTestBackend', () => {
  it('registers an hourly global task unless retention.days is 0', async () => {
    const withDefault = mockServices.scheduler.mock();
    await startTestBackend({
      features: [
        pipelineEnginePlugin,
        mockServices.rootConfig.factory({ data: config }),
        withDefault.factory,
      ],
    });
    expect(withDefault.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'pipeline-engine-execution-retention',
        scope: 'global',
        frequency: { hours: 1 },
      }),
    );
    const disabled = mockServices.scheduler.mock();
    await startTestBackend({
      features: [
        pipelineEnginePlugin,
        mockServices.rootConfig.factory({
          data: {
            pipelineEngine: {
              ...config.pipelineEngine,
              retention: { days: 0 },
            },
          },
        }),
        disabled.factory,
      ],
    });
    expect(disabled.scheduleTask).not.toHaveBeenCalledWith(
      expect.objectContaining({ id: 'pipeline-engine-execution-retention' }),
    );
  });
});

import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import { secretUsePermission } from '@idp-pipelines/plugin-pipeline-engine-common';
import request from 'supertest';
import { pipelineEnginePlugin } from '../plugin';

/*
 * Finding 2 of the security review: runtime input values are evaluated like
 * the pipeline's text, so `<+secrets.getValue("x")>` in an input read any
 * configured secret. A caller's input values may read only the secrets it
 * holds pipeline-engine.secret.use on; webhook callers hold none.
 */

jest.setTimeout(60_000);

const PIPELINE = `pipeline:
  name: secrets demo
  identifier: secrets_demo
  orgIdentifier: default
  projectIdentifier: default
  variables:
    - name: title
      type: String
      value: <+input>
    - name: token
      type: Secret
      value: <+input>.default(shared_token)
    - name: db
      type: Secret
      value: account.db_password
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
                  name: wait
                  identifier: wait
                  spec:
                    duration: 0s
`;

const TRIGGER = `trigger:
  name: hook
  identifier: hook
  enabled: true
  orgIdentifier: default
  projectIdentifier: default
  pipelineIdentifier: secrets_demo
  source:
    type: Webhook
    spec:
      type: Custom
  inputYaml: |
    pipeline:
      identifier: secrets_demo
      variables:
        - name: title
          type: String
          value: <+secrets.getValue("db_password")>
`;

/** Everything is allowed except secret.use, which is allowed on `shared_token` and `team_token` only. */
const permissions = createServiceFactory({
  service: coreServices.permissions,
  deps: {},
  factory: () =>
    ({
      async authorize(
        requests: Array<{ permission: { name: string }; resourceRef?: string }>,
      ) {
        return requests.map(({ permission, resourceRef }) => ({
          result:
            permission.name !== secretUsePermission.name ||
            ['shared_token', 'team_token'].includes(resourceRef ?? '')
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
        }));
      },
      async authorizeConditional(requests: unknown[]) {
        return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
      },
    }) as never,
});

const api = '/api/pipeline-engine';
const PIPELINE_URL = `${api}/pipelines/default/default/secrets_demo`;
const user = mockCredentials.user.header();

async function start() {
  const { server } = await startTestBackend({
    features: [
      pipelineEnginePlugin,
      mockServices.rootConfig.factory({
        data: {
          pipelineEngine: {
            secrets: {
              db_password: 'hunter2-db',
              team_token: 'team-tok',
              shared_token: 'shared-tok',
            },
            worker: { enabled: false },
          },
        },
      }),
      permissions,
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
    ],
  });
  await request(server)
    .post(`${api}/pipelines`)
    .set('Authorization', user)
    .set('Content-Type', 'application/yaml')
    .send(PIPELINE)
    .expect(201);
  return server;
}

async function executionCount(
  server: Parameters<typeof request>[0],
): Promise<number> {
  const res = await request(server)
    .get(`${api}/executions?org=default&project=default`)
    .set('Authorization', user)
    .expect(200);
  return res.body.totalCount;
}

describe('secrets in runtime input values', () => {
  it('registers pipeline-engine.secret.use as a resource permission on secrets', () => {
    expect(
      isResourcePermission(secretUsePermission, 'pipeline-engine-secret'),
    ).toBe(true);
  });

  it('REST execute: refuses secrets.getValue the caller may not use, naming input and secret, before queueing', async () => {
    const server = await start();
    const refused = await request(server)
      .post(`${PIPELINE_URL}/execute`)
      .set('Authorization', user)
      .send({
        inputSet: { title: 'Leak: <+secrets.getValue("db_password")>' },
      });
    expect(refused.status).toBe(403);
    expect(refused.body.error.name).toBe('NotAllowedError');
    expect(refused.body.error.message).toContain(
      'input "title" reads secret "db_password"',
    );
    expect(refused.body.error.message).toContain('pipeline-engine.secret.use');
    expect(await executionCount(server)).toBe(0);

    // A Secret variable's input names a secret too.
    const variable = await request(server)
      .post(`${PIPELINE_URL}/execute`)
      .set('Authorization', user)
      .send({ inputSet: { title: 'x', token: 'account.db_password' } });
    expect(variable.status).toBe(403);
    expect(variable.body.error.message).toContain(
      'input "token" (a Secret variable) names secret "db_password"',
    );

    // An expression reading a Secret variable reads the secret it names.
    const viaVariable = await request(server)
      .post(`${PIPELINE_URL}/execute`)
      .set('Authorization', user)
      .send({ inputSet: { title: '<+pipeline.variables.db.toUpperCase()>' } });
    expect(viaVariable.status).toBe(403);
    expect(viaVariable.body.error.message).toContain(
      'input "title" reads a Secret variable holding secret "db_password" (<+pipeline.variables.db.toUpperCase()>)',
    );

    const computed = await request(server)
      .post(`${PIPELINE_URL}/execute`)
      .set('Authorization', user)
      .send({ inputSet: { title: '<+secrets.getValue(pipeline.name)>' } });
    expect(computed.status).toBe(400);
    expect(computed.body.error.message).toContain(
      'input "title" reads a secret through <+secrets.getValue(pipeline.name)>',
    );
    expect(await executionCount(server)).toBe(0);
  });

  it('REST execute: allows secrets the caller holds the permission on and other expressions', async () => {
    const server = await start();
    await request(server)
      .post(`${PIPELINE_URL}/execute`)
      .set('Authorization', user)
      .send({
        inputSet: {
          title:
            '<+pipeline.name> <+secrets.getValue("org.team_token")> <+pipeline.variables.token>',
          token: 'team_token',
        },
      })
      .expect(201);
    await request(server)
      .post(`${PIPELINE_URL}/execute`)
      .set('Authorization', user)
      .send({ inputSet: { title: '<+pipeline.name.toUpperCase()>' } })
      .expect(201);
    expect(await executionCount(server)).toBe(2);
  });

  it("webhook trigger: the caller may read no secret, while the trigger's stored inputs may", async () => {
    const server = await start();
    const created = await request(server)
      .post(`${PIPELINE_URL}/triggers`)
      .set('Authorization', user)
      .set('Content-Type', 'application/yaml')
      .send(TRIGGER)
      .expect(201);
    const token: string = created.body.webhookToken;
    expect(token).toBeTruthy();

    for (const secret of ['db_password', 'team_token']) {
      const refused = await request(server)
        .post(`${PIPELINE_URL}/triggers/hook/run`)
        .set('X-Api-Key', token)
        .send({ inputSet: { title: `<+secrets.getValue("${secret}")>` } });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain(
        `input "title" reads secret "${secret}"`,
      );
    }
    expect(await executionCount(server)).toBe(0);

    // The trigger's own inputYaml was written by someone allowed to update the pipeline.
    await request(server)
      .post(`${PIPELINE_URL}/triggers/hook/run`)
      .set('X-Api-Key', token)
      .send({})
      .expect(201);
    // A signed-in caller of the trigger route is checked like REST execute.
    await request(server)
      .post(`${PIPELINE_URL}/triggers/hook/run`)
      .set('Authorization', user)
      .send({ inputSet: { title: '<+secrets.getValue("team_token")>' } })
      .expect(201);
    expect(await executionCount(server)).toBe(2);
  });
});

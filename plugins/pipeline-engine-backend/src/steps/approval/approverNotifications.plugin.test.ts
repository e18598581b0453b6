import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  notificationService,
  type NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { MASK } from '../../engine/secretMasker';
import { pipelineEnginePlugin } from '../../plugin';

jest.setTimeout(60_000);

const PIPELINE = `pipeline:
  name: gated
  identifier: gated
  orgIdentifier: default
  projectIdentifier: default
  stages:
    - stage:
        name: main
        identifier: main
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: HarnessApproval
                  name: approve
                  identifier: approve
                  timeout: 1d
                  spec:
                    approvalMessage: Ship <+pipeline.name>?
                    approvers:
                      userGroups:
                        - _account_all_users
                      minimumCount: 1
                      disallowPipelineExecutor: false
`;

const SLACK_TOKEN = 'xoxb-1234-5678-approvalsecret';
const DEPLOY_KEY = 'approval-secret-value';
const slackCalls: Array<{
  url: string;
  authorization: string | null;
  text: string | null;
}> = [];
// Slack answers 500: the approval must not care either.
const slack = setupServer(
  http.post('http://127.0.0.1:9/api/:method', async ({ request: call }) => {
    slackCalls.push({
      url: call.url,
      authorization: call.headers.get('authorization'),
      text: new URLSearchParams(await call.text()).get('text'),
    });
    return new HttpResponse('oops', { status: 500 });
  }),
);
beforeAll(() => slack.listen({ onUnhandledRequest: 'bypass' }));
afterEach(() => {
  slackCalls.length = 0;
});
afterAll(() => slack.close());

const user = mockCredentials.user.header();
const api = '/api/pipeline-engine';

/** A backend whose notifications service records sends and then fails. */
async function startBackend(sent: NotificationSendOptions[]) {
  const { server } = await startTestBackend({
    features: [
      pipelineEnginePlugin,
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://portal.test' },
          pipelineEngine: {
            worker: { pollIntervalMs: 50 },
            secrets: { deploy_key: DEPLOY_KEY },
            network: { allow: ['127.0.0.1:9'] },
            slack: { apiUrl: 'http://127.0.0.1:9/api' },
            approvals: {
              notifications: {
                slack: { channel: '#approvals', token: SLACK_TOKEN },
              },
            },
          },
        },
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      catalogServiceMock.factory({ entities: [] }),
      createServiceFactory({
        service: notificationService,
        deps: {},
        factory: () => ({
          async send(options: NotificationSendOptions) {
            sent.push(options);
            // As without a notifications backend: the approval must not care.
            throw new Error('Request failed with 404 Not Found');
          },
        }),
      }),
    ],
  });
  return server;
}

/** Stores the pipeline, executes it and waits for both notices. */
async function executeAndAwaitNotices(
  server: Awaited<ReturnType<typeof startBackend>>,
  yaml: string,
  sent: NotificationSendOptions[],
): Promise<string> {
  await request(server)
    .post(`${api}/pipelines`)
    .set('Authorization', user)
    .set('Content-Type', 'application/yaml')
    .send(yaml)
    .expect(201);
  const started = await request(server)
    .post(`${api}/pipelines/default/default/gated/execute`)
    .set('Authorization', user)
    .send({})
    .expect(201);
  for (let i = 0; i < 400 && (!sent.length || !slackCalls.length); i++)
    await new Promise(r => setTimeout(r, 25));
  return started.body.id;
}

describe('approver notifications through startTestBackend', () => {
  it('sends a notification and a Slack message with the portal link when an approval starts waiting, and the approval still works when both fail', async () => {
    const sent: NotificationSendOptions[] = [];
    const server = await startBackend(sent);
    const id = await executeAndAwaitNotices(server, PIPELINE, sent);
    expect(slackCalls).toEqual([
      {
        url: 'http://127.0.0.1:9/api/chat.postMessage',
        authorization: `Bearer ${SLACK_TOKEN}`,
        text: expect.stringContaining('Ship gated?'),
      },
    ]);
    expect(sent).toEqual([
      {
        recipients: { type: 'broadcast' },
        payload: expect.objectContaining({
          title: 'Approval needed: gated — approve',
          description: 'Ship gated?',
          link: `http://portal.test/pipelines/executions/${id}`,
        }),
      },
    ]);
    let approvals: Array<{ id: string }> = [];
    for (let i = 0; i < 400 && approvals.length === 0; i++) {
      approvals = (
        await request(server)
          .get(`${api}/approvals?status=waiting`)
          .set('Authorization', user)
          .expect(200)
      ).body.items;
      if (!approvals.length) await new Promise(r => setTimeout(r, 25));
    }
    const approved = await request(server)
      .post(`${api}/approvals/${approvals[0].id}/activity`)
      .set('Authorization', user)
      .send({ action: 'APPROVE' })
      .expect(200);
    expect(approved.body.status).toBe('APPROVED');
  });

  it('tells approvers the approval message with its secrets masked, as logs show it', async () => {
    const sent: NotificationSendOptions[] = [];
    const server = await startBackend(sent);
    await executeAndAwaitNotices(
      server,
      PIPELINE.replace(
        'approvalMessage: Ship <+pipeline.name>?',
        'approvalMessage: Ship <+pipeline.name> with key <+secrets.getValue("deploy_key")>?',
      ),
      sent,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0].payload.description).toBe(`Ship gated with key ${MASK}?`);
    expect(slackCalls).toHaveLength(1);
    expect(slackCalls[0].text).toContain(`Ship gated with key ${MASK}?`);
    expect(JSON.stringify([sent, slackCalls])).not.toContain(DEPLOY_KEY);
  });
});

import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { NetworkPolicy } from '../../network';
import type { ApprovalNotice } from './approverNotifications';
import { createApproverNotifiers } from './createApproverNotifiers';
import { createSlackApproverNotifier } from './slackApproverNotifier';

const TOKEN = 'xoxb-1234-5678-approvalsecret';

const notice: ApprovalNotice = {
  executionId: 'exec-1',
  pipelineIdentifier: 'onboarding',
  stepName: 'approve',
  approvalMessage: 'Create repository payments?',
  userGroups: ['group:default/platform', 'group:default/security'],
  minimumCount: 2,
  link: 'http://portal.test/pipelines/executions/exec-1',
};

interface SlackCall {
  method: string;
  url: string;
  authorization: string | null;
  body: Record<string, string>;
}

const calls: SlackCall[] = [];
let slackStatus = 200;
let slackError: string | undefined;

const server = setupServer(
  http.all('https://slack.test/api/:method', async ({ request }) => {
    const raw = await request.text();
    const body = request.headers.get('content-type')?.includes('json')
      ? (JSON.parse(raw) as Record<string, string>)
      : Object.fromEntries(new URLSearchParams(raw));
    calls.push({
      method: request.method,
      url: request.url,
      authorization: request.headers.get('authorization'),
      body,
    });
    if (slackStatus !== 200)
      return new HttpResponse('oops', { status: slackStatus });
    if (slackError) return HttpResponse.json({ ok: false, error: slackError });
    return HttpResponse.json({ ok: true, channel: 'C0APPROVE', ts: '1.2' });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  calls.length = 0;
  slackStatus = 200;
  slackError = undefined;
});
afterAll(() => server.close());

// slack.test resolves to a public documentation address; no real DNS.
const network = new NetworkPolicy({
  allow: ['slack.test'],
  lookup: async () => [{ address: '203.0.113.7', family: 4 }],
});

const config = (token: string) =>
  new ConfigReader({
    pipelineEngine: {
      slack: { apiUrl: 'https://slack.test/api' },
      approvals: {
        notifications: { slack: { channel: '#approvals', token } },
      },
    },
  });

const secrets = { get: jest.fn(async () => TOKEN) };

function expectNoToken(logger: ReturnType<typeof mockServices.logger.mock>) {
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    expect(JSON.stringify(logger[level].mock.calls)).not.toContain(TOKEN);
  }
}

describe('createSlackApproverNotifier', () => {
  it('posts chat.postMessage to the channel with the pipeline, step, message, approvers and link', async () => {
    const logger = mockServices.logger.mock();
    const notify = createSlackApproverNotifier({
      config: config(TOKEN),
      network,
      logger,
    })!;
    await notify(notice, { secrets });
    expect(calls).toEqual([
      {
        method: 'POST',
        url: 'https://slack.test/api/chat.postMessage',
        authorization: `Bearer ${TOKEN}`,
        body: expect.objectContaining({ channel: '#approvals' }),
      },
    ]);
    expect(calls[0].body.text).toBe(
      [
        '*Approval needed*: pipeline `onboarding`, step `approve`',
        'Create repository payments?',
        'Approvers: group:default/platform, group:default/security (2 needed)',
        '<http://portal.test/pipelines/executions/exec-1|Open the execution to approve or reject>',
      ].join('\n'),
    );
    expect(secrets.get).not.toHaveBeenCalled();
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('resolves a secret reference token through the execution secrets', async () => {
    const notify = createSlackApproverNotifier({
      config: config('account.slack_approvals'),
      network,
      logger: mockServices.logger.mock(),
    })!;
    await notify(
      { ...notice, userGroups: ['_account_all_users'], minimumCount: 1 },
      { secrets },
    );
    expect(secrets.get).toHaveBeenCalledWith('account.slack_approvals');
    expect(calls[0].authorization).toBe(`Bearer ${TOKEN}`);
    expect(calls[0].body.text).toContain(
      'Approvers: any signed-in user (1 needed)',
    );
  });

  it('never rejects when Slack fails: one warning without the token, later failures at debug', async () => {
    slackStatus = 500;
    const logger = mockServices.logger.mock();
    const notify = createSlackApproverNotifier({
      config: config(TOKEN),
      network,
      logger,
    })!;
    await expect(notify(notice, { secrets })).resolves.toBeUndefined();
    await expect(notify(notice, { secrets })).resolves.toBeUndefined();
    // Not retried: the message is best effort.
    expect(calls).toHaveLength(2);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      'Slack message to #approvals for the approval of execution exec-1 was not sent: HTTP 500; later failures are logged at debug level',
    );
    expect(logger.debug).toHaveBeenCalledWith(
      expect.stringContaining('was not sent: HTTP 500'),
    );
    expectNoToken(logger);
  });

  it("explains Slack's error code as SlackNotify does, naming the channel", async () => {
    slackError = 'channel_not_found';
    const logger = mockServices.logger.mock();
    const notify = createSlackApproverNotifier({
      config: config(TOKEN),
      network,
      logger,
    })!;
    await expect(notify(notice, { secrets })).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      'Slack message to #approvals for the approval of execution exec-1 was not sent: channel_not_found (the bot cannot see channel #approvals; invite it or check the name); later failures are logged at debug level',
    );
    expectNoToken(logger);
  });

  it('sends nothing to a Slack API host the network policy refuses, and says how to allow it', async () => {
    const logger = mockServices.logger.mock();
    const notify = createSlackApproverNotifier({
      config: config(TOKEN),
      network: new NetworkPolicy({ allow: ['api.example.com'] }),
      logger,
    })!;
    await expect(notify(notice, { secrets })).resolves.toBeUndefined();
    expect(calls).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'host "slack.test" is not in pipelineEngine.network.allow',
      ),
    );
    expectNoToken(logger);
  });

  it('is off when pipelineEngine.approvals.notifications.slack is not set', async () => {
    const unconfigured = new ConfigReader({
      pipelineEngine: { slack: { apiUrl: 'https://slack.test/api' } },
    });
    expect(
      createSlackApproverNotifier({
        config: unconfigured,
        network,
        logger: mockServices.logger.mock(),
      }),
    ).toBeUndefined();
    const send = jest.fn(async () => {});
    await createApproverNotifiers({
      config: unconfigured,
      notifications: { send },
      logger: mockServices.logger.mock(),
    })(notice, { secrets });
    expect(send).toHaveBeenCalledTimes(1);
    expect(calls).toEqual([]);
  });
});

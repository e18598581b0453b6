import { ConfigReader } from '@backstage/config';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { runMockStep } from '@idp-pipelines/plugin-pipeline-engine-node/testUtils';
import { createSlackNotifyStep, slackText } from './slackNotify';

const TOKEN = 'xoxb-1234-5678-secretvalue';
const step = createSlackNotifyStep({
  config: new ConfigReader({
    pipelineEngine: { slack: { apiUrl: 'https://slack.test/api' } },
  }),
});

interface SlackCall {
  method: string;
  path: string;
  authorization: string | null;
  contentType: string | null;
  body: Record<string, string>;
}

const calls: SlackCall[] = [];
type Reply =
  | Record<string, unknown>
  | ((body: Record<string, string>) => Record<string, unknown>);
let replies: Record<string, Reply> = {};
let httpStatus: number | undefined;

const server = setupServer(
  http.all('https://slack.test/api/:method', async ({ request, params }) => {
    const raw = await request.text();
    const contentType = request.headers.get('content-type');
    const body = contentType?.includes('json')
      ? (JSON.parse(raw) as Record<string, string>)
      : Object.fromEntries(new URLSearchParams(raw));
    calls.push({
      method: request.method,
      path: new URL(request.url).pathname,
      authorization: request.headers.get('authorization'),
      contentType,
      body,
    });
    if (httpStatus) return new HttpResponse('oops', { status: httpStatus });
    const reply = replies[params.method as string];
    const json = typeof reply === 'function' ? reply(body) : reply;
    return HttpResponse.json(json ?? { ok: false, error: 'unknown_method' });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  calls.length = 0;
  replies = {};
  httpStatus = undefined;
});
afterAll(() => server.close());

const okReplies = () => {
  replies = {
    'users.lookupByEmail': body =>
      body.email === 'jane@example.com'
        ? { ok: true, user: { id: 'U0JANE', name: 'jane' } }
        : { ok: false, error: 'users_not_found' },
    'chat.postMessage': body => ({
      ok: true,
      channel: body.channel.startsWith('U') ? 'D0DM' : body.channel,
      ts: '1700000000.000100',
    }),
  };
};

// messageContent of the seed pipeline once its expressions are resolved: the
// YAML "\\n" left a literal backslash-n.
const seedMessage =
  ' Hello <@jane@example.com>, my-service project is created using flows in Harness IDP,\\n*Created Catalog Yaml -* <https://github.com/acme/my-service/blob/main/catalog-info.yaml|Link>\\n*Created Repository -* <https://github.com/acme/my-service|Link>';

describe('SlackNotify', () => {
  it('looks the user up by email and sends the direct message', async () => {
    okReplies();
    const result = await runMockStep(
      step,
      {
        email: 'jane@example.com',
        messageContent: seedMessage,
        token: 'account.slacksecrettestws',
      },
      { secrets: { slacksecrettestws: TOKEN } },
    );

    expect(result.error).toBeUndefined();
    expect(calls).toEqual([
      {
        method: 'POST',
        path: '/api/users.lookupByEmail',
        authorization: `Bearer ${TOKEN}`,
        contentType: 'application/x-www-form-urlencoded',
        body: { email: 'jane@example.com' },
      },
      {
        method: 'POST',
        path: '/api/chat.postMessage',
        authorization: `Bearer ${TOKEN}`,
        contentType: 'application/x-www-form-urlencoded',
        body: {
          channel: 'U0JANE',
          text: ' Hello <@U0JANE>, my-service project is created using flows in Harness IDP,\n*Created Catalog Yaml -* <https://github.com/acme/my-service/blob/main/catalog-info.yaml|Link>\n*Created Repository -* <https://github.com/acme/my-service|Link>',
        },
      },
    ]);
    expect(result.outputs).toEqual({
      ts: '1700000000.000100',
      channel: 'D0DM',
    });
    expect(result.masked).toEqual([TOKEN]);
    expect(result.logText()).not.toContain(TOKEN);
  });

  it("accepts the document's emailId spelling", async () => {
    okReplies();
    const result = await runMockStep(
      step,
      { emailId: 'jane@example.com', messageContent: 'hi', token: 's' },
      { secrets: { s: TOKEN } },
    );
    expect(result.error).toBeUndefined();
    expect(calls.map(c => c.path)).toEqual([
      '/api/users.lookupByEmail',
      '/api/chat.postMessage',
    ]);
  });

  it('posts blocks and bot settings to a channel, in a thread', async () => {
    okReplies();
    const blocks = [
      { type: 'section', text: { type: 'mrkdwn', text: '*done*' } },
    ];
    const result = await runMockStep(step, {
      channel: '#releases',
      messageContent: 'fallback',
      blocks: JSON.stringify({ blocks }),
      botUsername: 'IDP Bot',
      botIconUrl: 'https://example.com/bot.png',
      threadTs: '1699999999.000200',
      replyBroadcast: 'true',
      token: TOKEN,
    });
    expect(result.error).toBeUndefined();
    expect(calls).toHaveLength(1);
    expect(calls[0].path).toBe('/api/chat.postMessage');
    expect(calls[0].authorization).toBe(`Bearer ${TOKEN}`);
    expect(calls[0].body).toEqual({
      channel: '#releases',
      text: 'fallback',
      blocks: JSON.stringify(blocks),
      username: 'IDP Bot',
      icon_url: 'https://example.com/bot.png',
      thread_ts: '1699999999.000200',
      reply_broadcast: 'true',
    });
    expect(result.outputs).toEqual({
      ts: '1700000000.000100',
      channel: '#releases',
    });
    // A literal token (not a secret id) is masked all the same.
    expect(result.masked).toEqual([TOKEN]);
  });

  test.each([
    [
      'users_not_found',
      { email: 'nobody@example.com', messageContent: 'hi' },
      'Slack users.lookupByEmail failed: users_not_found (no Slack user has the email nobody@example.com)',
      ['/api/users.lookupByEmail'],
    ],
    [
      'channel_not_found',
      { channel: '#nope', messageContent: 'hi' },
      'Slack chat.postMessage failed: channel_not_found (the bot cannot see channel #nope; invite it or check the name)',
      ['/api/chat.postMessage'],
    ],
    [
      'invalid_auth',
      { channel: '#general', messageContent: 'hi' },
      'Slack chat.postMessage failed: invalid_auth (the token is not a valid Slack token)',
      ['/api/chat.postMessage'],
    ],
    [
      'missing_scope',
      { email: 'jane@example.com', messageContent: 'hi' },
      'Slack users.lookupByEmail failed: missing_scope (the token lacks the users:read.email scope (it has chat:write))',
      ['/api/users.lookupByEmail'],
    ],
  ])("reports Slack's %s verbatim", async (code, fields, message, paths) => {
    replies = {
      'users.lookupByEmail':
        code === 'missing_scope'
          ? {
              ok: false,
              error: 'missing_scope',
              needed: 'users:read.email',
              provided: 'chat:write',
            }
          : { ok: false, error: code },
      'chat.postMessage': { ok: false, error: code },
    };
    const result = await runMockStep(
      step,
      { ...fields, token: 'slack' },
      { secrets: { slack: TOKEN } },
    );
    expect(result.error?.message).toBe(message);
    expect(calls.map(c => c.path)).toEqual(paths);
    expect(result.logText()).not.toContain(TOKEN);
    expect(result.error?.message).not.toContain(TOKEN);
  });

  it('reports HTTP failures after retrying', async () => {
    httpStatus = 503;
    const result = await runMockStep(step, {
      channel: '#general',
      messageContent: 'hi',
      token: TOKEN,
    });
    expect(result.error?.message).toBe(
      'Slack chat.postMessage failed: HTTP 503',
    );
    expect(calls).toHaveLength(3);
  });

  it('names a secret that is not configured', async () => {
    const result = await runMockStep(step, {
      channel: '#general',
      messageContent: 'hi',
      token: 'account.slacksecret',
    });
    expect(result.error?.message).toBe(
      'secret "account.slacksecret" is not configured',
    );
    expect(calls).toHaveLength(0);
  });

  it('leaves a mention it cannot resolve as written', async () => {
    okReplies();
    const result = await runMockStep(step, {
      channel: '#general',
      messageContent: 'cc <@ghost@example.com> <@U0OTHER>',
      token: TOKEN,
    });
    expect(result.error).toBeUndefined();
    expect(calls.map(c => c.path)).toEqual([
      '/api/users.lookupByEmail',
      '/api/chat.postMessage',
    ]);
    expect(calls[1].body.text).toBe('cc <@ghost@example.com> <@U0OTHER>');
    expect(result.logLines()).toContain(
      'warn: left <@ghost@example.com> as written: Slack users.lookupByEmail failed: users_not_found (no Slack user has the email ghost@example.com)',
    );
  });

  test.each([
    [
      { channel: '#c', blocks: '{not json', token: 't' },
      /^spec\.blocks is not valid JSON: /,
    ],
    [
      { channel: '#c', blocks: '{"type": "section"}', token: 't' },
      /^spec\.blocks must be a list of Block Kit blocks/,
    ],
    [
      { messageContent: 'hi', token: 't' },
      /needs a recipient: email \(direct message\) or channel/,
    ],
    [{ channel: '#c', token: 't' }, /needs messageContent or blocks/],
  ])('rejects a bad spec: %j', async (spec, message) => {
    const result = await runMockStep(step, spec, { secrets: { t: TOKEN } });
    expect(result.error?.message).toMatch(message);
    expect(calls).toHaveLength(0);
  });
});

describe('slackText', () => {
  it('turns literal backslash-n into line breaks and keeps Slack markup', () => {
    expect(slackText('a\\nb\\r\\nc <https://x|Link> <@U1>')).toBe(
      'a\nb\nc <https://x|Link> <@U1>',
    );
    expect(slackText('real\nbreak')).toBe('real\nbreak');
  });
});

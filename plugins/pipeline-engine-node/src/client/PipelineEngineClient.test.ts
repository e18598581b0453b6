import type { DiscoveryService } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import type { LogLineView } from '@idp-pipelines/plugin-pipeline-engine-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { problemsOfError } from '@idp-pipelines/plugin-pipeline-engine-common';
import { PipelineEngineClient } from './PipelineEngineClient';

const BASE = 'http://engine.test/api/pipeline-engine';
const REF = {
  orgIdentifier: 'default',
  projectIdentifier: 'web',
  pipelineIdentifier: 'build',
};
const credentials = mockCredentials.user('user:default/jane');
const options = { credentials };
/** What the engine must receive: a token for it, on behalf of Jane. */
const AUTHORIZATION = mockCredentials.service.header({
  onBehalfOf: credentials,
  targetPluginId: 'pipeline-engine',
});

const discovery: DiscoveryService = {
  getBaseUrl: async pluginId => `http://engine.test/api/${pluginId}`,
  getExternalBaseUrl: async pluginId => `http://engine.test/api/${pluginId}`,
};

interface Captured {
  method: string;
  url: URL;
  headers: Headers;
  body: string;
}

const server = setupServer();
let captured: Captured[];

/** Answers `method path` with `reply`, recording every request. */
function handle(
  method: 'get' | 'post' | 'put' | 'delete',
  path: string,
  reply: () => Response | Promise<Response>,
) {
  server.use(
    http[method](`${BASE}${path}`, async ({ request }) => {
      captured.push({
        method: request.method,
        url: new URL(request.url),
        headers: request.headers,
        body: await request.text(),
      });
      return reply();
    }),
  );
}

function client(followLogs = { reconnectDelayMs: 5, maxReconnects: 2 }) {
  return new PipelineEngineClient({
    discovery,
    auth: mockServices.auth({ pluginId: 'scaffolder' }),
    followLogs,
  });
}

/** A text/event-stream response sending `chunks`, then closing unless `keepOpen`. */
function eventStream(chunks: string[], keepOpen = false): Response {
  const encoder = new TextEncoder();
  return new HttpResponse(
    new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        if (!keepOpen) controller.close();
      },
    }),
    { headers: { 'Content-Type': 'text/event-stream' } },
  );
}

function lineEvent(seq: number, line = `line ${seq}`): string {
  const view: LogLineView = {
    seq,
    nodeFqn: 'pipeline.stages.s',
    stream: 'stdout',
    line,
    createdAt: '2026-01-01T00:00:00.000Z',
  };
  return `id: ${seq}\ndata: ${JSON.stringify(view)}\n\n`;
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  captured = [];
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('PipelineEngineClient', () => {
  it('reads a pipeline with a plugin token issued on behalf of the caller', async () => {
    handle('get', '/pipelines/default/web/build', () =>
      HttpResponse.json({ ...REF, yaml: 'pipeline: {}' }),
    );
    await expect(client().getPipeline(REF, options)).resolves.toEqual({
      ...REF,
      yaml: 'pipeline: {}',
    });
    expect(captured).toHaveLength(1);
    expect(captured[0].method).toBe('GET');
    expect(captured[0].headers.get('authorization')).toBe(AUTHORIZATION);
  });

  it('sends YAML bodies as application/yaml, with If-Match on updates', async () => {
    handle('post', '/pipelines', () => HttpResponse.json({}, { status: 201 }));
    handle('put', '/pipelines/default/web/build', () => HttpResponse.json({}));
    handle('post', '/pipelines/validate', () =>
      HttpResponse.json({ ok: true, problems: [] }),
    );
    const yaml = 'pipeline:\n  identifier: build\n';
    await client().createPipeline(yaml, options);
    await client().updatePipeline(REF, yaml, {
      credentials,
      expectedVersion: 3,
    });
    await client().validatePipeline(yaml, options);
    expect(
      captured.map(c => [
        c.method,
        c.url.pathname,
        c.headers.get('content-type'),
        c.headers.get('if-match'),
        c.body,
      ]),
    ).toEqual([
      [
        'POST',
        '/api/pipeline-engine/pipelines',
        'application/yaml',
        null,
        yaml,
      ],
      [
        'PUT',
        '/api/pipeline-engine/pipelines/default/web/build',
        'application/yaml',
        '"3"',
        yaml,
      ],
      [
        'POST',
        '/api/pipeline-engine/pipelines/validate',
        'application/yaml',
        null,
        yaml,
      ],
    ]);
  });

  it('executes with a JSON ExecuteRequest', async () => {
    handle('post', '/pipelines/default/web/build/execute', () =>
      HttpResponse.json({ id: 'e1', status: 'Queued' }, { status: 201 }),
    );
    const execution = await client().execute(
      REF,
      { inputSet: { project_name: 'x' }, inputSetRefs: ['defaults'] },
      options,
    );
    expect(execution).toEqual({ id: 'e1', status: 'Queued' });
    expect(captured[0].headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(captured[0].body)).toEqual({
      inputSet: { project_name: 'x' },
      inputSetRefs: ['defaults'],
    });
    expect(captured[0].headers.get('authorization')).toBe(AUTHORIZATION);
  });

  it('re-runs an execution with a JSON RerunRequest', async () => {
    handle('post', '/executions/e1/rerun', () =>
      HttpResponse.json(
        {
          id: 'e2',
          status: 'Queued',
          rerunOf: 'e1',
          rerunFromStage: 'register',
        },
        { status: 201 },
      ),
    );
    const execution = await client().rerunExecution(
      'e1',
      { fromStage: 'register', inputs: 'same' },
      options,
    );
    expect(execution).toEqual({
      id: 'e2',
      status: 'Queued',
      rerunOf: 'e1',
      rerunFromStage: 'register',
    });
    expect(captured[0].method).toBe('POST');
    expect(captured[0].headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(captured[0].body)).toEqual({
      fromStage: 'register',
      inputs: 'same',
    });
    expect(captured[0].headers.get('authorization')).toBe(AUTHORIZATION);
  });

  it('dry-runs with a JSON ExecuteRequest and returns the problems as data', async () => {
    const answer = {
      ok: false,
      problems: [
        {
          severity: 'error',
          code: 'input-required',
          path: 'pipeline.variables.repo',
          message: 'runtime input repo is required',
        },
      ],
      inputs: {},
      stages: [],
    };
    handle('post', '/pipelines/default/web/build/execute/dry-run', () =>
      HttpResponse.json(answer),
    );
    await expect(
      client().dryRun(REF, { inputSet: { owner: 'x' } }, options),
    ).resolves.toEqual(answer);
    expect(captured[0].method).toBe('POST');
    expect(captured[0].headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(captured[0].body)).toEqual({ inputSet: { owner: 'x' } });
    expect(captured[0].headers.get('authorization')).toBe(AUTHORIZATION);
  });

  it('maps list queries to the route parameters', async () => {
    handle('get', '/executions', () =>
      HttpResponse.json({ items: [], totalCount: 0 }),
    );
    handle('get', '/pipelines', () =>
      HttpResponse.json({ items: [], totalCount: 0 }),
    );
    await client().listExecutions(
      { ...REF, status: 'Running,Queued', limit: 10, offset: 20 },
      options,
    );
    await client().listPipelines({ orgIdentifier: 'default' }, options);
    expect(captured.map(c => c.url.search)).toEqual([
      '?org=default&project=web&pipeline=build&status=Running%2CQueued&limit=10&offset=20',
      '?orgIdentifier=default',
    ]);
  });

  it('calls the template routes', async () => {
    handle('post', '/templates', () => HttpResponse.json({}, { status: 201 }));
    handle('get', '/templates', () =>
      HttpResponse.json({ items: [], totalCount: 0 }),
    );
    handle('get', '/templates/default.web/greet', () =>
      HttpResponse.json({ versions: [] }),
    );
    handle('get', '/templates/default.web/greet/v1', () =>
      HttpResponse.json({}),
    );
    handle('put', '/templates/default.web/greet/v1', () =>
      HttpResponse.json({}),
    );
    handle('put', '/templates/default.web/greet/v1/stable', () =>
      HttpResponse.json({}),
    );
    handle(
      'delete',
      '/templates/default.web/greet/v1',
      () => new HttpResponse(null, { status: 204 }),
    );
    const yaml = 'template:\n  identifier: greet\n';
    await client().createTemplate(yaml, options);
    await client().listTemplates({ scope: 'account', type: 'Stage' }, options);
    await client().getTemplateVersions('default.web', 'greet', options);
    await client().getTemplate('default.web', 'greet', 'v1', options);
    await client().updateTemplate('default.web', 'greet', 'v1', yaml, options);
    await client().setStableTemplate('default.web', 'greet', 'v1', options);
    await client().deleteTemplate('default.web', 'greet', 'v1', options);
    expect(
      captured.map(
        c =>
          `${c.method} ${c.url.pathname}${c.url.search} ${c.headers.get('content-type') ?? ''}`,
      ),
    ).toEqual([
      'POST /api/pipeline-engine/templates application/yaml',
      'GET /api/pipeline-engine/templates?scope=account&type=Stage ',
      'GET /api/pipeline-engine/templates/default.web/greet ',
      'GET /api/pipeline-engine/templates/default.web/greet/v1 ',
      'PUT /api/pipeline-engine/templates/default.web/greet/v1 application/yaml',
      'PUT /api/pipeline-engine/templates/default.web/greet/v1/stable ',
      'DELETE /api/pipeline-engine/templates/default.web/greet/v1 ',
    ]);
    expect(captured[0].body).toBe(yaml);
  });

  it('encodes path segments', async () => {
    handle('post', '/executions/:id/abort', () => HttpResponse.json({}));
    await client().abortExecution('a/b c', options);
    expect(captured[0].url.pathname).toBe(
      '/api/pipeline-engine/executions/a%2Fb%20c/abort',
    );
  });

  it('covers input sets and triggers', async () => {
    const ok = () => HttpResponse.json({});
    handle('get', '/pipelines/default/web/build/input-sets', ok);
    handle('post', '/pipelines/default/web/build/input-sets', ok);
    handle('put', '/pipelines/default/web/build/input-sets/base', ok);
    handle(
      'delete',
      '/pipelines/default/web/build/input-sets/base',
      () => new HttpResponse(null, { status: 204 }),
    );
    handle('get', '/pipelines/default/web/build/triggers/t', ok);
    handle('post', '/pipelines/default/web/build/triggers', ok);
    handle('put', '/pipelines/default/web/build/triggers/t', ok);
    handle(
      'delete',
      '/pipelines/default/web/build/triggers/t',
      () => new HttpResponse(null, { status: 204 }),
    );
    handle('post', '/pipelines/default/web/build/triggers/t/webhook-token', ok);
    const c = client();
    await c.listInputSets(REF, { limit: 5 }, options);
    await c.createInputSet(REF, 'inputSet: {}', options);
    await c.updateInputSet(REF, 'base', 'inputSet: {}', {
      credentials,
      expectedVersion: 2,
    });
    await c.deleteInputSet(REF, 'base', options);
    await c.getTrigger(REF, 't', options);
    await c.createTrigger(REF, 'trigger: {}', options);
    await c.updateTrigger(REF, 't', 'trigger: {}', options);
    await c.deleteTrigger(REF, 't', options);
    await c.rotateWebhookToken(REF, 't', options);
    expect(
      captured.map(
        r =>
          `${r.method} ${r.url.pathname.replace('/api/pipeline-engine/pipelines/default/web/build', '')}${r.url.search}`,
      ),
    ).toEqual([
      'GET /input-sets?limit=5',
      'POST /input-sets',
      'PUT /input-sets/base',
      'DELETE /input-sets/base',
      'GET /triggers/t',
      'POST /triggers',
      'PUT /triggers/t',
      'DELETE /triggers/t',
      'POST /triggers/t/webhook-token',
    ]);
    expect(captured[2].headers.get('if-match')).toBe('"2"');
    expect(
      captured.every(r => r.headers.get('authorization') === AUTHORIZATION),
    ).toBe(true);
  });

  it('runs triggers, sending a webhook token as X-Api-Key when given', async () => {
    handle('post', '/pipelines/default/web/build/triggers/t/run', () =>
      HttpResponse.json({ id: 'e2' }, { status: 201 }),
    );
    await client().runTrigger(
      REF,
      't',
      { inputSetRefs: ['a'] },
      {
        credentials,
        webhookToken: 'tok',
      },
    );
    await client().runTrigger(REF, 't', {}, options);
    expect(captured[0].headers.get('x-api-key')).toBe('tok');
    expect(JSON.parse(captured[0].body)).toEqual({ inputSetRefs: ['a'] });
    expect(captured[1].headers.get('x-api-key')).toBeNull();
  });

  it('unwraps the execution-config envelope', async () => {
    const envelope = (data: object) =>
      HttpResponse.json({
        status: 'SUCCESS',
        data,
        metaData: null,
        correlationId: 'c',
      });
    handle('get', '/execution-config/get-default-config', () =>
      envelope({ createRepo: 'harness/createrepo:1.9.0' }),
    );
    handle('get', '/execution-config/get-customer-config', () => envelope({}));
    handle('post', '/execution-config/update-config', () =>
      envelope({ createRepo: 'r/c:2' }),
    );
    handle('post', '/execution-config/reset-config', () => envelope({}));
    const c = client();
    await expect(c.getDefaultExecutionConfig('K8', options)).resolves.toEqual({
      createRepo: 'harness/createrepo:1.9.0',
    });
    await expect(
      c.getCustomerExecutionConfig('VM', { overridesOnly: false }, options),
    ).resolves.toEqual({});
    await expect(
      c.updateExecutionConfig(
        'K8',
        [{ field: 'createRepo', value: 'r/c:2' }],
        options,
      ),
    ).resolves.toEqual({ createRepo: 'r/c:2' });
    await c.resetExecutionConfig('K8', ['createRepo', 'slackNotify'], options);
    expect(captured.map(r => r.url.search)).toEqual([
      '?infra=K8',
      '?infra=VM&overridesOnly=false',
      '?infra=K8',
      '?infra=K8',
    ]);
    expect(JSON.parse(captured[2].body)).toEqual([
      { field: 'createRepo', value: 'r/c:2' },
    ]);
    expect(JSON.parse(captured[3].body)).toEqual([
      { field: 'createRepo' },
      { field: 'slackNotify' },
    ]);
  });

  it('maps error responses to ResponseError, keeping problems', async () => {
    handle('get', '/pipelines/default/web/build', () =>
      HttpResponse.json(
        {
          error: { name: 'NotFoundError', message: 'no such pipeline' },
          request: { method: 'GET', url: '/pipelines/default/web/build' },
          response: { statusCode: 404 },
        },
        { status: 404 },
      ),
    );
    const problem = {
      severity: 'error',
      code: 'input-required',
      path: 'pipeline.variables.repo',
      message: 'runtime input repo is required',
      line: 6,
      column: 14,
    };
    handle('post', '/pipelines/default/web/build/execute', () =>
      HttpResponse.json(
        {
          error: { name: 'InputError', message: 'the input set does not fit' },
          request: { method: 'POST', url: '/x' },
          response: { statusCode: 400 },
          problems: [problem],
        },
        { status: 400 },
      ),
    );
    const notFound = await client()
      .getPipeline(REF, options)
      .catch(e => e);
    expect(ResponseError.is(notFound)).toBe(true);
    expect(notFound.statusCode).toBe(404);
    expect(notFound.cause).toEqual(
      expect.objectContaining({
        name: 'NotFoundError',
        message: 'no such pipeline',
      }),
    );
    expect(problemsOfError(notFound)).toEqual([]);

    const invalid = await client()
      .execute(REF, {}, options)
      .catch(e => e);
    expect(invalid.statusCode).toBe(400);
    expect(invalid.cause.name).toBe('InputError');
    expect(problemsOfError(invalid)).toEqual([problem]);
    expect(problemsOfError(new Error('x'))).toEqual([]);
  });

  describe('followExecution', () => {
    const STREAM = '/executions/e1/events';

    it('delivers execution, node and end events until the end event', async () => {
      handle('get', STREAM, () =>
        eventStream([
          'event: execution\ndata: {"id":"e1","status":"Running"}\n\n',
          'event: node\ndata: {"fqn":"pipeline.stages.s","status":"Running"}\n\n',
          'event: end\ndata: {"id":"e1","status":"Success","nodes":[]}\n\n',
        ]),
      );
      const events: Array<{ type: string }> = [];
      await client().followExecution('e1', options, event => {
        events.push(event);
      });
      expect(events).toEqual([
        { type: 'execution', execution: { id: 'e1', status: 'Running' } },
        {
          type: 'node',
          node: { fqn: 'pipeline.stages.s', status: 'Running' },
        },
        {
          type: 'end',
          execution: { id: 'e1', status: 'Success', nodes: [] },
        },
      ]);
      expect(captured[0].headers.get('accept')).toBe('text/event-stream');
      expect(captured[0].headers.get('authorization')).toBe(AUTHORIZATION);
    });

    it('throws when the stream closes before the execution ended', async () => {
      handle('get', STREAM, () =>
        eventStream(['event: execution\ndata: {"id":"e1"}\n\n']),
      );
      await expect(
        client().followExecution('e1', options, () => {}),
      ).rejects.toThrow(
        'The status stream of execution e1 closed before it ended',
      );
    });
  });

  describe('followLogs', () => {
    const STREAM = '/executions/e1/logs/stream';

    it('delivers lines in order until the end event', async () => {
      const text = `retry: 2000\n\n${lineEvent(1)}: keep-alive\n\n${lineEvent(2)}${lineEvent(3)}event: end\ndata: {"cursor":3}\n\n`;
      // Split at awkward places: mid-field, mid-JSON, between \n\n.
      handle('get', STREAM, () =>
        eventStream([
          text.slice(0, 7),
          text.slice(7, 90),
          text.slice(90, 91),
          text.slice(91),
        ]),
      );
      const lines: string[] = [];
      const result = await client().followLogs('e1', options, line => {
        lines.push(line.line);
      });
      expect(result).toEqual({ cursor: 3, complete: true });
      expect(lines).toEqual(['line 1', 'line 2', 'line 3']);
      expect(captured).toHaveLength(1);
      expect(captured[0].url.search).toBe('?after=0');
      expect(captured[0].headers.get('accept')).toBe('text/event-stream');
      expect(captured[0].headers.get('last-event-id')).toBeNull();
      expect(captured[0].headers.get('authorization')).toBe(AUTHORIZATION);
    });

    it('reconnects after a dropped connection with Last-Event-ID', async () => {
      let call = 0;
      handle('get', STREAM, () =>
        ++call === 1
          ? eventStream([lineEvent(5), lineEvent(6)])
          : eventStream([lineEvent(7), 'event: end\ndata: {}\n\n']),
      );
      const seqs: number[] = [];
      const result = await client().followLogs(
        'e1',
        { credentials, after: 4 },
        line => {
          seqs.push(line.seq);
        },
      );
      expect(result).toEqual({ cursor: 7, complete: true });
      expect(seqs).toEqual([5, 6, 7]);
      expect(
        captured.map(c => [c.url.search, c.headers.get('last-event-id')]),
      ).toEqual([
        ['?after=4', '4'],
        ['?after=6', '6'],
      ]);
    });

    it('stops when aborted', async () => {
      handle('get', STREAM, () => eventStream([lineEvent(1)], true));
      const controller = new AbortController();
      const result = await client().followLogs(
        'e1',
        { credentials, signal: controller.signal },
        () => controller.abort(),
      );
      expect(result).toEqual({ cursor: 1, complete: false });
    });

    it('does not retry client errors', async () => {
      handle('get', STREAM, () =>
        HttpResponse.json(
          {
            error: { name: 'NotAllowedError', message: 'no' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      );
      const error = await client()
        .followLogs('e1', options, () => {})
        .catch(e => e);
      expect(error.statusCode).toBe(403);
      expect(captured).toHaveLength(1);
    });

    it('gives up when reconnecting makes no progress', async () => {
      handle('get', STREAM, () => eventStream([': keep-alive\n\n']));
      await expect(
        client({ reconnectDelayMs: 1, maxReconnects: 2 }).followLogs(
          'e1',
          options,
          () => {},
        ),
      ).rejects.toThrow(/kept closing before the execution ended/);
      expect(captured).toHaveLength(3);
    });

    it('fails on a server error event after retrying', async () => {
      handle('get', STREAM, () =>
        eventStream([
          'event: error\ndata: {"message":"reading the log failed"}\n\n',
        ]),
      );
      const error = await client({ reconnectDelayMs: 1, maxReconnects: 0 })
        .followLogs('e1', options, () => {})
        .catch(e => e);
      expect(error.cause.message).toMatch(/reading the log failed/);
    });
  });
});

/**
 * @jest-environment node
 */
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import type { LogLineView } from '@idp-pipelines/plugin-pipeline-engine-common';
import { problemsOfError } from '@idp-pipelines/plugin-pipeline-engine-common';
import { PipelineEngineClient } from './PipelineEngineClient';

const BASE = 'http://backstage.test/api/pipeline-engine';
const server = setupServer();
const ref = {
  orgIdentifier: 'default',
  projectIdentifier: 'demo',
  pipelineIdentifier: 'hello',
};

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function client() {
  return new PipelineEngineClient({
    discoveryApi: { getBaseUrl: async () => BASE },
    fetchApi: { fetch: (...args) => fetch(...args) },
    reconnectDelayMs: 0,
  });
}

function logLine(seq: number): LogLineView {
  return {
    seq,
    nodeFqn: 'pipeline.stages.s.spec.execution.steps.a',
    stream: 'stdout',
    line: `line ${seq}`,
    createdAt: '2026-12-01T10:00:00Z',
  };
}

function event(line: LogLineView): string {
  return `id: ${line.seq}\ndata: ${JSON.stringify(line)}\n\n`;
}

function eventStream(chunks: string[]): Response {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
  return new Response(body, {
    headers: { 'Content-Type': 'text/event-stream' },
  });
}

describe('PipelineEngineClient', () => {
  it('lists executions with the query names of the REST API', async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${BASE}/executions`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json({ items: [], totalCount: 0 });
      }),
    );
    await client().listExecutions({ ...ref, status: 'Failed', limit: 5 });
    expect(Object.fromEntries(url!.searchParams)).toEqual({
      org: 'default',
      project: 'demo',
      pipeline: 'hello',
      status: 'Failed',
      limit: '5',
    });
  });

  it('posts the input set and reads the problems of a 400', async () => {
    let body: unknown;
    server.use(
      http.post(
        `${BASE}/pipelines/default/demo/hello/execute`,
        async ({ request }) => {
          body = await request.json();
          return HttpResponse.json(
            {
              error: { name: 'InputError', message: 'bad input set' },
              response: { statusCode: 400 },
              problems: [
                {
                  severity: 'error',
                  code: 'input-regex-mismatch',
                  path: 'pipeline.variables.repo',
                  message: '"A" does not match',
                },
              ],
            },
            { status: 400 },
          );
        },
      ),
    );
    const error = await client()
      .execute(ref, { inputSet: { repo: 'A' } })
      .catch(e => e);
    expect(body).toEqual({ inputSet: { repo: 'A' } });
    expect(problemsOfError(error)).toEqual([
      expect.objectContaining({ path: 'pipeline.variables.repo' }),
    ]);
  });

  it('replaces trigger YAML with If-Match', async () => {
    let headers: Headers | undefined;
    let text = '';
    server.use(
      http.put(
        `${BASE}/pipelines/default/demo/hello/triggers/on_push`,
        async ({ request }) => {
          headers = request.headers;
          text = await request.text();
          return HttpResponse.json({ identifier: 'on_push' });
        },
      ),
    );
    await client().updateTrigger(ref, 'on_push', 'trigger: {}\n', {
      expectedVersion: 4,
    });
    expect(headers?.get('if-match')).toBe('"4"');
    expect(headers?.get('content-type')).toBe('application/yaml');
    expect(text).toBe('trigger: {}\n');
  });

  it('follows the log stream across chunk boundaries until its end event', async () => {
    server.use(
      http.get(`${BASE}/executions/exec-1/logs/stream`, () => {
        const all = `${event(logLine(1))}${event(logLine(2))}: keep-alive\n\n${event(logLine(3))}event: end\ndata: {"cursor":3}\n\n`;
        // Split mid-event to check the parser joins chunks.
        return eventStream([
          all.slice(0, 40),
          all.slice(40, 200),
          all.slice(200),
        ]);
      }),
    );
    const received: number[] = [];
    const result = await client().followLogs('exec-1', {}, lines =>
      received.push(...lines.map(line => line.seq)),
    );
    expect(received).toEqual([1, 2, 3]);
    expect(result).toEqual({ cursor: 3, complete: true });
  });

  it('reconnects after a dropped stream from the last line it got', async () => {
    const afters: string[] = [];
    server.use(
      http.get(`${BASE}/executions/exec-1/logs/stream`, ({ request }) => {
        const after = new URL(request.url).searchParams.get('after')!;
        afters.push(after);
        return after === '0'
          ? eventStream([event(logLine(1)), event(logLine(2))])
          : eventStream([event(logLine(3)), 'event: end\ndata: {}\n\n']);
      }),
    );
    const received: number[] = [];
    const result = await client().followLogs('exec-1', {}, lines =>
      received.push(...lines.map(line => line.seq)),
    );
    expect(afters).toEqual(['0', '2']);
    expect(received).toEqual([1, 2, 3]);
    expect(result.complete).toBe(true);
  });

  it('lists waiting approvals and posts an approval activity', async () => {
    const requests: string[] = [];
    let body: unknown;
    server.use(
      http.get(`${BASE}/approvals`, ({ request }) => {
        requests.push(`GET ${new URL(request.url).search}`);
        return HttpResponse.json({ items: [], totalCount: 0 });
      }),
      http.post(`${BASE}/approvals/a-1/activity`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ id: 'a-1', status: 'APPROVED' });
      }),
      http.post(
        `${BASE}/executions/e-1/interventions/pipeline.stages.s`,
        async ({ request }) => {
          requests.push(`POST ${JSON.stringify(await request.json())}`);
          return HttpResponse.json({ nodeFqn: 'x', status: 'Resolved' });
        },
      ),
    );
    await client().listWaitingApprovals();
    const approval = await client().addApprovalActivity('a-1', {
      action: 'APPROVE',
      comments: 'ok',
      approverInputs: { env: 'prod' },
    });
    await client().interveneInExecution('e-1', 'pipeline.stages.s', 'Retry');
    expect(approval.status).toBe('APPROVED');
    expect(body).toEqual({
      action: 'APPROVE',
      comments: 'ok',
      approverInputs: { env: 'prod' },
    });
    expect(requests).toEqual([
      'GET ?status=waiting',
      'POST {"action":"Retry"}',
    ]);
  });

  it('re-runs through POST /executions/{id}/rerun', async () => {
    let body: unknown;
    server.use(
      http.post(`${BASE}/executions/e%201/rerun`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ id: 'e2' }, { status: 201 });
      }),
    );
    const rerun = await client().rerunExecution('e 1', { fromStage: 'deploy' });
    expect(rerun.id).toBe('e2');
    expect(body).toEqual({ fromStage: 'deploy' });
  });

  it('follows the status stream across chunk boundaries until its end event', async () => {
    const node = { fqn: 'pipeline.stages.s', status: 'Running' };
    const text = [
      'retry: 2000\n\n',
      `event: execution\ndata: ${JSON.stringify({ id: 'e1', status: 'Running' })}\n\n`,
      `event: node\ndata: ${JSON.stringify(node)}\n\n`,
      `event: end\ndata: ${JSON.stringify({ id: 'e1', status: 'Success' })}\n\n`,
    ].join('');
    server.use(
      http.get(`${BASE}/executions/e1/events`, () =>
        eventStream([text.slice(0, 50), text.slice(50, 90), text.slice(90)]),
      ),
    );
    const events: string[] = [];
    await client().followExecution('e1', {}, received =>
      events.push(
        received.type === 'node'
          ? `node ${received.node.status}`
          : `${received.type} ${received.execution.status}`,
      ),
    );
    expect(events).toEqual([
      'execution Running',
      'node Running',
      'end Success',
    ]);
  });

  it('rejects when the status stream closes before the end, for the caller to poll', async () => {
    server.use(
      http.get(`${BASE}/executions/e1/events`, () =>
        eventStream(['event: node\ndata: {"fqn":"a"}\n\n']),
      ),
    );
    await expect(client().followExecution('e1', {}, () => {})).rejects.toThrow(
      'closed before it ended',
    );
  });
});

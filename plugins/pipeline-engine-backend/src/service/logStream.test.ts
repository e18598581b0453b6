import type { LogLineView } from '@idp-pipelines/plugin-pipeline-engine-common';
import request from 'supertest';
import { FakePipelineEngine } from './__testUtils__/FakePipelineEngine';
import {
  createTestApp,
  parseEventStream,
  readEventStream,
  sleep,
  USER,
} from './__testUtils__/routerHarness';

const REF = {
  orgIdentifier: 'default',
  projectIdentifier: 'web',
  pipelineIdentifier: 'build',
};

async function setup() {
  const api = new FakePipelineEngine();
  api.addPipeline(REF);
  const execution = api.addExecution(REF);
  const { app } = await createTestApp({ api });
  // The router's spec matcher loads openapi.yaml on its first request.
  await request(app)
    .get(`/executions/${execution.id}`)
    .set('Authorization', USER);
  const stream = (
    options: {
      after?: number;
      lastEventId?: string;
      /** Sees the body as it arrives. */
      onText?: (textSoFar: string) => void;
    } = {},
  ) => {
    let test = request(app)
      .get(
        `/executions/${execution.id}/logs/stream${
          options.after !== undefined ? `?after=${options.after}` : ''
        }`,
      )
      .set('Authorization', USER);
    if (options.lastEventId !== undefined) {
      test = test.set('Last-Event-ID', options.lastEventId);
    }
    // Starts the request now; the body resolves when the stream ends.
    return readEventStream(test, options.onText).then(res => res);
  };
  return { api, id: execution.id, stream };
}

function lineEvents(text: string) {
  return parseEventStream(text).filter(e => e.data && !e.event);
}

describe('GET /executions/:id/logs/stream', () => {
  it('sends every line in order with its seq as id, then end', async () => {
    const { api, id, stream } = await setup();
    api.appendLogs(id, 'one', 'two');
    const pending = stream();
    await sleep(30);
    api.appendLogs(id, 'three');
    await sleep(30);
    api.appendLogs(id, 'four', 'five');
    api.finish(id);
    const res = await pending;

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(res.headers['cache-control']).toMatch(/no-cache/);
    const events = lineEvents(res.body);
    expect(events.map(e => e.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(events.map(e => (JSON.parse(e.data!) as LogLineView).line)).toEqual([
      'one',
      'two',
      'three',
      'four',
      'five',
    ]);
    expect(JSON.parse(events[0].data!)).toEqual({
      seq: 1,
      nodeFqn: 'pipeline.stages.s',
      stream: 'stdout',
      line: 'one',
      createdAt: expect.any(String),
    });
    const all = parseEventStream(res.body);
    expect(all[all.length - 1]).toEqual({
      event: 'end',
      data: JSON.stringify({ cursor: 5 }),
    });
    expect(api.listenerCount(id)).toBe(0);
  });

  it('resumes after Last-Event-ID, which wins over ?after', async () => {
    const { api, id, stream } = await setup();
    api.appendLogs(id, 'one', 'two', 'three', 'four');
    api.finish(id);
    const resumed = await stream({ after: 1, lastEventId: '3' });
    expect(lineEvents(resumed.body).map(e => e.id)).toEqual(['4']);
    const fromQuery = await stream({ after: 2 });
    expect(lineEvents(fromQuery.body).map(e => e.id)).toEqual(['3', '4']);
  });

  it('polls for lines written by other replicas, which do not notify', async () => {
    const { api, id, stream } = await setup();
    const pending = stream();
    await sleep(20);
    api.appendLogsSilently(id, 'from another replica');
    api.executions.get(id)!.status = 'Failed';
    const res = await pending;
    expect(lineEvents(res.body).map(e => JSON.parse(e.data!).line)).toEqual([
      'from another replica',
    ]);
    expect(parseEventStream(res.body).pop()?.event).toBe('end');
  });

  it('sends keep-alive comments while waiting', async () => {
    const { api, id, stream } = await setup();
    // The execution ends once a keep-alive arrived, however long that takes
    // on a busy machine; without keep-alives the stream never ends.
    let finished = false;
    const res = await stream({
      onText: text => {
        if (!finished && text.includes(': keep-alive\n')) {
          finished = true;
          api.finish(id);
        }
      },
    });
    expect(
      parseEventStream(res.body).some(e => e.comment === 'keep-alive'),
    ).toBe(true);
  });

  it('pages through long logs', async () => {
    const { api, id, stream } = await setup();
    const lines = Array.from({ length: 1234 }, (_, i) => `line ${i + 1}`);
    api.appendLogs(id, ...lines);
    api.finish(id);
    const res = await stream();
    const events = lineEvents(res.body);
    expect(events).toHaveLength(1234);
    expect(events[1233].id).toBe('1234');
  });

  it('answers errors before streaming as JSON', async () => {
    const { stream } = await setup();
    const bad = await stream({ lastEventId: 'abc' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toBe(
      "Header 'Last-Event-ID' must be a log sequence number (got 3 character(s))",
    );
  });

  it('stops reading when the client goes away', async () => {
    const api = new FakePipelineEngine();
    api.addPipeline(REF);
    const { id } = api.addExecution(REF);
    const { app } = await createTestApp({ api });
    const server = app.listen(0);
    try {
      const { port } = server.address() as { port: number };
      const controller = new AbortController();
      const response = await fetch(
        `http://127.0.0.1:${port}/executions/${id}/logs/stream`,
        { headers: { Authorization: USER }, signal: controller.signal },
      );
      expect(response.status).toBe(200);
      expect(api.listenerCount(id)).toBe(1);
      controller.abort();
      await sleep(50);
      expect(api.listenerCount(id)).toBe(0);
    } finally {
      server.close();
    }
  });
});

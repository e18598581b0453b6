import type {
  ExecutionDetail,
  NodeExecutionView,
} from '@idp-pipelines/plugin-pipeline-engine-common';
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

function node(
  fqn: string,
  status: NodeExecutionView['status'],
  children: NodeExecutionView[] = [],
): NodeExecutionView {
  const parts = fqn.split('.');
  return {
    fqn,
    ...(parts.length > 3 ? { parentFqn: parts.slice(0, -2).join('.') } : {}),
    nodeType: children.length ? 'stage' : 'step',
    identifier: parts[parts.length - 1],
    name: parts[parts.length - 1],
    status,
    attempt: 1,
    outputs: {},
    secretOutputs: [],
    children,
  };
}

async function setup() {
  const api = new FakePipelineEngine();
  api.addPipeline(REF);
  const execution = api.addExecution(REF, 'Running');
  const { app } = await createTestApp({ api });
  const stream = () =>
    readEventStream(
      request(app)
        .get(`/executions/${execution.id}/events`)
        .set('Authorization', USER),
    ).then(res => res);
  return { api, execution, stream };
}

/** Waits until the stream subscribed to the engine's notifications. */
async function subscribed(api: FakePipelineEngine, id: string) {
  while (api.listenerCount(id) === 0) await sleep(5);
}

describe('GET /executions/:id/events', () => {
  it('sends the execution, each node that appeared or changed, then end with the detail', async () => {
    const { api, execution, stream } = await setup();
    const step = node('pipeline.stages.s.steps.a', 'Running');
    execution.nodes = [node('pipeline.stages.s', 'Running', [step])];
    const pending = stream();
    await subscribed(api, execution.id);

    execution.nodes = [
      node('pipeline.stages.s', 'Running', [
        node('pipeline.stages.s.steps.a', 'Success'),
        node('pipeline.stages.s.steps.b', 'Running'),
      ]),
    ];
    api.appendLogs(execution.id, 'wakes the stream up');
    await sleep(10);
    execution.nodes = [
      node('pipeline.stages.s', 'Success', [
        node('pipeline.stages.s.steps.a', 'Success'),
        node('pipeline.stages.s.steps.b', 'Success'),
      ]),
    ];
    execution.outputs = { 'pipeline.variables.greeting': 'hello' };
    api.finish(execution.id);
    const res = await pending;

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = parseEventStream(res.body).filter(e => e.event);
    expect(events[0].event).toBe('execution');
    expect(JSON.parse(events[0].data!)).toMatchObject({
      id: execution.id,
      status: 'Running',
    });
    const nodeEvents = events
      .filter(e => e.event === 'node')
      .map(e => JSON.parse(e.data!) as NodeExecutionView);
    expect(nodeEvents.every(n => !('children' in n))).toBe(true);
    const statusesOf = (fqn: string) =>
      nodeEvents.filter(n => n.fqn === fqn).map(n => n.status);
    // Unchanged nodes are not sent again.
    expect(statusesOf('pipeline.stages.s.steps.a')).toEqual([
      'Running',
      'Success',
    ]);
    expect(statusesOf('pipeline.stages.s.steps.b').pop()).toBe('Success');
    expect(statusesOf('pipeline.stages.s').pop()).toBe('Success');
    expect(
      nodeEvents.find(n => n.fqn === 'pipeline.stages.s.steps.b')?.parentFqn,
    ).toBe('pipeline.stages.s');

    const end = events[events.length - 1];
    expect(end.event).toBe('end');
    const detail = JSON.parse(end.data!) as ExecutionDetail;
    expect(detail.status).toBe('Success');
    expect(detail.outputs).toEqual({ 'pipeline.variables.greeting': 'hello' });
    expect(detail.nodes[0].children).toHaveLength(2);
    expect(api.listenerCount(execution.id)).toBe(0);
  });

  it('ends at once for an ended execution', async () => {
    const { api, execution, stream } = await setup();
    api.finish(execution.id, 'Failed');
    const res = await stream();
    expect(
      parseEventStream(res.body)
        .filter(e => e.event)
        .map(e => e.event),
    ).toEqual(['execution', 'end']);
  });

  it('answers 404 for an unknown execution', async () => {
    const { app } = await createTestApp();
    const res = await request(app)
      .get('/executions/nope/events')
      .set('Authorization', USER);
    expect(res.status).toBe(404);
  });
});

import { formatDuration } from './run/progress';
import {
  startBackend,
  template,
  type TaskEvent,
  type TestBackend,
} from './__testUtils__/testBackend';

jest.setTimeout(120_000);

const TIMED = `pipeline:
  name: Timed
  identifier: timed
  orgIdentifier: default
  projectIdentifier: demo
  stages:
    - stage:
        name: s
        identifier: s
        type: Custom
        spec:
          execution:
            steps:
              - step: { type: Emit, name: quick, identifier: quick, spec: { lines: [hi] } }
              - step: { type: Emit, name: slow, identifier: slow, spec: { delayMs: 300 } }
`;

const FAILING = `pipeline:
  name: Failing
  identifier: failing
  orgIdentifier: default
  projectIdentifier: demo
  stages:
    - stage:
        name: s
        identifier: s
        type: Custom
        spec:
          execution:
            steps:
              - step: { type: Emit, name: bad, identifier: bad, spec: { fail: repository already exists } }
`;

const ANSI_COLOR = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');

/** Log messages without the scaffolder's colored `info: ` prefix. */
function messages(events: TaskEvent[]) {
  return events
    .filter(e => e.type === undefined || e.type === 'log')
    .map(e =>
      String(e.body.message)
        .replace(ANSI_COLOR, '')
        .replace(/^(info|warn|error|debug): /, ''),
    );
}

function trigger(pipeline: string) {
  return template(pipeline, [
    {
      id: 'trigger',
      name: 'Run',
      action: 'trigger:harness-custom-pipeline',
      input: { url: `/pipelines/default/demo/${pipeline}` },
    },
  ]);
}

interface NodeView {
  fqn: string;
  startedAt?: string;
  endedAt?: string;
  children: NodeView[];
}

function flatten(nodes: NodeView[]): NodeView[] {
  return nodes.flatMap(node => [node, ...flatten(node.children)]);
}

// Reads would come every 10 minutes: the task ends in time only because the
// action follows the engine's status stream.
describe('trigger:harness-custom-pipeline following the status stream', () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startBackend({
      pipelineEngine: { worker: { pollIntervalMs: 50 } },
      harness: { enginePollIntervalMs: 600_000 },
    });
    await backend.createPipeline(TIMED);
    await backend.createPipeline(FAILING);
    backend.addTemplate(trigger('timed'));
    backend.addTemplate(trigger('failing'));
  });

  async function executionOf(pipeline: string) {
    const list = await backend.call(
      'get',
      `/api/pipeline-engine/executions?org=default&project=demo&pipeline=${pipeline}`,
    );
    const res = await backend.call(
      'get',
      `/api/pipeline-engine/executions/${list.body.items[0].id}`,
    );
    return res.body as { id: string; status: string; nodes: NodeView[] };
  }

  it("reports each step's end with the step's own duration", async () => {
    const events = await backend.events(await backend.startTask('timed'));
    const done = events.find(e => e.type === 'completion');
    expect(done?.body.error).toBeUndefined();
    const execution = await executionOf('timed');
    expect(execution.status).toBe('Success');
    const log = messages(events);
    for (const id of ['quick', 'slow']) {
      const node = flatten(execution.nodes).find(n =>
        n.fqn.endsWith(`.steps.${id}`),
      )!;
      const ms = Date.parse(node.endedAt!) - Date.parse(node.startedAt!);
      expect(log).toContain(`✔ step s/${id} Success in ${formatDuration(ms)}`);
    }
    expect(log).not.toContainEqual(
      expect.stringContaining('Stopped following the execution status stream'),
    );
  });

  it('ends a failure with the failure message, without a stack trace', async () => {
    const events = await backend.events(await backend.startTask('failing'));
    const execution = await executionOf('failing');
    const done = events.find(e => e.type === 'completion');
    expect(done?.body.error?.message).toMatch(
      new RegExp(
        `^Execution ${execution.id} of pipeline default/demo/failing in the pipeline engine ended Failed: step s/bad \\(Emit\\) Failed: repository already exists\\. Execution: http://\\S+/executions/${execution.id}$`,
      ),
    );
    const log = messages(events);
    expect(log).toContainEqual(
      expect.stringMatching(
        /^✖ step s\/bad Failed in \d+(\.\d)?m?s: repository already exists$/,
      ),
    );
    const text = JSON.stringify(events);
    expect(text).not.toMatch(/\bat \S+ \(/);
    expect(text).not.toContain('.ts:');
    expect(text).not.toContain('.js:');
  });
});

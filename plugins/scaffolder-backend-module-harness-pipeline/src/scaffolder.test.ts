import {
  startBackend,
  template,
  waitFor,
  type TaskEvent,
  type TestBackend,
} from './__testUtils__/testBackend';

jest.setTimeout(120_000);

const HELLO = `pipeline:
  name: Hello demo
  identifier: hello
  orgIdentifier: default
  projectIdentifier: demo
  variables:
    - name: project_name
      type: String
      value: <+input>
    - name: greeting
      type: String
      value: <+input>.default(Hello)
  stages:
    - stage:
        name: build
        identifier: build
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: Emit
                  name: first
                  identifier: first
                  spec:
                    lines:
                      - making <+pipeline.variables.project_name>
                      - second line
                    outputs:
                      test1: repo-<+pipeline.variables.project_name>
                    secretOutputs:
                      token: s3cr3t-token-value
              - parallel:
                  - step:
                      type: Emit
                      name: slow
                      identifier: slow
                      spec:
                        delayMs: 600
                        outputs:
                          shared: from-slow
                  - step:
                      type: Emit
                      name: fast
                      identifier: fast
                      spec:
                        outputs:
                          shared: from-fast
              - step:
                  type: Emit
                  name: last
                  identifier: last
                  spec:
                    outputs:
                      test2: <+pipeline.variables.greeting>, <+pipeline.variables.project_name>
`;

const STRICT = `pipeline:
  name: Strict
  identifier: strict
  orgIdentifier: default
  projectIdentifier: demo
  variables:
    - name: project_name
      type: String
      required: true
      value: <+input>
    - name: repository_type
      type: String
      value: <+input>.allowedValues(private,public)
  stages:
    - stage:
        name: s
        identifier: s
        type: Custom
        spec:
          execution:
            steps:
              - step: { type: Emit, name: e, identifier: e, spec: {} }
`;

const BROKEN = `pipeline:
  name: Broken
  identifier: broken
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
              - step: { type: Emit, name: ok, identifier: ok, spec: {} }
              - step: { type: Emit, name: bad, identifier: bad, spec: { fail: repository already exists } }
`;

const SLOW = `pipeline:
  name: Slow
  identifier: slow
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
              - step: { type: Wait, name: wait, identifier: wait, spec: { duration: 10m } }
`;

const TRIGGER_STEP = {
  id: 'trigger',
  name: 'Creating your app',
  action: 'trigger:harness-custom-pipeline',
  input: {
    url: '${{ parameters.url }}',
    inputset: { project_name: '${{ parameters.project_name }}' },
    showOutputVariables: true,
  },
};

const OUTPUT = {
  text: [
    {
      title: 'Output Variable',
      content:
        'Output Variable **test2** is `${{ steps.trigger.output.test2 }}`',
    },
    {
      title: 'Another Output Variable',
      content:
        "Output Variable **test1** with fqnPath is `${{ steps.trigger.output['pipeline.stages.build.spec.execution.steps.first.output.outputVariables.test1'] }}`",
    },
    { title: 'Shared', content: 'shared=${{ steps.trigger.output.shared }}' },
    { title: 'Secret', content: 'token=[${{ steps.trigger.output.token }}]' },
  ],
  links: [{ title: 'Execution', url: '${{ steps.trigger.output.url }}' }],
};

const ANSI_COLOR = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');

/** Log messages without the scaffolder's colored `info: ` prefix. */
const messages = (
  events: Array<{ type?: string; body: { message?: unknown } }>,
) =>
  events
    .filter(e => e.type === undefined || e.type === 'log')
    .map(e =>
      String(e.body.message)
        .replace(ANSI_COLOR, '')
        .replace(/^(info|warn|error|debug): /, ''),
    );

function completion(events: TaskEvent[]) {
  const done = events.find(e => e.type === 'completion');
  if (!done)
    throw new Error(`no completion event in ${JSON.stringify(events)}`);
  return done.body as {
    status?: string;
    output?: {
      text?: Array<{ title: string; content: string }>;
      links?: Array<{ url: string }>;
    };
    error?: { message: string };
  };
}

describe('trigger:harness-custom-pipeline through the scaffolder', () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startBackend();
    for (const yaml of [HELLO, STRICT, BROKEN, SLOW]) {
      await backend.createPipeline(yaml);
    }
    backend.addTemplate(template('hello', [TRIGGER_STEP], OUTPUT));
  });

  async function executionsOf(pipeline: string) {
    const res = await backend.call(
      'get',
      `/api/pipeline-engine/executions?org=default&project=demo&pipeline=${pipeline}`,
    );
    return res.body.items as Array<{
      id: string;
      status: string;
      triggeredBy: {
        identity: string;
        scaffolderTask?: { taskId: string; templateRef?: string };
      };
    }>;
  }

  it('runs the pipeline as the user, streams its log and renders its output variables', async () => {
    const taskId = await backend.startTask('hello', {
      url: '/api/pipeline-engine/pipelines/default/demo/hello',
      project_name: 'svc',
    });
    const events = await backend.events(taskId);
    const done = completion(events);
    expect(done.error).toBeUndefined();
    expect(done.output?.text).toEqual([
      {
        title: 'Output Variable',
        content: 'Output Variable **test2** is `Hello, svc`',
      },
      {
        title: 'Another Output Variable',
        content: 'Output Variable **test1** with fqnPath is `repo-svc`',
      },
      // The slow step of the parallel pair finished last, so its value wins.
      { title: 'Shared', content: 'shared=from-slow' },
      // Secret outputs are never exported.
      { title: 'Secret', content: 'token=[]' },
    ]);

    const [execution] = await executionsOf('hello');
    expect(execution.status).toBe('Success');
    // The action sends its task, so the execution page links back to it.
    expect(execution.triggeredBy).toEqual({
      identity: 'user:default/jane',
      scaffolderTask: { taskId, templateRef: 'template:default/hello' },
    });
    expect(done.output?.links?.[0].url).toMatch(
      new RegExp(`/api/pipeline-engine/executions/${execution.id}$`),
    );

    const log = messages(events);
    expect(log).toContainEqual(
      expect.stringMatching(
        /^Pipeline URL: http:\/\/localhost:\d+\/api\/pipeline-engine\/pipelines\/default\/demo\/hello$/,
      ),
    );
    expect(log).toContain(
      `Started execution ${execution.id} of pipeline default/demo/hello in the pipeline engine`,
    );
    expect(log).toContain('[build/first] making svc');
    expect(log).toContain('[build/first] second line');
    expect(log).toContainEqual(
      expect.stringMatching(/^▶ step build\/first started/),
    );
    expect(log).toContainEqual(
      expect.stringMatching(/^✔ step build\/first Success in \d/),
    );
    expect(log).toContainEqual(
      expect.stringMatching(/^✔ step build\/last Success/),
    );
    expect(log).toContainEqual(
      expect.stringContaining(
        '"shared" holds the value of build/slow, which finished last',
      ),
    );
    expect(log.indexOf('[build/first] making svc')).toBeGreaterThan(
      log.findIndex(line => line.startsWith('▶ step build/first started')),
    );
    expect(JSON.stringify(events)).not.toContain('s3cr3t-token-value');
  });

  it('fails the task with one error listing every input-set problem, starting nothing', async () => {
    backend.addTemplate(
      template('strict', [
        {
          ...TRIGGER_STEP,
          input: {
            url: '/pipelines/default/demo/strict',
            inputset: { repository_type: 'internal' },
          },
        },
      ]),
    );
    const events = await backend.events(await backend.startTask('strict'));
    const message = completion(events).error?.message ?? '';
    expect(message).toMatch(
      /^The inputset does not fit pipeline default\/demo\/strict \(2 problems\):/,
    );
    expect(message).toContain('  - pipeline.variables.project_name: ');
    expect(message).toContain('  - pipeline.variables.repository_type: ');
    expect(await executionsOf('strict')).toEqual([]);
  });

  it('fails the task with the failed step, its error and the execution URL', async () => {
    backend.addTemplate(
      template('broken', [
        { ...TRIGGER_STEP, input: { url: '/pipelines/default/demo/broken' } },
      ]),
    );
    const events = await backend.events(await backend.startTask('broken'));
    const [execution] = await executionsOf('broken');
    expect(completion(events).error?.message).toMatch(
      new RegExp(
        `^Execution ${execution.id} of pipeline default/demo/broken in the pipeline engine ended Failed: step s/bad \\(Emit\\) Failed: repository already exists\\. Execution: http://localhost:\\d+/api/pipeline-engine/executions/${execution.id}$`,
      ),
    );
    expect(messages(events)).toContainEqual(
      expect.stringMatching(
        /^✖ step s\/bad Failed.*: repository already exists$/,
      ),
    );
  });

  it('aborts the execution when the task is cancelled', async () => {
    backend.addTemplate(
      template('slow', [
        { ...TRIGGER_STEP, input: { url: '/pipelines/default/demo/slow' } },
      ]),
    );
    const taskId = await backend.startTask('slow');
    const running = await waitFor(async () => {
      const [execution] = await executionsOf('slow');
      return execution?.status === 'Running' ? execution : undefined;
    }, 'the execution to run');

    await backend
      .call('post', `/api/scaffolder/v2/tasks/${taskId}/cancel`)
      .expect(200);

    await waitFor(async () => {
      const [execution] = await executionsOf('slow');
      return execution.status === 'Aborted' ? true : undefined;
    }, 'the execution to be aborted');
    const events = await backend.events(taskId);
    expect(events.map(e => e.type)).toContain('cancelled');
    expect(completion(events).error?.message).toBe(
      `The task was cancelled; execution ${running.id} of pipeline default/demo/slow in the pipeline engine ended Aborted`,
    );
    expect(messages(events)).toContain(
      `The task was cancelled: aborting execution ${running.id}`,
    );
    expect((await executionsOf('slow')).map(e => e.id)).toEqual([running.id]);
  });

  it('dry-runs from the template editor without executing', async () => {
    const res = await backend.call('post', '/api/scaffolder/v2/dry-run', {
      template: template('hello', [TRIGGER_STEP], OUTPUT),
      values: { url: '/pipelines/default/demo/hello', project_name: 'dry' },
      directoryContents: [],
    });
    expect(res.status).toBe(200);
    const log = messages(res.body.log);
    const before = (await executionsOf('hello')).length;
    expect(log).toContain(
      'Dry run: pipeline default/demo/hello in the pipeline engine would run with 2 runtime inputs',
    );
    expect(log).toContain('  pipeline.variables.project_name = "dry"');
    expect(log).toContain('Stages and steps that would run:');
    expect(log).toContain('    - first (Emit)');
    expect((await executionsOf('hello')).length).toBe(before);

    const bad = await backend.call('post', '/api/scaffolder/v2/dry-run', {
      template: template('strict', [
        {
          ...TRIGGER_STEP,
          input: {
            url: '${{ parameters.url }}',
            inputset: { repository_type: 'internal' },
          },
        },
      ]),
      values: { url: '/pipelines/default/demo/strict' },
      directoryContents: [],
    });
    expect(JSON.stringify(bad.body)).toContain(
      'The inputset does not fit pipeline default/demo/strict (2 problems):',
    );
    expect(await executionsOf('strict')).toEqual([]);
  });
});

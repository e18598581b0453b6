import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  startBackend,
  template,
  type TaskEvent,
  type TestBackend,
} from './__testUtils__/testBackend';

/*
 * Security finding 2 through the scaffolder: a template form value such as
 * `<+secrets.getValue("db_password")>` must not read a secret the user may
 * not use; the task fails with a clear message and nothing runs.
 */

jest.setTimeout(120_000);

const PIPELINE = `pipeline:
  name: Titles
  identifier: titles
  orgIdentifier: default
  projectIdentifier: demo
  variables:
    - name: title
      type: String
      value: <+input>
  stages:
    - stage:
        name: s
        identifier: s
        type: Custom
        spec:
          execution:
            steps:
              - step: { type: Emit, name: e, identifier: e, spec: { outputs: { shown: <+pipeline.variables.title> } } }
`;

/** Allows everything but pipeline-engine.secret.use on db_password. */
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
            permission.name === 'pipeline-engine.secret.use' &&
            resourceRef === 'db_password'
              ? 'DENY'
              : 'ALLOW',
        }));
      },
      async authorizeConditional(requests: unknown[]) {
        return requests.map(() => ({ result: 'ALLOW' }));
      },
    }) as never,
});

function completion(events: TaskEvent[]) {
  const done = events.find(e => e.type === 'completion');
  if (!done)
    throw new Error(`no completion event in ${JSON.stringify(events)}`);
  return done.body as { error?: { message: string } };
}

describe('secrets in template input values', () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startBackend(
      {
        pipelineEngine: {
          worker: { pollIntervalMs: 50 },
          secrets: { db_password: 'hunter2-db' },
        },
      },
      [permissions],
    );
    await backend.createPipeline(PIPELINE);
    backend.addTemplate(
      template(
        'titles',
        [
          {
            id: 'trigger',
            name: 'Run',
            action: 'trigger:harness-custom-pipeline',
            input: {
              url: '/pipelines/default/demo/titles',
              inputset: { title: '${{ parameters.title }}' },
              showOutputVariables: true,
            },
          },
        ],
        {
          text: [
            { title: 'Title', content: '${{ steps.trigger.output.shown }}' },
          ],
        },
      ),
    );
  });

  it('fails the task naming the input and the secret, and starts nothing', async () => {
    const events = await backend.events(
      await backend.startTask('titles', {
        title: '<+secrets.getValue("db_password")>',
      }),
    );
    const message = completion(events).error?.message ?? '';
    expect(message).toContain('input "title" reads secret "db_password"');
    expect(message).toContain('pipeline-engine.secret.use');
    expect(JSON.stringify(events)).not.toContain('hunter2-db');
    const executions = await backend.call(
      'get',
      '/api/pipeline-engine/executions?org=default&project=demo&pipeline=titles',
    );
    expect(executions.body.totalCount).toBe(0);
  });

  it('still evaluates other expressions in form values', async () => {
    const events = await backend.events(
      await backend.startTask('titles', {
        title: '<+pipeline.name.toUpperCase()>',
      }),
    );
    expect(completion(events).error).toBeUndefined();
    expect(JSON.stringify(completion(events))).toContain('"content":"TITLES"');
  });
});

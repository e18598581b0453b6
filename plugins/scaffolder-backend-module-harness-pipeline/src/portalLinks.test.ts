import {
  startBackend,
  template,
  type TaskEvent,
  type TestBackend,
} from './__testUtils__/testBackend';

const HELLO = `pipeline:
  name: Hello
  identifier: hello
  orgIdentifier: default
  projectIdentifier: demo
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
                  name: only
                  identifier: only
                  spec:
                    lines: ["done"]
`;

const PORTAL = 'http://portal.example:3000';

function completionLinks(events: TaskEvent[]) {
  const done = events.find(e => e.type === 'completion');
  return (done?.body as { output?: { links?: Array<{ url: string }> } })?.output
    ?.links;
}

describe('links to the portal (app.baseUrl)', () => {
  let backend: TestBackend;

  beforeAll(async () => {
    backend = await startBackend({ app: { baseUrl: `${PORTAL}/` } });
    await backend.createPipeline(HELLO);
    backend.addTemplate(
      template(
        'hello',
        [
          {
            id: 'trigger',
            name: 'Run',
            action: 'trigger:harness-custom-pipeline',
            input: { url: '/pipelines/default/demo/hello' },
          },
        ],
        {
          links: [
            { title: 'Execution', url: '${{ steps.trigger.output.url }}' },
            {
              title: 'Execution (old name)',
              url: '${{ steps.trigger.output.PipelineUrl }}',
            },
          ],
        },
      ),
    );
  });

  it('points the url/PipelineUrl outputs and the log at the execution page, not the API', async () => {
    const events = await backend.events(await backend.startTask('hello'));
    const res = await backend.call(
      'get',
      '/api/pipeline-engine/executions?org=default&project=demo&pipeline=hello',
    );
    const [execution] = res.body.items as Array<{ id: string }>;
    const page = `${PORTAL}/pipelines/executions/${execution.id}`;
    expect(completionLinks(events)).toEqual([
      expect.objectContaining({ url: page }),
      expect.objectContaining({ url: page }),
    ]);
    const log = JSON.stringify(events);
    expect(log).toContain(`Execution URL: ${page}`);
    expect(log).toContain(
      `Pipeline URL: ${PORTAL}/pipelines/default/demo/hello`,
    );
  });
});

import {
  startBackend,
  template,
  type TaskEvent,
  type TestBackend,
} from './__testUtils__/testBackend';

jest.setTimeout(120_000);

const PIPELINE = `pipeline:
  name: Deploy
  identifier: deploy
  orgIdentifier: default
  projectIdentifier: web
  variables:
    - name: environment
      type: String
      required: true
      value: <+input>
  stages:
    - stage:
        name: s
        identifier: s
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: Emit
                  name: e
                  identifier: e
                  spec:
                    outputs:
                      env: <+pipeline.variables.environment>
`;

const INPUT_SET = `inputSet:
  identifier: staging
  name: Staging
  pipeline:
    identifier: deploy
    variables:
      - name: environment
        type: String
        value: staging
`;

const TRIGGER = `trigger:
  name: Deploy hook
  identifier: deploy_hook
  enabled: true
  orgIdentifier: default
  projectIdentifier: web
  pipelineIdentifier: deploy
  source:
    type: Webhook
    spec:
      type: Custom
`;

const BASE = '/api/pipeline-engine/pipelines/default/web/deploy';

function webhookTemplate(name: string, apikey?: string) {
  return template(
    name,
    [
      {
        id: 'trigger',
        name: 'Fire the trigger',
        action: 'trigger:trigger-pipeline-with-webhook',
        input: {
          url: `http://localhost${BASE}`,
          inputSetName: '${{ parameters.inputSetName }}',
          triggerName: 'deploy_hook',
          ...(apikey ? { apikey } : {}),
        },
      },
    ],
    {
      text: [
        { title: 'API URL', content: '${{ steps.trigger.output.apiUrl }}' },
        {
          title: 'Pipeline',
          content: '${{ steps.trigger.output.pipelineUrl }}',
        },
        {
          title: 'Executions',
          content: '${{ steps.trigger.output.executionsUrl }}',
        },
        {
          title: 'Execution',
          content: '${{ steps.trigger.output.executionId }}',
        },
      ],
    },
  );
}

function outputOf(events: TaskEvent[]) {
  const done = events.find(e => e.type === 'completion')!.body as {
    output?: { text: Array<{ title: string; content: string }> };
    error?: { message: string };
  };
  expect(done.error).toBeUndefined();
  return Object.fromEntries(done.output!.text.map(t => [t.title, t.content]));
}

describe('trigger:trigger-pipeline-with-webhook through the scaffolder', () => {
  let backend: TestBackend;
  let webhookToken: string;

  beforeAll(async () => {
    backend = await startBackend();
    await backend.createPipeline(PIPELINE);
    await backend
      .call('post', `${BASE}/input-sets`, INPUT_SET, 'application/yaml')
      .expect(201);
    const trigger = await backend
      .call('post', `${BASE}/triggers`, TRIGGER, 'application/yaml')
      .expect(201);
    webhookToken = trigger.body.webhookToken;
    if (typeof webhookToken !== 'string') throw new Error('no webhook token');
    backend.addTemplate(
      webhookTemplate('with-token', '${{ secrets.webhookToken }}'),
    );
    backend.addTemplate(webhookTemplate('as-user'));
  });

  async function execution(id: string) {
    const res = await backend
      .call('get', `/api/pipeline-engine/executions/${id}`)
      .expect(200);
    return res.body as {
      triggerType: string;
      triggeredBy: { identity: string };
      status: string;
    };
  }

  it('fires the trigger with the stored input set using the webhook token', async () => {
    const taskId = await backend.startTask(
      'with-token',
      { inputSetName: 'staging' },
      { webhookToken },
    );
    const events = await backend.events(taskId);
    const output = outputOf(events);
    expect(output['API URL']).toMatch(
      /^http:\/\/localhost:\d+\/api\/pipeline-engine\/pipelines\/default\/web\/deploy\/triggers\/deploy_hook\/run$/,
    );
    expect(output.Pipeline).toMatch(
      /\/api\/pipeline-engine\/pipelines\/default\/web\/deploy$/,
    );
    expect(output.Executions).toMatch(
      /\/api\/pipeline-engine\/executions\?org=default&project=web&pipeline=deploy$/,
    );
    const run = await execution(output.Execution);
    expect(run.triggerType).toBe('WEBHOOK_CUSTOM');
    expect(run.triggeredBy.identity).toMatch(/deploy_hook$/);
    expect(JSON.stringify(events)).not.toContain(webhookToken);
  });

  it("uses the user's credentials without a token", async () => {
    const events = await backend.events(
      await backend.startTask('as-user', { inputSetName: 'staging' }),
    );
    const run = await execution(outputOf(events).Execution);
    expect(run.triggerType).toBe('WEBHOOK_CUSTOM');
    expect(run.triggeredBy.identity).toBe('user:default/jane');
  });

  it('names a missing input set', async () => {
    const events = await backend.events(
      await backend.startTask('as-user', { inputSetName: 'production' }),
    );
    const done = events.find(e => e.type === 'completion')!.body as {
      error?: { message: string };
    };
    expect(done.error?.message).toContain('production');
  });
});

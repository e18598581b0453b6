import { mockServices } from '@backstage/backend-test-utils';
import type { PipelineEngineService } from '@idp-pipelines/plugin-pipeline-engine-node';
import { createTriggerPipelineWithWebhookAction } from '../actions/triggerPipelineWithWebhook';
import { readHarnessActionsConfig } from '../config';
import {
  fakeActionContext,
  handlerOf,
} from '../__testUtils__/fakeActionContext';
import { FakeHarness } from '../__testUtils__/fakeHarness';

const API_KEY = 'pat.acc123.hook.WebhookSecretValue';

describe('trigger:trigger-pipeline-with-webhook on Harness SaaS', () => {
  let harness: FakeHarness;
  const sleeps: number[] = [];

  beforeAll(async () => {
    harness = await FakeHarness.start();
    harness.apiKeys.add(API_KEY);
    harness.addPipeline({
      org: 'default',
      project: 'web',
      identifier: 'deploy',
      name: 'Deploy',
      steps: [
        {
          stage: 'ship',
          identifier: 'Run_1',
          outputs: v => ({ env: String(v.environment) }),
        },
      ],
      inputSets: {
        staging: { environment: 'staging' },
        production: { environment: 'production' },
      },
      triggers: {
        deploy_hook: { inputSetRefs: ['staging'] },
        off_hook: { inputSetRefs: ['staging'], enabled: false },
        git_hook: { inputSetRefs: ['staging'], type: 'Github' },
      },
    });
  });
  afterAll(() => harness.stop());
  beforeEach(() => {
    harness.reset();
    sleeps.length = 0;
  });

  function action() {
    return createTriggerPipelineWithWebhookAction({
      config: readHarnessActionsConfig(
        mockServices.rootConfig({
          data: {
            harness: {
              baseUrls: [harness.origin],
              apiKeySecrets: { hook_key: API_KEY },
              pollIntervalMs: 5,
            },
          },
        }),
      ),
      pipelineEngine: {} as PipelineEngineService,
      discovery: mockServices.discovery(),
      harnessRetry: {
        sleep: async ms => {
          sleeps.push(ms);
        },
      },
      follow: { logDrainTimeoutMs: 10 },
    });
  }

  const url = () =>
    `${harness.origin}/ng/account/acc123/idp-admin/orgs/default/projects/web/pipelines/deploy/pipeline-studio/?storeType=INLINE`;
  const paths = () => harness.requests.map(r => `${r.method} ${r.path}`);

  it('fires custom/v2, waits for the execution it starts and follows it with outputs', async () => {
    const fake = fakeActionContext({
      url: url(),
      inputSetName: 'staging',
      triggerName: 'deploy_hook',
      apiKeySecret: 'hook_key',
      showOutputVariables: true,
    });
    await handlerOf(action())(fake.ctx);

    const fire = harness.requests.find(r =>
      r.path.endsWith('/webhook/custom/v2'),
    )!;
    expect(fire.method).toBe('POST');
    expect(fire.query).toEqual({
      accountIdentifier: 'acc123',
      orgIdentifier: 'default',
      projectIdentifier: 'web',
      pipelineIdentifier: 'deploy',
      triggerIdentifier: 'deploy_hook',
    });
    expect(fire.headers['content-type']).toBe('application/json');
    expect(fire.headers['x-api-key']).toBe(API_KEY);
    expect(JSON.parse(fire.body)).toEqual({ inputSetName: 'staging' });
    expect(paths().slice(0, 2)).toEqual([
      'GET /gateway/pipeline/api/triggers/deploy_hook',
      'POST /gateway/pipeline/api/webhook/custom/v2',
    ]);
    expect(paths()[2]).toMatch(
      /^GET \/gateway\/pipeline\/api\/webhook\/triggerExecutionDetails\/evt-\d+$/,
    );
    const details = harness.requests.filter(r =>
      r.path.includes('/webhook/triggerExecutionDetails/'),
    );
    expect(details).toHaveLength(2);
    expect(details[0].query).toEqual({ accountIdentifier: 'acc123' });
    expect(
      harness.requests.filter(r => r.path.includes('/pipeline/execute/')),
    ).toHaveLength(0);

    expect(fake.outputs).toMatchObject({
      apiUrl: `${harness.origin}/gateway/pipeline/api/webhook/custom/v2?accountIdentifier=acc123&orgIdentifier=default&projectIdentifier=web&pipelineIdentifier=deploy&triggerIdentifier=deploy_hook`,
      pipelineUrl: `${harness.origin}/ng/account/acc123/idp-admin/orgs/default/projects/web/pipelines/deploy/pipeline-studio/?storeType=INLINE`,
      executionsUrl: `${harness.origin}/ng/account/acc123/idp-admin/orgs/default/projects/web/pipelines/deploy/executions?storeType=INLINE`,
      executionId: expect.stringMatching(/^plan-\d+$/),
      title: 'Deploy',
      env: 'staging',
      'pipeline.stages.ship.spec.execution.steps.Run_1.output.outputVariables.env':
        'staging',
    });
    expect(fake.outputs.url).toBe(
      `${harness.origin}/ng/account/acc123/idp-admin/orgs/default/projects/web/pipelines/deploy/executions/${fake.outputs.executionId}/pipeline?storeType=INLINE`,
    );
    expect(fake.text()).toMatch(
      /Fired webhook trigger deploy_hook of Harness pipeline default\/web\/deploy: event evt-\d+/,
    );
    expect(fake.text()).not.toContain(API_KEY);
  });

  it('never fires twice when the task is retried', async () => {
    const checkpoints = new Map<string, unknown>();
    const input = {
      url: url(),
      inputSetName: 'staging',
      triggerName: 'deploy_hook',
      apikey: API_KEY,
    };
    await handlerOf(action())(fakeActionContext(input, { checkpoints }).ctx);
    const again = fakeActionContext(input, { checkpoints });
    await handlerOf(action())(again.ctx);
    expect(
      harness.requests.filter(r => r.path.endsWith('/webhook/custom/v2')),
    ).toHaveLength(1);
    expect(again.text()).toContain('started before this task was retried');
  });

  it('refuses a trigger that does not run the input set, before firing', async () => {
    const error = await handlerOf(action())(
      fakeActionContext({
        url: url(),
        inputSetName: 'production',
        triggerName: 'deploy_hook',
        apikey: API_KEY,
      }).ctx,
    ).catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toBe(
      "input.inputSetName: trigger deploy_hook of pipeline deploy runs input set staging, not production; Harness applies the trigger's own input sets, so add production to the trigger, name a trigger that uses it, or leave triggerName out to run the input set directly",
    );
    expect(paths()).toEqual(['GET /gateway/pipeline/api/triggers/deploy_hook']);
  });

  it.each([
    ['off_hook', /trigger off_hook of pipeline deploy is disabled/],
    ['git_hook', /is not a custom webhook trigger \(source Webhook\/Github\)/],
    ['nope', /404 RESOURCE_NOT_FOUND_EXCEPTION .*Trigger nope does not exist/],
  ])('refuses trigger %s', async (triggerName, message) => {
    await expect(
      handlerOf(action())(
        fakeActionContext({
          url: url(),
          inputSetName: 'staging',
          triggerName,
          apikey: API_KEY,
        }).ctx,
      ),
    ).rejects.toThrow(message);
    expect(paths()).not.toContain(
      'POST /gateway/pipeline/api/webhook/custom/v2',
    );
  });

  it('runs the input set through inputSetList without a trigger', async () => {
    const fake = fakeActionContext({
      url: url(),
      inputSetName: 'production',
      apikey: API_KEY,
      showOutputVariables: true,
    });
    await handlerOf(action())(fake.ctx);
    const execute = harness.requests.find(r =>
      r.path.endsWith('/inputSetList'),
    )!;
    expect(execute.path).toBe(
      '/gateway/pipeline/api/pipeline/execute/deploy/inputSetList',
    );
    expect(execute.query).toMatchObject({ moduleType: 'idp' });
    expect(JSON.parse(execute.body)).toEqual({
      inputSetReferences: ['production'],
    });
    expect(fake.outputs.env).toBe('production');
  });

  it('retries reads of the webhook event on 429 and 5xx', async () => {
    harness.failNext('webhookDetails', { status: 429, retryAfter: '3' });
    harness.failNext('webhookDetails', { status: 500 });
    const fake = fakeActionContext({
      url: url(),
      inputSetName: 'staging',
      triggerName: 'deploy_hook',
      apikey: API_KEY,
    });
    await handlerOf(action())(fake.ctx);
    expect(sleeps).toEqual([3000, 2000]);
    expect(fake.outputs.executionId).toMatch(/^plan-\d+$/);
  });

  it('never retries the webhook POST', async () => {
    harness.failNext('webhook', { status: 503, message: 'Busy' });
    const error = await handlerOf(action())(
      fakeActionContext({
        url: url(),
        inputSetName: 'staging',
        triggerName: 'deploy_hook',
        apikey: API_KEY,
      }).ctx,
    ).catch(e => e);
    expect(error.message).toContain(
      'Harness answered 503 UNKNOWN_ERROR while firing webhook trigger deploy_hook of pipeline deploy: Busy',
    );
    expect(
      harness.requests.filter(r => r.path.endsWith('/webhook/custom/v2')),
    ).toHaveLength(1);
  });

  it('dry-runs by reading the input set and the trigger', async () => {
    const fake = fakeActionContext(
      {
        url: url(),
        inputSetName: 'staging',
        triggerName: 'deploy_hook',
        apikey: API_KEY,
      },
      { isDryRun: true },
    );
    await handlerOf(action())(fake.ctx);
    expect(paths()).toEqual([
      'GET /gateway/pipeline/api/inputSets/staging',
      'GET /gateway/pipeline/api/triggers/deploy_hook',
    ]);
    expect(fake.text()).toContain(
      'Dry run: would fire webhook trigger deploy_hook of Harness pipeline default/web/deploy, which runs input set staging',
    );
    expect(fake.outputs.executionId).toBe('');
  });

  it('needs triggerName for a pipeline of the engine', async () => {
    await expect(
      handlerOf(action())(
        fakeActionContext({
          url: 'http://localhost:7007/api/pipeline-engine/pipelines/default/web/deploy',
          inputSetName: 'staging',
        }).ctx,
      ),
    ).rejects.toThrow(
      'input.triggerName is required for a pipeline of the pipeline engine: name the custom webhook trigger to fire',
    );
  });

  it('needs an API key on Harness', async () => {
    await expect(
      handlerOf(action())(
        fakeActionContext({
          url: url(),
          inputSetName: 'staging',
          triggerName: 'deploy_hook',
        }).ctx,
      ),
    ).rejects.toThrow('A Harness SaaS pipeline needs the apikey input');
    expect(harness.requests).toHaveLength(0);
  });
});

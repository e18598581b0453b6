import { mockServices } from '@backstage/backend-test-utils';
import type { PipelineEngineService } from '@idp-pipelines/plugin-pipeline-engine-node';
import { parse } from 'yaml';
import { createTriggerHarnessCustomPipelineAction } from '../actions/triggerCustomPipeline';
import { readHarnessActionsConfig } from '../config';
import {
  fakeActionContext,
  handlerOf,
} from '../__testUtils__/fakeActionContext';
import { FakeHarness } from '../__testUtils__/fakeHarness';

const API_KEY = 'pat.acc123.tokenid.SuperSecretValue';
const SESSION_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.session.token';
const SECRET_KEY = 'sat.acc123.svc.ConfiguredSecretKey';
const TEMPLATE = `pipeline:
  identifier: onboard
  variables:
    - name: project_name
      type: String
      value: <+input>
    - name: repository_type
      type: String
      value: <+input>.default(private).allowedValues(private,public)
`;

describe('trigger:harness-custom-pipeline on Harness SaaS', () => {
  let harness: FakeHarness;
  const engine = {} as PipelineEngineService;

  beforeAll(async () => {
    harness = await FakeHarness.start();
    harness.apiKeys.add(API_KEY).add(SESSION_TOKEN).add(SECRET_KEY);
    harness.addPipeline({
      org: 'default',
      project: 'communityeng',
      identifier: 'onboard',
      name: 'Onboard a service',
      template: TEMPLATE,
      steps: [
        {
          stage: 'testci',
          identifier: 'Run_1',
          outputs: v => ({
            test1: `repo-${v.project_name}`,
            hidden: '**************',
          }),
        },
        {
          stage: 'testci',
          identifier: 'Run_2',
          outputs: () => ({ test2: 'two' }),
        },
      ],
    });
    harness.addPipeline({
      org: 'default',
      project: 'communityeng',
      identifier: 'broken',
      name: 'Broken',
      steps: [
        { stage: 's', identifier: 'ok' },
        {
          stage: 's',
          identifier: 'create',
          type: 'CreateRepo',
          fail: 'Repository already exists',
        },
        { stage: 's', identifier: 'never' },
      ],
    });
    harness.addPipeline({
      org: 'default',
      project: 'communityeng',
      identifier: 'remote_onboard',
      name: 'Onboard (remote)',
      steps: [{ stage: 's', identifier: 'only' }],
      remote: {
        repoName: 'idp',
        branch: 'main',
        connectorRef: 'account.github',
      },
    });
    harness.addPipeline({
      org: 'default',
      project: 'communityeng',
      identifier: 'slow',
      name: 'Slow',
      steps: Array.from({ length: 1000 }, (_, i) => ({
        stage: 's',
        identifier: `w${i}`,
      })),
    });
  });
  afterAll(() => harness.stop());
  beforeEach(() => {
    harness.reset();
  });

  const url = (pipeline: string, query = '?storeType=INLINE') =>
    `${harness.origin}/ng/account/acc123/module/idp/orgs/default/projects/communityeng/pipelines/${pipeline}/pipeline-studio/${query}`;

  function action(harnessConfig: Record<string, unknown> = {}) {
    return createTriggerHarnessCustomPipelineAction({
      config: readHarnessActionsConfig(
        mockServices.rootConfig({
          data: {
            harness: {
              baseUrls: [`${harness.origin}/`],
              apiKeySecrets: { idp_key: SECRET_KEY },
              pollIntervalMs: 5,
              ...harnessConfig,
            },
          },
        }),
      ),
      pipelineEngine: engine,
      discovery: mockServices.discovery(),
      follow: { logDrainTimeoutMs: 10 },
    });
  }

  it('triggers with the input set as YAML, polls to the end and exports outputs', async () => {
    const fake = fakeActionContext({
      url: url('onboard'),
      inputset: { project_name: 'svc' },
      apikey: API_KEY,
      showOutputVariables: true,
    });
    await handlerOf(action())(fake.ctx);

    const [template, execute, ...polls] = harness.requests;
    expect(template).toMatchObject({
      method: 'POST',
      path: '/gateway/pipeline/api/inputSets/template',
      query: {
        accountIdentifier: 'acc123',
        orgIdentifier: 'default',
        projectIdentifier: 'communityeng',
        pipelineIdentifier: 'onboard',
      },
    });
    expect(execute).toMatchObject({
      method: 'POST',
      path: '/gateway/pipeline/api/pipeline/execute/onboard',
      query: { accountIdentifier: 'acc123', moduleType: 'idp' },
    });
    expect(execute.headers['content-type']).toBe('application/yaml');
    expect(execute.headers['x-api-key']).toBe(API_KEY);
    expect(execute.headers.authorization).toBeUndefined();
    expect(parse(execute.body)).toEqual({
      pipeline: {
        identifier: 'onboard',
        variables: [
          { name: 'project_name', type: 'String', value: 'svc' },
          { name: 'repository_type', type: 'String', value: 'private' },
        ],
      },
    });
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(
      polls.every(
        p => p.path === '/gateway/pipeline/api/pipelines/execution/v2/plan-1',
      ),
    ).toBe(true);
    expect(polls[0].query.renderFullBottomGraph).toBe('true');

    const executionUrl = `${harness.origin}/ng/account/acc123/module/idp/orgs/default/projects/communityeng/pipelines/onboard/executions/plan-1/pipeline?storeType=INLINE`;
    expect(fake.outputs).toEqual({
      title: 'Onboard a service',
      url: executionUrl,
      PipelineUrl: executionUrl,
      test1: 'repo-svc',
      test2: 'two',
      'pipeline.stages.testci.spec.execution.steps.Run_1.output.outputVariables.test1':
        'repo-svc',
      'pipeline.stages.testci.spec.execution.steps.Run_2.output.outputVariables.test2':
        'two',
    });
    const log = fake.text();
    expect(log).toContain(`Pipeline URL: ${url('onboard')}`);
    expect(log).toContain(`Execution URL: ${executionUrl}`);
    expect(log).toContain('▶ step testci/Run_1 started (Run)');
    expect(log).toContain('✔ step testci/Run_1 Success in 900ms');
    expect(log).toContain('✔ step testci/Run_2 Success');
    expect(log).not.toContain(API_KEY);
  });

  it('sends session tokens as a bearer token and configured secrets by id', async () => {
    await handlerOf(action())(
      fakeActionContext({
        url: url('onboard'),
        inputset: { project_name: 'a' },
        apikey: SESSION_TOKEN,
      }).ctx,
    );
    expect(harness.requests[1].headers.authorization).toBe(
      `Bearer ${SESSION_TOKEN}`,
    );
    expect(harness.requests[1].headers['x-api-key']).toBeUndefined();

    harness.requests.length = 0;
    await handlerOf(action())(
      fakeActionContext({
        url: url('onboard'),
        inputset: { project_name: 'a' },
        apikey: 'ignored-when-a-secret-is-named',
        apiKeySecret: 'idp_key',
      }).ctx,
    );
    expect(harness.requests[1].headers['x-api-key']).toBe(SECRET_KEY);
  });

  it('passes Git Experience coordinates of remote pipelines as Harness UI does', async () => {
    const fake = fakeActionContext({
      url: url(
        'remote_onboard',
        '?storeType=REMOTE&connectorRef=account.github&repoName=idp&branch=main',
      ),
      apikey: API_KEY,
    });
    await handlerOf(action())(fake.ctx);
    const git = {
      branch: 'main',
      repoIdentifier: 'idp',
      parentEntityConnectorRef: 'account.github',
      parentEntityRepoName: 'idp',
    };
    expect(harness.requests[0].query).toMatchObject(git);
    expect(harness.requests[1].query).toEqual({
      accountIdentifier: 'acc123',
      orgIdentifier: 'default',
      projectIdentifier: 'communityeng',
      moduleType: 'idp',
      useFQNIfError: 'true',
      ...git,
    });
    expect(fake.outputs.url).toContain('/executions/');
    expect(fake.outputs.url).toMatch(
      /\?storeType=REMOTE&repoName=idp&branch=main&connectorRef=account.github$/,
    );

    const withoutGit = await handlerOf(action())(
      fakeActionContext({ url: url('remote_onboard'), apikey: API_KEY }).ctx,
    ).catch(e => e);
    expect(withoutGit.message).toContain(
      'Pipeline remote_onboard is stored in Git: give branch, parentEntityRepoName and parentEntityConnectorRef',
    );
  });

  it('fails with the failed step, its error and the execution URL', async () => {
    const fake = fakeActionContext({ url: url('broken'), apikey: API_KEY });
    await expect(handlerOf(action())(fake.ctx)).rejects.toThrow(
      /^Execution plan-\d+ of Harness pipeline default\/communityeng\/broken ended Failed: step s\/create \(CreateRepo\) Failed: Repository already exists\. Execution: http:\/\/127\.0\.0\.1:\d+\/ng\/account\/acc123\/module\/idp\/orgs\/default\/projects\/communityeng\/pipelines\/broken\/executions\/plan-\d+\/pipeline\?storeType=INLINE$/,
    );
  });

  it('checks the input set locally and reports every field at once', async () => {
    const fake = fakeActionContext({
      url: url('onboard'),
      inputset: { repository_type: 'internal' },
      apikey: API_KEY,
    });
    const error = await handlerOf(action())(fake.ctx).catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toContain('  - pipeline.variables.project_name: ');
    expect(error.message).toContain('  - pipeline.variables.repository_type: ');
    expect(harness.requests.map(r => r.path)).toEqual([
      '/gateway/pipeline/api/inputSets/template',
    ]);
  });

  it('maps Harness errors and never shows the API key, even when Harness echoes it', async () => {
    const bad = `pat.acc123.x.${'Wrong'.repeat(4)}`;
    const fake = fakeActionContext({ url: url('onboard'), apikey: bad });
    const unauthorized = await handlerOf(action())(fake.ctx).catch(e => e);
    expect(unauthorized.name).toBe('AuthenticationError');
    expect(unauthorized.message).toContain(
      'Harness answered 401 INVALID_TOKEN while reading the runtime inputs of pipeline onboard: Token *** is not valid',
    );
    expect(unauthorized.message).not.toContain(bad);
    expect(fake.text()).not.toContain(bad);

    const missing = await handlerOf(action())(
      fakeActionContext({ url: url('nope'), apikey: API_KEY }).ctx,
    ).catch(e => e);
    expect(missing.name).toBe('InputError');
    expect(missing.message).toContain('400 INVALID_REQUEST');
    expect(missing.message).toContain(
      'Pipeline with the given ID: nope does not exist or has been deleted',
    );

    harness.failNext('execute', {
      status: 400,
      code: 'INVALID_REQUEST',
      message: `Invalid runtime input for key ${API_KEY}`,
    });
    const invalid = await handlerOf(action())(
      fakeActionContext({
        url: url('onboard'),
        inputset: { project_name: 'a' },
        apikey: API_KEY,
      }).ctx,
    ).catch(e => e);
    expect(invalid.name).toBe('InputError');
    expect(invalid.message).toBe(
      'Harness answered 400 INVALID_REQUEST while starting pipeline onboard: Invalid runtime input for key ***',
    );
  });

  it('needs an API key, and a configured secret id', async () => {
    await expect(
      handlerOf(action())(fakeActionContext({ url: url('onboard') }).ctx),
    ).rejects.toThrow('A Harness SaaS pipeline needs the apikey input');
    await expect(
      handlerOf(action())(
        fakeActionContext({ url: url('onboard'), apiKeySecret: 'other' }).ctx,
      ),
    ).rejects.toThrow(
      'input.apiKeySecret: "other" is not configured under harness.apiKeySecrets (configured: idp_key). Unlike Harness, which reads the secret from its secret manager, this backend reads API keys from app-config: add harness.apiKeySecrets.other',
    );
    expect(harness.requests).toHaveLength(0);
  });

  it('aborts the Harness execution when the task is cancelled', async () => {
    const controller = new AbortController();
    const fake = fakeActionContext(
      { url: url('slow'), apikey: API_KEY },
      { signal: controller.signal },
    );
    const running = handlerOf(action())(fake.ctx);
    await new Promise(resolve => setTimeout(resolve, 50));
    controller.abort();
    await expect(running).rejects.toThrow(
      /The task was cancelled; execution plan-\d+ .* ended Aborted/,
    );
    const interrupt = harness.requests.find(r => r.method === 'PUT');
    expect(interrupt).toMatchObject({
      path: expect.stringMatching(
        /^\/gateway\/pipeline\/api\/pipeline\/execute\/interrupt\/plan-\d+$/,
      ),
      query: expect.objectContaining({ interruptType: 'AbortAll' }),
    });
  });

  it('dry-runs by checking the input set without starting anything', async () => {
    const fake = fakeActionContext(
      {
        url: url('onboard'),
        inputset: { project_name: 'svc' },
        apikey: API_KEY,
      },
      { isDryRun: true },
    );
    await handlerOf(action())(fake.ctx);
    expect(harness.requests.map(r => r.path)).toEqual([
      '/gateway/pipeline/api/inputSets/template',
    ]);
    expect(fake.text()).toContain(
      'Dry run: Harness pipeline default/communityeng/onboard would be started with this input set:',
    );
    expect(fake.text()).toContain('value: svc');
    expect(fake.outputs.url).toBe(url('onboard'));
  });

  it('runs Harness-shaped URLs of hosts not in harness.baseUrls in the engine', async () => {
    const getExecution = jest.fn();
    const fake = fakeActionContext(
      { url: url('onboard'), apikey: API_KEY },
      { isDryRun: true },
    );
    const engineAction = createTriggerHarnessCustomPipelineAction({
      config: readHarnessActionsConfig(mockServices.rootConfig({ data: {} })),
      pipelineEngine: {
        getPipeline: async () => ({ name: 'Onboard (engine)' }),
        dryRun: async () => ({
          ok: true,
          problems: [],
          inputs: {},
          stages: [],
        }),
        getExecution,
      } as unknown as PipelineEngineService,
      discovery: mockServices.discovery(),
    });
    await handlerOf(engineAction)(fake.ctx);
    expect(harness.requests).toHaveLength(0);
    expect(fake.outputs.title).toBe('Onboard (engine)');
    expect(fake.text()).toContain('in the pipeline engine');
  });
});

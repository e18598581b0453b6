import { mockServices } from '@backstage/backend-test-utils';
import type { PipelineEngineService } from '@idp-pipelines/plugin-pipeline-engine-node';
import { createTriggerHarnessCustomPipelineAction } from '../actions/triggerCustomPipeline';
import { readHarnessActionsConfig } from '../config';
import {
  fakeActionContext,
  handlerOf,
} from '../__testUtils__/fakeActionContext';
import { FakeHarness } from '../__testUtils__/fakeHarness';
import { HarnessPipelineApi, retryAfterMs } from './harnessApi';

const API_KEY = 'pat.acc123.tokenid.StrictSecretValue';
const VIEW_ONLY_KEY = 'pat.acc123.viewer.ViewOnlySecret';
const REF = {
  orgIdentifier: 'default',
  projectIdentifier: 'proj',
  pipelineIdentifier: 'onboard',
};
const TEMPLATE = `pipeline:
  identifier: onboard
  variables:
    - name: project_name
      type: String
      value: <+input>
`;

describe('Harness SaaS mode against the strict fake', () => {
  let harness: FakeHarness;
  const sleeps: number[] = [];

  beforeAll(async () => {
    harness = await FakeHarness.start();
    harness.apiKeys.add(API_KEY).add(VIEW_ONLY_KEY);
    harness.viewOnlyKeys.add(VIEW_ONLY_KEY);
    harness.addPipeline({
      org: 'default',
      project: 'proj',
      identifier: 'onboard',
      name: 'Onboard',
      template: TEMPLATE,
      steps: [
        {
          stage: 'build',
          identifier: 'Run_1',
          outputs: v => ({ repo: `repo-${v.project_name}` }),
        },
      ],
      rejectInputs: v =>
        v.project_name === 'taken'
          ? [
              {
                fqn: 'pipeline.variables.project_name',
                message: 'project taken already exists',
              },
            ]
          : [],
    });
    harness.addPipeline({
      org: 'default',
      project: 'proj',
      identifier: 'looped',
      name: 'Looped',
      steps: [
        { stage: 'build', identifier: 'prepare' },
        {
          stage: 'build',
          identifier: 'left',
          parallel: 'p1',
          outputs: () => ({ side: 'left' }),
        },
        {
          stage: 'build',
          identifier: 'right',
          parallel: 'p1',
          group: 'grp',
          outputs: () => ({ inner: 'in-group' }),
        },
        {
          stage: 'build',
          identifier: 'deploy',
          iterations: 3,
          outputs: (_v, i) => ({ region: `region-${i}` }),
        },
        { stage: 'publish', identifier: 'done' },
      ],
    });
    harness.addPipeline({
      org: 'default',
      project: 'proj',
      identifier: 'approval',
      name: 'With approval',
      steps: [
        { stage: 's', identifier: 'build' },
        {
          stage: 's',
          identifier: 'approve',
          type: 'HarnessApproval',
          waitFor: 'ApprovalWaiting',
          waitReads: 3,
        },
        { stage: 's', identifier: 'ship' },
      ],
    });
    harness.addPipeline({
      org: 'default',
      project: 'proj',
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
    sleeps.length = 0;
  });

  function action(follow: Record<string, unknown> = {}) {
    return createTriggerHarnessCustomPipelineAction({
      config: readHarnessActionsConfig(
        mockServices.rootConfig({
          data: {
            harness: {
              baseUrls: [harness.origin],
              apiKeySecrets: { idp_key: API_KEY },
              pollIntervalMs: 5,
            },
          },
        }),
      ),
      pipelineEngine: {} as PipelineEngineService,
      discovery: mockServices.discovery(),
      harnessRetry: {
        retryBaseMs: 1000,
        sleep: async ms => {
          sleeps.push(ms);
        },
      },
      follow: { logDrainTimeoutMs: 10, ...follow },
    });
  }

  const at = (path: string) =>
    `${harness.origin}/ng/account/acc123/${path.replace('<P>', 'orgs/default/projects/proj/pipelines/onboard')}`;

  describe('runs every pipeline URL shape Harness users paste', () => {
    it.each([
      [
        'module/idp',
        'module/idp/<P>/pipeline-studio/?storeType=INLINE',
        'idp',
        'module/idp',
      ],
      [
        'bare idp-admin',
        'idp-admin/<P>/pipeline-studio/?storeType=INLINE',
        'idp',
        'idp-admin',
      ],
      ['bare cd', 'cd/<P>/pipeline-studio/', 'cd', 'cd'],
      ['bare ci, no tab', 'ci/<P>', 'ci', 'ci'],
      ['home', 'home/<P>/pipeline-studio/?storeType=INLINE', 'idp', 'home'],
      ['all', 'all/<P>', 'idp', 'all'],
      ['no section', '<P>', 'idp', 'home'],
      ['module/cd', 'module/cd/<P>/pipeline-studio/', 'cd', 'module/cd'],
      [
        'execution link',
        'idp-admin/<P>/executions/oldExec_1/pipeline?storeType=INLINE',
        'idp',
        'idp-admin',
      ],
    ])('%s', async (_name, path, moduleType, section) => {
      for (const url of [
        at(path),
        at(path).replace('/ng/account/', '/ng/#/account/'),
      ]) {
        harness.reset();
        const fake = fakeActionContext({
          url,
          inputset: { project_name: 'svc' },
          apikey: API_KEY,
          showOutputVariables: true,
        });
        await handlerOf(action())(fake.ctx);
        const execute = harness.requests.find(r =>
          r.path.includes('/pipeline/execute/'),
        )!;
        expect(execute.path).toBe(
          '/gateway/pipeline/api/pipeline/execute/onboard',
        );
        expect(execute.query.moduleType).toBe(moduleType);
        expect(fake.outputs.repo).toBe('repo-svc');
        expect(fake.outputs.url).toMatch(
          new RegExp(
            `/ng/account/acc123/${section}/orgs/default/projects/proj/pipelines/onboard/executions/plan-\\d+/pipeline`,
          ),
        );
        expect(fake.outputs.url).not.toContain('oldExec_1');
      }
    });
  });

  describe('errors', () => {
    it('names the missing permission on 403', async () => {
      const error = await handlerOf(action())(
        fakeActionContext({
          url: at('module/idp/<P>'),
          inputset: { project_name: 'svc' },
          apikey: VIEW_ONLY_KEY,
        }).ctx,
      ).catch(e => e);
      expect(error.name).toBe('NotAllowedError');
      expect(error.message).toContain(
        'Harness answered 403 NG_ACCESS_DENIED while starting pipeline onboard: Missing permission core_pipeline_execute',
      );
      expect(error.message).toContain(
        "The API key's user or service account lacks Execute Pipelines (core_pipeline_execute) on this pipeline",
      );
    });

    it('lists runtime-input errors by FQN (useFQNIfError)', async () => {
      const error = await handlerOf(action())(
        fakeActionContext({
          url: at('module/idp/<P>'),
          inputset: { project_name: 'taken' },
          apikey: API_KEY,
        }).ctx,
      ).catch(e => e);
      expect(error.name).toBe('InputError');
      expect(error.message).toBe(
        'Harness answered 400 INVALID_REQUEST while starting pipeline onboard: Some fields in the runtime input are invalid.\n  - pipeline.variables.project_name: project taken already exists',
      );
    });

    it('lists FailureDTO field errors', async () => {
      const api = new HarnessPipelineApi({
        origin: harness.origin,
        accountIdentifier: 'acc123',
        apiKey: API_KEY,
      });
      const error = await api
        .execution({ ...REF, orgIdentifier: '', projectIdentifier: '' }, 'x')
        .catch(e => e);
      expect(error.name).toBe('InputError');
      expect(error.message).toBe(
        'Harness answered 400 INVALID_REQUEST while reading execution x: Invalid request\n  - orgIdentifier: must not be null\n  - projectIdentifier: must not be null',
      );
    });
  });

  describe('retries', () => {
    it('retries reads on 429 honouring Retry-After, 5xx and dropped connections', async () => {
      harness.failNext('template', { status: 503 });
      harness.failNext('execution', { status: 429, retryAfter: '7' });
      harness.failNext('execution', { status: 0, dropConnection: true });
      harness.failNext('execution', { status: 502 });
      const fake = fakeActionContext({
        url: at('module/idp/<P>'),
        inputset: { project_name: 'svc' },
        apikey: API_KEY,
      });
      await handlerOf(action())(fake.ctx);
      // 503 once; then 429 (Retry-After: 7), drop, 502 in a row: 7 s, 2 s, 4 s.
      expect(sleeps).toEqual([1000, 7000, 2000, 4000]);
      expect(
        harness.requests.filter(r => r.path.includes('/inputSets/template')),
      ).toHaveLength(2);
      expect(fake.outputs.title).toBe('Onboard');
    });

    it('never retries the execute POST', async () => {
      harness.failNext('execute', { status: 503, message: 'Service down' });
      const error = await handlerOf(action())(
        fakeActionContext({
          url: at('module/idp/<P>'),
          inputset: { project_name: 'svc' },
          apikey: API_KEY,
        }).ctx,
      ).catch(e => e);
      expect(error.name).toBe('ServiceUnavailableError');
      expect(error.message).toContain(
        'Harness answered 503 UNKNOWN_ERROR while starting pipeline onboard: Service down',
      );
      expect(
        harness.requests.filter(r => r.path.includes('/pipeline/execute/')),
      ).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    it('says the run goes on, and where, when reads give up', async () => {
      harness.failNext('execution', { status: 503, times: 20 });
      const error = await handlerOf(action())(
        fakeActionContext({
          url: at('module/idp/<P>'),
          inputset: { project_name: 'svc' },
          apikey: API_KEY,
        }).ctx,
      ).catch(e => e);
      expect(error.message).toMatch(
        /^Gave up reading execution plan-\d+ after 5 failed reads \(ServiceUnavailableError: Harness answered 503 UNKNOWN_ERROR while reading execution plan-\d+ \(tried 4 times\): Scripted failure 503\)\. The execution was not stopped and may still be running in Harness pipeline default\/proj\/onboard; follow it at http:\/\/127\.0\.0\.1:\d+\/ng\/account\/acc123\/module\/idp\/orgs\/default\/projects\/proj\/pipelines\/onboard\/executions\/plan-\d+\/pipeline$/,
      );
    });

    it('reads Retry-After as seconds or an HTTP date', () => {
      expect(retryAfterMs('3')).toBe(3000);
      expect(
        retryAfterMs('Thu, 01 Jan 2026 00:00:10 GMT', Date.UTC(2026, 0, 1)),
      ).toBe(10_000);
      expect(retryAfterMs('soon')).toBeUndefined();
      expect(retryAfterMs(null)).toBeUndefined();
    });
  });

  it('keeps every loop iteration, skips structural nodes and logs no false retries', async () => {
    const fake = fakeActionContext({
      url: at('module/idp/orgs/default/projects/proj/pipelines/looped'),
      apikey: API_KEY,
      showOutputVariables: true,
    });
    await handlerOf(action())(fake.ctx);
    const steps = 'pipeline.stages.build.spec.execution.steps';
    expect(fake.outputs).toMatchObject({
      [`${steps}.deploy_0.output.outputVariables.region`]: 'region-0',
      [`${steps}.deploy_1.output.outputVariables.region`]: 'region-1',
      [`${steps}.deploy_2.output.outputVariables.region`]: 'region-2',
      [`${steps}.left.output.outputVariables.side`]: 'left',
      [`${steps}.grp.steps.right.output.outputVariables.inner`]: 'in-group',
      side: 'left',
      inner: 'in-group',
    });
    const log = fake.text();
    expect(log).toContain('✔ step build/deploy_0 Success');
    expect(log).toContain('✔ step build/deploy_2 Success');
    expect(log).toContain('✔ step group build/grp Success');
    expect(log).toContain('✔ step build/grp/right Success');
    expect(log).toContain('✔ step publish/done Success');
    expect(log).not.toContain('retrying');
    expect(log).not.toMatch(
      /liteEngineTask|parallel|execution Success|step build\/deploy Success/,
    );
  });

  it('says what a run waits for, once, with the link', async () => {
    const fake = fakeActionContext({
      url: at('module/idp/orgs/default/projects/proj/pipelines/approval'),
      apikey: API_KEY,
    });
    await handlerOf(action())(fake.ctx);
    const waits = fake.logs.filter(l => l.message.startsWith('⏸'));
    expect(waits).toHaveLength(1);
    expect(waits[0]).toEqual({
      level: 'warn',
      message: expect.stringMatching(
        /^⏸ step s\/approve waits for an approval \(ApprovalWaiting\); act on it in the execution: http:\/\/127\.0\.0\.1:\d+\/ng\/account\/acc123\/module\/idp\/orgs\/default\/projects\/proj\/pipelines\/approval\/executions\/plan-\d+\/pipeline$/,
      ),
    });
  });

  it('aborts and fails a run that outlives the timeout; Discontinuing comes before Aborted', async () => {
    const fake = fakeActionContext({
      url: at('module/idp/orgs/default/projects/proj/pipelines/slow'),
      apikey: API_KEY,
    });
    const error = await handlerOf(action({ timeoutMs: 1 }))(fake.ctx).catch(
      e => e,
    );
    expect(error.message).toMatch(
      /^Execution plan-\d+ of Harness pipeline default\/proj\/slow did not end within the timeout of 1ms and was aborted; it ended Aborted\. Execution: /,
    );
    expect(harness.requests.some(r => r.method === 'PUT')).toBe(true);
    expect(fake.text()).toContain(
      'has not ended within the timeout of 1ms: aborting it',
    );
  });

  it('rejects a timeout that is not a duration, naming the field', async () => {
    await expect(
      handlerOf(action())(
        fakeActionContext({
          url: at('module/idp/<P>'),
          apikey: API_KEY,
          timeout: 'soon',
        }).ctx,
      ),
    ).rejects.toThrow(
      'input.timeout "soon" is not a Harness duration; write it as 30s, 10m, 1h 30m or 2d',
    );
    expect(harness.requests).toHaveLength(0);
  });

  it("accepts Harness's account.<id> form of apiKeySecret", async () => {
    const fake = fakeActionContext({
      url: at('module/idp/<P>'),
      inputset: { project_name: 'svc' },
      apiKeySecret: 'account.idp_key',
    });
    await handlerOf(action())(fake.ctx);
    expect(harness.requests[0].headers['x-api-key']).toBe(API_KEY);
  });
});

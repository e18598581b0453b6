import { FakeHarness } from './__testUtils__/fakeHarness';
import {
  startBackend,
  template,
  type TaskEvent,
  type TestBackend,
} from './__testUtils__/testBackend';

jest.setTimeout(120_000);

const API_KEY = 'pat.acc.key.VerySecretHarnessKey';

describe('both trigger actions on Harness SaaS through the scaffolder', () => {
  let harness: FakeHarness;
  let backend: TestBackend;

  beforeAll(async () => {
    harness = await FakeHarness.start();
    harness.apiKeys.add(API_KEY);
    harness.addPipeline({
      org: 'default',
      project: 'communityeng',
      identifier: 'IDP_New_NextJS_app',
      name: 'New Next.js app',
      template: `pipeline:
  identifier: IDP_New_NextJS_app
  variables:
    - name: project_name
      type: String
      value: <+input>
`,
      steps: [
        {
          stage: 'testci',
          identifier: 'Run_1',
          outputs: v => ({ test1: `one-${v.project_name}`, test2: 'two' }),
        },
      ],
      inputSets: { staging: { project_name: 'from-input-set' } },
      triggers: { nextjs_hook: { inputSetRefs: ['staging'] } },
    });
    backend = await startBackend({
      harness: { baseUrls: [harness.origin], pollIntervalMs: 20 },
    });
    // The workflow of Harness's "Fetching Outputs" documentation.
    backend.addTemplate(
      template(
        'nextjs',
        [
          {
            id: 'trigger',
            name: 'Creating your react app',
            action: 'trigger:harness-custom-pipeline',
            input: {
              url: `${harness.origin}/ng/account/acc/home/orgs/default/projects/communityeng/pipelines/IDP_New_NextJS_app/pipeline-studio/?storeType=INLINE`,
              inputset: { project_name: '${{ parameters.project_name }}' },
              apikey: '${{ parameters.token }}',
              showOutputVariables: true,
            },
          },
        ],
        {
          text: [
            {
              title: 'Output Variable',
              content:
                'Output Variable **test2** is `${{ steps.trigger.output.test2 }}`',
            },
            {
              title: 'Another Output Variable',
              content:
                "Output Variable **test1** with fqnPath is `${{ steps.trigger.output['pipeline.stages.testci.spec.execution.steps.Run_1.output.outputVariables.test1'] }}`",
            },
          ],
        },
      ),
    );
    // A public IDP workflow's URL shape: bare idp-admin module segment.
    backend.addTemplate(
      template(
        'nextjs-webhook',
        [
          {
            id: 'trigger',
            name: 'Fire the webhook',
            action: 'trigger:trigger-pipeline-with-webhook',
            input: {
              url: `${harness.origin}/ng/account/acc/idp-admin/orgs/default/projects/communityeng/pipelines/IDP_New_NextJS_app/pipeline-studio/?storeType=INLINE`,
              inputSetName: 'staging',
              triggerName: 'nextjs_hook',
              apikey: '${{ parameters.token }}',
              showOutputVariables: true,
            },
          },
        ],
        {
          text: [
            {
              title: 'Output Variable',
              content: 'test1 is `${{ steps.trigger.output.test1 }}`',
            },
          ],
        },
      ),
    );
  });
  afterAll(() => harness.stop());

  const completion = (events: TaskEvent[]) =>
    events.find(e => e.type === 'completion')!.body as {
      output?: { text: Array<{ content: string }> };
      error?: { message: string };
    };

  it('runs the pipeline on Harness and renders its output variables', async () => {
    const events = await backend.events(
      await backend.startTask('nextjs', {
        project_name: 'web',
        token: API_KEY,
      }),
    );
    const done = completion(events);
    expect(done.error).toBeUndefined();
    expect(done.output!.text.map(t => t.content)).toEqual([
      'Output Variable **test2** is `two`',
      'Output Variable **test1** with fqnPath is `one-web`',
    ]);
    expect(harness.executions.size).toBe(1);
    expect(JSON.stringify(events)).not.toContain(API_KEY);
  });

  it('fires the webhook trigger on Harness and renders the outputs of the run it started', async () => {
    const before = harness.executions.size;
    const events = await backend.events(
      await backend.startTask('nextjs-webhook', { token: API_KEY }),
    );
    const done = completion(events);
    expect(done.error).toBeUndefined();
    expect(done.output!.text.map(t => t.content)).toEqual([
      'test1 is `one-from-input-set`',
    ]);
    expect(harness.executions.size).toBe(before + 1);
    expect(JSON.stringify(events)).not.toContain(API_KEY);
  });

  it('never shows a rejected API key in the task log', async () => {
    const wrong = 'pat.acc.key.WrongButStillSecret';
    const events = await backend.events(
      await backend.startTask('nextjs', { project_name: 'web', token: wrong }),
    );
    expect(completion(events).error?.message).toContain(
      'Harness answered 401 INVALID_TOKEN',
    );
    expect(JSON.stringify(events)).not.toContain(wrong);
  });
});

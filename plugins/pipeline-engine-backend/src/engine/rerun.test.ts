import type { PipelineRef } from '@idp-pipelines/plugin-pipeline-engine-common';
import {
  createTestDatabases,
  TEST_DATABASE_IDS,
} from '../database/__testUtils__/testDatabases';
import {
  createEngineHarness,
  type EngineHarness,
} from './__testUtils__/engineHarness';
import { calls, resetTestSteps } from './__testUtils__/testSteps';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const actor = { identity: 'user:default/jane', name: 'Jane' };

/** One stage of the test pipeline: `steps` is YAML at the steps level. */
function stage(identifier: string, steps: string, variables = ''): string {
  return `    - stage:
        name: ${identifier}
        identifier: ${identifier}
        type: Custom
${variables}        spec:
          execution:
            steps:
${steps.replace(/^/gm, '              ').replace(/\s+$/, '')}
`;
}

const echo = (
  identifier: string,
  outputs: Record<string, string> = {},
  extra = '',
) => `- step:
    type: TestEcho
    name: ${identifier}
    identifier: ${identifier}
    spec:
      outputs:
${Object.entries({ done: 'yes', ...outputs })
  .map(([k, v]) => `        ${k}: ${JSON.stringify(v)}`)
  .join('\n')}
${extra}`;

const failing = `- step:
    type: TestFail
    name: boom
    identifier: boom
    spec:
      message: registry unreachable
`;

const REGION_VARIABLE = `        variables:
          - name: region
            type: String
            value: eu-<+pipeline.variables.repoName>
`;

/**
 * Shaped like the seed pipeline: `create` makes a repository (its step
 * must not run twice), `build` and `register` use its outputs; `register`
 * fails unless fixed.
 */
function pipeline(
  identifier: string,
  options: { registerFails?: boolean; createExtra?: string } = {},
): string {
  return `pipeline:
  name: ${identifier}
  identifier: ${identifier}
  orgIdentifier: default
  projectIdentifier: default
  variables:
    - name: repoName
      type: String
      value: <+input>
  stages:
${stage('create', echo('createrepo', { repoUrl: 'https://git.example/<+pipeline.variables.repoName>' }, `      secretOutputs:\n        token: d7e8f9-kot\n${options.createExtra ?? ''}`), REGION_VARIABLE)}${stage('build', echo('compile', { artifact: '<+pipeline.stages.create.spec.execution.steps.createrepo.output.outputVariables.repoUrl>.tgz' }))}${stage('register', (options.registerFails ? failing : '') + echo('registercatalog', { seen: '<+pipeline.stages.create.spec.execution.steps.createrepo.output.outputVariables.repoUrl>', region: '<+pipeline.stages.create.variables.region>', artifact: '<+pipeline.stages.build.spec.execution.steps.compile.output.outputVariables.artifact>' }))}`;
}

const callsOf = (executionId: string, step: string) =>
  calls.filter(
    c => c.startsWith(`${executionId}:`) && c.endsWith(`.steps.${step}`),
  ).length;

describe.each(TEST_DATABASE_IDS)('re-run on %s', databaseId => {
  let h: EngineHarness;
  beforeEach(async () => {
    resetTestSteps();
    h = await createEngineHarness(databases, databaseId);
  });
  afterEach(async () => {
    await h.stop();
  });

  async function create(yaml: string): Promise<PipelineRef> {
    return h.engine.service.createPipeline(yaml, actor);
  }

  async function runToEnd(
    ref: PipelineRef,
    inputSet: Record<string, unknown> = { repoName: 'svc' },
  ) {
    const started = await h.engine.service.execute(ref, { inputSet }, actor);
    return h.waitFor(started.id);
  }

  it('retries a failed pipeline from its first failed stage, reusing the repository stage and its outputs', async () => {
    const ref = await create(pipeline('retry', { registerFails: true }));
    const original = await runToEnd(ref);
    expect(original.status).toBe('Failed');
    // The fix lands in a later stage only: the earlier ones still match.
    await h.engine.service.updatePipeline(ref, pipeline('retry'), actor);

    const queued = await h.engine.service.rerunExecution(
      original.id,
      {},
      actor,
    );
    expect(queued).toMatchObject({
      rerunOf: original.id,
      rerunFromStage: 'register',
      status: 'Queued',
    });
    const rerun = await h.waitFor(queued.id);

    expect(rerun.status).toBe('Success');
    expect(
      callsOf(original.id, 'createrepo') + callsOf(rerun.id, 'createrepo'),
    ).toBe(1);
    expect(callsOf(rerun.id, 'compile')).toBe(0);
    expect(callsOf(rerun.id, 'registercatalog')).toBe(1);
    const prefix =
      'pipeline.stages.register.spec.execution.steps.registercatalog.output.outputVariables';
    expect(rerun.outputs[`${prefix}.seen`]).toBe('https://git.example/svc');
    // Stage variables of a reused stage resolve too.
    expect(rerun.outputs[`${prefix}.region`]).toBe('eu-svc');
    expect(rerun.outputs[`${prefix}.artifact`]).toBe(
      'https://git.example/svc.tgz',
    );
    expect(
      rerun.outputs[
        'pipeline.stages.create.spec.execution.steps.createrepo.output.outputVariables.repoUrl'
      ],
    ).toBe('https://git.example/svc');

    const stageNamed = (id: string) =>
      rerun.nodes.find(n => n.identifier === id)!;
    const [createStage, buildStage, registerStage] = [
      'create',
      'build',
      'register',
    ].map(stageNamed);
    expect(createStage).toMatchObject({
      identifier: 'create',
      status: 'Success',
      reusedFrom: original.id,
    });
    expect(createStage.children[0]).toMatchObject({
      identifier: 'createrepo',
      status: 'Success',
      reusedFrom: original.id,
      secretOutputs: ['token'],
    });
    expect(buildStage).toMatchObject({
      identifier: 'build',
      status: 'Success',
      reusedFrom: original.id,
    });
    expect(registerStage.reusedFrom).toBeUndefined();
    expect(registerStage.status).toBe('Success');
    expect(await h.logLines(rerun.id)).toContain(
      `re-run of execution ${original.id} from stage register; earlier stages are reused, not run again`,
    );

    // The chain is visible in the list too.
    const listed = await h.engine.service.listExecutions({ ...ref });
    expect(listed.items.find(e => e.id === rerun.id)).toMatchObject({
      rerunOf: original.id,
      rerunFromStage: 'register',
    });
    expect(
      listed.items.find(e => e.id === original.id)?.rerunOf,
    ).toBeUndefined();
  });

  it.each([
    ['create', { createrepo: 1, compile: 1, registercatalog: 1 }],
    ['build', { createrepo: 0, compile: 1, registercatalog: 1 }],
    ['register', { createrepo: 0, compile: 0, registercatalog: 1 }],
  ])(
    're-runs from stage %s, running only that stage and the later ones',
    async (fromStage, expected) => {
      const ref = await create(pipeline(`from_${fromStage}`));
      const original = await runToEnd(ref);
      expect(original.status).toBe('Success');
      const queued = await h.engine.service.rerunExecution(
        original.id,
        { fromStage },
        actor,
      );
      const rerun = await h.waitFor(queued.id);
      expect(rerun.status).toBe('Success');
      expect({
        createrepo: callsOf(rerun.id, 'createrepo'),
        compile: callsOf(rerun.id, 'compile'),
        registercatalog: callsOf(rerun.id, 'registercatalog'),
      }).toEqual(expected);
      expect(
        rerun.outputs[
          'pipeline.stages.register.spec.execution.steps.registercatalog.output.outputVariables.artifact'
        ],
      ).toBe('https://git.example/svc.tgz');
    },
  );

  it('re-runs a successful execution from its first stage by default, and re-runs a re-run', async () => {
    const ref = await create(pipeline('again'));
    const original = await runToEnd(ref);
    const first = await h.waitFor(
      (await h.engine.service.rerunExecution(original.id, {}, actor)).id,
    );
    expect(first.rerunFromStage).toBe('create');
    expect(callsOf(first.id, 'createrepo')).toBe(1);
    const second = await h.waitFor(
      (
        await h.engine.service.rerunExecution(
          first.id,
          { fromStage: 'register' },
          actor,
        )
      ).id,
    );
    expect(second).toMatchObject({ status: 'Success', rerunOf: first.id });
    // Reused twice over: the result still names the run that produced it.
    expect(second.nodes.find(n => n.identifier === 'create')?.reusedFrom).toBe(
      first.id,
    );
  });

  it('copies secret outputs of reused steps as stored, never in clear', async () => {
    const ref = await create(pipeline('secrets', { registerFails: true }));
    const original = await runToEnd(ref);
    const rerun = await h.waitFor(
      (await h.engine.service.rerunExecution(original.id, {}, actor)).id,
    );
    const fqn = 'pipeline.stages.create.spec.execution.steps.createrepo';
    const stored = await h
      .knex('node_executions')
      .whereIn('execution_id', [original.id, rerun.id])
      .andWhere({ fqn })
      .select('execution_id', 'secret_outputs');
    expect(callsOf(rerun.id, 'createrepo')).toBe(0);
    expect(stored).toHaveLength(2);
    expect(stored[0].secret_outputs).toContain('token');
    expect(stored[0].secret_outputs).toBe(stored[1].secret_outputs);
    expect(JSON.stringify(stored)).not.toContain('tok-9f8e7d');
  });

  it('takes new inputs, and refuses them when they change a reused stage', async () => {
    const ref = await create(
      pipeline('inputs', { createExtra: '      message: <+input>\n' }),
    );
    const message =
      'pipeline.stages.create.spec.execution.steps.createrepo.spec.message';
    const original = await runToEnd(ref, {
      repoName: 'svc',
      [message]: 'hello',
    });
    expect(original.status).toBe('Success');
    const changed = h.engine.service.rerunExecution(
      original.id,
      {
        fromStage: 'build',
        inputs: { inputSet: { repoName: 'svc', [message]: 'bye' } },
      },
      actor,
    );
    await expect(changed).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        'stage "create" changed since execution #1',
      ),
    });
    // Pipeline variables are not part of a stage: a new repoName is taken.
    const rerun = await h.waitFor(
      (
        await h.engine.service.rerunExecution(
          original.id,
          {
            fromStage: 'build',
            inputs: { inputSet: { repoName: 'other', [message]: 'hello' } },
          },
          actor,
        )
      ).id,
    );
    expect(rerun.status).toBe('Success');
    expect(callsOf(rerun.id, 'createrepo')).toBe(0);
  });

  it('refuses when the pipeline changed in a reused stage, when fromStage is unknown, or when a reused stage failed', async () => {
    const ref = await create(pipeline('refusals', { registerFails: true }));
    const original = await runToEnd(ref);
    await expect(
      h.engine.service.rerunExecution(
        original.id,
        { fromStage: 'deploy' },
        actor,
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message:
        'fromStage "deploy" is not a stage of the pipeline; use one of: create, build, register',
    });
    const fromAfterFailure = await h.engine.service.updatePipeline(
      ref,
      `${pipeline('refusals', { registerFails: true })}${stage('notify', echo('slack'))}`,
      actor,
    );
    expect(fromAfterFailure.version).toBe(2);
    await expect(
      h.engine.service.rerunExecution(
        original.id,
        { fromStage: 'notify' },
        actor,
      ),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        'stage "register" ended Failed in execution #1',
      ),
    });
    await h.engine.service.updatePipeline(
      ref,
      pipeline('refusals', { createExtra: '      message: changed\n' }),
      actor,
    );
    await expect(
      h.engine.service.rerunExecution(original.id, {}, actor),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        'stage "create" changed since execution #1',
      ),
    });
    // Re-running from the changed stage itself is fine.
    const rerun = await h.waitFor(
      (
        await h.engine.service.rerunExecution(
          original.id,
          { fromStage: 'create' },
          actor,
        )
      ).id,
    );
    expect(rerun.status).toBe('Success');
    const executions = await h.stores.executions.list({
      orgIdentifier: 'default',
      projectIdentifier: 'default',
      pipelineIdentifier: 'refusals',
    });
    expect(executions.totalCount).toBe(2);
  });

  it('refuses to re-run an execution that is still running', async () => {
    const yaml = `pipeline:
  name: slow
  identifier: slow
  orgIdentifier: default
  projectIdentifier: default
  stages:
${stage('only', `- step:\n    type: TestSleep\n    name: wait\n    identifier: wait\n    spec:\n      ms: 5000\n`)}`;
    const ref = await create(yaml);
    const started = await h.engine.service.execute(ref, {}, actor);
    await expect(
      h.engine.service.rerunExecution(started.id, {}, actor),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringMatching(
        /^execution #1 \(.+\) is still (Queued|Running); wait for it to end, or abort it, before re-running it$/,
      ),
    });
    await h.engine.service.abortExecution(started.id, actor);
    expect((await h.waitFor(started.id)).status).toBe('Aborted');
  });
});

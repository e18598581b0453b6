import {
  createTestDatabases,
  TEST_DATABASE_IDS,
} from '../database/__testUtils__/testDatabases';
import {
  createEngineHarness,
  pipelineYaml,
  statuses,
  type EngineHarness,
} from './__testUtils__/engineHarness';
import { resetTestSteps } from './__testUtils__/testSteps';

/*
 * Execution rules as Harness documents them, one test per rule, each built
 * from the documentation's own example (quoted beside it).
 */

jest.setTimeout(60_000);

const databases = createTestDatabases();

const indent = (text: string, spaces: number) =>
  text.replace(/^(?=.)/gm, ' '.repeat(spaces));

const step = (id: string, type: string, spec: string, extra = '') => `- step:
    type: ${type}
    name: ${id}
    identifier: ${id}
${extra}    spec:
${indent(spec, 6)}
`;
const echo = (id: string, spec = 'message: hi', extra = '') =>
  step(id, 'TestEcho', spec, extra);
const fail = (id: string, spec = 'message: boom', extra = '') =>
  step(id, 'TestFail', spec, extra);

/** `failureStrategies:` with one entry per `[errors, action]`, at `spaces` indentation. */
const strategies = (entries: Array<[string, string]>, spaces = 4) =>
  indent(
    `failureStrategies:\n${entries.map(([errors, action]) => `  - onFailure:\n      errors: [${errors}]\n      action:\n        type: ${action}\n`).join('')}`,
    spaces,
  );

/** A stage of type Custom; `extra` goes under `stage:`, `rollback` becomes its rollbackSteps. */
const stage = (
  id: string,
  steps: string,
  extra = '',
  rollback = '',
) => `- stage:
    name: ${id}
    identifier: ${id}
    type: Custom
${extra}    spec:
      execution:
        steps:
${indent(steps, 10)}${rollback ? `        rollbackSteps:\n${indent(rollback, 10)}` : ''}`;

const pipelineOf = (
  identifier: string,
  stages: string,
  extra = '',
) => `pipeline:
  name: ${identifier}
  identifier: ${identifier}
  orgIdentifier: default
  projectIdentifier: default
${extra}  stages:
${indent(stages, 4)}`;

describe.each(TEST_DATABASE_IDS)(
  'Harness execution semantics on %s',
  databaseId => {
    let h: EngineHarness;
    beforeAll(async () => {
      h = await createEngineHarness(databases, databaseId);
    });
    afterAll(async () => {
      await h?.stop();
    });
    beforeEach(() => resetTestSteps());

    it('1. applies an entry naming the error type before AllErrors at one level, whatever the order', async () => {
      // "On all errors other than those specified in failure strategies
      // defined here, perform action" (Define failure strategies for stages
      // and steps); Harness's UI writes this AllErrors entry first.
      const uiOrder = strategies([
        ['AllErrors', 'MarkAsFailure'],
        ['Unknown', 'Ignore'],
      ]);
      const always = '    when:\n      stageStatus: All\n';
      const detail = await h.run(
        pipelineYaml(
          fail('unknown', 'message: boom', uiOrder) +
            fail('auth', 'kind: auth', `${uiOrder}${always}`) +
            // Levels still come first: the step's AllErrors beats the stage's Authentication entry.
            fail(
              'stepLevel',
              'kind: auth',
              `${strategies([['AllErrors', 'MarkAsSuccess']])}${always}`,
            ),
          {
            identifier: 'all_errors_fallback',
            stageExtra: strategies([['Authentication', 'Ignore']], 8),
          },
        ),
      );
      expect(statuses(detail)).toMatchObject({
        unknown: 'IgnoreFailed',
        auth: 'Failed',
        stepLevel: 'Success',
      });
    });

    it('2. StageRollback runs the stage rollbackSteps, whose default condition is judged within the rollback', async () => {
      // "To ensure a step executes even if the rollback fails, include it in
      // the Rollback stage, configure Conditional Execution to Always execute
      // this stage for your step" (Stage and step conditional execution
      // settings): rollback steps are judged among themselves, so without
      // `when` they run while the rollback succeeds.
      const detail = await h.run(
        pipelineOf(
          'stage_rollback',
          stage(
            'deploy',
            fail(
              'apply',
              'message: apply failed',
              strategies([['AllErrors', 'StageRollback']]),
            ) + echo('verify'),
            '',
            echo('undo', 'message: undoing') +
              fail('undoBroken', 'message: undo failed') +
              echo('afterUndo') +
              echo(
                'alwaysUndo',
                'message: always',
                '    when:\n      stageStatus: All\n',
              ),
          ),
        ),
      );
      const s = statuses(detail);
      const rollback = 'pipeline.stages.deploy.spec.execution.rollbackSteps';
      expect(s).toMatchObject({
        'pipeline.stages.deploy.spec.execution.steps.apply': 'Failed',
        'pipeline.stages.deploy.spec.execution.steps.verify': 'Skipped',
        [`${rollback}.undo`]: 'Success',
        [`${rollback}.undoBroken`]: 'Failed',
        [`${rollback}.afterUndo`]: 'Skipped',
        [`${rollback}.alwaysUndo`]: 'Success',
        'pipeline.stages.deploy': 'Failed',
      });
      expect(detail.status).toBe('Failed');
      expect(await h.logLines(detail.id)).toContain('undoing');
    });

    it('3. a stage that was rolled back does not count as failed for a later pipelineStatus: Failure stage', async () => {
      // "Stage 2's Conditional Execution is set to Execute this step only if
      // the prior stage or step failed. Stage 1's Failure Strategy is set to
      // Rollback Stage on All Errors. If stage 1 has any error it is rolled
      // back and so it is not considered a failure. Hence, stage 2's
      // Conditional Execution is not executed."
      const detail = await h.run(
        pipelineOf(
          'rolled_back',
          [
            stage(
              'stage1',
              fail('apply'),
              strategies([['AllErrors', 'StageRollback']], 4),
              echo('undo'),
            ),
            stage(
              'stage2',
              echo('onFailure'),
              '    when:\n      pipelineStatus: Failure\n',
            ),
            stage(
              'stage3',
              echo('always'),
              '    when:\n      pipelineStatus: All\n',
            ),
          ].join(''),
        ),
      );
      const s = statuses(detail);
      expect(
        s['pipeline.stages.stage1.spec.execution.rollbackSteps.undo'],
      ).toBe('Success');
      expect(s['pipeline.stages.stage1']).toBe('Failed');
      expect(s['pipeline.stages.stage2']).toBe('Skipped');
      expect(s['pipeline.stages.stage3']).toBe('Success');
      expect(detail.status).toBe('Failed');
      expect(detail.errorMessage).toBe('step apply: boom');
    });

    it('4. a step that passes its timeout with no strategy handling it ends Expired, and so do its stage and pipeline', async () => {
      // "Step timeouts mark steps as expired in the following scenarios: The
      // step does not complete before the configured timeout." (Timeout settings)
      const detail = await h.run(
        pipelineYaml(
          step('slow', 'TestSleep', 'ms: 5000', '    timeout: 200ms\n') +
            echo('next') +
            echo(
              'cleanup',
              'message: cleanup',
              '    when:\n      stageStatus: Failure\n',
            ),
          { identifier: 'expired_step' },
        ),
      );
      const slow = detail.nodes[0].children.find(n => n.identifier === 'slow')!;
      expect(slow).toMatchObject({
        status: 'Expired',
        failureType: 'Timeout',
        errorMessage: 'step timed out after 200ms',
      });
      expect(statuses(detail)).toMatchObject({
        next: 'Skipped',
        cleanup: 'Success',
        'pipeline.stages.main': 'Expired',
      });
      expect(detail.status).toBe('Expired');
      expect(detail.errorMessage).toBe('step slow: step timed out after 200ms');
    });

    it('5. names looped nodes by iteration: the index by default, the rendered nodeName when set; identifiers keep the index', async () => {
      // "Because stages and steps can't have the same identifier, the index
      // value of the iteration count is appended to the base stage/step
      // identifier"; "You can use the keyword nodeName when specifying your
      // Matrix axes, to define your stage naming convention. Expressions are
      // supported" (Use looping strategies).
      const detail = await h.run(
        pipelineYaml(
          echo(
            'm',
            'message: "<+step.name> is <+step.identifier>"',
            '    strategy:\n      matrix:\n        os: [linux, mac]\n',
          ) +
            echo(
              'n',
              'message: "<+step.name> is <+step.identifier>"\noutputs:\n  os: <+matrix.os>',
              '    strategy:\n      matrix:\n        os: [linux, mac]\n        nodeName: build <+matrix.os>\n',
            ) +
            echo(
              'ref',
              'message: "n_1 built <+steps.n_1.output.outputVariables.os>"',
            ),
          { identifier: 'looped_names' },
        ),
      );
      expect(detail.status).toBe('Success');
      const looped = (id: string) =>
        detail.nodes[0].children
          .find(n => n.identifier === id)!
          .children.map(n => [n.identifier, n.name]);
      expect(looped('m')).toEqual([
        ['m_0', 'm_0'],
        ['m_1', 'm_1'],
      ]);
      expect(looped('n')).toEqual([
        ['n_0', 'build linux'],
        ['n_1', 'build mac'],
      ]);
      expect(await h.logLines(detail.id)).toEqual(
        expect.arrayContaining([
          'm_0 is m_0',
          'm_1 is m_1',
          'build linux is n_0',
          'build mac is n_1',
          'n_1 built mac',
        ]),
      );
    });

    it('6. a stage whose failure was ignored makes a later pipelineStatus: Failure stage run; the pipeline ends IgnoreFailed', async () => {
      // "In order to get stage 2 to execute, you can set the stage 1 Failure
      // Strategy to Ignore Failure. Rollback will not occur and stage 2's
      // Conditional Execution is executed." Harness shows such runs as
      // IgnoreFailed.
      const detail = await h.run(
        pipelineOf(
          'ignored_stage',
          [
            stage(
              'stage1',
              // Within the stage the same holds for stageStatus.
              fail('apply') +
                echo('next') +
                echo(
                  'cleanup',
                  'message: cleanup',
                  '    when:\n      stageStatus: Failure\n',
                ),
              strategies([['AllErrors', 'Ignore']], 4),
            ),
            stage(
              'stage2',
              echo('onFailure'),
              '    when:\n      pipelineStatus: Failure\n',
            ),
            stage('stage3', echo('onSuccess')),
          ].join(''),
        ),
      );
      expect(statuses(detail)).toMatchObject({
        'pipeline.stages.stage1.spec.execution.steps.apply': 'IgnoreFailed',
        'pipeline.stages.stage1.spec.execution.steps.next': 'Success',
        'pipeline.stages.stage1.spec.execution.steps.cleanup': 'Success',
        'pipeline.stages.stage1': 'IgnoreFailed',
        'pipeline.stages.stage2': 'Success',
        'pipeline.stages.stage3': 'Success',
      });
      expect(detail.status).toBe('IgnoreFailed');
      expect(detail.errorMessage).toBeUndefined();
    });

    it('7. pipeline-level failureStrategies (an extension) apply after the step, group and stage levels', async () => {
      const detail = await h.run(
        pipelineYaml(
          fail('unmatched') +
            fail(
              'stageMatched',
              'kind: network',
              '    when:\n      stageStatus: All\n',
            ),
          {
            identifier: 'pipeline_strategies',
            pipelineExtra: strategies([['AllErrors', 'Ignore']], 2),
            stageExtra: strategies([['Connectivity', 'MarkAsFailure']], 8),
          },
        ),
      );
      expect(statuses(detail)).toMatchObject({
        unmatched: 'IgnoreFailed',
        stageMatched: 'Failed',
      });
      expect(detail.status).toBe('Failed');
    });
  },
);

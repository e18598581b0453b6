import { parseYaml } from '@idp-pipelines/plugin-pipeline-engine-common';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import {
  createEngineHarness,
  pipelineYaml,
  type EngineHarness,
} from '../engine/__testUtils__/engineHarness';
import { createApproverGroupCheck } from './approverGroupCheck';

jest.setTimeout(60_000);

const approvalStep = (groups: string) => `- step:
    type: HarnessApproval
    name: approve
    identifier: approve
    timeout: 1d
    spec:
      approvalMessage: go?
      approvers:
        userGroups:
${groups.replace(/^/gm, '          ')}
        minimumCount: 1
        disallowPipelineExecutor: false
`;

const STEP_PATH =
  'pipeline.stages[0].stage.spec.execution.steps[0].step.spec.approvers.userGroups';

/** A catalog with the groups `admins` and `ops`. */
const catalogGroups = new Set(['group:default/admins', 'group:default/ops']);

describe('createApproverGroupCheck', () => {
  const yaml = pipelineYaml(
    approvalStep(`- account.admins
- org.Platform
- <+pipeline.variables.approvers>
- _account_all_users
- ops
- nobody`),
  );

  it('warns of each literal group missing from the catalog, with its path and line:col', async () => {
    const asked: string[] = [];
    const check = createApproverGroupCheck(async ref => {
      asked.push(ref);
      return catalogGroups.has(ref);
    });
    const problems = await check(yaml, parseYaml(yaml).value);
    expect(asked.sort()).toEqual([
      'group:default/admins',
      'group:default/nobody',
      'group:default/ops',
      'group:default/platform',
    ]);
    const lines = yaml.split('\n');
    const lineOf = (text: string) =>
      lines.findIndex(line => line.trimEnd().endsWith(`- ${text}`)) + 1;
    expect(problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'approver-group-unknown',
        path: `${STEP_PATH}[1]`,
        line: lineOf('org.Platform'),
        column: lines[lineOf('org.Platform') - 1].indexOf('org.Platform') + 1,
      }),
      expect.objectContaining({
        path: `${STEP_PATH}[5]`,
        line: lineOf('nobody'),
      }),
    ]);
    expect(problems[0].message).toContain(
      "approver group 'org.Platform' (group:default/platform) is not in the catalog",
    );
  });

  it('gives no warning when the catalog cannot be asked', async () => {
    const check = createApproverGroupCheck(async () => {
      throw new Error('connect ECONNREFUSED');
    });
    await expect(check(yaml, parseYaml(yaml).value)).resolves.toEqual([]);
  });
});

describe('approver groups on save and validate', () => {
  const databases = createTestDatabases();
  let h: EngineHarness;
  beforeAll(async () => {
    h = await createEngineHarness(databases, 'SQLITE_3', {
      checkApproverGroups: createApproverGroupCheck(async ref =>
        catalogGroups.has(ref),
      ),
    });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('returns the unknown groups as warnings of create and validate, and saves the pipeline', async () => {
    const yaml = pipelineYaml(approvalStep('- admins\n- missing'), {
      identifier: 'unknown_group',
    });
    const expected = [
      expect.objectContaining({
        code: 'approver-group-unknown',
        path: `${STEP_PATH}[1]`,
        line: expect.any(Number),
      }),
    ];
    const created = await h.engine.service.createPipeline(yaml, {
      identity: 'user:default/jane',
    });
    expect(created.warnings).toEqual(expected);
    const validation = await h.engine.service.validatePipeline(yaml);
    expect(validation.ok).toBe(true);
    expect(
      validation.problems.filter(p => p.code === 'approver-group-unknown'),
    ).toEqual(expected);
    const known = await h.engine.service.validatePipeline(
      pipelineYaml(approvalStep('- admins')),
    );
    expect(
      known.problems.filter(p => p.code === 'approver-group-unknown'),
    ).toEqual([]);
  });
});

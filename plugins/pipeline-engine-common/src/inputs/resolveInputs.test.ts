import type { Problem } from '../validation/problem';
import { resolveRuntimeInputs, ResolveResult } from './resolveInputs';
import { nestedPipeline, seedPipeline } from './__fixtures__/loadFixture';

const STEPS = 'pipeline.stages.build.spec.execution.steps';

const seedValues = {
  project_name: 'my-app',
  public_template_url: 'https://github.com/acme/cookiecutter',
  repositoty_description: 'My app',
  repository_default_branch: 'main',
  direct_push_branch: 'main',
  email_id: 'dev@example.com',
};

/** A complete, valid input set for the nested fixture. */
const nestedValues = {
  replicas: '2',
  token: 'account.gh_token',
  regions: 'eu,us',
  'pipeline.stages.build.variables.tag': 'v1.2',
  [`${STEPS}.clone.spec.build.spec.branch`]: 'main',
  [`${STEPS}.group.steps.lint.spec.command`]: 'make lint',
  [`${STEPS}.group.steps.unit.spec.shell`]: 'Bash',
};

function expectOk(result: ResolveResult) {
  if (!result.ok) throw new Error(JSON.stringify(result.problems, null, 2));
  return result;
}

function expectProblems(result: ResolveResult): Problem[] {
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

/** Error codes only; the nested fixture always warns about its optional stage variable. */
function errorCodes(problems: Problem[]): string[] {
  return problems.filter(p => p.severity === 'error').map(p => p.code);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

type Doc = { pipeline: { variables: Array<{ name: string; value: unknown }> } };

function variableValue(doc: unknown, name: string): unknown {
  return (doc as Doc).pipeline.variables.find(v => v.name === name)?.value;
}

describe('resolveRuntimeInputs: the seed pipeline', () => {
  it('resolves with short keys and applies defaults', () => {
    const result = expectOk(resolveRuntimeInputs(seedPipeline(), seedValues));
    expect(result.warnings).toEqual([]);
    expect(result.values).toEqual({
      'pipeline.variables.project_name': 'my-app',
      'pipeline.variables.template_type': 'public',
      'pipeline.variables.public_template_url':
        'https://github.com/acme/cookiecutter',
      'pipeline.variables.repository_type': 'private',
      'pipeline.variables.repositoty_description': 'My app',
      'pipeline.variables.repository_default_branch': 'main',
      'pipeline.variables.direct_push_branch': 'main',
      'pipeline.variables.email_id': 'dev@example.com',
    });
    expect(variableValue(result.pipeline, 'template_type')).toBe('public');
    expect(variableValue(result.pipeline, 'project_name')).toBe('my-app');
    // Fixed values and expressions elsewhere are untouched.
    expect(variableValue(result.pipeline, 'organization')).toBe(
      'test-org-devesh',
    );
    expect(JSON.stringify(result.pipeline)).not.toContain('<+input>');
    expect(JSON.stringify(result.pipeline)).toContain(
      '<+pipeline.variables.project_name>',
    );
  });

  it('gives the same pipeline with fully-qualified keys', () => {
    const short = expectOk(resolveRuntimeInputs(seedPipeline(), seedValues));
    const fqnValues = Object.fromEntries(
      Object.entries(seedValues).map(([k, v]) => [
        `pipeline.variables.${k}`,
        v,
      ]),
    );
    const fqn = expectOk(resolveRuntimeInputs(seedPipeline(), fqnValues));
    expect(fqn.pipeline).toEqual(short.pipeline);
  });

  it('checks allowed values and lists them in the hint', () => {
    const problems = expectProblems(
      resolveRuntimeInputs(seedPipeline(), {
        ...seedValues,
        template_type: 'publik',
      }),
    );
    expect(problems).toEqual([
      {
        severity: 'error',
        code: 'input-not-allowed',
        path: 'pipeline.variables.template_type',
        message:
          '"publik" is not allowed for "template_type"; did you mean "public"?',
        hint: 'allowed values: public, private',
      },
    ]);
  });

  it('leaves optional variables without a value empty, with a warning each', () => {
    const result = expectOk(resolveRuntimeInputs(seedPipeline(), {}));
    expect(result.values['pipeline.variables.project_name']).toBe('');
    expect(result.values['pipeline.variables.template_type']).toBe('public');
    expect(result.warnings.map(w => [w.code, w.path])).toEqual(
      [
        'project_name',
        'public_template_url',
        'repositoty_description',
        'repository_default_branch',
        'direct_push_branch',
        'email_id',
      ].map(n => ['input-optional-empty', `pipeline.variables.${n}`]),
    );
    expect(result.warnings[0].hint).toContain(
      '"project_name" or "pipeline.variables.project_name"',
    );
  });

  it('suggests the closest name for an unknown key', () => {
    const problems = expectProblems(
      resolveRuntimeInputs(seedPipeline(), { ...seedValues, project_nam: 'x' }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      code: 'input-unknown-key',
      path: 'project_nam',
    });
    expect(problems[0].message).toBe(
      '"project_nam" is not a runtime input of this pipeline; did you mean "project_name"?',
    );
  });

  it('can downgrade unknown keys to warnings', () => {
    const result = expectOk(
      resolveRuntimeInputs(
        seedPipeline(),
        { ...seedValues, project_id: 'p' },
        { allowUnknownKeys: true },
      ),
    );
    expect(result.warnings.map(w => w.code)).toEqual(['input-unknown-key']);
  });

  it('rejects a value for a fixed field, naming the field, but ignores an echo of it', () => {
    const problems = expectProblems(
      resolveRuntimeInputs(seedPipeline(), {
        ...seedValues,
        organization: 'other-org',
      }),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'input-not-runtime',
        path: 'pipeline.variables.organization',
        message: expect.stringContaining(
          'pipeline.variables.organization is fixed to "test-org-devesh"',
        ),
      }),
    ]);
    expectOk(
      resolveRuntimeInputs(seedPipeline(), {
        ...seedValues,
        organization: 'test-org-devesh',
      }),
    );
  });

  it('rejects a key given short and fully-qualified with different values', () => {
    const problems = expectProblems(
      resolveRuntimeInputs(seedPipeline(), {
        ...seedValues,
        'pipeline.variables.project_name': 'other-app',
      }),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'input-conflict',
        path: 'pipeline.variables.project_name',
      }),
    ]);
    // The same value twice is fine.
    expectOk(
      resolveRuntimeInputs(seedPipeline(), {
        ...seedValues,
        'pipeline.variables.project_name': 'my-app',
      }),
    );
  });
});

describe('resolveRuntimeInputs: stages, step groups and parallel blocks', () => {
  it('resolves stage variables and step fields by FQN and converts numbers', () => {
    const result = expectOk(
      resolveRuntimeInputs(nestedPipeline(), nestedValues),
    );
    expect(result.values).toEqual({
      'pipeline.variables.replicas': 2,
      'pipeline.variables.token': 'account.gh_token',
      'pipeline.variables.env': 'dev',
      'pipeline.variables.regions': 'eu,us',
      'pipeline.stages.build.variables.tag': 'v1.2',
      'pipeline.stages.build.spec.infrastructure.spec.namespace': 'default',
      [`${STEPS}.clone.timeout`]: '10m',
      [`${STEPS}.clone.spec.build.spec.branch`]: 'main',
      [`${STEPS}.group.steps.lint.spec.command`]: 'make lint',
      [`${STEPS}.group.steps.lint.spec.envVariables.MODE`]: 'strict',
      [`${STEPS}.group.steps.unit.spec.shell`]: 'Bash',
      'pipeline.stages.deploy_eu.variables.target': '',
      'pipeline.stages.deploy_us.spec.execution.steps.go.spec.command':
        'echo us',
    });
    expect(result.warnings.map(w => w.path)).toEqual([
      'pipeline.stages.deploy_eu.variables.target',
    ]);
    const at = (path: Array<string | number>) =>
      path.reduce<unknown>(
        (node, key) => (node as Record<string, unknown>)[key],
        result.pipeline,
      );
    const build = ['pipeline', 'stages', 0, 'stage'];
    const group = [...build, 'spec', 'execution', 'steps', 1, 'stepGroup'];
    expect(
      at([...group, 'steps', 1, 'parallel', 0, 'step', 'spec', 'shell']),
    ).toBe('Bash');
    expect(at([...build, 'variables', 0, 'value'])).toBe('v1.2');
    expect(
      at([
        'pipeline',
        'stages',
        1,
        'parallel',
        1,
        'stage',
        'spec',
        'execution',
        'steps',
        0,
        'step',
        'spec',
        'command',
      ]),
    ).toBe('echo us');
    expect(variableValue(result.pipeline, 'replicas')).toBe(2);
  });

  it('accepts numbers as numbers or numeric strings, and lists for selectManyFrom', () => {
    for (const replicas of [3, '3', ' 3.0 ']) {
      const result = expectOk(
        resolveRuntimeInputs(nestedPipeline(), {
          ...nestedValues,
          replicas,
          regions: ['ap', 'eu'],
        }),
      );
      expect(result.values['pipeline.variables.replicas']).toBe(3);
      expect(result.values['pipeline.variables.regions']).toBe('ap,eu');
    }
    const problems = expectProblems(
      resolveRuntimeInputs(nestedPipeline(), { ...nestedValues, replicas: 4 }),
    );
    expect(errorCodes(problems)).toEqual(['input-not-allowed']);
    expect(problems[0].hint).toBe('allowed values: 1, 2, 3');
  });

  it('explains that a short key cannot reach a stage variable', () => {
    const { 'pipeline.stages.build.variables.tag': _tag, ...rest } =
      nestedValues;
    const problems = expectProblems(
      resolveRuntimeInputs(nestedPipeline(), { ...rest, tag: 'v1' }),
    );
    expect(errorCodes(problems)).toEqual([
      'input-short-key-not-pipeline-variable',
      'input-missing',
    ]);
    expect(problems[0].hint).toBe(
      'use the fully-qualified key: "pipeline.stages.build.variables.tag"',
    );
  });

  it('reports every problem at once', () => {
    const problems = expectProblems(
      resolveRuntimeInputs(nestedPipeline(), {
        replicas: 'two',
        token: 'not a secret!',
        regions: 'eu,mars',
        env: 'staging',
        'pipeline.variables.env': 'dev',
        'pipeline.stages.build.variables.tag': 'release',
        [`${STEPS}.group.steps.unit.spec.shell`]: 'Zsh',
        'pipeline.stages.deploy_eu.spec.execution.steps.go.spec.command':
          'echo hi',
        'pipeline.stages.biuld.variables.tag': 'v1',
      }),
    );
    expect(problems.map(p => [p.code, p.path])).toEqual([
      ['input-conflict', 'pipeline.variables.env'],
      [
        'input-not-runtime',
        'pipeline.stages.deploy_eu.spec.execution.steps.go.spec.command',
      ],
      ['input-unknown-key', 'pipeline.stages.biuld.variables.tag'],
      ['input-not-number', 'pipeline.variables.replicas'],
      ['input-secret-ref', 'pipeline.variables.token'],
      ['input-not-allowed', 'pipeline.variables.env'],
      ['input-not-allowed', 'pipeline.variables.regions'],
      ['input-regex-mismatch', 'pipeline.stages.build.variables.tag'],
      ['input-missing', `${STEPS}.clone.spec.build.spec.branch`],
      ['input-missing', `${STEPS}.group.steps.lint.spec.command`],
      ['input-not-allowed', `${STEPS}.group.steps.unit.spec.shell`],
      ['input-optional-empty', 'pipeline.stages.deploy_eu.variables.target'],
    ]);
    const byCode = (code: string) => problems.find(p => p.code === code);
    expect(byCode('input-unknown-key')?.message).toContain(
      'did you mean "pipeline.stages.build.variables.tag"?',
    );
    expect(byCode('input-regex-mismatch')?.hint).toBe(
      'the whole value must match ^v[0-9]+(\\.[0-9]+)*$',
    );
    expect(
      problems.find(p => p.path === 'pipeline.variables.regions')?.message,
    ).toContain('"mars"');
    expect(byCode('input-missing')?.hint).toContain(
      `"${STEPS}.clone.spec.build.spec.branch"`,
    );
    for (const p of problems) expect(p.hint).toBeTruthy();
  });

  it('regex is a full match, as Java matches()', () => {
    const result = resolveRuntimeInputs(nestedPipeline(), {
      ...nestedValues,
      'pipeline.stages.build.variables.tag': 'xv1.2',
    });
    expect(errorCodes(expectProblems(result))).toEqual([
      'input-regex-mismatch',
    ]);
  });

  it('passes expression values through with a warning', () => {
    const result = expectOk(
      resolveRuntimeInputs(nestedPipeline(), {
        ...nestedValues,
        [`${STEPS}.group.steps.unit.spec.shell`]: '<+pipeline.variables.shell>',
      }),
    );
    expect(result.values[`${STEPS}.group.steps.unit.spec.shell`]).toBe(
      '<+pipeline.variables.shell>',
    );
    expect(result.warnings.map(w => w.code)).toContain(
      'input-expression-unchecked',
    );
  });

  it('resolves a structured Harness input set', () => {
    const result = expectOk(
      resolveRuntimeInputs(nestedPipeline(), {
        inputSet: {
          identifier: 'dev',
          pipeline: {
            identifier: 'nested',
            variables: [
              { name: 'replicas', type: 'Number', value: 1 },
              { name: 'token', type: 'Secret', value: 'gh_token' },
              { name: 'regions', type: 'String', value: 'us' },
            ],
            stages: [
              {
                stage: {
                  identifier: 'build',
                  type: 'Custom',
                  variables: [{ name: 'tag', type: 'String', value: 'v3' }],
                  spec: {
                    execution: {
                      steps: [
                        {
                          step: {
                            identifier: 'clone',
                            type: 'GitClone',
                            spec: { build: { spec: { branch: 'dev' } } },
                          },
                        },
                        {
                          stepGroup: {
                            identifier: 'group',
                            steps: [
                              {
                                step: {
                                  identifier: 'lint',
                                  type: 'Run',
                                  spec: { command: 'npm run lint' },
                                },
                              },
                              {
                                parallel: [
                                  {
                                    step: {
                                      identifier: 'unit',
                                      type: 'Run',
                                      spec: { shell: 'Sh' },
                                    },
                                  },
                                ],
                              },
                            ],
                          },
                        },
                      ],
                    },
                  },
                },
              },
              {
                parallel: [
                  {
                    stage: {
                      identifier: 'deploy_eu',
                      type: 'Custom',
                      variables: [
                        { name: 'target', type: 'String', value: 'eu-1' },
                      ],
                    },
                  },
                ],
              },
            ],
          },
        },
      }),
    );
    expect(result.warnings).toEqual([]);
    expect(result.values).toMatchObject({
      'pipeline.variables.replicas': 1,
      'pipeline.stages.build.variables.tag': 'v3',
      [`${STEPS}.clone.spec.build.spec.branch`]: 'dev',
      [`${STEPS}.group.steps.unit.spec.shell`]: 'Sh',
      'pipeline.stages.deploy_eu.variables.target': 'eu-1',
    });
  });

  it('rejects a structured input set made for another pipeline', () => {
    const problems = expectProblems(
      resolveRuntimeInputs(nestedPipeline(), {
        pipeline: { identifier: 'other' },
        ...nestedValues,
      }),
    );
    expect(errorCodes(problems)).toEqual(['input-set-pipeline-mismatch']);
  });
});

describe('resolveRuntimeInputs: robustness', () => {
  it('never mutates the pipeline or the input set', () => {
    const pipeline = deepFreeze(nestedPipeline());
    const inputSet = deepFreeze({ ...nestedValues });
    const before = JSON.stringify(pipeline);
    const result = expectOk(resolveRuntimeInputs(pipeline, inputSet));
    expect(JSON.stringify(pipeline)).toBe(before);
    expect(result.pipeline).not.toBe(pipeline);
    expect(JSON.stringify(result.pipeline)).not.toContain('<+input>');
  });

  it('reports malformed runtime inputs of the pipeline by FQN', () => {
    const problems = expectProblems(
      resolveRuntimeInputs(
        {
          pipeline: {
            identifier: 'p',
            variables: [
              { name: 'x', type: 'String', value: '<+input>.allowedValues(a' },
            ],
          },
        },
        { x: 'a' },
      ),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'runtime-input-unbalanced',
        path: 'pipeline.variables.x',
        message: expect.stringContaining('(at pipeline.variables[0].value)'),
      }),
    ]);
  });

  it('rejects documents that are not pipelines', () => {
    expect(expectProblems(resolveRuntimeInputs('nope', {}))[0].code).toBe(
      'pipeline-doc-invalid',
    );
  });

  it('treats .executionInput() as an ordinary input supplied up front', () => {
    const doc = {
      pipeline: {
        identifier: 'p',
        stages: [
          {
            stage: {
              identifier: 's',
              spec: {
                execution: {
                  steps: [
                    {
                      step: {
                        identifier: 'a',
                        spec: {
                          approvers:
                            '<+input>.allowedValues(ops,dev).executionInput()',
                        },
                      },
                    },
                  ],
                },
              },
            },
          },
        ],
      },
    };
    const fqn = 'pipeline.stages.s.spec.execution.steps.a.spec.approvers';
    expect(
      expectOk(resolveRuntimeInputs(doc, { [fqn]: 'ops' })).values[fqn],
    ).toBe('ops');
    expect(expectProblems(resolveRuntimeInputs(doc, {}))[0].code).toBe(
      'input-missing',
    );
  });
});

import { collectRuntimeInputs } from './collectInputs';
import { nestedPipeline, seedPipeline } from './__fixtures__/loadFixture';

describe('collectRuntimeInputs', () => {
  it('finds the seed pipeline variables that are runtime inputs, in order', () => {
    const inputs = collectRuntimeInputs(seedPipeline());
    expect(inputs.map(i => i.shortName)).toEqual([
      'project_name',
      'template_type',
      'public_template_url',
      'repository_type',
      'repositoty_description',
      'repository_default_branch',
      'direct_push_branch',
      'email_id',
    ]);
    const templateType = inputs.find(i => i.shortName === 'template_type');
    expect(templateType).toMatchObject({
      fqn: 'pipeline.variables.template_type',
      yamlPath: 'pipeline.variables[3].value',
      variableType: 'String',
      required: false,
      default: 'public',
      input: { allowedValues: ['public', 'private'] },
      problems: [],
    });
  });

  it('describes stage variables, step fields, step groups and parallel blocks', () => {
    const inputs = new Map(
      collectRuntimeInputs(nestedPipeline()).map(i => [i.fqn, i]),
    );
    expect([...inputs.keys()]).toEqual([
      'pipeline.variables.replicas',
      'pipeline.variables.token',
      'pipeline.variables.env',
      'pipeline.variables.regions',
      'pipeline.stages.build.variables.tag',
      'pipeline.stages.build.spec.infrastructure.spec.namespace',
      'pipeline.stages.build.spec.execution.steps.clone.timeout',
      'pipeline.stages.build.spec.execution.steps.clone.spec.build.spec.branch',
      'pipeline.stages.build.spec.execution.steps.group.steps.lint.spec.command',
      'pipeline.stages.build.spec.execution.steps.group.steps.lint.spec.envVariables.MODE',
      'pipeline.stages.build.spec.execution.steps.group.steps.unit.spec.shell',
      'pipeline.stages.deploy_eu.variables.target',
      'pipeline.stages.deploy_us.spec.execution.steps.go.spec.command',
    ]);
    // Only pipeline variables have a short name.
    expect(inputs.get('pipeline.stages.build.variables.tag')).toMatchObject({
      variable: { name: 'tag', scope: 'stage' },
      required: true,
      input: { regex: '^v[0-9]+(\\.[0-9]+)*$' },
    });
    expect(
      inputs.get('pipeline.stages.build.variables.tag')?.shortName,
    ).toBeUndefined();
    expect(inputs.get('pipeline.variables.replicas')?.variableType).toBe(
      'Number',
    );
    expect(inputs.get('pipeline.variables.token')?.variableType).toBe('Secret');
    // Non-variable fields are required unless they have a default.
    expect(
      inputs.get(
        'pipeline.stages.build.spec.execution.steps.clone.spec.build.spec.branch',
      )?.required,
    ).toBe(true);
    expect(
      inputs.get('pipeline.stages.build.spec.execution.steps.clone.timeout'),
    ).toMatchObject({ required: false, default: '10m' });
    expect(
      inputs.get(
        'pipeline.stages.build.spec.execution.steps.group.steps.lint.spec.command',
      )?.input.executionInput,
    ).toBe(true);
  });

  it('keeps parse problems, with the YAML path, next to the input', () => {
    const [numberInput, brokenInput] = collectRuntimeInputs({
      pipeline: {
        variables: [
          { name: 'n', type: 'Number', value: '<+input>.default(many)' },
          { name: 'x', type: 'String', value: '<+input>.allowedValues(a' },
        ],
      },
    });
    expect(numberInput.problems).toEqual([
      expect.objectContaining({
        code: 'runtime-input-default-not-number',
        path: 'pipeline.variables[0].value',
      }),
    ]);
    expect(brokenInput.problems[0]).toMatchObject({
      severity: 'error',
      code: 'runtime-input-unbalanced',
      path: 'pipeline.variables[1].value',
    });
  });

  it("uses a variable's default: field when the input has no .default()", () => {
    const [input] = collectRuntimeInputs({
      pipeline: {
        variables: [
          { name: 'city', type: 'String', default: 'ABC', value: '<+input>' },
        ],
      },
    });
    expect(input.default).toBe('ABC');
  });
});

describe('collectRuntimeInputs with templates', () => {
  it('gives pipeline-template variables a short name, stage-template variables none', () => {
    const inputs = collectRuntimeInputs({
      pipeline: {
        template: {
          templateRef: 'golden',
          templateInputs: {
            variables: [{ name: 'app', type: 'String', value: '<+input>' }],
            stages: [
              {
                stage: {
                  identifier: 's',
                  template: {
                    templateInputs: {
                      variables: [
                        {
                          name: 'v',
                          type: 'Number',
                          value: '<+input>.default(1)',
                        },
                      ],
                    },
                  },
                },
              },
            ],
          },
        },
      },
    });
    expect(inputs.map(i => [i.fqn, i.shortName, i.variableType])).toEqual([
      ['pipeline.variables.app', 'app', 'String'],
      ['pipeline.stages.s.variables.v', undefined, 'Number'],
    ]);
  });
});

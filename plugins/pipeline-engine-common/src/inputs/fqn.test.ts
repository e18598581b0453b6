import { formatYamlPath } from '../parser/yamlPath';
import { listPipelineFields } from './fqn';
import { nestedPipeline, seedPipeline } from './__fixtures__/loadFixture';

function addressOf(doc: unknown): Map<string, string> {
  return new Map(listPipelineFields(doc).map(f => [f.fqn, f.yamlPath]));
}

describe('fully-qualified names', () => {
  const fields = addressOf(nestedPipeline());

  it.each([
    ['pipeline.variables.replicas', 'pipeline.variables[0].value'],
    [
      'pipeline.stages.build.variables.tag',
      'pipeline.stages[0].stage.variables[0].value',
    ],
    [
      'pipeline.stages.build.spec.infrastructure.spec.namespace',
      'pipeline.stages[0].stage.spec.infrastructure.spec.namespace',
    ],
    [
      'pipeline.stages.build.spec.execution.steps.clone.timeout',
      'pipeline.stages[0].stage.spec.execution.steps[0].step.timeout',
    ],
    [
      'pipeline.stages.build.spec.execution.steps.clone.spec.build.spec.branch',
      'pipeline.stages[0].stage.spec.execution.steps[0].step.spec.build.spec.branch',
    ],
    [
      'pipeline.stages.build.spec.execution.steps.group.steps.lint.spec.command',
      'pipeline.stages[0].stage.spec.execution.steps[1].stepGroup.steps[0].step.spec.command',
    ],
    [
      'pipeline.stages.build.spec.execution.steps.group.steps.lint.spec.envVariables.MODE',
      'pipeline.stages[0].stage.spec.execution.steps[1].stepGroup.steps[0].step.spec.envVariables.MODE',
    ],
    [
      'pipeline.stages.build.spec.execution.steps.group.steps.unit.spec.shell',
      'pipeline.stages[0].stage.spec.execution.steps[1].stepGroup.steps[1].parallel[0].step.spec.shell',
    ],
    [
      'pipeline.stages.build.spec.execution.steps.group.steps.e2e.spec.outputVariables.url.name',
      'pipeline.stages[0].stage.spec.execution.steps[1].stepGroup.steps[1].parallel[1].step.spec.outputVariables[0].name',
    ],
    [
      'pipeline.stages.build.spec.caching.paths[0]',
      'pipeline.stages[0].stage.spec.caching.paths[0]',
    ],
    [
      'pipeline.stages.deploy_eu.variables.target',
      'pipeline.stages[1].parallel[0].stage.variables[0].value',
    ],
    [
      'pipeline.stages.deploy_us.spec.execution.steps.go.spec.command',
      'pipeline.stages[1].parallel[1].stage.spec.execution.steps[0].step.spec.command',
    ],
    ['pipeline.stages.build.identifier', 'pipeline.stages[0].stage.identifier'],
    ['pipeline.variables.replicas.type', 'pipeline.variables[0].type'],
  ])('%s is at %s', (fqn, yamlPath) => {
    expect(fields.get(fqn)).toBe(yamlPath);
  });

  it('never names the stage/step wrappers or parallel blocks', () => {
    for (const fqn of fields.keys()) {
      expect(fqn).not.toMatch(/\.(stage|step|stepGroup|parallel)\./);
    }
  });

  it('addresses every seed step field by step identifier', () => {
    const seed = addressOf(seedPipeline());
    expect(
      seed.get(
        'pipeline.stages.serviceonboarding.spec.execution.steps.directpush.spec.branch',
      ),
    ).toBe('pipeline.stages[0].stage.spec.execution.steps[3].step.spec.branch');
    expect(seed.get('pipeline.variables.template_type')).toBe(
      'pipeline.variables[3].value',
    );
  });

  it('falls back to indexes for unnamed list items and quotes odd keys in YAML paths', () => {
    const doc = {
      pipeline: {
        stages: [{ stage: { spec: { 'odd key': 'x' } } }],
        properties: { list: [{ a: 1 }, 'b'] },
      },
    };
    const f = addressOf(doc);
    expect(f.get('pipeline.stages[0].spec.odd key')).toBe(
      'pipeline.stages[0].stage.spec["odd key"]',
    );
    expect(f.get('pipeline.properties.list[0].a')).toBe(
      'pipeline.properties.list[0].a',
    );
    expect(f.get('pipeline.properties.list[1]')).toBe(
      'pipeline.properties.list[1]',
    );
    expect(formatYamlPath(['pipeline', 'a', 0, 'b'])).toBe('pipeline.a[0].b');
  });

  it("treats template inputs as the templated node's own fields", () => {
    const f = addressOf({
      pipeline: {
        identifier: 'p',
        template: {
          templateRef: 'golden',
          versionLabel: 'v1',
          templateInputs: {
            variables: [{ name: 'app', type: 'String', value: '<+input>' }],
            stages: [
              {
                stage: {
                  identifier: 's',
                  template: {
                    templateRef: 'stage_t',
                    templateInputs: {
                      type: 'Custom',
                      variables: [
                        { name: 'v', type: 'String', value: '<+input>' },
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
    expect(f.get('pipeline.variables.app')).toBe(
      'pipeline.template.templateInputs.variables[0].value',
    );
    expect(f.get('pipeline.stages.s.variables.v')).toBe(
      'pipeline.template.templateInputs.stages[0].stage.template.templateInputs.variables[0].value',
    );
    expect(f.get('pipeline.template.templateRef')).toBe(
      'pipeline.template.templateRef',
    );
  });

  it('has no fields for documents that are not pipelines', () => {
    expect(listPipelineFields(null)).toEqual([]);
    expect(listPipelineFields({ pipeline: 'x' })).toEqual([]);
    expect(listPipelineFields([1])).toEqual([]);
  });
});

import { parse } from 'yaml';
import { buildHarnessInputSet } from './harnessInputSet';

const TEMPLATE = `pipeline:
  identifier: onboard
  variables:
    - name: project_name
      type: String
      value: <+input>
    - name: repository_type
      type: String
      value: <+input>.default(private).allowedValues(private,public)
  stages:
    - stage:
        identifier: testci
        type: CI
        variables:
          - name: region
            type: String
            value: <+input>
        spec:
          execution:
            steps:
              - step:
                  identifier: clone
                  type: GitClone
                  spec:
                    branch: <+input>
`;

describe('buildHarnessInputSet', () => {
  it('fills short and fully-qualified keys, applies defaults, keeps only runtime inputs', () => {
    const result = buildHarnessInputSet('onboard', TEMPLATE, {
      project_name: 'svc',
      'pipeline.stages.testci.variables.region': 'eu',
      'pipeline.stages.testci.spec.execution.steps.clone.spec.branch': 'main',
      unused: 'x',
    });
    expect(parse(result.yaml)).toEqual({
      pipeline: {
        identifier: 'onboard',
        variables: [
          { name: 'project_name', type: 'String', value: 'svc' },
          { name: 'repository_type', type: 'String', value: 'private' },
        ],
        stages: [
          {
            stage: {
              identifier: 'testci',
              type: 'CI',
              variables: [{ name: 'region', type: 'String', value: 'eu' }],
              spec: {
                execution: {
                  steps: [
                    {
                      step: {
                        identifier: 'clone',
                        type: 'GitClone',
                        spec: { branch: 'main' },
                      },
                    },
                  ],
                },
              },
            },
          },
        ],
      },
    });
    expect(result.values).toMatchObject({
      'pipeline.variables.project_name': 'svc',
      'pipeline.stages.testci.variables.region': 'eu',
    });
    expect(result.warnings.map(w => w.path)).toContain('unused');
  });

  it('reports every problem in one InputError before anything is sent', () => {
    let error: Error | undefined;
    try {
      buildHarnessInputSet('onboard', TEMPLATE, { repository_type: 'secret' });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).toBe('InputError');
    expect(error?.message).toMatch(
      /^The inputset does not fit the runtime inputs of Harness pipeline onboard \(\d+ problems\):/,
    );
    for (const field of [
      'pipeline.variables.project_name',
      'pipeline.variables.repository_type',
      'pipeline.stages.testci.variables.region',
      'pipeline.stages.testci.spec.execution.steps.clone.spec.branch',
    ]) {
      expect(error?.message).toContain(`  - ${field}: `);
    }
  });

  it('sends just the identifier when the pipeline has no runtime inputs', () => {
    const result = buildHarnessInputSet('onboard', undefined, { a: 1 });
    expect(parse(result.yaml)).toEqual({ pipeline: { identifier: 'onboard' } });
    expect(result.warnings).toEqual([
      expect.objectContaining({ severity: 'warning', path: 'a' }),
    ]);
  });
});

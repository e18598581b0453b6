import { normalizeInputSet } from './inputSet';

describe('normalizeInputSet', () => {
  it('maps short keys to pipeline variables and keeps fully-qualified keys', () => {
    const { entries, problems } = normalizeInputSet({
      project_name: 'my-app',
      'pipeline.stages.build.variables.tag': 'v1',
      replicas: 2,
      notify: true,
      skipped: undefined,
    });
    expect(problems).toEqual([]);
    expect(entries).toEqual([
      {
        key: 'project_name',
        fqn: 'pipeline.variables.project_name',
        form: 'short',
        value: 'my-app',
      },
      {
        key: 'pipeline.stages.build.variables.tag',
        fqn: 'pipeline.stages.build.variables.tag',
        form: 'fqn',
        value: 'v1',
      },
      {
        key: 'replicas',
        fqn: 'pipeline.variables.replicas',
        form: 'short',
        value: 2,
      },
      {
        key: 'notify',
        fqn: 'pipeline.variables.notify',
        form: 'short',
        value: true,
      },
    ]);
  });

  it('flattens a structured Harness input set with the pipeline FQN rules', () => {
    const { entries, pipelineIdentifier, problems } = normalizeInputSet(`
inputSet:
  name: dev
  identifier: dev
  pipeline:
    identifier: nested
    variables:
      - name: env
        type: String
        value: prod
      - name: replicas
        type: Number
        value: ""
    stages:
      - stage:
          identifier: build
          type: Custom
          variables:
            - name: tag
              type: String
              value: v2
          spec:
            execution:
              steps:
                - stepGroup:
                    identifier: group
                    steps:
                      - parallel:
                          - step:
                              identifier: unit
                              type: Run
                              spec:
                                shell: Sh
                      - step:
                          identifier: lint
                          type: Run
                          spec:
                            command: <+input>
`);
    expect(problems).toEqual([]);
    expect(pipelineIdentifier).toBe('nested');
    expect(entries.map(e => [e.fqn, e.value, e.form])).toEqual([
      ['pipeline.variables.env', 'prod', 'structured'],
      ['pipeline.stages.build.variables.tag', 'v2', 'structured'],
      [
        'pipeline.stages.build.spec.execution.steps.group.steps.unit.spec.shell',
        'Sh',
        'structured',
      ],
    ]);
  });

  it('accepts a bare { pipeline: ... } next to flat keys', () => {
    const { entries } = normalizeInputSet({
      pipeline: { variables: [{ name: 'a', type: 'String', value: 'x' }] },
      b: 'y',
    });
    expect(entries.map(e => e.fqn)).toEqual([
      'pipeline.variables.a',
      'pipeline.variables.b',
    ]);
  });

  it('reports unusable input sets and expression-style keys', () => {
    expect(normalizeInputSet('a: [').problems[0].code).toBe(
      'input-set-invalid',
    );
    expect(normalizeInputSet(42).problems[0].code).toBe('input-set-invalid');
    expect(normalizeInputSet(undefined)).toEqual({ entries: [], problems: [] });
    const wrapped = normalizeInputSet({
      '<+pipeline.variables.x>': 'v',
      f: () => 1,
    });
    expect(wrapped.entries[0].fqn).toBe('pipeline.variables.x');
    expect(wrapped.problems.map(p => [p.severity, p.code])).toEqual([
      ['warning', 'input-key-expression'],
      ['error', 'input-value-type'],
    ]);
  });
});

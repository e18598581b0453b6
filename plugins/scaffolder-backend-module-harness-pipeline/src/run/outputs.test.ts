import { exportOutputVariables } from './outputs';
import type { OutputVariable } from './types';

const step = (stage: string, id: string) =>
  `pipeline.stages.${stage}.spec.execution.steps.${id}`;

function variable(
  nodeFqn: string,
  name: string,
  value: string,
  endedAt?: string,
): OutputVariable {
  return {
    fqn: `${nodeFqn}.output.outputVariables.${name}`,
    name,
    value,
    nodeFqn,
    endedAt,
  };
}

describe('exportOutputVariables', () => {
  it('exports each variable by short name and by fully-qualified name', () => {
    const { values, warnings } = exportOutputVariables([
      variable(step('testci', 'Run_1'), 'test1', 'one'),
      variable(step('testci', 'Run_2'), 'test2', 'two'),
    ]);
    expect(values).toEqual({
      test1: 'one',
      test2: 'two',
      'pipeline.stages.testci.spec.execution.steps.Run_1.output.outputVariables.test1':
        'one',
      'pipeline.stages.testci.spec.execution.steps.Run_2.output.outputVariables.test2':
        'two',
    });
    expect(warnings).toEqual([]);
  });

  it('gives a shared short name to the step that finished last, whatever the order', () => {
    const early = variable(
      step('a', 'x'),
      'id',
      'early',
      '2026-01-01T00:00:01.000Z',
    );
    const late = variable(
      step('b', 'y'),
      'id',
      'late',
      '2026-01-01T00:00:09.000Z',
    );
    for (const order of [
      [early, late],
      [late, early],
    ]) {
      const { values, warnings } = exportOutputVariables(order);
      expect(values.id).toBe('late');
      expect(values[early.fqn]).toBe('early');
      expect(values[late.fqn]).toBe('late');
      expect(warnings).toEqual([
        `Output variable "id" is exported by 2 steps; "id" holds the value of b/y, which finished last. Read the value of a/x by its fully-qualified name, e.g. ${early.fqn}`,
      ]);
    }
  });

  it('does not warn when the steps sharing a short name agree on its value', () => {
    const repo = 'http://git.example/org/svc';
    const { values, warnings } = exportOutputVariables([
      variable(step('s', 'createrepo'), 'repositoryUrl', repo),
      variable(step('s', 'directpush'), 'repositoryUrl', repo),
    ]);
    expect(values.repositoryUrl).toBe(repo);
    expect(warnings).toEqual([]);
  });

  it('breaks ties and unknown end times by list order (later wins)', () => {
    const first = variable(step('a', 'x'), 'id', 'first');
    const second = variable(step('a', 'y'), 'id', 'second');
    expect(exportOutputVariables([first, second]).values.id).toBe('second');
    const ended = variable(
      step('a', 'z'),
      'id',
      'ended',
      '2026-01-01T00:00:01.000Z',
    );
    expect(exportOutputVariables([ended, first]).values.id).toBe('ended');
  });

  it('never lets an output variable replace title, url or PipelineUrl', () => {
    const url = variable(step('s', 'x'), 'url', 'https://evil.example');
    const { values, warnings } = exportOutputVariables([url]);
    expect(values).toEqual({ [url.fqn]: 'https://evil.example' });
    expect(warnings[0]).toContain('"url" is not exported by its short name');
  });
});

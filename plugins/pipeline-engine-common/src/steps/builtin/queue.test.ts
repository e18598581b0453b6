import { parsePipeline } from '../../validation/parsePipeline';
import { formatProblem } from '../../validation/problem';

function queuePipeline(spec: string): string {
  return `pipeline:
  name: demo
  identifier: demo
  stages:
    - stage:
        name: build
        identifier: build
        type: IDP
        spec:
          execution:
            steps:
              - step:
                  type: Queue
                  name: queue
                  identifier: queue
                  timeout: 1h
                  spec:
${spec}
`;
}

describe('Queue spec', () => {
  it("accepts Harness's Queue step as written, expressions included", () => {
    const result = parsePipeline(
      queuePipeline(`                    key: repo-<+pipeline.variables.name>
                    scope: Stage`),
    );
    expect(
      result.problems.filter(p => p.severity === 'error').map(formatProblem),
    ).toEqual([]);
  });

  it('reports a wrong scope and a missing key with the line and column', () => {
    const result = parsePipeline(
      queuePipeline(`                    scope: Everything`),
    );
    const problems = result.problems.filter(p => p.severity === 'error');
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'pipeline.stages[0].stage.spec.execution.steps[0].step.spec.key',
      }),
      expect.objectContaining({
        path: 'pipeline.stages[0].stage.spec.execution.steps[0].step.spec.scope',
        line: 18,
        column: 28,
      }),
    ]);
    expect(formatProblem(problems[1])).toMatch(/Pipeline.*Stage/);
  });
});

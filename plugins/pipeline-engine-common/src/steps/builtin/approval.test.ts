import { parsePipeline } from '../../validation/parsePipeline';
import { formatProblem } from '../../validation/problem';

function approvalPipeline(approvers: string): string {
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
                  type: HarnessApproval
                  name: approve
                  identifier: approve
                  timeout: 1d
                  spec:
                    approvalMessage: Please review <+pipeline.name>
                    includePipelineExecutionHistory: true
${approvers}
                    approverInputs:
                      - name: region
                        defaultValue: eu
                    isAutoRejectEnabled: false
              - step:
                  type: Wait
                  name: after
                  identifier: after
                  spec:
                    duration: <+pipeline.stages.build.spec.execution.steps.approve.output.approverInputs.region>
`;
}

describe('HarnessApproval spec', () => {
  it("accepts Harness's approval step as written, expressions included", () => {
    const result = parsePipeline(
      approvalPipeline(`                    approvers:
                      userGroups:
                        - account.admins
                      minimumCount: <+input>.default(1)
                      disallowPipelineExecutor: false`),
    );
    expect(
      result.problems.filter(p => p.severity === 'error').map(formatProblem),
    ).toEqual([]);
  });

  it('reports missing approver groups with the line and column', () => {
    const result = parsePipeline(
      approvalPipeline(`                    approvers:
                      userGroups: []
                      minimumCount: 1`),
    );
    const problems = result.problems.filter(p => p.severity === 'error');
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'pipeline.stages[0].stage.spec.execution.steps[0].step.spec.approvers.userGroups',
        line: 21,
        column: 35,
      }),
    ]);
    expect(formatProblem(problems[0])).toContain(
      'name at least one user group',
    );
  });
});

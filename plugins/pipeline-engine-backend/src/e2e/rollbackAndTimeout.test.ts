import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { pipelineEnginePlugin } from '../plugin';

jest.setTimeout(120_000);

/*
 * A rollback and a timeout end to end: pipelines read from files, run by
 * the plugin in a test backend through the REST API, with real shell
 * scripts on the local runner.
 */

const ROLLBACK = `pipeline:
  name: rollback
  identifier: rollback
  orgIdentifier: default
  projectIdentifier: e2e
  stages:
    - stage:
        name: deploy
        identifier: deploy
        type: Custom
        failureStrategies:
          - onFailure:
              errors: [AllErrors]
              action:
                type: StageRollback
        spec:
          execution:
            steps:
              - step:
                  type: ShellScript
                  name: release
                  identifier: release
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: echo releasing; exit 3
              - step:
                  type: ShellScript
                  name: verify
                  identifier: verify
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: echo verifying
            rollbackSteps:
              - step:
                  type: ShellScript
                  name: undo
                  identifier: undo
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: echo "undoing after release <+pipeline.stages.deploy.spec.execution.steps.release.status>"
    - stage:
        name: on failure
        identifier: on_failure
        type: Custom
        when:
          pipelineStatus: Failure
        spec:
          execution:
            steps:
              - step:
                  type: ShellScript
                  name: alert
                  identifier: alert
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: echo alert
`;

const TIMEOUT = `pipeline:
  name: timeout
  identifier: timeout
  orgIdentifier: default
  projectIdentifier: e2e
  stages:
    - stage:
        name: build
        identifier: build
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: ShellScript
                  name: hang
                  identifier: hang
                  timeout: 1s
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: echo started; sleep 60
              - step:
                  type: ShellScript
                  name: publish
                  identifier: publish
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: echo publishing
              - step:
                  type: ShellScript
                  name: cleanup
                  identifier: cleanup
                  when:
                    stageStatus: Failure
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: echo cleaning up
`;

interface NodeView {
  identifier: string;
  fqn: string;
  status: string;
  failureType?: string;
  errorMessage?: string;
  children: NodeView[];
}

function flatten(nodes: NodeView[]): Record<string, NodeView> {
  const out: Record<string, NodeView> = {};
  const walk = (list: NodeView[]) =>
    list.forEach(node => {
      out[node.fqn] = node;
      walk(node.children);
    });
  walk(nodes);
  return out;
}

describe('rollback and timeout end to end', () => {
  it('rolls a failed stage back and expires a step that passes its timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'e2e-semantics-'));
    writeFileSync(join(dir, 'rollback.yaml'), ROLLBACK);
    writeFileSync(join(dir, 'timeout.yaml'), TIMEOUT);
    const { server } = await startTestBackend({
      features: [
        pipelineEnginePlugin,
        mockServices.rootConfig.factory({
          data: {
            pipelineEngine: {
              worker: { pollIntervalMs: 50 },
              runners: { local: { enabled: true }, killGracePeriod: '1s' },
              workspace: { root: join(dir, 'workspaces') },
              pipelines: [
                { target: join(dir, 'rollback.yaml') },
                { target: join(dir, 'timeout.yaml') },
              ],
            },
          },
        }),
      ],
    });
    const user = mockCredentials.user.header();
    const api = '/api/pipeline-engine';
    const run = async (pipeline: string) => {
      const started = await request(server)
        .post(`${api}/pipelines/default/e2e/${pipeline}/execute`)
        .set('Authorization', user)
        .send({ inputSet: {} })
        .expect(201);
      for (let i = 0; i < 600; i++) {
        const detail = await request(server)
          .get(`${api}/executions/${started.body.id}`)
          .set('Authorization', user)
          .expect(200);
        if (!['Queued', 'Running'].includes(detail.body.status)) {
          const logs = await request(server)
            .get(`${api}/executions/${started.body.id}/logs?limit=5000`)
            .set('Authorization', user)
            .expect(200);
          return {
            ...detail.body,
            nodes: flatten(detail.body.nodes),
            lines: logs.body.lines.map((l: { line: string }) => l.line),
          };
        }
        await new Promise(r => setTimeout(r, 100));
      }
      throw new Error(`the execution of ${pipeline} did not end`);
    };

    // StageRollback runs the rollback steps; the rolled-back stage is not
    // counted as failed, so the pipelineStatus: Failure stage does not run.
    const rollback = await run('rollback');
    const deploy = 'pipeline.stages.deploy.spec.execution';
    expect(rollback.status).toBe('Failed');
    expect(rollback.errorMessage).toMatch(
      /^step release: the script exited with code 3/,
    );
    expect(rollback.nodes[`${deploy}.steps.release`].status).toBe('Failed');
    expect(rollback.nodes[`${deploy}.steps.verify`].status).toBe('Skipped');
    expect(rollback.nodes[`${deploy}.rollbackSteps.undo`].status).toBe(
      'Success',
    );
    expect(rollback.nodes['pipeline.stages.on_failure'].status).toBe('Skipped');
    expect(rollback.lines).toContain('undoing after release Failed');
    expect(rollback.lines).not.toContain('verifying');
    expect(rollback.lines).not.toContain('alert');

    // The step passes its timeout: Expired, and so are its stage and the run.
    const timeout = await run('timeout');
    const build = 'pipeline.stages.build.spec.execution.steps';
    expect(timeout.status).toBe('Expired');
    expect(timeout.nodes[`${build}.hang`]).toMatchObject({
      status: 'Expired',
      failureType: 'Timeout',
      errorMessage: 'step timed out after 1s',
    });
    expect(timeout.nodes[`${build}.publish`].status).toBe('Skipped');
    expect(timeout.nodes[`${build}.cleanup`].status).toBe('Success');
    expect(timeout.nodes['pipeline.stages.build'].status).toBe('Expired');
    expect(timeout.lines).toEqual(
      expect.arrayContaining(['started', 'cleaning up']),
    );
    expect(timeout.lines).not.toContain('publishing');
  });
});

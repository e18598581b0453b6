import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
// The test starts the engine plugin this module extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import pipelineEnginePlugin from '@idp-pipelines/plugin-pipeline-engine-backend';
import request from 'supertest';
import { pipelineEngineModuleExample } from './module';

jest.setTimeout(60_000);

const PIPELINE = `pipeline:
  name: signed
  identifier: signed
  orgIdentifier: default
  projectIdentifier: default
  stages:
    - stage:
        name: main
        identifier: main
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: SignPayload
                  name: sign
                  identifier: sign
                  spec:
                    payload: order-<+pipeline.sequenceId>
                    keySecret: account.webhook_key
              - step:
                  type: ShellScript
                  name: show
                  identifier: show
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: echo "sig=<+steps.sign.output.outputVariables.signature> key=<+secrets.getValue('webhook_key')>"
`;

const user = mockCredentials.user.header();
const api = '/api/pipeline-engine';

async function waitForEnd(server: Parameters<typeof request>[0], id: string) {
  for (;;) {
    const detail = await request(server)
      .get(`${api}/executions/${id}`)
      .set('Authorization', user)
      .expect(200);
    if (!['Queued', 'Running'].includes(detail.body.status)) return detail.body;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

describe('pipelineEngineModuleExample', () => {
  it('runs a pipeline whose step is the module’s and whose secret comes from its source', async () => {
    const secretsDir = mkdtempSync(join(tmpdir(), 'file-secrets-'));
    writeFileSync(join(secretsDir, 'webhook_key'), 'k3y-from-a-mounted-file\n');
    const { server } = await startTestBackend({
      features: [
        pipelineEnginePlugin,
        pipelineEngineModuleExample,
        mockServices.rootConfig.factory({
          data: {
            pipelineEngine: {
              fileSecrets: { directory: secretsDir },
              workspace: { root: mkdtempSync(join(tmpdir(), 'example-ws-')) },
              worker: { pollIntervalMs: 50 },
              // The ShellScript step that prints the outputs runs on the host.
              runners: { local: { enabled: true } },
            },
          },
        }),
      ],
    });
    await request(server)
      .post(`${api}/pipelines`)
      .set('Authorization', user)
      .set('Content-Type', 'application/yaml')
      .send(PIPELINE)
      .expect(201);
    const started = await request(server)
      .post(`${api}/pipelines/default/default/signed/execute`)
      .set('Authorization', user)
      .send({})
      .expect(201);
    const detail = await waitForEnd(server, started.body.id);
    expect(detail.errorMessage).toBeUndefined();
    expect(detail.status).toBe('Success');

    const expected = createHmac('sha256', 'k3y-from-a-mounted-file')
      .update('order-1')
      .digest('hex');
    expect(
      detail.outputs[
        'pipeline.stages.main.spec.execution.steps.sign.output.outputVariables.signature'
      ],
    ).toBe(expected);
    const logs = await request(server)
      .get(`${api}/executions/${started.body.id}/logs`)
      .set('Authorization', user)
      .expect(200);
    const text = JSON.stringify(logs.body);
    expect(text).toContain('signed 7 bytes with account.webhook_key');
    expect(text).toContain(`sig=${expected} key=**************`);
    expect(text).not.toContain('k3y-from-a-mounted-file');
  });
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import request from 'supertest';
import { pipelineEnginePlugin } from '../plugin';

jest.setTimeout(120_000);

/*
 * Shaped like the seed pipeline: a stage creates a repository on the
 * built-in git host, a later stage notifies Slack with the repository's URL
 * and fails (an unknown e-mail). After the fix, re-running the failed
 * execution does not create the repository again (CreateRepo would fail
 * with "already exists") and the notification reads the reused URL.
 */

const SLACK_TOKEN = 'xoxb-rerun-secret-token-4242';

const pipelineYaml = (email: string) => `pipeline:
  name: rerun-e2e
  identifier: rerune2e
  orgIdentifier: default
  projectIdentifier: default
  variables:
    - name: project_name
      type: String
      value: <+input>
  stages:
    - stage:
        name: repo
        identifier: repo
        type: IDP
        spec:
          execution:
            steps:
              - step:
                  type: CreateRepo
                  name: CreateRepo
                  identifier: createrepo
                  spec:
                    connectorRef: account.testdev
                    organization: acme
                    repository: <+pipeline.variables.project_name>
                    repoType: private
                    defaultBranch: main
    - stage:
        name: notify
        identifier: notify
        type: IDP
        spec:
          execution:
            steps:
              - step:
                  type: SlackNotify
                  name: slacknotify
                  identifier: slacknotify
                  spec:
                    email: ${email}
                    messageContent: "created <+pipeline.stages.repo.spec.execution.steps.createrepo.output.outputVariables.repositoryUrl>"
                    token: slacksecrettestws
`;

/** A Slack-compatible server that knows one user, jane@example.com. */
async function startSlack(): Promise<{
  server: Server;
  url: string;
  messages: string[];
}> {
  const messages: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
      const params: Record<string, string> = String(
        req.headers['content-type'],
      ).includes('json')
        ? JSON.parse(body || '{}')
        : {
            ...Object.fromEntries(
              new URL(req.url ?? '/', 'http://x').searchParams,
            ),
            ...Object.fromEntries(new URLSearchParams(body)),
          };
      res.setHeader('content-type', 'application/json');
      if (method === 'users.lookupByEmail') {
        res.end(
          JSON.stringify(
            params.email === 'jane@example.com'
              ? { ok: true, user: { id: 'U123JANE' } }
              : { ok: false, error: 'users_not_found' },
          ),
        );
      } else if (method === 'chat.postMessage') {
        messages.push(params.text);
        res.end(
          JSON.stringify({
            ok: true,
            channel: params.channel,
            ts: '1700000000.000100',
          }),
        );
      } else {
        res.end(JSON.stringify({ ok: false, error: 'unknown_method' }));
      }
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    messages,
  };
}

describe('re-running a failed execution end to end', () => {
  it('does not create the repository again and reads its URL from the reused stage', async () => {
    const gitRoot = mkdtempSync(join(tmpdir(), 'rerun-git-'));
    const slack = await startSlack();
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        pipelineEnginePlugin,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            pipelineEngine: {
              connectors: { testdev: { type: 'Local' } },
              localGit: { root: gitRoot },
              secrets: { slacksecrettestws: SLACK_TOKEN },
              slack: { apiUrl: slack.url },
              worker: { pollIntervalMs: 50 },
            },
          },
        }),
      ],
    });
    const user = mockCredentials.user.header();
    const api = '/api/pipeline-engine';
    const port = (server.address() as AddressInfo).port;
    const waitForEnd = async (id: string) => {
      for (let i = 0; i < 600; i++) {
        const detail = await request(server)
          .get(`${api}/executions/${id}`)
          .set('Authorization', user)
          .expect(200);
        if (['Success', 'Failed', 'Aborted'].includes(detail.body.status))
          return detail.body;
        await new Promise(r => setTimeout(r, 100));
      }
      throw new Error(`execution ${id} did not end`);
    };

    try {
      await request(server)
        .post(`${api}/pipelines`)
        .set('Authorization', user)
        .set('Content-Type', 'application/yaml')
        .send(pipelineYaml('nobody@example.com'))
        .expect(201);
      const started = await request(server)
        .post(`${api}/pipelines/default/default/rerune2e/execute`)
        .set('Authorization', user)
        .send({ inputSet: { project_name: 'rerun-service' } })
        .expect(201);
      const original = await waitForEnd(started.body.id);
      expect(original.status).toBe('Failed');
      expect(original.errorMessage).toContain(
        'no Slack user has the email nobody@example.com',
      );
      const repositoryUrl = `http://localhost:${port}${api}/git/acme/rerun-service`;
      const head = async () =>
        (
          await promisify(execFile)('git', [
            'ls-remote',
            `${repositoryUrl}.git`,
          ])
        ).stdout;
      const headBefore = await head();

      // Fix the later stage; the repository stage is unchanged.
      await request(server)
        .put(`${api}/pipelines/default/default/rerune2e`)
        .set('Authorization', user)
        .set('Content-Type', 'application/yaml')
        .send(pipelineYaml('jane@example.com'))
        .expect(200);
      const queued = await request(server)
        .post(`${api}/executions/${original.id}/rerun`)
        .set('Authorization', user)
        .send({})
        .expect(201);
      expect(queued.body).toMatchObject({
        rerunOf: original.id,
        rerunFromStage: 'notify',
      });
      const rerun = await waitForEnd(queued.body.id);

      expect(rerun.errorMessage).toBeUndefined();
      expect(rerun.status).toBe('Success');
      const [repoStage, notifyStage] = rerun.nodes;
      expect(repoStage).toMatchObject({
        identifier: 'repo',
        reusedFrom: original.id,
      });
      expect(repoStage.children[0]).toMatchObject({
        identifier: 'createrepo',
        status: 'Success',
        reusedFrom: original.id,
        outputs: { repositoryUrl },
      });
      expect(notifyStage).toMatchObject({
        identifier: 'notify',
        status: 'Success',
      });
      expect(notifyStage.reusedFrom).toBeUndefined();
      expect(slack.messages).toEqual([`created ${repositoryUrl}`]);
      // The repository is as the original run left it.
      expect(await head()).toBe(headBefore);

      const listed = await request(server)
        .get(`${api}/executions?org=default&project=default&pipeline=rerune2e`)
        .set('Authorization', user)
        .expect(200);
      expect(
        listed.body.items.map((e: { rerunOf?: string }) => e.rerunOf),
      ).toEqual([original.id, undefined]);
    } finally {
      slack.server.close();
    }
  });
});

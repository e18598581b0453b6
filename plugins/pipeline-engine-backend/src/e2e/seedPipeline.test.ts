import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
// The catalog module is a workspace package this plugin's tests run against.
// eslint-disable-next-line @backstage/no-undeclared-imports
import catalogPropertiesModule from '@idp-pipelines/plugin-catalog-backend-module-pipeline-engine';
import { gitHostUrlReaderFactory } from '@idp-pipelines/plugin-pipeline-engine-git-host-reader';
import request from 'supertest';
import { pipelineEnginePlugin } from '../plugin';

jest.setTimeout(120_000);

/*
 * The product document's example pipeline, unchanged (its connectorRef
 * account.testdev is configured as the built-in git host, and the
 * repository_description typo is left as it is), run in a test backend with
 * the real catalog, our catalog module, the engine and a local
 * Slack-compatible server.
 */

const ROOT = resolve(__dirname, '../../../..');
const SEED = join(ROOT, 'examples/pipelines/self-service-flow.pipeline.yaml');
const COOKIECUTTER = join(ROOT, 'examples/cookiecutter/service');
const SLACK_TOKEN = 'xoxb-e2e-secret-token-4242';

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@t',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@t',
};
const git = (args: string[], cwd?: string) =>
  execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' }).trim();
/** Async git, for commands that talk to the backend running in this very process. */
const gitAsync = async (args: string[], cwd?: string) =>
  (
    await promisify(execFile)('git', args, {
      cwd,
      env: gitEnv,
      encoding: 'utf8',
    })
  ).stdout.trim();

interface SlackCall {
  method: string;
  params: Record<string, string>;
  authorization?: string;
}

async function startSlack(): Promise<{
  server: Server;
  url: string;
  calls: SlackCall[];
}> {
  const calls: SlackCall[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', c => (body += c));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
      const query = Object.fromEntries(
        new URL(req.url ?? '/', 'http://x').searchParams,
      );
      const params = String(req.headers['content-type']).includes('json')
        ? JSON.parse(body || '{}')
        : { ...query, ...Object.fromEntries(new URLSearchParams(body)) };
      calls.push({ method, params, authorization: req.headers.authorization });
      res.setHeader('content-type', 'application/json');
      if (method === 'users.lookupByEmail') {
        res.end(JSON.stringify({ ok: true, user: { id: 'U123JANE' } }));
      } else if (method === 'chat.postMessage') {
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
    calls,
  };
}

describe('the seed pipeline end to end', () => {
  it('renders, creates, pushes, registers and notifies; a second run fails at CreateRepo and changes nothing', async () => {
    const gitRoot = mkdtempSync(join(tmpdir(), 'seed-git-'));
    const slack = await startSlack();
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogPropertiesModule,
        pipelineEnginePlugin,
        // The catalog reads the private repository's catalog-info.yaml with its
        // own service token; no backend.reading.allow entry is configured.
        gitHostUrlReaderFactory,
        // Requests without a token are anonymous, as in production.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            catalog: { rules: [{ allow: ['Component', 'Location'] }] },
            pipelineEngine: {
              expressions: { mode: 'lenient' },
              connectors: { testdev: { type: 'Local' } },
              // The example template, published by the engine at start-up.
              localGit: {
                root: gitRoot,
                seed: [
                  { repository: 'templates/service', source: COOKIECUTTER },
                ],
              },
              secrets: { slacksecrettestws: SLACK_TOKEN },
              slack: { apiUrl: slack.url },
              worker: { pollIntervalMs: 50 },
              catalog: { registerTimeout: '60s' },
              pipelines: [{ target: SEED }],
            },
          },
        }),
      ],
    });
    const user = mockCredentials.user.header();
    const api = '/api/pipeline-engine';
    const port = (server.address() as AddressInfo).port;
    const inputSet = {
      project_name: 'seed-service',
      public_template_url: `http://localhost:${port}${api}/git/templates/service.git`,
      repositoty_description: 'from the e2e test',
      repository_default_branch: 'main',
      direct_push_branch: 'main',
      email_id: 'jane@example.com',
    };
    const run = async () => {
      const started = await request(server)
        .post(
          `${api}/pipelines/default/projctidp/SelfServiceflowreposetup/execute`,
        )
        .set('Authorization', user)
        .send({ inputSet })
        .expect(201);
      for (let i = 0; i < 600; i++) {
        const detail = await request(server)
          .get(`${api}/executions/${started.body.id}`)
          .set('Authorization', user)
          .expect(200);
        if (['Success', 'Failed', 'Aborted'].includes(detail.body.status))
          return detail.body;
        await new Promise(r => setTimeout(r, 100));
      }
      throw new Error('the execution did not end');
    };

    try {
      const first = await run();
      expect(first.errorMessage).toBeUndefined();
      expect(first.status).toBe('Success');
      const steps = first.nodes[0].children as Array<{
        identifier: string;
        status: string;
        outputs: Record<string, string>;
      }>;
      expect(steps.map(s => `${s.identifier}:${s.status}`)).toEqual([
        'idpcookiecutter:Success',
        'createrepo:Success',
        'createcatalog:Success',
        'directpush:Success',
        'registercatalog:Success',
        'slacknotify:Success',
      ]);
      const out = (id: string) => steps.find(s => s.identifier === id)!.outputs;
      const repositoryUrl = `http://localhost:${port}${api}/git/test-org-devesh/seed-service`;
      expect(out('createrepo').repositoryUrl).toBe(repositoryUrl);
      expect(out('createcatalog').registeredCatalogUrl).toBe(
        'http://localhost:3000/catalog/default/component/seed-service',
      );
      expect(out('directpush')).toMatchObject({
        repositoryUrl,
        branch: 'main',
        commitId: expect.stringMatching(/^[0-9a-f]{40}$/),
      });
      expect(out('registercatalog').catalogInfoUrl).toBe(
        `${repositoryUrl}/blob/main/catalog-info.yaml`,
      );

      // RegisterCatalog returned once the location was registered; the
      // entity becomes readable on the catalog's next processing pass.
      let entity = await request(server)
        .get('/api/catalog/entities/by-name/component/default/seed-service')
        .set('Authorization', user);
      for (let i = 0; entity.status === 404 && i < 150; i++) {
        await new Promise(r => setTimeout(r, 100));
        entity = await request(server)
          .get('/api/catalog/entities/by-name/component/default/seed-service')
          .set('Authorization', user);
      }
      expect(entity.status).toBe(200);
      expect(entity.body.spec).toMatchObject({
        type: 'service',
        owner: 'test',
        lifecycle: 'experimental',
      });
      // "View source", the file's page, and the execution that created it.
      const repositoryApi = `http://localhost:${port}${api}/git/test-org-devesh/seed-service`;
      expect(entity.body.metadata.annotations).toMatchObject({
        'backstage.io/source-location': `url:${repositoryApi}/tree/main/`,
        'backstage.io/view-url': `${repositoryApi}/blob/main/catalog-info.yaml`,
        'idp-pipelines.io/execution': first.id,
      });

      // The repository is private (repository_type: private): anonymous readers get 401.
      expect(
        (
          await request(server).get(
            `${api}/git/test-org-devesh/seed-service/raw/main/catalog-info.yaml`,
          )
        ).status,
      ).toBe(401);
      await expect(
        gitAsync([
          'clone',
          '-q',
          `${repositoryUrl}.git`,
          mkdtempSync(join(tmpdir(), 'seed-anon-')),
        ]),
      ).rejects.toThrow(/401|Authentication|could not read/i);
      // With a Backstage token it can be cloned with plain git over HTTP and holds the rendered code.
      const clone = mkdtempSync(join(tmpdir(), 'seed-clone-'));
      await gitAsync([
        '-c',
        `http.extraHeader=Authorization: ${user}`,
        'clone',
        '-q',
        `${repositoryUrl}.git`,
        clone,
      ]);
      expect(readFileSync(join(clone, 'README.md'), 'utf8')).toContain(
        '# seed-service',
      );
      expect(readFileSync(join(clone, 'catalog-info.yaml'), 'utf8')).toContain(
        'name: seed-service',
      );
      const head = git(['rev-parse', 'HEAD'], clone);
      expect(head).toBe(out('directpush').commitId);

      // Slack: the user looked up by e-mail, then a DM with the rendered links.
      expect(slack.calls.map(c => c.method)).toEqual([
        'users.lookupByEmail',
        'chat.postMessage',
      ]);
      expect(slack.calls[0].params.email).toBe('jane@example.com');
      expect(slack.calls[1].authorization).toBe(`Bearer ${SLACK_TOKEN}`);
      expect(slack.calls[1].params.channel).toBe('U123JANE');
      const text = slack.calls[1].params.text;
      expect(text).toContain(`<${repositoryUrl}|Link>`);
      expect(text).toContain(
        `<${repositoryUrl}/blob/main/catalog-info.yaml|Link>`,
      );
      expect(text).toContain(
        '<http://localhost:3000/catalog/default/component/seed-service|Link>',
      );
      expect(text).not.toContain('<+');

      // Secrets never show up in logs.
      const logs = await request(server)
        .get(`${api}/executions/${first.id}/logs?limit=5000`)
        .set('Authorization', user)
        .expect(200);
      expect(JSON.stringify(logs.body)).not.toContain(SLACK_TOKEN);

      // A second run with the same inputs fails at CreateRepo and changes nothing.
      const second = await run();
      expect(second.status).toBe('Failed');
      const steps2 = second.nodes[0].children as Array<{
        identifier: string;
        status: string;
        errorMessage?: string;
      }>;
      const createRepo = steps2.find(s => s.identifier === 'createrepo')!;
      expect(createRepo.status).toBe('Failed');
      expect(createRepo.errorMessage).toMatch(/already exists/);
      expect(createRepo.errorMessage).toContain('test-org-devesh/seed-service');
      expect(
        steps2
          .filter(s =>
            [
              'directpush',
              'registercatalog',
              'slacknotify',
              'createcatalog',
            ].includes(s.identifier),
          )
          .map(s => s.status),
      ).toEqual(['Skipped', 'Skipped', 'Skipped', 'Skipped']);
      expect(
        (
          await gitAsync([
            '-c',
            `http.extraHeader=Authorization: ${user}`,
            'ls-remote',
            `${repositoryUrl}.git`,
            'refs/heads/main',
          ])
        ).split('\t')[0],
      ).toBe(head);
      expect(slack.calls).toHaveLength(2);
    } finally {
      slack.server.close();
    }
  });
});

import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
// The real engine plugin runs beside the scaffolder in these tests.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import pipelineEnginePlugin from '@idp-pipelines/plugin-pipeline-engine-backend';
import { gitHostUrlReaderFactory } from '@idp-pipelines/plugin-pipeline-engine-git-host-reader';
import request from 'supertest';
import { template, USER } from './__testUtils__/testBackend';
import scaffolderModuleHarnessPipeline from './index';

jest.setTimeout(180_000);

/*
 * The product document's seed pipeline with its IDP stage taken from the
 * example stage template, loaded from the example files at start-up and run
 * by trigger:harness-custom-pipeline with fully-qualified inputset keys,
 * through the real scaffolder, the real catalog, the built-in git host and a
 * local Slack-compatible server.
 */

const ROOT = resolve(__dirname, '../../..');
const STAGE_TEMPLATE = join(
  ROOT,
  'examples/harness-templates/idp_service_onboarding.v1.yaml',
);
const PIPELINE = join(
  ROOT,
  'examples/pipelines/self-service-flow-templated.pipeline.yaml',
);
const COOKIECUTTER = join(ROOT, 'examples/cookiecutter/service');
const STAGE_FQN = 'pipeline.stages.serviceonboarding';
const STEPS_FQN = `${STAGE_FQN}.spec.execution.steps`;

/** Answers users.lookupByEmail and chat.postMessage; records the methods. */
async function startSlack(): Promise<{
  server: Server;
  url: string;
  methods: string[];
}> {
  const methods: string[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
      methods.push(method);
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify(
          method === 'users.lookupByEmail'
            ? { ok: true, user: { id: 'U1' } }
            : { ok: true, channel: 'U1', ts: '1700000000.000100' },
        ),
      );
    });
  });
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    methods,
  };
}

describe('the templated seed pipeline run by trigger:harness-custom-pipeline', () => {
  it('creates the repository, registers the entity and shows the output variables', async () => {
    const gitRoot = mkdtempSync(join(tmpdir(), 'templated-seed-git-'));
    const slack = await startSlack();
    // The Software Template, read by the real catalog from a file location.
    const templateFile = join(
      mkdtempSync(join(tmpdir(), 'templated-seed-template-')),
      'template.yaml',
    );
    writeFileSync(
      templateFile,
      JSON.stringify(
        template(
          'onboard-service',
          [
            {
              id: 'trigger',
              name: 'Onboard',
              action: 'trigger:harness-custom-pipeline',
              input: {
                url: '/api/pipeline-engine/pipelines/default/projctidp/SelfServiceflowreposetuptemplated',
                inputset: {
                  'pipeline.variables.project_name': '${{ parameters.name }}',
                  'pipeline.variables.public_template_url':
                    '${{ parameters.templateUrl }}',
                  'pipeline.variables.repositoty_description': 'templated',
                  'pipeline.variables.repository_default_branch': 'main',
                  'pipeline.variables.direct_push_branch': 'main',
                  'pipeline.variables.email_id': 'jane@example.com',
                  [`${STAGE_FQN}.variables.catalog_owner`]: 'team-onboarding',
                },
                showOutputVariables: true,
              },
            },
          ],
          {
            text: [
              {
                title: 'Repository',
                content: '${{ steps.trigger.output.repositoryUrl }}',
              },
              {
                title: 'Catalog',
                content: '${{ steps.trigger.output.registeredCatalogUrl }}',
              },
              {
                title: 'Commit',
                content: `\${{ steps.trigger.output['${STEPS_FQN}.directpush.output.outputVariables.commitId'] }}`,
              },
            ],
          },
        ),
      ),
    );
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogScaffolderEntityModel,
        scaffolderPlugin,
        pipelineEnginePlugin,
        scaffolderModuleHarnessPipeline,
        gitHostUrlReaderFactory,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            catalog: {
              rules: [{ allow: ['Component', 'Location', 'Template'] }],
              locations: [{ type: 'file', target: templateFile }],
            },
            harness: { enginePollIntervalMs: 50 },
            pipelineEngine: {
              expressions: { mode: 'lenient' },
              connectors: { testdev: { type: 'Local' } },
              localGit: {
                root: gitRoot,
                seed: [
                  { repository: 'templates/service', source: COOKIECUTTER },
                ],
              },
              secrets: { slacksecrettestws: 'xoxb-templated-e2e' },
              slack: { apiUrl: slack.url },
              worker: { pollIntervalMs: 50 },
              catalog: { registerTimeout: '60s' },
              templates: [{ target: STAGE_TEMPLATE }],
              pipelines: [{ target: PIPELINE }],
            },
          },
        }),
      ],
    });
    const port = (server.address() as AddressInfo).port;
    const gitBase = `http://localhost:${port}/api/pipeline-engine/git`;
    const repositoryUrl = `${gitBase}/test-org-devesh/templated-svc`;
    const get = (path: string) =>
      request(server).get(path).set('Authorization', USER);
    const poll = async <T>(
      read: () => Promise<T | undefined>,
      what: string,
    ): Promise<T> => {
      for (let attempt = 0; attempt < 1200; attempt++) {
        const value = await read();
        if (value !== undefined) return value;
        await new Promise(done => setTimeout(done, 100));
      }
      throw new Error(`gave up waiting for ${what}`);
    };

    try {
      await poll(
        async () =>
          (
            await get(
              '/api/catalog/entities/by-name/template/default/onboard-service',
            )
          ).status === 200 || undefined,
        'the Software Template in the catalog',
      );
      const started = await request(server)
        .post('/api/scaffolder/v2/tasks')
        .set('Authorization', USER)
        .send({
          templateRef: 'template:default/onboard-service',
          values: {
            name: 'templated-svc',
            templateUrl: `${gitBase}/templates/service.git`,
          },
        });
      expect(started.status).toBe(201);
      const completion = await poll(async () => {
        const events = (await get(
          `/api/scaffolder/v2/tasks/${started.body.id}/events`,
        )) as { body: Array<{ type: string; body: Record<string, unknown> }> };
        return events.body.find(event => event.type === 'completion');
      }, 'the scaffolder task');
      const body = completion.body as {
        error?: { message: string };
        output?: { text: Array<{ content: string }> };
      };
      expect(body.error).toBeUndefined();

      // The output variables, by short name and by fully-qualified name.
      const [repository, catalog, commit] = body.output!.text.map(
        text => text.content,
      );
      expect(repository).toBe(repositoryUrl);
      expect(catalog).toBe(
        'http://localhost:3000/catalog/default/component/templated-svc',
      );
      expect(commit).toMatch(/^[0-9a-f]{40}$/);

      // The repository holds the rendered code at that commit.
      const remote = await promisify(execFile)('git', [
        '-c',
        `http.extraHeader=Authorization: ${USER}`,
        'ls-remote',
        `${repositoryUrl}.git`,
        'refs/heads/main',
      ]);
      expect(remote.stdout.split('\t')[0]).toBe(commit);
      const readme = await get(
        '/api/pipeline-engine/git/test-org-devesh/templated-svc/raw/main/README.md',
      );
      expect(readme.text).toContain('# templated-svc');

      // The registered entity's owner came from the stage template's input,
      // answered by its fully-qualified key.
      const entity = await poll(async () => {
        const response = await get(
          '/api/catalog/entities/by-name/component/default/templated-svc',
        );
        return response.status === 200 ? response.body : undefined;
      }, 'the registered entity');
      expect(entity.spec).toMatchObject({
        type: 'service',
        owner: 'team-onboarding',
        lifecycle: 'experimental',
      });
      expect(slack.methods).toEqual([
        'users.lookupByEmail',
        'chat.postMessage',
      ]);

      // The execution records the template version it ran.
      const list = await get(
        '/api/pipeline-engine/executions?org=default&project=projctidp&pipeline=SelfServiceflowreposetuptemplated',
      );
      const execution = await get(
        `/api/pipeline-engine/executions/${list.body.items[0].id}`,
      );
      expect(execution.body.status).toBe('Success');
      expect(execution.body.templates).toEqual([
        expect.objectContaining({
          scope: 'account',
          identifier: 'idp_service_onboarding',
          versionLabel: 'v1',
        }),
      ]);
    } finally {
      slack.server.close();
    }
  });
});

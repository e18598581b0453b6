import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  mockServices,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { isTerminalExecutionStatus } from '@idp-pipelines/plugin-pipeline-engine-common';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { initStores } from '../../database/__testUtils__/testDatabases';
import {
  createPipelineEngine,
  type PipelineEngine,
} from '../../createPipelineEngine';
import { StepHandlerRegistry } from '../../engine/stepHandlerRegistry';
import { createSlackNotifyStep } from '../slack';
import { createCatalogSteps } from '.';
import {
  startFileServer,
  startTestCatalog,
  type FileServer,
  type TestCatalog,
} from './__testUtils__/testCatalog';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

// The seed pipeline's catalog and Slack steps (idp-stage.md "Example Pipeline"),
// with a test file server standing in for DirectPush and the git provider.
const pipeline = `pipeline:
  name: Self-Service-flow-repo-setup
  identifier: SelfServiceflowreposetup
  projectIdentifier: default
  orgIdentifier: default
  stages:
    - stage:
        name: service-onboarding
        identifier: serviceonboarding
        type: IDP
        spec:
          execution:
            steps:
              - step:
                  type: CreateCatalog
                  name: createcatalog
                  identifier: createcatalog
                  spec:
                    fileName: <+pipeline.variables.catalog_file_name>
                    filePath: <+pipeline.variables.project_name>
                    fileContent: |-
                      apiVersion: backstage.io/v1alpha1
                      kind: Component
                      metadata:
                        name: <+pipeline.variables.project_name>
                        description: <+pipeline.variables.project_name> created using self service flow
                        annotations:
                          backstage.io/techdocs-ref: dir:.
                      spec:
                        type: service
                        owner: test
                        lifecycle: experimental
              - step:
                  type: RegisterCatalog
                  name: registercatalog
                  identifier: registercatalog
                  spec:
                    connectorRef: account.testdev
                    repository: <+pipeline.variables.project_name>
                    organization: <+pipeline.variables.organization>
                    filePath: <+pipeline.variables.catalog_file_name>
                    branch: main
              - step:
                  type: UpdateCatalogProperty
                  name: updatecatalogproperty
                  identifier: updatecatalogproperty
                  spec:
                    type: Entity
                    entityRef: <+pipeline.stages.serviceonboarding.spec.execution.steps.registercatalog.output.outputVariables.entityRef>
                    property: <+metadata.onboardedBy>
                    value: <+pipeline.variables.email_id>
              - step:
                  type: SlackNotify
                  name: slacknotify
                  identifier: slacknotify
                  spec:
                    email: <+pipeline.variables.email_id>
                    messageContent: " Hello <@<+pipeline.variables.email_id>>, <+pipeline.variables.project_name> project is created using flows in Harness IDP,\\\\n*Created Catalog Yaml -* <<+pipeline.stages.serviceonboarding.spec.execution.steps.registercatalog.output.outputVariables.catalogInfoUrl>|Link>\\\\n*Registered Catlog -* <<+pipeline.stages.serviceonboarding.spec.execution.steps.createcatalog.output.outputVariables.registeredCatalogUrl>|Link>"
                    token: slacksecrettestws
  variables:
    - name: project_name
      type: String
      value: <+input>
    - name: organization
      type: String
      value: acme
    - name: catalog_file_name
      type: String
      value: catalog-info.yaml
    - name: email_id
      type: String
      value: <+input>
`;

const slackCalls: Array<{ path: string; body: Record<string, string> }> = [];
const slack = setupServer(
  http.post('https://slack.test/api/:method', async ({ request, params }) => {
    const body = Object.fromEntries(new URLSearchParams(await request.text()));
    slackCalls.push({ path: String(params.method), body });
    if (params.method === 'users.lookupByEmail')
      return HttpResponse.json({ ok: true, user: { id: 'U0JANE' } });
    return HttpResponse.json({
      ok: true,
      channel: 'D0JANE',
      ts: '1700000000.000100',
    });
  }),
);
beforeAll(() => slack.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => slack.close());

// Jest runs this file in its own realm, but Node's structuredClone builds
// objects with the outer realm's Object.prototype, which the expression
// engine's plain-object check rejects: a step with deferredFields (here
// UpdateCatalogProperty's property names) would get its spec unrendered.
// Cloning through JSON keeps the copies in this realm, as in production.
beforeAll(() => {
  jest
    .spyOn(globalThis, 'structuredClone')
    .mockImplementation(value => JSON.parse(JSON.stringify(value)));
});
afterAll(() => jest.restoreAllMocks());

/** The file under `root` whose path ends with `suffix` (what DirectPush would have pushed). */
function findFile(root: string, suffix: string): string | undefined {
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) {
      const found = findFile(path, suffix);
      if (found) return found;
    } else if (path.endsWith(suffix)) {
      return path;
    }
  }
  return undefined;
}

describe.each(databases.eachSupportedId())(
  'the seed onboarding flow on %p',
  (databaseId: TestDatabaseId) => {
    let files: FileServer;
    let catalog: TestCatalog;
    let engine: PipelineEngine;

    beforeAll(async () => {
      const { stores } = await initStores(databases, databaseId);
      const catalogKnex = await databases.init(databaseId);
      files = await startFileServer();
      catalog = await startTestCatalog(catalogKnex, files.host);
      const workspaceRoot = mkdtempSync(join(tmpdir(), 'onboarding-'));
      const config = new ConfigReader({
        app: { baseUrl: 'https://backstage.example.com' },
        pipelineEngine: {
          slack: { apiUrl: 'https://slack.test/api/' },
          catalog: { registerTimeout: '20s' },
          // The local file server stands in for a git host.
          network: { allow: [files.host] },
        },
      });
      const handlers = new StepHandlerRegistry();
      handlers.add(
        ...createCatalogSteps({
          ...catalog.services,
          config,
          resolveFileUrls: async request => {
            // Serve the file CreateCatalog wrote, as if it had been pushed.
            const urls = await files.resolveFileUrls(request);
            const written = findFile(
              workspaceRoot,
              join(request.repository, request.filePath),
            );
            if (written) {
              files.files.set(
                `${request.organization}/${request.repository}/${request.branch}/${request.filePath}`,
                readFileSync(written, 'utf8'),
              );
            }
            return urls;
          },
        }),
        createSlackNotifyStep({ config }),
      );
      engine = createPipelineEngine({
        stores,
        handlers,
        logger: mockServices.logger.mock(),
        secrets: { slacksecrettestws: 'xoxb-test-token' },
        workspaceRoot,
        defaultStepTimeoutMs: 60_000,
        expressionMode: 'strict',
        accountIdentifier: 'acc',
        worker: { concurrency: 2, leaseMs: 5000, pollMs: 50 },
      });
      engine.worker.start();
    });

    afterAll(async () => {
      await engine?.worker.stop();
      await catalog?.stop();
      await files?.close();
    });

    it('creates, registers and updates the entity, then notifies the user', async () => {
      slackCalls.length = 0;
      const actor = {
        identity: 'user:default/jane',
        email: 'jane@example.com',
      };
      const created = await engine.service.createPipeline(pipeline, actor);
      const started = await engine.service.execute(
        created,
        {
          inputSet: {
            project_name: 'my-service',
            email_id: 'jane@example.com',
          },
        },
        actor,
      );
      let detail = await engine.service.getExecution(started.id);
      const deadline = Date.now() + 90_000;
      while (
        !isTerminalExecutionStatus(detail.status) &&
        Date.now() < deadline
      ) {
        await new Promise(r => setTimeout(r, 100));
        detail = await engine.service.getExecution(started.id);
      }
      const logs = (
        await engine.service.readLogs(started.id, { limit: 10_000 })
      ).lines.map(l => l.line);
      if (detail.status !== 'Success') {
        throw new Error(`execution ${detail.status}:\n${logs.join('\n')}`);
      }

      const steps = 'pipeline.stages.serviceonboarding.spec.execution.steps';
      expect(detail.outputs).toMatchObject({
        [`${steps}.createcatalog.output.outputVariables.registeredCatalogUrl`]:
          'https://backstage.example.com/catalog/default/component/my-service',
        [`${steps}.registercatalog.output.outputVariables.catalogInfoUrl`]:
          'https://git.example.com/acme/my-service/blob/main/catalog-info.yaml',
        [`${steps}.slacknotify.output.outputVariables.ts`]: '1700000000.000100',
      });
      const entity = await catalog.entity('component:default/my-service');
      expect(entity?.metadata.description).toBe(
        'my-service created using self service flow',
      );
      expect(entity?.metadata.onboardedBy).toBe('jane@example.com');

      expect(slackCalls.map(c => c.path)).toEqual([
        'users.lookupByEmail',
        'chat.postMessage',
      ]);
      expect(slackCalls[1].body).toEqual({
        channel: 'U0JANE',
        text: ' Hello <@U0JANE>, my-service project is created using flows in Harness IDP,\n*Created Catalog Yaml -* <https://git.example.com/acme/my-service/blob/main/catalog-info.yaml|Link>\n*Registered Catlog -* <https://backstage.example.com/catalog/default/component/my-service|Link>',
      });
      expect(logs.join('\n')).not.toContain('xoxb-test-token');
    });
  },
);

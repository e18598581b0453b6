import { mkdtempSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  isTerminalExecutionStatus,
  type ExecutionDetail,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { createStepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import { z } from 'zod';
import { ConnectorResolver } from '../../connectors';
import { initStores } from '../../database/__testUtils__/testDatabases';
import {
  createPipelineEngine,
  type PipelineEngine,
} from '../../createPipelineEngine';
import { StepHandlerRegistry } from '../../engine/stepHandlerRegistry';
import { builtinStepHandlers } from '../../steps';
import {
  git,
  readTree,
  startLocalGitServer,
  tempDir,
  type LocalGitServer,
} from '../../scm/__testUtils__/gitFixtures';
import { NetworkPolicy } from '../../network';
import { createGitSteps } from './index';

jest.setTimeout(60_000);

const TOKEN = 'e2e-token-value-123';

/** Test-only: writes files into the workspace (what CookieCutter/CreateCatalog would do). */
const writeFilesStep = createStepHandler({
  type: 'TestWriteFiles',
  description: 'test: writes files into the workspace',
  idempotent: true,
  spec: z.object({ files: z.record(z.string(), z.string()) }),
  async handler(ctx) {
    for (const [path, content] of Object.entries(ctx.spec.files)) {
      await mkdir(dirname(join(ctx.workspace, path)), { recursive: true });
      await writeFile(join(ctx.workspace, path), content);
    }
  },
});

/** Test-only: outputs a workspace directory's files as JSON (the workspace is gone after the run). */
const readTreeStep = createStepHandler({
  type: 'TestReadTree',
  description: 'test: outputs the files of a directory',
  idempotent: true,
  spec: z.object({ directory: z.string() }),
  outputs: () => ['tree', 'head'],
  async handler(ctx) {
    const dir = join(ctx.workspace, ctx.spec.directory);
    ctx.output('tree', JSON.stringify(readTree(dir)));
    ctx.output('head', git(['rev-parse', 'HEAD'], dir));
  },
});

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const pipeline = `pipeline:
  name: git flow
  identifier: gitflow
  orgIdentifier: default
  projectIdentifier: default
  variables:
    - name: project_name
      type: String
      value: <+input>
  stages:
    - stage:
        name: idp
        identifier: idp
        type: IDP
        spec:
          execution:
            steps:
              - step:
                  type: CreateRepo
                  name: create
                  identifier: create
                  spec:
                    connectorRef: account.local
                    connectorType: Local
                    organization: team
                    repository: <+pipeline.variables.project_name>
                    # Public: the GitClone below reads it anonymously over HTTP.
                    repoType: public
                    description: created by the e2e test
                    defaultBranch: main
              - step:
                  type: TestWriteFiles
                  name: scaffold
                  identifier: scaffold
                  spec:
                    files:
                      app/catalog-info.yaml: "kind: Component\\nmetadata:\\n  name: <+pipeline.variables.project_name>\\n"
                      app/src/main.ts: "console.log('hi');\\n"
              - step:
                  type: DirectPush
                  name: push
                  identifier: push
                  spec:
                    connectorRef: account.local
                    organization: team
                    repository: <+pipeline.variables.project_name>
                    codeDirectory: app
                    branch: main
                    forcePush: false
              - step:
                  type: GitClone
                  name: clone
                  identifier: clone
                  spec:
                    connectorRef: account.overHttp
                    repoName: team/<+pipeline.variables.project_name>.git
                    build:
                      type: branch
                      spec:
                        branch: <+steps.push.output.outputVariables.branch>
                    cloneDirectory: verify
                    depth: 1
              - step:
                  type: TestReadTree
                  name: read
                  identifier: read
                  spec:
                    directory: verify
`;

describe('CreateRepo → DirectPush → GitClone through the engine', () => {
  let server: LocalGitServer;
  let engine: PipelineEngine;
  let root: string;

  beforeAll(async () => {
    root = tempDir('e2e-git-root-');
    server = await startLocalGitServer(root);
    const { stores } = await initStores(databases, 'SQLITE_3');
    const connectors = ConnectorResolver.fromConfig(
      new ConfigReader({
        pipelineEngine: {
          connectors: {
            local: { type: 'Local' },
            overHttp: {
              type: 'Git',
              url: server.gitBaseUrl,
              auth: { type: 'token', tokenSecret: 'account.git_token' },
            },
          },
        },
      }),
    );
    const handlers = new StepHandlerRegistry();
    handlers.add(
      ...builtinStepHandlers,
      writeFilesStep,
      readTreeStep,
      ...createGitSteps({
        connectors,
        localGit: { root, baseUrl: server.gitBaseUrl },
        network: new NetworkPolicy({ allow: ['127.0.0.1:*'] }),
      }),
    );
    engine = createPipelineEngine({
      stores,
      handlers,
      logger: mockServices.logger.mock(),
      secrets: { git_token: TOKEN },
      workspaceRoot: mkdtempSync(join(tmpdir(), 'engine-git-e2e-')),
      defaultStepTimeoutMs: 60_000,
      expressionMode: 'strict',
      accountIdentifier: 'acc',
      worker: { concurrency: 2, leaseMs: 2000, pollMs: 50, abortPollMs: 100 },
    });
    engine.worker.start();
  });

  afterAll(async () => {
    await engine?.worker.stop();
    await server?.close();
  });

  async function waitFor(id: string): Promise<ExecutionDetail> {
    const deadline = Date.now() + 45_000;
    for (;;) {
      const detail = await engine.service.getExecution(id);
      if (isTerminalExecutionStatus(detail.status)) return detail;
      if (Date.now() > deadline)
        throw new Error(`execution ${id} still ${detail.status}`);
      await new Promise(r => setTimeout(r, 50));
    }
  }

  it('runs the pipeline against the local git host', async () => {
    const actor = {
      identity: 'user:default/jane',
      name: 'Jane',
      email: 'jane@example.com',
    };
    const created = await engine.service.createPipeline(pipeline, actor);
    const execution = await engine.service.execute(
      created,
      { inputSet: { project_name: 'orders' } },
      actor,
    );
    const detail = await waitFor(execution.id);
    const logs = (
      await engine.service.readLogs(execution.id, { limit: 10000 })
    ).lines.map(l => l.line);
    expect({ status: detail.status, error: detail.errorMessage }).toEqual({
      status: 'Success',
      error: undefined,
    });

    const steps = 'pipeline.stages.idp.spec.execution.steps';
    const bare = join(root, 'team', 'orders.git');
    const commitId = git(['--git-dir', bare, 'rev-parse', 'main']);
    expect(detail.outputs).toMatchObject({
      [`${steps}.create.output.outputVariables.repositoryUrl`]: `${server.gitBaseUrl}/team/orders`,
      [`${steps}.push.output.outputVariables.repositoryUrl`]: `${server.gitBaseUrl}/team/orders`,
      [`${steps}.push.output.outputVariables.commitId`]: commitId,
      [`${steps}.push.output.outputVariables.branch`]: 'main',
      [`${steps}.read.output.outputVariables.head`]: commitId,
    });
    expect(
      JSON.parse(detail.outputs![`${steps}.read.output.outputVariables.tree`]),
    ).toEqual({
      'catalog-info.yaml': 'kind: Component\nmetadata:\n  name: orders\n',
      'src/main.ts': "console.log('hi');\n",
    });
    expect(git(['--git-dir', bare, 'log', '-1', '--format=%an <%ae>'])).toBe(
      'Jane <jane@example.com>',
    );
    expect(server.authorizations).toContain(
      `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`,
    );
    expect(logs.join('\n')).not.toContain(TOKEN);
    expect(logs).toContain(
      `Created repository ${server.gitBaseUrl}/team/orders`,
    );

    const raw = await fetch(
      `${server.gitBaseUrl}/team/orders/raw/main/catalog-info.yaml`,
    );
    expect(await raw.text()).toBe(
      'kind: Component\nmetadata:\n  name: orders\n',
    );
  });
});

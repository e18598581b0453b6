import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { createStepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import { z } from 'zod';
import { initStores } from '../../database/__testUtils__/testDatabases';
import {
  pipelineYaml,
  statuses,
} from '../../engine/__testUtils__/engineHarness';
import {
  createPipelineEngine,
  type PipelineEngine,
} from '../../createPipelineEngine';
import { StepHandlerRegistry } from '../../engine/stepHandlerRegistry';
import { builtinStepHandlers } from '..';
import { NetworkPolicy } from '../../network';
import { createCookieCutterStep } from './step';

/*
 * The CookieCutter step end to end: pipelines run by the engine, with the
 * template from a local bare git repository (file:// URL with a
 * subdirectory) or from the stage workspace.
 */

jest.setTimeout(60_000);

const git = promisify(execFile);
// The renderer package's fixture corpus.
const FIXTURES = join(
  dirname(
    require.resolve('@idp-pipelines/plugin-pipeline-engine-cookiecutter/package.json'),
  ),
  'src',
  '__fixtures__',
  'templates',
);

/** Test step: copies a fixture template into the workspace. */
const seedTemplate = createStepHandler({
  type: 'TestSeedTemplate',
  description: 'test: copies a fixture template into the workspace',
  idempotent: true,
  spec: z.object({ fixture: z.string(), to: z.string() }),
  async handler(ctx) {
    await cp(
      join(FIXTURES, ctx.spec.fixture),
      join(ctx.workspace, ctx.spec.to),
      { recursive: true, verbatimSymlinks: true },
    );
  },
});

/** Test step: reads workspace files into outputs (`path` -> output `content`). */
const readFiles = createStepHandler({
  type: 'TestReadFiles',
  description: 'test: reads workspace files into output variables',
  idempotent: true,
  spec: z.object({ files: z.record(z.string(), z.string()) }),
  outputs: spec =>
    Object.keys((spec.files as Record<string, string> | undefined) ?? {}),
  async handler(ctx) {
    for (const [name, path] of Object.entries(ctx.spec.files))
      ctx.output(name, await readFile(join(ctx.workspace, path), 'utf8'));
  },
});

const step = (id: string, type: string, spec: string) => `- step:
    type: ${type}
    name: ${id}
    identifier: ${id}
    spec:
${spec.replace(/^/gm, '      ')}
`;

const OUT = (id: string, name: string) =>
  `pipeline.stages.main.spec.execution.steps.${id}.output.outputVariables.${name}`;

describe('CookieCutter step in a pipeline', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let engine: PipelineEngine;
  let scratch: string;
  let repoUrl: string;
  let counter = 0;
  const actor = { identity: 'user:default/jane', name: 'Jane' };

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'cc-e2e-'));
    // A bare repository holding a template in a subdirectory, reachable by a file:// URL.
    const bare = join(scratch, 'templates.git');
    const work = join(scratch, 'work');
    await git('git', ['init', '--quiet', '--bare', '-b', 'main', bare]);
    await mkdir(join(work, 'templates'), { recursive: true });
    await cp(
      join(FIXTURES, 'backstage-component'),
      join(work, 'templates', 'component'),
      { recursive: true },
    );
    const g = (...args: string[]) =>
      git('git', [
        '-C',
        work,
        '-c',
        'user.name=t',
        '-c',
        'user.email=t@example.com',
        ...args,
      ]);
    await g('init', '--quiet', '-b', 'main');
    await g('add', '.');
    await g('commit', '--quiet', '-m', 'template');
    await g('push', '--quiet', bare, 'HEAD:main');
    repoUrl = `file://${bare}`;

    const { stores } = await initStores(databases, 'SQLITE_3');
    const handlers = new StepHandlerRegistry();
    handlers.add(
      ...builtinStepHandlers,
      createCookieCutterStep({
        engine: 'builtin',
        network: new NetworkPolicy({ allow: [], allowLocalPaths: true }),
      }),
      seedTemplate,
      readFiles,
    );
    engine = createPipelineEngine({
      stores,
      handlers,
      logger: mockServices.logger.mock(),
      secrets: {},
      workspaceRoot: join(scratch, 'workspaces'),
      defaultStepTimeoutMs: 60_000,
      expressionMode: 'strict',
      accountIdentifier: 'acc',
      worker: { concurrency: 2, leaseMs: 2000, pollMs: 50, abortPollMs: 100 },
    });
    engine.worker.start();
  });

  afterAll(async () => {
    await engine?.worker.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  async function run(
    steps: string,
    variables = '',
    inputSet: Record<string, unknown> = {},
  ) {
    const yaml = pipelineYaml(steps, {
      identifier: `cc${++counter}`,
      variables,
    });
    const created = await engine.service.createPipeline(yaml, actor);
    const execution = await engine.service.execute(
      created,
      { inputSet },
      actor,
    );
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      const detail = await engine.service.getExecution(execution.id);
      if (
        ['Success', 'Failed', 'Aborted', 'Expired', 'Errored'].includes(
          detail.status,
        )
      ) {
        const lines = (
          await engine.service.readLogs(execution.id, { limit: 10000 })
        ).lines.map(l => l.line);
        return { detail, lines };
      }
      await new Promise(r => setTimeout(r, 25));
    }
    throw new Error('execution did not finish');
  }

  it('renders a public template from a subdirectory of a git repository (file:// URL)', async () => {
    const { detail, lines } = await run(
      step(
        'cookiecutter',
        'CookieCutter',
        `templateType: public
publicTemplateUrl: ${repoUrl}//templates/component
outputDirectory: services
cookieCutterVariables:
  component_id: <+pipeline.variables.project_name>
  owner: team-orders
  lifecycle: production`,
      ) +
        step(
          'read',
          'TestReadFiles',
          `files:
  catalog: services/orders-api/catalog-info.yaml
  mkdocs: services/orders-api/mkdocs.yml`,
        ),
      '    - name: project_name\n      type: String\n      value: <+input>\n',
      { project_name: 'orders-api' },
    );
    expect(detail.errorMessage).toBeUndefined();
    expect(statuses(detail)).toEqual({
      'pipeline.stages.main': 'Success',
      cookiecutter: 'Success',
      read: 'Success',
    });
    const catalog = detail.outputs[OUT('read', 'catalog')];
    expect(catalog).toContain('name: orders-api');
    expect(catalog).toContain('owner: group:team-orders');
    expect(catalog).toContain('lifecycle: production');
    expect(catalog).toContain('system: orders');
    expect(detail.outputs[OUT('read', 'mkdocs')]).toContain(
      'site_name: Orders Api',
    );
    expect(lines).toContain(
      `rendering cookiecutter template from ${repoUrl}, directory templates/component with the builtin engine`,
    );
    expect(lines).toContain('rendered 4 files into services/orders-api');
  });

  it('renders a private template from the workspace, listing every file when verbose', async () => {
    const { detail, lines } = await run(
      step(
        'seed',
        'TestSeedTemplate',
        'fixture: go-service\nto: templates/go',
      ) +
        step(
          'cookiecutter',
          'CookieCutter',
          `templateType: private
pathForTemplate: templates/go
verbose: true
cookieCutterVariables:
  app_name: ledger
  ci: gitlab
  unknown_var: ignored`,
        ) +
        step(
          'read',
          'TestReadFiles',
          'files:\n  gomod: ledger/go.mod\n  ci: ledger/.gitlab-ci.yml',
        ),
    );
    expect(detail.errorMessage).toBeUndefined();
    expect(detail.status).toBe('Success');
    expect(detail.outputs[OUT('read', 'gomod')]).toBe(
      'module github.com/acme/ledger\n\ngo 1.22\n',
    );
    expect(detail.outputs[OUT('read', 'ci')]).toContain('image: golang:1.22');
    expect(lines).toContain(
      'warning: cookieCutterVariables not in cookiecutter.json are ignored, as cookiecutter ignores them: unknown_var',
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        '  ledger/go.mod',
        '  ledger/scripts/build.sh',
        '  ledger/cmd/ledger/main.go',
      ]),
    );
    expect(lines).toContain('rendered 6 files into ledger');
  });

  it('fails the step with the template error', async () => {
    const { detail } = await run(
      step(
        'cookiecutter',
        'CookieCutter',
        `templateType: public
publicTemplateUrl: ${repoUrl}//templates/missing
cookieCutterVariables: {}`,
      ),
    );
    expect(detail.status).toBe('Failed');
    expect(detail.errorMessage).toMatch(
      /has no directory "templates\/missing"/,
    );
  });
});

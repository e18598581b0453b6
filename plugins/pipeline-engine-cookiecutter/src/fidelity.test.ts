import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describeWithCookiecutter } from './__testUtils__/cookiecutterCli';
import {
  cliRendersDoubleUnderscore,
  renderedPrivateVariables,
  runCookiecutter,
  snapshotTree,
  tempDir,
} from './__testUtils__/trees';
import { writeLargeTemplate } from './__testUtils__/largeTemplate';
import { createBuiltinEngine } from './builtin/builtinEngine';

/*
 * The fidelity corpus: every fixture template, rendered by the builtin
 * engine and by the real cookiecutter with the same variables, must give
 * byte-identical trees with the same file modes.
 */

jest.setTimeout(60_000);

const TEMPLATES = join(__dirname, '__fixtures__', 'templates');

const CORPUS: Array<[string, Record<string, string>]> = [
  ['python-package', {}],
  [
    'python-package',
    {
      project_name: 'My-Cool Lib',
      open_source_license: 'BSD license',
      use_pytest: 'n',
      command_line_interface: 'Argparse',
      full_name: 'Zoë "Z" Ünal',
    },
  ],
  [
    'python-package',
    {
      open_source_license: 'Not open source',
      command_line_interface: 'No command-line interface',
      unknown_variable: 'ignored',
    },
  ],
  ['go-service', {}],
  [
    'go-service',
    {
      app_name: 'ledger',
      github_org: 'fin-co',
      go_version: '1.20',
      use_docker: 'n',
      ci: 'gitlab',
      port: '9090',
    },
  ],
  ['go-service', { ci: 'travis' }], // not a choice: cookiecutter keeps the default
  ['data-science', {}],
  [
    'data-science',
    { project_name: 'Fraud Detection v2', python_interpreter: 'python' },
  ],
  ['static-site', {}],
  [
    'static-site',
    {
      site_name: 'Acme Docs: 2024 Edition!',
      primary_color: '#36b37e',
      base_url: 'https://x.test/',
    },
  ],
  ['helm-chart', {}],
  ['helm-chart', { chart_name: 'billing', expose: 'NodePort', replicas: '5' }],
  ['backstage-component', {}],
  [
    'backstage-component',
    {
      component_id: 'search-indexer',
      tags: 'python,  ML ,search',
      lifecycle: 'production',
      type: 'library',
      owner: 'team-search',
    },
  ],
  ['private-vars', {}],
  ['private-vars', { project_name: 'Stock Levels API', version: '2.0' }],
  ['java-spring', {}],
  [
    'java-spring',
    {
      group_id: 'io.example',
      artifact_id: 'catalog-api',
      build_tool: 'maven',
      java_version: '17',
    },
  ],
  ['node-app', {}],
  [
    'node-app',
    {
      name: 'mailer',
      license: 'UNLICENSED',
      private: 'n',
      node_version: '22',
      description: 'Sends "mail" & more',
    },
  ],
  ['whitespace-lab', {}],
  [
    'whitespace-lab',
    { name: 'lab2', entries: 'x', with_extras: 'yes', multiline: 'single' },
  ],
  ['filters-lab', {}],
  [
    'filters-lab',
    { title: 'a tale of two cities', words: 'b a', count: '7', ratio: '0.125' },
  ],
  ['macros-and-scoping', {}],
  [
    'macros-and-scoping',
    { service: 'edge', routes: 'a,health,b,c', env_names: 'dev,prod' },
  ],
  // include, import and from-import of template files with macros; JSON booleans
  ['includes-and-macros', {}],
  [
    'includes-and-macros',
    { open_source_license: 'BSD-3-Clause', use_ci: 'n', author: 'Zoë Ünal' },
  ],
  [
    'includes-and-macros',
    {
      open_source_license: 'Not open source',
      project_name: 'Other Lab',
      use_docker: 'False',
    },
  ],
];

/** The trees the builtin engine and the real cookiecutter render from the same template and variables. */
async function renderBoth(
  cli: string,
  templateDir: string,
  variables: Record<string, string>,
): Promise<{ builtin: Record<string, string>; cli: Record<string, string> }> {
  const builtinOut = await tempDir('builtin');
  const cliOut = await tempDir('cli');
  try {
    await createBuiltinEngine().render({
      templateDir,
      outputDir: builtinOut,
      variables,
      overwriteIfExists: false,
    });
    // cookiecutter 1.7 does not render `__` variables; give it the values cookiecutter 2.x renders.
    const bridge = (await cliRendersDoubleUnderscore(cli))
      ? {}
      : await renderedPrivateVariables(templateDir, variables);
    await runCookiecutter(cli, templateDir, cliOut, {
      ...variables,
      ...bridge,
    });
    return {
      builtin: await snapshotTree(builtinOut),
      cli: await snapshotTree(cliOut),
    };
  } finally {
    await rm(builtinOut, { recursive: true, force: true });
    await rm(cliOut, { recursive: true, force: true });
  }
}

describeWithCookiecutter(
  'builtin engine against the cookiecutter CLI on the fixture corpus',
  cli => {
    it.each(CORPUS)('%s %j', async (name, variables) => {
      const trees = await renderBoth(cli(), join(TEMPLATES, name), variables);
      expect(Object.keys(trees.cli).length).toBeGreaterThan(2);
      expect(trees.builtin).toEqual(trees.cli);
    });

    describe('a django-sized template (generated)', () => {
      let templateDir: string;
      let fileCount = 0;
      beforeAll(async () => {
        templateDir = await tempDir('large');
        fileCount = await writeLargeTemplate(templateDir);
      });
      afterAll(async () => {
        await rm(templateDir, { recursive: true, force: true });
      });
      it.each<Record<string, string>>([
        {},
        {
          project_name: 'Shop-Front Two',
          database: 'sqlite',
          use_celery: 'n',
          use_docker: 'n',
          open_source_license: 'Not open source',
          apps: 'a,b',
        },
      ])('%j', async variables => {
        expect(fileCount).toBeGreaterThanOrEqual(200);
        const trees = await renderBoth(cli(), templateDir, variables);
        expect(Object.keys(trees.cli).length).toBeGreaterThanOrEqual(200);
        expect(trees.builtin).toEqual(trees.cli);
      });
    });

    it('has at least 10 templates in the corpus', () => {
      expect(new Set(CORPUS.map(([name]) => name)).size).toBeGreaterThanOrEqual(
        10,
      );
    });
  },
);

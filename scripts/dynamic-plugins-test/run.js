#!/usr/bin/env node
/*
 * The dynamic plugins test's last part: starts packages/backend-dynamic with
 * only the exported bundles in its dynamic plugins root, checks that the
 * loader loaded each of them from there, then runs the example template
 * through the scaffolder REST API as a guest and checks the task, its output
 * variables and the created component in the catalog.
 * Usage: node run.js DYNAMIC_PLUGINS_ROOT WORK_DIR
 */
/* eslint-disable no-console -- a command-line driver prints */
const { mkdirSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { startSlackStub } = require('../demo/slackStub');
const {
  REPO_ROOT,
  freePort,
  repoWorkspaceStart,
  startBackend,
  waitForReadiness,
} = require('../lib/backendProcess');
const {
  guestHeaders,
  readTemplateValues,
  runExampleTemplate,
} = require('../lib/scaffolderRun');

/** The exported plugins the loader must have loaded from the root. */
const DYNAMIC_PLUGINS = [
  '@idp-pipelines/plugin-pipeline-engine-backend-dynamic',
  '@idp-pipelines/plugin-scaffolder-backend-module-harness-pipeline-dynamic',
  '@idp-pipelines/plugin-catalog-backend-module-pipeline-engine-dynamic',
];

/** The app-config of the test backend: absolute paths, nothing under the repository's .data. */
function appConfig({ base, port, pluginsRoot, work, slackPort }) {
  const example = path => JSON.stringify(join(REPO_ROOT, 'examples', path));
  return `
app:
  baseUrl: ${base}
backend:
  baseUrl: ${base}
  listen: { port: ${port}, host: 127.0.0.1 }
  database:
    client: better-sqlite3
    connection: ':memory:'
  # Without the git-host reader (not a dynamic plugin), the catalog reads
  # the built-in git host's public repositories as any other allowed host.
  reading:
    allow:
      - host: localhost:${port}
auth:
  environment: development
  providers:
    guest: {}
permission:
  enabled: true
catalog:
  rules:
    - allow: [Component, System, API, Resource, Location, Template, Group, User]
  stitchingStrategy:
    pollingInterval: { milliseconds: 100 }
  locations:
    - type: file
      target: ${example('templates/self-service-flow/template.yaml')}
    - type: file
      target: ${example('org.yaml')}
dynamicPlugins:
  rootDirectory: ${JSON.stringify(pluginsRoot)}
pipelineEngine:
  expressions:
    mode: lenient
  connectors:
    testdev:
      type: Local
  localGit:
    root: ${JSON.stringify(join(work, 'git'))}
    seed:
      - repository: templates/service
        source: ${example('cookiecutter/service')}
  workspace:
    root: ${JSON.stringify(join(work, 'workspaces'))}
  runners:
    local:
      enabled: true
      user: idp-runner
  pipelines:
    - target: ${example('pipelines/self-service-flow.pipeline.yaml')}
  slack:
    apiUrl: http://127.0.0.1:${slackPort}/api/
  secrets:
    slacksecrettestws: xoxb-dynamic-plugins-test-not-a-real-secret
`;
}

async function main() {
  const pluginsRoot = resolve(process.argv[2]);
  const work = resolve(process.argv[3]);
  mkdirSync(work, { recursive: true });
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const slack = await startSlackStub({
    onMessage: m =>
      console.log(`[slack] to ${m.channel}: ${String(m.text).split('\n')[0]}…`),
  });
  const configFile = join(work, 'app-config.yaml');
  writeFileSync(
    configFile,
    appConfig({
      base,
      port,
      pluginsRoot,
      work,
      slackPort: slack.address().port,
    }),
  );
  const backend = startBackend({
    ...repoWorkspaceStart('backend-dynamic', [configFile]),
    keepLine: line => !line.includes('incomingRequest'),
  });
  const { log } = backend;
  try {
    const seconds = await waitForReadiness(base, 300_000, log);
    console.log(`backend ready after ${seconds} s`);
    const notLoaded = DYNAMIC_PLUGINS.filter(
      name =>
        !log.some(
          line =>
            line.includes(`loaded dynamic backend plugin '${name}'`) &&
            line.includes(pluginsRoot),
        ),
    );
    if (notLoaded.length) {
      throw new Error(
        `not loaded from ${pluginsRoot}: ${notLoaded.join(', ')}; backend log:\n${log.slice(-40).join('\n')}`,
      );
    }
    console.log(`loaded from ${pluginsRoot}: ${DYNAMIC_PLUGINS.join(', ')}`);
    const values = {
      ...readTemplateValues(
        join(REPO_ROOT, 'examples/templates/self-service-flow/values.json'),
      ),
      // The catalog reads the new repository without the git-host reader.
      repository_type: 'public',
    };
    const { failures, entityRef } = await runExampleTemplate({
      base,
      headers: await guestHeaders(base),
      templateRef: 'template:default/self-service-flow',
      values,
      log,
    });
    if (failures.length) throw new Error(failures.join('; '));
    console.log(
      `\ndynamic plugins test: template completed, output variables shown, ${entityRef} in the catalog`,
    );
  } finally {
    // The backend's graceful shutdown can take a minute; the test need not wait for it.
    await backend.stop(10_000);
    slack.close();
  }
}

main().catch(error => {
  console.error(`dynamic plugins test failed: ${error.message}`);
  process.exit(1);
});

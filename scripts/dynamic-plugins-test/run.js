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
const { spawn } = require('node:child_process');
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { join, resolve } = require('node:path');
const { startSlackStub } = require('../demo/slackStub');
const {
  waitFor,
  guestToken,
  runTemplateTask,
  printOutput,
} = require('../demo/scaffolderRun');

const ROOT = resolve(__dirname, '../..');
/** The exported plugins the loader must have loaded from the root. */
const DYNAMIC_PLUGINS = [
  '@idp-pipelines/plugin-pipeline-engine-backend-dynamic',
  '@idp-pipelines/plugin-scaffolder-backend-module-harness-pipeline-dynamic',
  '@idp-pipelines/plugin-catalog-backend-module-pipeline-engine-dynamic',
];

/** A port nothing listens on now, so the test can run beside other backends. */
function freePort() {
  return new Promise((done, fail) => {
    const server = createServer().once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/**
 * Stops the backend's process group: SIGTERM, then SIGKILL when it has not
 * ended within a grace period (the backend's graceful shutdown can take a
 * minute, which the test need not wait for).
 */
async function stopProcessGroup(pid) {
  const signal = name => {
    try {
      process.kill(-pid, name);
      return true;
    } catch {
      return false; // the group is gone
    }
  };
  if (!signal('SIGTERM')) return;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 200));
    if (!signal(0)) return;
  }
  signal('SIGKILL');
}

/** The app-config of the test backend: absolute paths, nothing under the repository's .data. */
function appConfig({ base, port, pluginsRoot, work, slackPort }) {
  const example = path => JSON.stringify(join(ROOT, 'examples', path));
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
  const backend = spawn(
    process.execPath,
    [
      join(ROOT, '.yarn/releases/yarn-4.18.1.cjs'),
      'workspace',
      'backend-dynamic',
      'start',
      '--config',
      configFile,
    ],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'development', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  const log = [];
  // Request log lines of the readiness polls would hide why start-up fails.
  const keep = data =>
    log.push(
      ...String(data)
        .split('\n')
        .filter(line => line.trim() && !line.includes('incomingRequest')),
    );
  backend.stdout.on('data', keep);
  backend.stderr.on('data', keep);
  const started = Date.now();
  try {
    await waitFor(
      async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok,
      300_000,
      'the backend to start',
      log,
    );
    console.log(
      `backend ready after ${Math.round((Date.now() - started) / 1000)} s`,
    );
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
    const headers = {
      Authorization: `Bearer ${await guestToken(base)}`,
      'Content-Type': 'application/json',
    };
    await waitFor(
      async () =>
        (
          await fetch(
            `${base}/api/catalog/entities/by-name/template/default/self-service-flow`,
            { headers },
          )
        ).ok,
      120_000,
      'the catalog to load the example template',
      log,
    );
    const runId = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const values = {
      ...JSON.parse(
        readFileSync(
          join(ROOT, 'examples/templates/self-service-flow/values.json'),
          'utf8',
        ).replaceAll('${RUN_ID}', runId),
      ),
      // The catalog reads the new repository without the git-host reader.
      repository_type: 'public',
    };
    const { status, output } = await runTemplateTask(
      base,
      headers,
      'template:default/self-service-flow',
      values,
    );
    printOutput(output);
    const failures = [];
    if (status !== 'completed') failures.push(`the task ended ${status}`);
    if (!JSON.stringify(output).includes(values.project_name))
      failures.push(
        'the output does not carry the output variables (no repository URL naming the project)',
      );
    // The catalog processes the registered location on its own loop.
    const entityRef = `component:default/${values.project_name}`;
    try {
      await waitFor(
        async () =>
          (
            await fetch(
              `${base}/api/catalog/entities/by-name/component/default/${values.project_name}`,
              { headers },
            )
          ).ok,
        60_000,
        `${entityRef} in the catalog`,
        log,
      );
    } catch (error) {
      failures.push(error.message);
    }
    if (failures.length) throw new Error(failures.join('; '));
    console.log(
      `\ndynamic plugins test: template completed, output variables shown, ${entityRef} in the catalog`,
    );
  } finally {
    await stopProcessGroup(backend.pid);
    slack.close();
  }
}

main().catch(error => {
  console.error(`dynamic plugins test failed: ${error.message}`);
  process.exit(1);
});

#!/usr/bin/env node
/*
 * The install test's last part: starts the fresh app's backend, runs the
 * example template as a guest and checks what a user would see: the task
 * completes, its output carries the pipeline's output variables, and the
 * created component is in the catalog.
 * Usage: node runInApp.js APP_DIR   (the app's own node and yarn on PATH)
 */
/* eslint-disable no-console -- a command-line driver prints */
const { spawn } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { join, resolve } = require('node:path');
const { startSlackStub } = require('../demo/slackStub');
const {
  waitFor,
  guestToken,
  runTemplateTask,
  printOutput,
} = require('../demo/scaffolderRun');

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

async function main() {
  const appDir = resolve(process.argv[2]);
  const port = await freePort();
  const BASE = `http://localhost:${port}`;
  const slack = await startSlackStub({
    onMessage: m =>
      console.log(`[slack] to ${m.channel}: ${String(m.text).split('\n')[0]}…`),
  });
  const backend = spawn('yarn', ['workspace', 'backend', 'start'], {
    cwd: appDir,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      FORCE_COLOR: '0',
      // The app's config says 7007; Backstage reads APP_CONFIG_* over it.
      APP_CONFIG_backend_listen_port: String(port),
      APP_CONFIG_backend_baseUrl: BASE,
      SLACK_API_URL: `http://127.0.0.1:${slack.address().port}/api/`,
      SLACK_BOT_TOKEN: 'xoxb-install-test-not-a-real-secret',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const log = [];
  // Request log lines of the readiness polls would hide why start-up fails.
  const keep = d =>
    log.push(
      ...String(d)
        .split('\n')
        .filter(line => line.trim() && !line.includes('incomingRequest')),
    );
  backend.stdout.on('data', keep);
  backend.stderr.on('data', keep);
  const started = Date.now();
  try {
    await waitFor(
      async () => (await fetch(`${BASE}/.backstage/health/v1/readiness`)).ok,
      300_000,
      "the app's backend to start",
      log,
    );
    console.log(
      `backend ready after ${Math.round((Date.now() - started) / 1000)} s`,
    );
    const headers = {
      Authorization: `Bearer ${await guestToken(BASE)}`,
      'Content-Type': 'application/json',
    };
    await waitFor(
      async () =>
        (
          await fetch(
            `${BASE}/api/catalog/entities/by-name/template/default/self-service-flow`,
            { headers },
          )
        ).ok,
      120_000,
      'the catalog to load the example template',
      log,
    );
    const runId = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
    const values = JSON.parse(
      readFileSync(
        join(appDir, 'idp-examples/templates/self-service-flow/values.json'),
        'utf8',
      )
        .replaceAll('${RUN_ID}', runId)
        .replaceAll('http://localhost:7007', BASE),
    );
    const { status, output } = await runTemplateTask(
      BASE,
      headers,
      'template:default/self-service-flow',
      values,
    );
    printOutput(output);
    const failures = [];
    if (status !== 'completed') failures.push(`the task ended ${status}`);
    const text = JSON.stringify(output);
    if (!text.includes(`${values.project_name}`))
      failures.push(
        'the output does not carry the output variables (no repository URL naming the project)',
      );
    // RegisterCatalog returns once the location is registered; the catalog
    // makes the entity readable on its next processing pass (as a user
    // sees it appear shortly after the task).
    const entityRef = `component:default/${values.project_name}`;
    try {
      await waitFor(
        async () =>
          (
            await fetch(
              `${BASE}/api/catalog/entities/by-name/component/default/${values.project_name}`,
              { headers },
            )
          ).ok,
        60_000,
        `${entityRef} in the catalog`,
        log,
      );
    } catch (error) {
      failures.push(`${entityRef} is not in the catalog: ${error.message}`);
    }
    if (failures.length) throw new Error(failures.join('; '));
    console.log(
      `\ninstall test: template completed, output variables shown, component:default/${values.project_name} in the catalog`,
    );
  } finally {
    try {
      process.kill(-backend.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
    slack.close();
  }
}

main().catch(error => {
  console.error(`install test failed: ${error.message}`);
  process.exit(1);
});

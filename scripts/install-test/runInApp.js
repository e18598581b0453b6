#!/usr/bin/env node
/*
 * The install test's last part: starts the fresh app's backend, runs the
 * example template as a guest and checks what a user would see: the task
 * completes, its output carries the pipeline's output variables, and the
 * created component is in the catalog.
 * Usage: node runInApp.js APP_DIR   (the app's own node and yarn on PATH)
 */
/* eslint-disable no-console -- a command-line driver prints */
const { join, resolve } = require('node:path');
const { startSlackStub } = require('../demo/slackStub');
const {
  freePort,
  startBackend,
  waitForReadiness,
} = require('../lib/backendProcess');
const {
  guestHeaders,
  readTemplateValues,
  runExampleTemplate,
} = require('../lib/scaffolderRun');

async function main() {
  const appDir = resolve(process.argv[2]);
  const port = await freePort();
  const BASE = `http://localhost:${port}`;
  const slack = await startSlackStub({
    onMessage: m =>
      console.log(`[slack] to ${m.channel}: ${String(m.text).split('\n')[0]}…`),
  });
  const backend = startBackend({
    command: 'yarn',
    args: ['workspace', 'backend', 'start'],
    cwd: appDir,
    env: {
      // The app's config says 7007; Backstage reads APP_CONFIG_* over it.
      APP_CONFIG_backend_listen_port: String(port),
      APP_CONFIG_backend_baseUrl: BASE,
      SLACK_API_URL: `http://127.0.0.1:${slack.address().port}/api/`,
      SLACK_BOT_TOKEN: 'xoxb-install-test-not-a-real-secret',
    },
    keepLine: line => !line.includes('incomingRequest'),
  });
  try {
    const seconds = await waitForReadiness(BASE, 300_000, backend.log);
    console.log(`backend ready after ${seconds} s`);
    const values = readTemplateValues(
      join(appDir, 'idp-examples/templates/self-service-flow/values.json'),
      { 'http://localhost:7007': BASE },
    );
    const { failures, entityRef } = await runExampleTemplate({
      base: BASE,
      headers: await guestHeaders(BASE),
      templateRef: 'template:default/self-service-flow',
      values,
      log: backend.log,
    });
    if (failures.length) throw new Error(failures.join('; '));
    console.log(
      `\ninstall test: template completed, output variables shown, ${entityRef} in the catalog`,
    );
  } finally {
    backend.stop();
    slack.close();
  }
}

main().catch(error => {
  console.error(`install test failed: ${error.message}`);
  process.exit(1);
});

#!/usr/bin/env node
/*
 * The main job: start the backend with the embedded defaults, then run the
 * example template through the scaffolder REST API as a guest user,
 * printing live progress and the template's rendered output section.
 *
 * Usage: node scripts/demo/runTemplate.js [templateName] [values.json]
 */
/* eslint-disable no-console -- a command-line driver prints */
const { mkdtempSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { startSlackStub } = require('./slackStub');
const {
  REPO_ROOT,
  repoWorkspaceStart,
  startBackend,
  waitForReadiness,
} = require('../lib/backendProcess');
const {
  guestHeaders,
  printOutput,
  readTemplateValues,
  runTemplateTask,
  waitForEntity,
} = require('../lib/scaffolderRun');

const BASE = 'http://localhost:7007';
const TEMPLATE = process.argv[2] || 'self-service-flow';
const VALUES_FILE =
  process.argv[3] ||
  join(REPO_ROOT, 'examples/templates', TEMPLATE, 'values.json');

async function main() {
  const values = readTemplateValues(VALUES_FILE);
  const slack = await startSlackStub({
    onMessage: m =>
      console.log(
        `\n[slack] message to ${m.channel}:\n${String(m.text)
          .split('\n')
          .map(l => `  ${l}`)
          .join('\n')}\n`,
      ),
  });
  const configFile = join(
    mkdtempSync(join(tmpdir(), 'idp-demo-')),
    'app-config.demo.yaml',
  );
  writeFileSync(
    configFile,
    [
      'pipelineEngine:',
      '  slack:',
      `    apiUrl: http://127.0.0.1:${slack.address().port}/api/`,
      '  secrets:',
      '    slacksecrettestws: xoxb-demo-token-not-a-real-secret',
      '',
    ].join('\n'),
  );
  const backend = startBackend(
    repoWorkspaceStart('backend', ['../../app-config.yaml', configFile]),
  );
  const stop = () => {
    backend.stop();
    slack.close();
  };
  process.on('SIGINT', () => {
    stop();
    process.exit(130);
  });
  try {
    console.log(
      'starting the backend (catalog, scaffolder, pipeline engine) on',
      BASE,
    );
    await waitForReadiness(BASE, 180_000, backend.log);
    const headers = await guestHeaders(BASE);
    const templateRef = `template:default/${TEMPLATE}`;
    await waitForEntity(
      BASE,
      headers,
      templateRef,
      120_000,
      `the catalog to load ${templateRef}`,
      backend.log,
    );
    console.log(`running ${templateRef} with`, JSON.stringify(values));
    const { status, output } = await runTemplateTask(
      BASE,
      headers,
      templateRef,
      values,
    );
    console.log(`\ntask ${status}`);
    printOutput(output);
    const page = (output.links ?? []).find(link =>
      /\/pipelines\/executions\//.test(link.url ?? ''),
    );
    if (page)
      console.log(
        `\nExecution page (yarn start serves the portal): ${page.url}`,
      );
    if (status !== 'completed') process.exitCode = 1;
  } finally {
    stop();
  }
}

main().catch(error => {
  console.error(`main job failed: ${error.message}`);
  process.exit(1);
});

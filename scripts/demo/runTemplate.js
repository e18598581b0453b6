#!/usr/bin/env node
/*
 * The main job: start the backend with the embedded defaults, then run the
 * example template through the scaffolder REST API as a guest user,
 * printing live progress and the template's rendered output section.
 *
 * Usage: node scripts/demo/runTemplate.js [templateName] [values.json]
 */
/* eslint-disable no-console -- a command-line driver prints */
const { spawn } = require('node:child_process');
const { mkdtempSync, writeFileSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { startSlackStub } = require('./slackStub');
const {
  waitFor,
  guestToken,
  runTemplateTask,
  printOutput,
} = require('./scaffolderRun');

const ROOT = resolve(__dirname, '../..');
const BASE = 'http://localhost:7007';
const TEMPLATE = process.argv[2] || 'self-service-flow';
const VALUES_FILE =
  process.argv[3] || join(ROOT, 'examples/templates', TEMPLATE, 'values.json');

async function main() {
  // ${RUN_ID} makes names unique, so the job can run again (CreateRepo refuses existing repositories).
  const runId = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const values = JSON.parse(
    readFileSync(VALUES_FILE, 'utf8').replaceAll('${RUN_ID}', runId),
  );
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
  const backend = spawn(
    process.execPath,
    [
      join(ROOT, '.yarn/releases/yarn-4.18.1.cjs'),
      'workspace',
      'backend',
      'start',
      '--config',
      '../../app-config.yaml',
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
  const backendLog = [];
  const keep = d => backendLog.push(...String(d).split('\n'));
  backend.stdout.on('data', keep);
  backend.stderr.on('data', keep);
  const stop = () => {
    try {
      process.kill(-backend.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
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
    await waitFor(
      async () => (await fetch(`${BASE}/.backstage/health/v1/readiness`)).ok,
      180_000,
      'the backend to start',
      backendLog,
    );
    const token = await guestToken(BASE);
    const headers = {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    };
    const templateRef = `template:default/${TEMPLATE}`;
    await waitFor(
      async () =>
        (
          await fetch(
            `${BASE}/api/catalog/entities/by-name/template/default/${TEMPLATE}`,
            { headers },
          )
        ).ok,
      120_000,
      `the catalog to load ${templateRef}`,
      backendLog,
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

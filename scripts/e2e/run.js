#!/usr/bin/env node
/*
 * Browser end-to-end tests: starts the backend (which serves the production
 * build of packages/app through @backstage/plugin-app-backend) on a fresh
 * SQLite/git data folder, a Slack stub, then runs the Playwright suite in
 * packages/app/e2e-tests with Debian's Chromium. Run by scripts/e2e.sh.
 *
 * Usage: node scripts/e2e/run.js [playwright test args...]
 */
/* eslint-disable no-console -- a command-line driver prints */
const { spawn } = require('node:child_process');
const { mkdtempSync, writeFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { startSlackStub } = require('../demo/slackStub');
const {
  REPO_ROOT,
  REPO_YARN,
  repoWorkspaceStart,
  startBackend,
  waitFor,
  waitForReadiness,
} = require('../lib/backendProcess');

const BASE = 'http://localhost:7007';

/**
 * Starts the backend serving the built app on :7007 with a fresh data
 * folder and a Slack stub; resolves once it answers. `stop()` ends both and
 * removes the data. The caller must hold /tmp/port7007.lock.
 */
async function startBackendWithApp() {
  const data = mkdtempSync(join(tmpdir(), 'idp-e2e-'));
  const slack = await startSlackStub({ onMessage: () => {} });
  const configFile = join(data, 'app-config.e2e.yaml');
  writeFileSync(
    configFile,
    JSON.stringify({
      // The backend serves the built app, so the portal lives on its port.
      app: { baseUrl: BASE },
      backend: {
        database: { connection: { directory: join(data, 'sqlite') } },
      },
      pipelineEngine: {
        localGit: { root: join(data, 'git') },
        slack: { apiUrl: `http://127.0.0.1:${slack.address().port}/api/` },
        secrets: { slacksecrettestws: 'xoxb-e2e-token-not-a-real-secret' },
      },
    }),
  );
  const backend = startBackend({
    ...repoWorkspaceStart('backend', ['../../app-config.yaml', configFile]),
    // Request logs would drown what matters.
    keepLine: line => !line.includes('rootHttpRouter'),
    maxLogLines: 400,
  });
  const backendLog = backend.log;
  const stop = () => {
    backend.stop();
    slack.close();
    rmSync(data, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.on(signal, () => {
      stop();
      process.exit(130);
    });
  try {
    console.log(
      `starting the backend with the built app on ${BASE} (data in ${data})`,
    );
    await waitForReadiness(BASE, 240_000, backendLog);
    await waitFor(
      async () =>
        (await (await fetch(`${BASE}/`)).text()).includes('<div id="root">'),
      60_000,
      'the app to be served (is packages/app built?)',
      backendLog,
    );
  } catch (error) {
    stop();
    throw error;
  }
  return { backendLog, stop };
}

async function main() {
  const { backendLog, stop } = await startBackendWithApp();
  let code = 1;
  try {
    code = await run(
      process.execPath,
      [
        REPO_YARN,
        'workspace',
        'app',
        'playwright',
        'test',
        '--config',
        'e2e-tests/playwright.config.ts',
        ...process.argv.slice(2),
      ],
      {
        E2E_BASE_URL: BASE,
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
      },
    );
    if (code !== 0)
      console.log(
        `\nbackend log (last lines):\n${backendLog.slice(-60).join('\n')}`,
      );
  } finally {
    stop();
  }
  process.exitCode = code;
}

function run(command, args, env) {
  return new Promise(resolvePromise => {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      stdio: 'inherit',
      env: { ...process.env, ...env },
    });
    child.on('exit', exitCode => resolvePromise(exitCode ?? 1));
  });
}

module.exports = { startBackendWithApp, BASE };

if (require.main === module) {
  main().catch(error => {
    console.error(`e2e failed: ${error.message}`);
    process.exit(1);
  });
}

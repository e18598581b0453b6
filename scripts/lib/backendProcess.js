/*
 * A Backstage backend as a child process of a command-line driver (the main
 * job, the browser e2e run, the install and dynamic plugins tests): started
 * in its own process group, its log kept for error messages, waited for,
 * stopped with everything it spawned.
 */
const { spawn } = require('node:child_process');
const { createServer } = require('node:net');
const { join, resolve } = require('node:path');

const REPO_ROOT = resolve(__dirname, '../..');
/** The checkout's own Yarn (`yarnPath` of .yarnrc.yml). */
const REPO_YARN = join(REPO_ROOT, '.yarn/releases/yarn-4.18.1.cjs');

/** A port nothing listens on now, so a test can run beside other backends. */
function freePort() {
  return new Promise((done, fail) => {
    const server = createServer().once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

/** Polls `check` every half second until it answers true; fails after `timeoutMs` with the backend's last log lines. */
async function waitFor(check, timeoutMs, what, log = []) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}; backend log:\n${log.slice(-40).join('\n')}`,
      );
    }
    await new Promise(r => setTimeout(r, 500));
  }
}

/** `yarn workspace <name> start --config …` of this checkout, run from its root. */
function repoWorkspaceStart(workspace, configFiles) {
  return {
    command: process.execPath,
    args: [
      REPO_YARN,
      'workspace',
      workspace,
      'start',
      ...configFiles.flatMap(file => ['--config', file]),
    ],
    cwd: REPO_ROOT,
  };
}

/**
 * Stops a process group: SIGTERM, then SIGKILL when it has not ended within
 * `graceMs` (0: SIGTERM only, sent before this returns, so signal handlers
 * may call it without waiting).
 */
async function stopProcessGroup(pid, graceMs = 0) {
  const signal = name => {
    try {
      process.kill(-pid, name);
      return true;
    } catch {
      return false; // the group is gone
    }
  };
  if (!signal('SIGTERM') || graceMs <= 0) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 200));
    if (!signal(0)) return;
  }
  signal('SIGKILL');
}

/**
 * Starts a backend in development mode (guest sign-in) in its own process
 * group and keeps its non-empty log lines, less those `keepLine` drops
 * (request logs of the readiness polls would hide why start-up fails), the
 * last `maxLogLines` at most.
 */
function startBackend({
  command,
  args,
  cwd,
  env = {},
  keepLine = () => true,
  maxLogLines = Infinity,
}) {
  const child = spawn(command, args, {
    cwd,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      FORCE_COLOR: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const log = [];
  const keep = chunk => {
    log.push(
      ...String(chunk)
        .split('\n')
        .filter(line => line.trim() && keepLine(line)),
    );
    if (log.length > maxLogLines) log.splice(0, log.length - maxLogLines);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return {
    log,
    stop: graceMs => stopProcessGroup(child.pid, graceMs),
  };
}

/** Waits for the backend's readiness endpoint; returns the seconds it took. */
async function waitForReadiness(base, timeoutMs, log) {
  const started = Date.now();
  await waitFor(
    async () => (await fetch(`${base}/.backstage/health/v1/readiness`)).ok,
    timeoutMs,
    'the backend to start',
    log,
  );
  return Math.round((Date.now() - started) / 1000);
}

module.exports = {
  REPO_ROOT,
  REPO_YARN,
  freePort,
  repoWorkspaceStart,
  startBackend,
  waitFor,
  waitForReadiness,
};

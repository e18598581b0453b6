/*
 * Seed pipeline benchmark: the product document's example pipeline
 * (examples/pipelines/self-service-flow.pipeline.yaml, unchanged) run end to
 * end in a real backend on SQLite, as the e2e test runs it: CookieCutter
 * (builtin engine) from the built-in git host, CreateRepo, CreateCatalog,
 * DirectPush, RegisterCatalog into the real catalog, SlackNotify to a local
 * Slack-compatible stub.
 *
 *   yarn bench:seed [runs] [--stitch-ms=N]
 *
 * Prints, per run and as medians: the wall time from the execute request to
 * the terminal status, each step's duration, and the engine's share (wall
 * time not spent inside a step: queueing, planning, persistence, expression
 * rendering between steps), and the processes the backend spawned per run
 * (child_process.spawn, by command; git's own children are not counted).
 * `--stitch-ms` sets the catalog's
 * `catalog.stitchingStrategy.pollingInterval` (default 100 ms, as in the
 * repository's app-config.yaml; Backstage's default is 1 s). Asserts nothing.
 */
'use strict';

require('@backstage/cli/config/nodeTransform.cjs');

// Counts the processes the backend spawns (runGit and the git host use spawn).
const childProcess = require('node:child_process');

const spawned = [];
const originalSpawn = childProcess.spawn;
childProcess.spawn = function countedSpawn(command, args, ...rest) {
  const words = Array.isArray(args) ? args : [];
  const sub = words.find(
    (w, i) =>
      !w.startsWith('-') &&
      !['--git-dir', '--work-tree', '-c', '-C'].includes(words[i - 1]),
  );
  spawned.push(command === 'git' && sub ? `git ${sub}` : String(command));
  return originalSpawn.call(this, command, args, ...rest);
};

const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const {
  createConfiguredBackend,
} = require('../src/e2e/__testUtils__/configuredBackend');
const { freePort } = require('../src/e2e/__testUtils__/childBackendProcess');

const argv = process.argv.slice(2);
const RUNS = Number(argv.find(a => /^\d+$/.test(a)) ?? 5);
const STITCH_MS = Number(
  (argv.find(a => a.startsWith('--stitch-ms=')) ?? '--stitch-ms=100').split(
    '=',
  )[1],
);
const ROOT = path.resolve(__dirname, '../../..');
const SEED = path.join(
  ROOT,
  'examples/pipelines/self-service-flow.pipeline.yaml',
);
const TOKEN = 'bench-seed-token-0123456789abcdef';
const API = '/api/pipeline-engine';

function startSlackStub() {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(
        req.url.includes('users.lookupByEmail')
          ? '{"ok":true,"user":{"id":"U1"}}'
          : '{"ok":true,"channel":"U1","ts":"1.1"}',
      );
    });
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => resolve(server)),
  );
}

const median = xs => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main() {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-seed-'));
  const gitRoot = path.join(workDir, 'git');
  const slack = await startSlackStub();
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;

  const config = {
    app: { baseUrl: 'http://localhost:3000' },
    backend: {
      baseUrl,
      listen: { host: '127.0.0.1', port },
      database: { client: 'better-sqlite3', connection: ':memory:' },
      logger: { level: 'warn' },
      auth: {
        externalAccess: [
          { type: 'static', options: { token: TOKEN, subject: 'bench' } },
        ],
      },
    },
    catalog: {
      rules: [{ allow: ['Component', 'Location'] }],
      stitchingStrategy: { pollingInterval: { milliseconds: STITCH_MS } },
    },
    pipelineEngine: {
      expressions: { mode: 'lenient' },
      connectors: { testdev: { type: 'Local' } },
      // The example template, published by the engine at start-up as in app-config.yaml.
      localGit: {
        root: gitRoot,
        seed: [
          {
            repository: 'templates/service',
            source: path.join(ROOT, 'examples/cookiecutter/service'),
          },
        ],
      },
      workspace: { root: path.join(workDir, 'workspaces') },
      secrets: { slacksecrettestws: 'xoxb-bench' },
      slack: { apiUrl: `http://127.0.0.1:${slack.address().port}/api/` },
      worker: { pollIntervalMs: 50 },
      pipelines: [{ target: SEED }],
    },
  };
  const backend = createConfiguredBackend(config, 'bench', [
    require('@backstage/plugin-catalog-backend').default,
    require('@idp-pipelines/plugin-catalog-backend-module-pipeline-engine')
      .default,
    require('../src').default,
    // The catalog reads catalog-info.yaml of the private repository it created.
    require('@idp-pipelines/plugin-pipeline-engine-git-host-reader').default,
  ]);
  await backend.start();

  const call = async (method, url, body) => {
    const res = await fetch(`${baseUrl}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'content-type': 'application/json',
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok)
      throw new Error(
        `${method} ${url}: HTTP ${res.status} ${await res.text()}`,
      );
    return res.json();
  };

  const runOnce = async index => {
    const inputSet = {
      project_name: `bench-service-${index}`,
      public_template_url: `${baseUrl}${API}/git/templates/service.git`,
      repositoty_description: 'bench',
      repository_default_branch: 'main',
      direct_push_branch: 'main',
      email_id: 'jane@example.com',
    };
    const spawnedBefore = spawned.length;
    const t0 = performance.now();
    const { id } = await call(
      'POST',
      `${API}/pipelines/default/projctidp/SelfServiceflowreposetup/execute`,
      { inputSet },
    );
    for (;;) {
      const detail = await call('GET', `${API}/executions/${id}`);
      if (['Success', 'Failed', 'Aborted'].includes(detail.status)) {
        const wallMs = performance.now() - t0;
        if (detail.status !== 'Success') {
          throw new Error(
            `run ${index} ended ${detail.status}: ${detail.errorMessage ?? JSON.stringify(detail.nodes)}`,
          );
        }
        const steps = detail.nodes[0].children.map(n => ({
          id: n.identifier,
          ms: Date.parse(n.endedAt) - Date.parse(n.startedAt),
        }));
        // Reads the catalog makes after the run (its processing loop) are not waited for.
        return { wallMs, steps, spawned: spawned.slice(spawnedBefore) };
      }
      await new Promise(r => setTimeout(r, 5));
    }
  };

  try {
    console.log(
      `seed pipeline on SQLite (in memory), ${RUNS} runs after one warm-up; catalog stitching polled every ${STITCH_MS} ms`,
    );
    await runOnce(0);
    const results = [];
    for (let i = 1; i <= RUNS; i++) {
      const r = await runOnce(i);
      const inSteps = r.steps.reduce((sum, s) => sum + s.ms, 0);
      results.push({ ...r, engineMs: r.wallMs - inSteps });
      console.log(
        `  run ${i}: ${r.wallMs.toFixed(0)} ms (engine ${(r.wallMs - inSteps).toFixed(0)} ms; ${r.steps.map(s => `${s.id} ${s.ms}`).join(', ')}; ${r.spawned.length} processes spawned)`,
      );
    }
    const wall = median(results.map(r => r.wallMs));
    const engine = median(results.map(r => r.engineMs));
    const perStep = results[0].steps
      .map(s => s.id)
      .map(stepId => [
        stepId,
        median(results.map(r => r.steps.find(s => s.id === stepId).ms)),
      ]);
    console.log(
      `median wall time ${wall.toFixed(0)} ms (target ≤ 500 ms); engine's share ${engine.toFixed(0)} ms (${((100 * engine) / wall).toFixed(0)}%)`,
    );
    console.log(
      `median per step: ${perStep.map(([stepId, ms]) => `${stepId} ${ms} ms`).join(', ')}`,
    );
    const counts = new Map();
    for (const name of results[results.length - 1].spawned)
      counts.set(name, (counts.get(name) ?? 0) + 1);
    console.log(
      `processes spawned in the last run: ${[...counts].map(([name, n]) => `${name} ×${n}`).join(', ')}`,
    );
    console.log(
      `load average: ${os
        .loadavg()
        .map(l => l.toFixed(1))
        .join(' ')}`,
    );
  } finally {
    await backend.stop();
    slack.close();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch(e => {
  console.error(e);
  process.exitCode = 1;
});

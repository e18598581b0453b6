/*
 * Pipeline engine vs Backstage scaffolder benchmark.
 *
 *   yarn bench:engine [--quick] [--sqlite-only | --pg-only] [--poll-ms=N]
 *
 * Starts, inside this Node process, a real Backstage backend
 * (createBackend() from @backstage/backend-defaults) with the catalog (+ the
 * scaffolder entity model), the permission backend (allow-all policy), the
 * scaffolder and this plugin, all on one database, listening on a free local
 * port, and drives both over HTTP with a static external-access token:
 *
 *   (a) per-step overhead: one run of N sequential no-op steps (engine: `Wait`
 *       with `duration: 0s`; scaffolder: `debug:log` with a message), from the
 *       create/execute request to the terminal status, divided by N;
 *   (b) latency of a 10-step run, request to terminal status (median after
 *       warm-up);
 *   (c) M concurrent 10-step runs: runs/s and peak RSS of this process;
 *   (d) on PostgreSQL: (a)-(c) again (fresh database), then the drain rate of
 *       M queued 10-step executions with one engine instance vs two (two
 *       in-process engines on separate Knex pools to one database, as in
 *       src/engine/scaleOut.test.ts);
 *   (e) admission: 500 concurrent executes of a 5-step pipeline against a
 *       backend (engine only) in a child process on SQLite: request p50/p99
 *       and the child's peak RSS;
 *   (f) recovery: kill -9 of that child with 20 ShellScript executions
 *       running, restart with the same instance id: time until all of them
 *       moved on, and whether their step processes are gone.
 *   (e) and (f) are in bench/admissionRecovery.js; `--only=admission,recovery`
 *   runs just those (any of sqlite, postgres, scale, admission, recovery).
 *
 * SQLite runs in memory. PostgreSQL is read from BENCH_PG_URL (default
 * postgresql://postgres:postgres@127.0.0.1:5433, see scripts/start-postgres.sh);
 * every run creates its own databases and drops them afterwards.
 *
 * Prints figures, ratios and a summary next to the targets; asserts nothing.
 * Exit code 0 when the bench completed (whether or not targets were met),
 * 1 when the bench itself failed (a run errored or timed out, setup failed).
 *
 * Auth: both plugins are called with `Authorization: Bearer <token>` of a
 * static external-access token (backend.auth.externalAccess), i.e. as the
 * service principal `bench`. Neither side needs the default auth policy
 * disabled: the engine accepts user and service principals on every route,
 * and the scaffolder's POST /v2/tasks accepts service principals too (the
 * task then simply has no `createdBy` user). With `permission.enabled: true`
 * the permissions service decides service principals locally (allow, no
 * access restrictions configured), so neither side calls the permission
 * backend per request.
 */
'use strict';

require('@backstage/cli/config/nodeTransform.cjs');

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { performance } = require('node:perf_hooks');
const {
  createConfiguredBackend,
} = require('../src/e2e/__testUtils__/configuredBackend');
const { freePort } = require('../src/e2e/__testUtils__/childBackendProcess');

// ---------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
const flag = name => argv.includes(name);
const optionValue = (name, fallback) => {
  const hit = argv.find(a => a.startsWith(`${name}=`));
  return hit ? hit.slice(name.length + 1) : fallback;
};
for (const a of argv) {
  if (
    !/^--(quick|sqlite-only|pg-only|help)$/.test(a) &&
    !/^--poll-ms=\d+$/.test(a) &&
    !/^--only=(sqlite|postgres|scale|admission|recovery)(,(sqlite|postgres|scale|admission|recovery))*$/.test(
      a,
    )
  ) {
    console.error(
      `unknown argument ${a}; use --quick, --sqlite-only, --pg-only, --poll-ms=N`,
    );
    process.exit(2);
  }
}
if (flag('--help')) {
  console.log(
    'usage: node plugins/pipeline-engine-backend/bench/engine.js [--quick] [--sqlite-only | --pg-only] [--poll-ms=N]',
  );
  process.exit(0);
}
if (flag('--sqlite-only') && flag('--pg-only')) {
  console.error('--sqlite-only and --pg-only exclude each other');
  process.exit(2);
}

const QUICK = flag('--quick');
const ONLY = optionValue('--only', '');
const only = ONLY ? new Set(ONLY.split(',')) : undefined;
const RUN_SQLITE = !flag('--pg-only') && (!only || only.has('sqlite'));
const RUN_PG_BACKEND =
  !flag('--sqlite-only') && (!only || only.has('postgres'));
const RUN_SCALE = !flag('--sqlite-only') && (!only || only.has('scale'));
const RUN_PG = RUN_PG_BACKEND || RUN_SCALE;
const RUN_ADMISSION = !flag('--pg-only') && (!only || only.has('admission'));
const RUN_RECOVERY = !flag('--pg-only') && (!only || only.has('recovery'));
/** (e) concurrent executes; (f) executions interrupted by the kill. */
const ADMISSION_COUNT = QUICK ? 100 : 500;
const RECOVERY_COUNT = QUICK ? 5 : 20;
const SIZES = QUICK
  ? {
      steps: 100,
      stepRuns: 1,
      warmup: 2,
      latencyRuns: 5,
      concurrent: 20,
      drain: 40,
      drainWarmup: 10,
    }
  : {
      steps: 1000,
      stepRuns: 3,
      warmup: 5,
      latencyRuns: 20,
      concurrent: 200,
      drain: 200,
      drainWarmup: 20,
    };
/** Steps of the (b)/(c)/(d) pipelines and templates. */
const SHORT_STEPS = 10;
/** pipelineEngine.worker.concurrency of the backend and of each drain engine. */
const ENGINE_CONCURRENCY = 20;
/** pipelineEngine.worker.pollIntervalMs. */
const ENGINE_POLL_MS = 20;
/** Knex pool of each drain engine (Backstage's default plugin pool is min 0, max 10). */
const DRAIN_POOL = { min: 0, max: 10 };
/** How often (b) looks at the execution / task detail. */
const LATENCY_POLL_MS = Number(optionValue('--poll-ms', '5'));
/** How often (a) and (c) count unfinished runs (a cheap list query). */
const COUNT_POLL_MS = 10;
const RSS_SAMPLE_MS = 50;
const PG_URL = (
  process.env.BENCH_PG_URL || 'postgresql://postgres:postgres@127.0.0.1:5433'
).replace(/\/+$/, '');

const ENGINE_NONTERMINAL =
  'Queued,Running,Paused,InterventionWaiting,ApprovalWaiting,ResourceWaiting,InputWaiting';
const ENGINE_TERMINAL = new Set([
  'Success',
  'IgnoreFailed',
  'Failed',
  'Errored',
  'Aborted',
  'Expired',
  'ApprovalRejected',
]);
const SCAFFOLDER_TERMINAL = new Set([
  'completed',
  'failed',
  'cancelled',
  'skipped',
]);

// ---------------------------------------------------------------------------
// Small helpers

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const now = () => performance.now();
const mb = bytes => bytes / 1024 / 1024;
const fmt = (n, digits = 2) =>
  n === undefined || n === null || Number.isNaN(n)
    ? '—'
    : Number(n).toFixed(digits);

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** A full GC when it can be had (makes RSS baselines comparable); no-op otherwise. */
const collectGarbage = (() => {
  try {
    require('node:v8').setFlagsFromString('--expose-gc');
    const gc = require('node:vm').runInNewContext('gc');
    return () => {
      gc();
      gc();
    };
  } catch {
    return () => {};
  }
})();

/** Samples this process's RSS every RSS_SAMPLE_MS while running. */
class RssSampler {
  start() {
    this.baseline = process.memoryUsage.rss();
    this.peak = this.baseline;
    this.timer = setInterval(() => {
      const rss = process.memoryUsage.rss();
      if (rss > this.peak) this.peak = rss;
    }, RSS_SAMPLE_MS);
    return this;
  }
  stop() {
    clearInterval(this.timer);
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
    return { baselineMb: mb(this.baseline), peakMb: mb(this.peak) };
  }
}

/** CPU time of this process and event-loop utilisation since `start()`. */
function usageSince(start) {
  const cpu = process.cpuUsage(start.cpu);
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    elu: performance.eventLoopUtilization(start.elu).utilization,
  };
}
const usageStart = () => ({
  cpu: process.cpuUsage(),
  elu: performance.eventLoopUtilization(),
});
const describeUsage = (u, count) =>
  `process CPU ${fmt(u.cpuMs, 0)} ms (${fmt(u.cpuMs / count, 1)} ms per run), event loop busy ${fmt(u.elu * 100, 0)}%`;

/** Polls `probe` (true = done) every `everyMs` until done or `timeoutMs` passed. */
async function pollUntil(what, probe, everyMs, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = await probe();
    if (done) return done;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`,
      );
    await sleep(everyMs);
  }
}

/**
 * Like {@link pollUntil}, but polls every `minMs` or every 1% of the time
 * waited so far, whichever is longer: long runs are looked at about 100
 * times (the polls run on the same event loop as the system measured), and
 * the end is still seen within ~1% of the elapsed time.
 */
async function pollUntilAdaptive(what, probe, minMs, timeoutMs) {
  const start = now();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = await probe();
    if (done) return done;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`,
      );
    await sleep(Math.max(minMs, (now() - start) / 100));
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

const quietLogger = {
  info() {},
  debug() {},
  warn(message) {
    console.warn(`  [engine warn] ${message}`);
  },
  error(message) {
    console.error(`  [engine error] ${message}`);
  },
  child() {
    return quietLogger;
  },
};

// ---------------------------------------------------------------------------
// Workloads

const PROJECT = 'bench';

function pipelineYaml(identifier, steps) {
  const lines = [
    'pipeline:',
    `  name: ${identifier}`,
    `  identifier: ${identifier}`,
    '  orgIdentifier: default',
    `  projectIdentifier: ${PROJECT}`,
    '  stages:',
    '    - stage:',
    '        name: s',
    '        identifier: s',
    '        type: Custom',
    '        spec:',
    '          execution:',
    '            steps:',
  ];
  for (let i = 0; i < steps; i++) {
    lines.push(
      '              - step:',
      '                  type: Wait',
      `                  name: w${i}`,
      `                  identifier: w${i}`,
      '                  spec:',
      '                    duration: 0s',
    );
  }
  return `${lines.join('\n')}\n`;
}

function templateYaml(name, steps) {
  const lines = [
    'apiVersion: scaffolder.backstage.io/v1beta3',
    'kind: Template',
    'metadata:',
    `  name: ${name}`,
    `  title: Bench ${steps} debug:log steps`,
    'spec:',
    '  owner: bench',
    '  type: service',
    '  parameters: []',
    '  steps:',
  ];
  for (let i = 0; i < steps; i++) {
    lines.push(
      `    - id: s${i}`,
      `      name: s${i}`,
      '      action: debug:log',
      '      input:',
      `        message: step ${i}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------
// HTTP clients of the two systems

class Http {
  constructor(baseUrl, token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }
  async call(method, url, { json, text, type } = {}) {
    const headers = { authorization: `Bearer ${this.token}` };
    let body;
    if (json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(json);
    } else if (text !== undefined) {
      headers['content-type'] = type;
      body = text;
    }
    const res = await fetch(`${this.baseUrl}${url}`, { method, headers, body });
    const raw = await res.text();
    if (!res.ok) {
      const error = new Error(
        `${method} ${url} answered ${res.status}: ${raw.slice(0, 500)}`,
      );
      error.status = res.status;
      throw error;
    }
    return raw ? JSON.parse(raw) : undefined;
  }
}

/** The pipeline engine's REST API. */
class EngineApi {
  constructor(http) {
    this.http = http;
    this.base = '/api/pipeline-engine';
  }
  createPipeline(identifier, steps) {
    return this.http.call('POST', `${this.base}/pipelines`, {
      text: pipelineYaml(identifier, steps),
      type: 'application/yaml',
    });
  }
  /** Starts a run; resolves to its id. */
  async start(identifier) {
    const e = await this.http.call(
      'POST',
      `${this.base}/pipelines/default/${PROJECT}/${identifier}/execute`,
      { json: { inputSet: {} } },
    );
    return e.id;
  }
  get(id) {
    return this.http.call(
      'GET',
      `${this.base}/executions/${encodeURIComponent(id)}`,
    );
  }
  isTerminal(detail) {
    return ENGINE_TERMINAL.has(detail.status);
  }
  isSuccess(detail) {
    return detail.status === 'Success';
  }
  describe(detail) {
    return `${detail.status}${detail.errorMessage ? `: ${detail.errorMessage}` : ''}`;
  }
  /** Steps of the run that succeeded (from its node tree). */
  async completedSteps(id) {
    const detail = await this.get(id);
    let n = 0;
    const walk = nodes => {
      for (const node of nodes ?? []) {
        if (node.nodeType === 'step' && node.status === 'Success') n++;
        walk(node.children);
      }
    };
    walk(detail.nodes);
    return n;
  }
  /** Runs of `identifier` not over yet (a list query without node trees). */
  async unfinished(identifier) {
    const page = await this.http.call(
      'GET',
      `${this.base}/executions?org=default&project=${PROJECT}&pipeline=${identifier}&status=${ENGINE_NONTERMINAL}&limit=1`,
    );
    return page.totalCount;
  }
}

/** The scaffolder's REST API. */
class ScaffolderApi {
  constructor(http) {
    this.http = http;
    this.base = '/api/scaffolder';
  }
  async start(templateName) {
    const r = await this.http.call('POST', `${this.base}/v2/tasks`, {
      json: { templateRef: `template:default/${templateName}`, values: {} },
    });
    return r.id;
  }
  get(id) {
    return this.http.call(
      'GET',
      `${this.base}/v2/tasks/${encodeURIComponent(id)}`,
    );
  }
  isTerminal(task) {
    return SCAFFOLDER_TERMINAL.has(task.status);
  }
  isSuccess(task) {
    return task.status === 'completed';
  }
  describe(task) {
    return task.status;
  }
  /** Tasks not over yet, across the backend (only the bench creates tasks). */
  async unfinished() {
    const r = await this.http.call(
      'GET',
      `${this.base}/v2/tasks?status=open&status=processing&limit=1`,
    );
    return r.totalTasks;
  }
  /** Steps of the task that completed (from its log events). */
  async completedSteps(id) {
    const events = await this.http.call(
      'GET',
      `${this.base}/v2/tasks/${encodeURIComponent(id)}/events`,
    );
    return new Set(
      events
        .filter(
          e =>
            e.type === 'log' &&
            e.body?.status === 'completed' &&
            e.body?.stepId,
        )
        .map(e => e.body.stepId),
    ).size;
  }
  /** Why a task failed, from its events. */
  async failure(id) {
    try {
      const events = await this.http.call(
        'GET',
        `${this.base}/v2/tasks/${encodeURIComponent(id)}/events`,
      );
      const last = events.filter(e => e.type === 'completion').pop();
      return last?.body?.message ?? last?.body?.error?.message ?? '';
    } catch {
      return '';
    }
  }
}

// ---------------------------------------------------------------------------
// The backend

/** A backend with the catalog, permissions, the scaffolder and the engine; not started yet. */
function createBenchBackend({ database, port, token, templateFile, workDir }) {
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = {
    app: { baseUrl: 'http://127.0.0.1:3000' },
    backend: {
      baseUrl,
      listen: { host: '127.0.0.1', port },
      database,
      workingDirectory: path.join(workDir, 'scaffolder'),
      logger: {
        level: 'warn',
        // Without an events backend the scaffolder warns on its first task events; not our concern here.
        overrides: [
          {
            matchers: {
              plugin: 'scaffolder',
              message: '/^Event publish request failed/',
            },
            level: 'error',
          },
        ],
      },
      auth: {
        externalAccess: [
          { type: 'static', options: { token, subject: 'bench' } },
        ],
      },
    },
    permission: { enabled: true },
    catalog: {
      rules: [
        {
          allow: [
            'Component',
            'System',
            'API',
            'Resource',
            'Location',
            'Template',
            'Group',
            'User',
          ],
        },
      ],
      locations: [
        {
          type: 'file',
          target: templateFile,
          rules: [{ allow: ['Template'] }],
        },
      ],
    },
    // Default scaffolder settings: concurrentTasksLimit is 10 unless configured.
    scaffolder: {},
    pipelineEngine: {
      accountIdentifier: 'default',
      workspace: { root: path.join(workDir, 'engine') },
      worker: {
        concurrency: ENGINE_CONCURRENCY,
        pollIntervalMs: ENGINE_POLL_MS,
      },
    },
  };
  fs.mkdirSync(config.backend.workingDirectory, { recursive: true });
  const enginePlugin = require('../src').default;
  if (!enginePlugin || enginePlugin.$$type !== '@backstage/BackendFeature') {
    throw new Error(
      '../src does not default-export the pipeline engine backend plugin',
    );
  }
  const backend = createConfiguredBackend(config, 'bench', [
    require('@backstage/plugin-permission-backend').default,
    require('@backstage/plugin-permission-backend-module-allow-all-policy')
      .default,
    require('@backstage/plugin-catalog-backend').default,
    require('@backstage/plugin-catalog-backend-module-scaffolder-entity-model')
      .default,
    require('@backstage/plugin-scaffolder-backend').default,
    enginePlugin,
  ]);
  return { backend, baseUrl };
}

// ---------------------------------------------------------------------------
// Measurements shared by both systems

/** Starts one run and waits for its end, polling the cheap "unfinished" count. */
async function timedSingleRun(api, target, countTarget, timeoutMs) {
  const t0 = now();
  const id = await api.start(target);
  const accepted = now() - t0;
  await pollUntilAdaptive(
    `run ${id}`,
    async () => (await api.unfinished(countTarget)) === 0,
    COUNT_POLL_MS,
    timeoutMs,
  );
  const totalMs = now() - t0;
  const detail = await api.get(id);
  if (!api.isTerminal(detail))
    throw new Error(`run ${id} is not over: ${api.describe(detail)}`);
  if (!api.isSuccess(detail))
    throw new Error(
      `run ${id} ended ${api.describe(detail)}${api.failure ? ` ${await api.failure(id)}` : ''}`,
    );
  return { id, totalMs, acceptedMs: accepted, detail };
}

/** Starts one run and waits for its end, polling its detail. */
async function latencyRun(api, target, timeoutMs) {
  const t0 = now();
  const id = await api.start(target);
  const acceptedMs = now() - t0;
  const detail = await pollUntil(
    `run ${id}`,
    async () => {
      const d = await api.get(id);
      return api.isTerminal(d) ? d : undefined;
    },
    LATENCY_POLL_MS,
    timeoutMs,
  );
  const ms = now() - t0;
  if (!api.isSuccess(detail))
    throw new Error(
      `run ${id} ended ${api.describe(detail)}${api.failure ? ` ${await api.failure(id)}` : ''}`,
    );
  return { ms, acceptedMs, detail };
}

async function measurePerStep(
  label,
  api,
  target,
  countTarget,
  steps,
  timeoutMs,
) {
  const runs = [];
  // CPU time of this process (both systems live in it) varies far less
  // with machine load than wall-clock time.
  let cpuMs = 0;
  for (let i = 0; i < SIZES.stepRuns; i++) {
    const usage = usageStart();
    const r = await timedSingleRun(api, target, countTarget, timeoutMs);
    cpuMs += usageSince(usage).cpuMs;
    // Untimed: make sure every step really ran.
    const completed = await api.completedSteps(r.id);
    if (completed !== steps)
      throw new Error(`run ${r.id} completed ${completed} of ${steps} steps`);
    runs.push(r);
  }
  const totals = runs.map(r => r.totalMs);
  const totalMs = median(totals);
  const perStep = totalMs / steps;
  let extra = '';
  if (runs[0].detail.startedAt && runs[0].detail.endedAt) {
    // The engine's stored timestamps split request handling from running.
    const runPhase = median(
      runs.map(
        r => Date.parse(r.detail.endedAt) - Date.parse(r.detail.startedAt),
      ),
    );
    extra = `; stored startedAt→endedAt ${fmt(runPhase, 0)} ms = ${fmt(runPhase / steps, 3)} ms/step`;
  }
  console.log(
    `  ${label}: ${steps} steps in ${fmt(totalMs, 0)} ms = ${fmt(perStep, 3)} ms/step ` +
      `(median of ${runs.length} [${totals.map(t => fmt(t, 0)).join(', ')}]; request answered after ${fmt(median(runs.map(r => r.acceptedMs)), 0)} ms${extra}; ` +
      `process CPU ${fmt(cpuMs / (runs.length * steps), 3)} ms/step)`,
  );
  return {
    perStep,
    totalMs,
    runs: totals,
    cpuMsPerStep: cpuMs / (runs.length * steps),
  };
}

async function measureLatency(label, api, target, timeoutMs) {
  for (let i = 0; i < SIZES.warmup; i++)
    await latencyRun(api, target, timeoutMs);
  const runs = [];
  for (let i = 0; i < SIZES.latencyRuns; i++)
    runs.push(await latencyRun(api, target, timeoutMs));
  const ms = runs.map(r => r.ms);
  const out = {
    median: median(ms),
    p90: quantile(ms, 0.9),
    min: Math.min(...ms),
    max: Math.max(...ms),
  };
  out.acceptedMedian = median(runs.map(r => r.acceptedMs));
  let extra = `; request answered after ${fmt(out.acceptedMedian, 1)} ms (median)`;
  if (runs[0].detail.endedAt && runs[0].detail.createdAt) {
    // The engine stores millisecond timestamps from the database clock.
    out.serverMedian = median(
      runs.map(
        r => Date.parse(r.detail.endedAt) - Date.parse(r.detail.createdAt),
      ),
    );
    out.queueMedian = median(
      runs.map(
        r => Date.parse(r.detail.startedAt) - Date.parse(r.detail.createdAt),
      ),
    );
    extra += `; stored createdAt→endedAt ${fmt(out.serverMedian, 1)} ms (of which queued ${fmt(out.queueMedian, 1)} ms)`;
  }
  console.log(
    `  ${label}: median ${fmt(out.median, 1)} ms, p90 ${fmt(out.p90, 1)}, min ${fmt(out.min, 1)}, max ${fmt(out.max, 1)} over ${runs.length} runs after ${SIZES.warmup} warm-up${extra}`,
  );
  return out;
}

async function measureConcurrent(
  label,
  api,
  target,
  countTarget,
  count,
  timeoutMs,
) {
  collectGarbage();
  await sleep(200);
  const sampler = new RssSampler().start();
  const usage = usageStart();
  const t0 = now();
  let ids;
  let totalMs;
  let submitMs;
  let rss;
  let refused = [];
  try {
    const started = await Promise.allSettled(
      Array.from({ length: count }, () => api.start(target)),
    );
    submitMs = now() - t0;
    ids = started.filter(r => r.status === 'fulfilled').map(r => r.value);
    refused = started.filter(r => r.status === 'rejected').map(r => r.reason);
    // Even when some requests failed, wait for the accepted runs to end so
    // they do not spill into the next measurement.
    await pollUntilAdaptive(
      `${count} concurrent runs`,
      async () => (await api.unfinished(countTarget)) === 0,
      COUNT_POLL_MS,
      timeoutMs,
    );
    totalMs = now() - t0;
  } finally {
    rss = sampler.stop();
  }
  const used = usageSince(usage);
  if (refused.length) {
    throw new Error(
      `${refused.length} of ${count} requests failed, e.g. ${refused[0] && refused[0].message}`,
    );
  }
  // Untimed check that every run succeeded.
  const details = await mapLimit(ids, 10, id => api.get(id));
  const failed = details.filter(d => !api.isSuccess(d));
  if (failed.length) {
    throw new Error(
      `${failed.length} of ${count} runs did not succeed, e.g. ${api.describe(failed[0])}`,
    );
  }
  const perSecond = count / (totalMs / 1000);
  console.log(
    `  ${label}: ${count} runs in ${fmt(totalMs, 0)} ms = ${fmt(perSecond, 1)} runs/s (all requests answered after ${fmt(submitMs, 0)} ms); ` +
      `RSS peak ${fmt(rss.peakMb, 0)} MB (before ${fmt(rss.baselineMb, 0)} MB, +${fmt(rss.peakMb - rss.baselineMb, 0)} MB); ${describeUsage(used, count)}`,
  );
  return {
    perSecond,
    totalMs,
    peakMb: rss.peakMb,
    baselineMb: rss.baselineMb,
    ...used,
  };
}

/** Failed measurements, for the summary and the exit code. */
const failures = [];

/** Records a measurement's result, or its failure without stopping the bench. */
async function attempt(results, key, fn) {
  try {
    results[key] = await fn();
  } catch (error) {
    results[key] = {
      error: String(error && error.message ? error.message : error),
    };
    failures.push(`${key}: ${results[key].error}`);
    console.error(`  !! ${key} failed: ${results[key].error}`);
  }
}

// ---------------------------------------------------------------------------
// One database: backend with scaffolder + engine, (a)-(c)

async function benchBackend(dbLabel, database) {
  const results = {};
  const workDir = fs.mkdtempSync(
    path.join(os.tmpdir(), `bench-engine-${dbLabel}-`),
  );
  const token = crypto.randomBytes(32).toString('base64url');
  const longTemplate = `bench-steps-${SIZES.steps}`;
  const shortTemplate = `bench-steps-${SHORT_STEPS}`;
  const templateFile = path.join(workDir, 'templates.yaml');
  fs.writeFileSync(
    templateFile,
    [
      templateYaml(longTemplate, SIZES.steps),
      templateYaml(shortTemplate, SHORT_STEPS),
    ].join('---\n'),
  );
  const port = await freePort();

  console.log(
    `\n=== ${dbLabel}: Backstage backend on 127.0.0.1:${port} (catalog, permission allow-all, scaffolder, pipeline-engine) ===`,
  );
  const tStart = now();
  const { backend, baseUrl } = createBenchBackend({
    database,
    port,
    token,
    templateFile,
    workDir,
  });
  try {
    await backend.start();
    console.log(
      `  backend started in ${fmt(now() - tStart, 0)} ms; RSS ${fmt(mb(process.memoryUsage.rss()), 0)} MB`,
    );
    const http = new Http(baseUrl, token);
    const engine = new EngineApi(http);
    const scaffolder = new ScaffolderApi(http);

    // Templates come from the catalog: wait until it has processed the file location.
    const tCatalog = now();
    for (const name of [longTemplate, shortTemplate]) {
      await pollUntil(
        `template ${name} in the catalog`,
        async () => {
          try {
            await http.call(
              'GET',
              `/api/catalog/entities/by-name/template/default/${name}`,
            );
            return true;
          } catch (error) {
            if (error.status === 404) return false;
            throw error;
          }
        },
        200,
        180_000,
      );
    }
    console.log(
      `  catalog has both templates after ${fmt(now() - tCatalog, 0)} ms`,
    );

    const longPipeline = `steps_${SIZES.steps}`;
    const shortPipeline = `steps_${SHORT_STEPS}`;
    const concurrentPipeline = `concurrent_${SHORT_STEPS}`;
    const warmPipeline = 'warm_up';
    await engine.createPipeline(longPipeline, SIZES.steps);
    await engine.createPipeline(shortPipeline, SHORT_STEPS);
    await engine.createPipeline(concurrentPipeline, SHORT_STEPS);
    await engine.createPipeline(warmPipeline, SHORT_STEPS);

    // Warm both systems up (JIT, first-use initialisation, connection pools).
    for (let i = 0; i < 10; i++) {
      await latencyRun(engine, warmPipeline, 60_000);
      await latencyRun(scaffolder, shortTemplate, 120_000);
    }
    console.log('  warmed up: 10 short runs each');

    // (c) runs first, right after the warm-up, so its RSS baseline is a freshly
    // started backend rather than whatever the 1000-step runs left on the heap.
    console.log(
      `(c) ${SIZES.concurrent} concurrent ${SHORT_STEPS}-step runs, all requested at once (engine worker.concurrency ${ENGINE_CONCURRENCY}, ` +
        `pollIntervalMs ${ENGINE_POLL_MS}; scaffolder default concurrentTasksLimit 10; RSS sampled every ${RSS_SAMPLE_MS} ms)`,
    );
    await attempt(results, 'cEngine', () =>
      measureConcurrent(
        'engine    ',
        engine,
        concurrentPipeline,
        concurrentPipeline,
        SIZES.concurrent,
        30 * 60_000,
      ),
    );
    await attempt(results, 'cScaffolder', () =>
      measureConcurrent(
        'scaffolder',
        scaffolder,
        shortTemplate,
        undefined,
        SIZES.concurrent,
        30 * 60_000,
      ),
    );
    if (results.cEngine?.perSecond && results.cScaffolder?.perSecond) {
      console.log(
        `  ratio engine / scaffolder: ${fmt(results.cEngine.perSecond / results.cScaffolder.perSecond, 1)}×`,
      );
    }

    const longTimeout = 30 * 60_000;
    // One untimed long run each, so (a) measures warm code paths.
    await timedSingleRun(engine, longPipeline, longPipeline, longTimeout);
    await timedSingleRun(scaffolder, longTemplate, undefined, longTimeout);
    console.log(
      `(a) per-step overhead, one run of ${SIZES.steps} sequential no-op steps at a time (request → terminal status, unfinished count polled every max(${COUNT_POLL_MS} ms, 1% of elapsed); after 1 warm-up run)`,
    );
    await attempt(results, 'aEngine', () =>
      measurePerStep(
        'engine     (Wait 0s)  ',
        engine,
        longPipeline,
        longPipeline,
        SIZES.steps,
        longTimeout,
      ),
    );
    await attempt(results, 'aScaffolder', () =>
      measurePerStep(
        'scaffolder (debug:log)',
        scaffolder,
        longTemplate,
        undefined,
        SIZES.steps,
        longTimeout,
      ),
    );
    if (results.aEngine?.perStep && results.aScaffolder?.perStep) {
      console.log(
        `  ratio scaffolder / engine: ${fmt(results.aScaffolder.perStep / results.aEngine.perStep, 1)}×`,
      );
    }

    console.log(
      `(b) ${SHORT_STEPS}-step run latency (request → terminal status, detail polled every ${LATENCY_POLL_MS} ms)`,
    );
    await attempt(results, 'bEngine', () =>
      measureLatency('engine    ', engine, shortPipeline, 120_000),
    );
    await attempt(results, 'bScaffolder', () =>
      measureLatency('scaffolder', scaffolder, shortTemplate, 300_000),
    );
    if (results.bEngine?.median && results.bScaffolder?.median) {
      console.log(
        `  ratio scaffolder / engine: ${fmt(results.bScaffolder.median / results.bEngine.median, 1)}×`,
      );
    }
  } finally {
    const tStop = now();
    await backend
      .stop()
      .catch(error => console.error(`  backend.stop() failed: ${error}`));
    console.log(`  backend stopped in ${fmt(now() - tStop, 0)} ms`);
    // The scaffolder polls each task's events once a second (StorageTaskBroker.event$)
    // and those loops outlive backend.stop(); let them notice before the database goes.
    await sleep(1500);
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  return results;
}

// ---------------------------------------------------------------------------
// PostgreSQL

function pgConnection(database) {
  const u = new URL(PG_URL);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database,
  };
}

async function withPgAdmin(fn) {
  const knexFactory = require('knex');
  const admin = knexFactory({
    client: 'pg',
    connection: pgConnection('postgres'),
    pool: { min: 0, max: 1 },
  });
  try {
    return await fn(admin);
  } finally {
    await admin.destroy();
  }
}

async function createPgDatabase(tag) {
  const name = `bench_engine_${tag}_${Date.now().toString(36)}_${crypto.randomBytes(3).toString('hex')}`;
  await withPgAdmin(admin => admin.raw('CREATE DATABASE ??', [name]));
  return name;
}

async function dropPgDatabase(name) {
  try {
    await withPgAdmin(admin =>
      admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]),
    );
  } catch (error) {
    console.error(`  could not drop database ${name}: ${error.message}`);
  }
}

/** Drain of queued executions by one vs two in-process engine instances. */
async function benchScaleOut() {
  const knexFactory = require('knex');
  const { createPipelineEngineStores } = require('../src/database');
  const {
    createPipelineEngine,
    StepHandlerRegistry,
  } = require('../src/engine');
  const { builtinStepHandlers } = require('../src/steps');
  const results = {};
  const dbName = await createPgDatabase('scale');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-engine-scale-'));
  const clients = [];
  const engines = [];
  console.log(
    `\n=== postgres: drain of ${SIZES.drain} queued ${SHORT_STEPS}-step executions, one vs two engine instances ` +
      `(in-process, each its own Knex pool max ${DRAIN_POOL.max}, worker.concurrency ${ENGINE_CONCURRENCY}, pollMs ${ENGINE_POLL_MS}) ===`,
  );
  try {
    const observer = knexFactory({
      client: 'pg',
      connection: pgConnection(dbName),
      pool: { min: 0, max: 1 },
    });
    clients.push(observer);
    for (let i = 0; i < 2; i++) {
      const knex = knexFactory({
        client: 'pg',
        connection: pgConnection(dbName),
        pool: { ...DRAIN_POOL },
      });
      clients.push(knex);
      // Sequentially: the first migrates, the second finds the schema current.
      const stores = await createPipelineEngineStores({
        database: { getClient: async () => knex },
      });
      const handlers = new StepHandlerRegistry();
      handlers.add(...builtinStepHandlers);
      engines.push(
        createPipelineEngine({
          stores,
          handlers,
          logger: quietLogger,
          secrets: {},
          workspaceRoot: fs.mkdtempSync(path.join(workDir, `replica-${i}-`)),
          defaultStepTimeoutMs: 60_000,
          expressionMode: 'strict',
          accountIdentifier: 'default',
          worker: {
            concurrency: ENGINE_CONCURRENCY,
            leaseMs: 30_000,
            pollMs: ENGINE_POLL_MS,
            ownerId: `bench-replica-${i}`,
          },
        }),
      );
    }
    const actor = { identity: 'user:default/bench' };
    await engines[0].service.createPipeline(
      pipelineYaml('drain', SHORT_STEPS),
      actor,
    );
    const pipelineRef = {
      orgIdentifier: 'default',
      projectIdentifier: PROJECT,
      pipelineIdentifier: 'drain',
    };

    const unfinished = async () => {
      const [{ n }] = await observer('executions')
        .whereNotIn('status', [...ENGINE_TERMINAL])
        .count({ n: '*' });
      return Number(n);
    };
    const drain = async (count, active) => {
      // Workers are stopped: enqueueing only writes Queued rows.
      for (let i = 0; i < count; i++)
        await engines[0].service.execute(pipelineRef, {}, actor);
      if ((await unfinished()) !== count)
        throw new Error(`expected ${count} queued executions before the drain`);
      const before = active.map(e => e.worker.finishedCount);
      collectGarbage();
      const usage = usageStart();
      const t0 = now();
      active.forEach(e => e.worker.start());
      await pollUntilAdaptive(
        `drain of ${count} executions`,
        async () => (await unfinished()) === 0,
        COUNT_POLL_MS,
        30 * 60_000,
      );
      const ms = now() - t0;
      const used = usageSince(usage);
      await Promise.all(active.map(e => e.worker.stop()));
      const [{ n: bad }] = await observer('executions')
        .whereNot('status', 'Success')
        .count({ n: '*' });
      if (Number(bad) !== 0)
        throw new Error(`${bad} executions did not succeed`);
      return {
        ms,
        perSecond: count / (ms / 1000),
        split: active.map((e, i) => e.worker.finishedCount - before[i]),
        ...used,
      };
    };

    await drain(SIZES.drainWarmup, [engines[0], engines[1]]);
    await attempt(results, 'dOne', async () => {
      const r = await drain(SIZES.drain, [engines[0]]);
      console.log(
        `  one engine : ${SIZES.drain} executions in ${fmt(r.ms, 0)} ms = ${fmt(r.perSecond, 1)} executions/s; ${describeUsage(r, SIZES.drain)}`,
      );
      return r;
    });
    await attempt(results, 'dTwo', async () => {
      const r = await drain(SIZES.drain, [engines[0], engines[1]]);
      console.log(
        `  two engines: ${SIZES.drain} executions in ${fmt(r.ms, 0)} ms = ${fmt(r.perSecond, 1)} executions/s (ran ${r.split.join(' + ')}); ${describeUsage(r, SIZES.drain)}`,
      );
      return r;
    });
    if (results.dOne?.perSecond && results.dTwo?.perSecond) {
      console.log(
        `  ratio two / one: ${fmt(results.dTwo.perSecond / results.dOne.perSecond, 2)}×`,
      );
    }
    console.log(
      "  note: both instances share this process's JavaScript thread (and this machine's CPUs with PostgreSQL): when one engine already keeps " +
        'the event loop busy, a second in-process instance can only overlap database waits, not CPU work.',
    );
  } finally {
    await Promise.allSettled(engines.map(e => e.worker.stop()));
    await Promise.allSettled(clients.map(c => c.destroy()));
    fs.rmSync(workDir, { recursive: true, force: true });
    await dropPgDatabase(dbName);
  }
  return results;
}

async function checkPostgres() {
  try {
    await withPgAdmin(admin => admin.raw('select 1'));
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${PG_URL.replace(/:[^:@/]*@/, ':***@')} (${error.message}); ` +
        'start it with scripts/start-postgres.sh, set BENCH_PG_URL, or pass --sqlite-only',
    );
  }
}

// ---------------------------------------------------------------------------
// Summary

function summary(all) {
  const rows = [];
  const yesNo = ok => {
    if (ok === undefined) return '—';
    return ok ? 'yes' : 'NO';
  };
  const val = (r, key, digits) => {
    if (!r) return 'skipped';
    return r.error ? 'ERROR' : fmt(r[key], digits);
  };
  for (const [db, r, stepTarget] of [
    ['sqlite', all.sqlite, 0.2],
    ['postgres', all.postgres, 0.5],
  ]) {
    if (!r) continue;
    if (r.error) {
      rows.push([
        '(a)-(c)',
        db,
        'ERROR',
        'ERROR',
        '',
        `phase failed: ${r.error.slice(0, 60)}`,
        '—',
      ]);
      continue;
    }
    const ratio = (x, y) =>
      x && y && !x.error && !y.error ? x / y : undefined;
    const aRatio = ratio(r.aScaffolder?.perStep, r.aEngine?.perStep);
    rows.push([
      `(a) per-step overhead, ms/step`,
      db,
      val(r.aEngine, 'perStep', 3),
      val(r.aScaffolder, 'perStep', 3),
      aRatio === undefined ? '—' : `${fmt(aRatio, 1)}× lower`,
      `≥ 5× lower (≈ engine ≤ ${stepTarget} ms)`,
      aRatio === undefined
        ? '—'
        : `${yesNo(aRatio >= 5)} (≤ ${stepTarget} ms: ${yesNo(r.aEngine.perStep <= stepTarget)})`,
    ]);
    const bRatio = ratio(r.bScaffolder?.median, r.bEngine?.median);
    rows.push([
      `(b) ${SHORT_STEPS}-step latency, median ms`,
      db,
      val(r.bEngine, 'median', 1),
      val(r.bScaffolder, 'median', 1),
      bRatio === undefined ? '—' : `${fmt(bRatio, 1)}× lower`,
      'engine ≤ 30 ms',
      yesNo(r.bEngine && !r.bEngine.error ? r.bEngine.median <= 30 : undefined),
    ]);
    const cRatio = ratio(r.cEngine?.perSecond, r.cScaffolder?.perSecond);
    rows.push([
      `(c) ${SIZES.concurrent}×${SHORT_STEPS}-step, runs/s`,
      db,
      val(r.cEngine, 'perSecond', 1),
      val(r.cScaffolder, 'perSecond', 1),
      cRatio === undefined ? '—' : `${fmt(cRatio, 1)}× more`,
      '(no target)',
      '—',
    ]);
    const rssOf = x => {
      if (!x) return 'skipped';
      return x.error
        ? 'ERROR'
        : `${fmt(x.peakMb, 0)} (+${fmt(x.peakMb - x.baselineMb, 0)})`;
    };
    rows.push([
      `(c) peak RSS, MB (+ over before)`,
      db,
      rssOf(r.cEngine),
      rssOf(r.cScaffolder),
      '',
      'engine ≤ 512 MB',
      yesNo(
        r.cEngine && !r.cEngine.error ? r.cEngine.peakMb <= 512 : undefined,
      ),
    ]);
  }
  if (all.scale?.error) {
    rows.push([
      '(d) one vs two engines',
      'postgres',
      'ERROR',
      'ERROR',
      '',
      `phase failed: ${all.scale.error.slice(0, 60)}`,
      '—',
    ]);
  } else if (all.scale) {
    const { dOne, dTwo } = all.scale;
    const ok = dOne && dTwo && !dOne.error && !dTwo.error;
    const ratio = ok ? dTwo.perSecond / dOne.perSecond : undefined;
    rows.push([
      `(d) ${SIZES.drain} queued, executions/s`,
      'postgres',
      `1: ${val(dOne, 'perSecond', 1)}`,
      `2: ${val(dTwo, 'perSecond', 1)}`,
      ratio === undefined ? '—' : `${fmt(ratio, 2)}× (2 vs 1)`,
      'two ≥ 1.6× one',
      yesNo(ok ? ratio >= 1.6 : undefined),
    ]);
  }
  const admission = all.admission;
  if (admission) {
    rows.push([
      `(e) ${ADMISSION_COUNT} concurrent executes, request p99 ms`,
      'sqlite',
      admission.error
        ? 'ERROR'
        : `${fmt(admission.p99, 0)} (p50 ${fmt(admission.p50, 0)})`,
      '',
      '',
      '≤ 1000 ms',
      yesNo(admission.error ? undefined : admission.p99 <= 1000),
    ]);
    rows.push([
      `(e) peak backend RSS, MB`,
      'sqlite',
      admission.error || admission.peakMb === undefined
        ? 'ERROR'
        : fmt(admission.peakMb, 0),
      '',
      '',
      '≤ 600 MB',
      yesNo(
        admission.error || admission.peakMb === undefined
          ? undefined
          : admission.peakMb <= 600,
      ),
    ]);
  }
  const recovery = all.recovery;
  if (recovery) {
    rows.push([
      `(f) kill -9 → all ${RECOVERY_COUNT} moved on, ms after up`,
      'sqlite',
      recovery.error
        ? 'ERROR'
        : `${fmt(recovery.movedMs, 0)} (boot ${fmt(recovery.bootMs, 0)})`,
      '',
      '',
      '≤ 2000 ms, no orphans',
      yesNo(
        recovery.error
          ? undefined
          : recovery.movedMs <= 2000 && recovery.leftover === 0,
      ),
    ]);
  }
  const header = [
    'measurement',
    'database',
    'engine',
    'scaffolder',
    'ratio',
    'target',
    'met',
  ];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map(r => String(r[i]).length)),
  );
  const line = cells =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  console.log(
    `\n=== Summary${QUICK ? ' (--quick: smaller N, figures not comparable with the targets)' : ''} ===`,
  );
  console.log(line(header));
  console.log(line(widths.map(w => '-'.repeat(w))));
  rows.forEach(r => console.log(line(r)));
  console.log(
    `\n(a) engine = Wait 0s steps, scaffolder = debug:log steps, ${SIZES.steps} per run; (b) ${SIZES.latencyRuns} runs after ${SIZES.warmup} warm-up, ` +
      `detail polled every ${LATENCY_POLL_MS} ms; (c) engine worker.concurrency ${ENGINE_CONCURRENCY}, scaffolder concurrentTasksLimit 10 (default); ` +
      'RSS is of this whole process (both plugins, catalog, everything loaded so far; ' +
      'with both databases the postgres phase starts on the heap the sqlite phase left, so use --pg-only for a clean postgres RSS); ' +
      `(d) two in-process engine instances, each worker.concurrency ${ENGINE_CONCURRENCY} on its own pool (max ${DRAIN_POOL.max}).`,
  );
}

// ---------------------------------------------------------------------------

/*
 * A running backend logs unhandled rejections itself and removes its handler
 * on stop(); loops inside Backstage plugins (e.g. the scaffolder's per-task
 * event polling) can still reject after that. Report them instead of dying:
 * every measurement checks its own results.
 */
let strayErrors = 0;
process.on('unhandledRejection', error => {
  strayErrors++;
  console.error(
    `  (stray unhandled rejection, ignored: ${error && error.message ? error.message.split('\n')[0] : error})`,
  );
});

async function main() {
  process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'warn';
  console.log(
    `pipeline engine vs scaffolder bench${QUICK ? ' (--quick)' : ''}: node ${process.version}, ${os.cpus().length} CPUs, ` +
      `load average ${os
        .loadavg()
        .map(l => l.toFixed(2))
        .join(' ')}`,
  );
  console.log(
    "(the scaffolder may log 'Heartbeat for task … failed … No running task' errors: its heartbeat timer racing a task's completion; harmless)",
  );
  console.log(
    `sizes: (a) ${SIZES.steps} steps, (b) ${SIZES.warmup}+${SIZES.latencyRuns} runs, (c) ${SIZES.concurrent} concurrent, (d) ${SIZES.drain} queued; ` +
      `engine worker.concurrency ${ENGINE_CONCURRENCY}, pollIntervalMs ${ENGINE_POLL_MS}`,
  );
  const all = {};
  if (RUN_PG) await checkPostgres();
  // A phase that cannot even run (e.g. the backend does not start) is a bench
  // failure, but the other phases still run and report.
  const phase = async (key, fn) => {
    try {
      all[key] = await fn();
    } catch (error) {
      all[key] = {
        error: String(error && error.message ? error.message : error),
      };
      failures.push(`${key}: ${error && error.stack ? error.stack : error}`);
      console.error(`  !! ${key} phase failed: ${all[key].error}`);
    }
  };
  if (RUN_SQLITE) {
    await phase('sqlite', () =>
      benchBackend('sqlite', {
        client: 'better-sqlite3',
        connection: ':memory:',
      }),
    );
  }
  if (RUN_PG_BACKEND) {
    await phase('postgres', async () => {
      // One fresh database; each plugin gets its own schema in it.
      const dbName = await createPgDatabase('backend');
      try {
        return await benchBackend('postgres', {
          client: 'pg',
          pluginDivisionMode: 'schema',
          connection: pgConnection(dbName),
        });
      } finally {
        await dropPgDatabase(dbName);
      }
    });
  }
  if (RUN_SCALE) await phase('scale', () => benchScaleOut());
  if (RUN_ADMISSION || RUN_RECOVERY) {
    const { benchAdmission, benchRecovery } = require('./admissionRecovery');
    if (RUN_ADMISSION) {
      console.log(
        `\n(e) admission: ${ADMISSION_COUNT} concurrent executes of a 5-step pipeline, backend (engine only) in a child process on SQLite, ` +
          `worker.concurrency ${ENGINE_CONCURRENCY}, pollIntervalMs ${ENGINE_POLL_MS}`,
      );
      await phase('admission', () =>
        benchAdmission({
          count: ADMISSION_COUNT,
          concurrency: ENGINE_CONCURRENCY,
          pollMs: ENGINE_POLL_MS,
        }),
      );
    }
    if (RUN_RECOVERY) {
      console.log(
        `\n(f) recovery: kill -9 of a backend (child process, SQLite file) with ${RECOVERY_COUNT} ShellScript executions running; ` +
          'restart with the same worker.instanceId (default lease 30 s, poll 1 s)',
      );
      await phase('recovery', () => benchRecovery({ count: RECOVERY_COUNT }));
    }
  }
  summary(all);
  if (strayErrors)
    console.log(
      `(${strayErrors} stray unhandled rejection(s) from inside the backend were reported above and ignored)`,
    );
  if (failures.length) {
    console.error(
      `\nthe bench failed: ${failures.length} measurement(s) errored:\n  ${failures.join('\n  ')}`,
    );
    return 1;
  }
  return 0;
}

main().then(
  code => {
    // Everything was stopped; exit explicitly in case a library left a timer behind.
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  },
  error => {
    console.error(
      `\nthe bench failed: ${error && error.stack ? error.stack : error}`,
    );
    process.exit(1);
  },
);

/* eslint-disable no-console -- a benchmark prints its figures */
/*
 * Two measurements on a real backend (engine plugin only) in a child
 * process, so that its RSS and its restart are its own:
 *
 *   (e) admission: N concurrent `POST …/execute` of a 5-step pipeline on
 *       SQLite: request latency p50/p99/max, time until all ended, and the
 *       backend's peak RSS (VmHWM, reset before the burst);
 *   (f) recovery: M executions running a ShellScript `sleep 600` each,
 *       kill -9 of the backend, start again with the same instance id: time
 *       from the new process being up (backend started) until every
 *       interrupted execution has been taken over, and whether the crashed
 *       run's step processes are gone.
 *
 * Requires the TypeScript loader (engine.js registers it). To profile the
 * backend, set PIPELINE_ENGINE_CHILD_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR".
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { performance } = require('node:perf_hooks');
const knexFactory = require('knex');
const {
  childBackendStats,
  freePort,
  startChildBackend,
} = require('../src/e2e/__testUtils__/childBackendProcess');
const { processGroupMembers } = require('../src/runners/procfs');

const now = () => performance.now();
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const fmt = (n, digits = 0) =>
  n === undefined || Number.isNaN(n) ? '—' : Number(n).toFixed(digits);

function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** VmRSS / VmHWM of a process in MB (Linux). */
function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = name =>
    Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)[1]);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Resets a process's peak RSS (VmHWM) to its current RSS (Linux ≥ 4.0). */
function resetPeak(pid) {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

function backendConfig({ port, token, database, workDir, engine }) {
  return {
    backend: {
      baseUrl: `http://127.0.0.1:${port}`,
      listen: { host: '127.0.0.1', port },
      database,
      logger: { level: 'warn' },
      auth: {
        externalAccess: [
          { type: 'static', options: { token, subject: 'bench' } },
        ],
      },
    },
    permission: { enabled: false },
    pipelineEngine: {
      accountIdentifier: 'default',
      workspace: { root: path.join(workDir, 'engine') },
      ...engine,
    },
  };
}

function client(port, token) {
  const base = `http://127.0.0.1:${port}/api/pipeline-engine`;
  return async (method, route, body) => {
    const response = await fetch(`${base}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type':
          typeof body === 'string' ? 'application/yaml' : 'application/json',
      },
      body: typeof body === 'object' ? JSON.stringify(body) : body,
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(
        `${method} ${route}: ${response.status} ${text.slice(0, 300)}`,
      );
    return JSON.parse(text);
  };
}

function pipelineYaml(identifier, stepsYaml) {
  return `pipeline:
  name: ${identifier}
  identifier: ${identifier}
  orgIdentifier: default
  projectIdentifier: bench
  stages:
    - stage:
        name: s
        identifier: s
        type: Custom
        spec:
          execution:
            steps:
${stepsYaml}`;
}

const waitSteps = count =>
  Array.from(
    { length: count },
    (_, i) => `              - step:
                  type: Wait
                  name: w${i}
                  identifier: w${i}
                  spec:
                    duration: 0s
`,
  ).join('');

const TERMINAL = new Set([
  'Success',
  'Failed',
  'Errored',
  'Aborted',
  'Expired',
  'ApprovalRejected',
]);

/** (e) N concurrent executes of a 5-step pipeline against a fresh backend on SQLite. */
async function benchAdmission({ count, concurrency, pollMs }) {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-admission-'));
  const token = crypto.randomBytes(24).toString('base64url');
  const port = await freePort();
  const backend = await startChildBackend(
    backendConfig({
      port,
      token,
      workDir,
      database: { client: 'better-sqlite3', connection: ':memory:' },
      engine: { worker: { concurrency, pollIntervalMs: pollMs } },
    }),
  );
  const call = client(port, token);
  try {
    await call('POST', '/pipelines', pipelineYaml('admission', waitSteps(5)));
    const execute = () =>
      call('POST', '/pipelines/default/bench/admission/execute', {
        inputSet: {},
      });
    const unfinished = async () =>
      (
        await call(
          'GET',
          `/executions?org=default&project=bench&pipeline=admission&status=Queued,Running&limit=1`,
        )
      ).totalCount;
    for (let i = 0; i < 20; i++) await execute();
    while ((await unfinished()) > 0) await sleep(20);
    const before = memoryOf(backend.process.pid);
    const peakReset = resetPeak(backend.process.pid);
    const statsBefore = await childBackendStats(backend);
    const latencies = [];
    const t0 = now();
    const ids = await Promise.all(
      Array.from({ length: count }, async () => {
        const started = now();
        const execution = await execute();
        latencies.push(now() - started);
        return execution.id;
      }),
    );
    const answeredMs = now() - t0;
    const statsAnswered = await childBackendStats(backend);
    while ((await unfinished()) > 0) await sleep(50);
    const totalMs = now() - t0;
    const statsEnded = await childBackendStats(backend);
    const spent = stats => ({
      cpuMs: stats.cpuMs - statsBefore.cpuMs,
      executed: stats.executed - statsBefore.executed,
      prepared: stats.prepared - statsBefore.prepared,
    });
    const memory = memoryOf(backend.process.pid);
    let failed = 0;
    for (const id of ids) {
      const detail = await call('GET', `/executions/${id}`);
      if (detail.status !== 'Success') failed++;
      if (!TERMINAL.has(detail.status))
        throw new Error(`execution ${id} is still ${detail.status}`);
    }
    const result = {
      count,
      p50: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
      p99: quantile(latencies, 0.99),
      max: Math.max(...latencies),
      answeredMs,
      totalMs,
      failed,
      rssBeforeMb: before.rssMb,
      peakMb: peakReset ? memory.peakMb : undefined,
      untilAnswered: spent(statsAnswered),
      untilEnded: spent(statsEnded),
    };
    const describeSpent = (what, used) =>
      `${what}: CPU ${fmt(used.cpuMs)} ms (${fmt(used.cpuMs / count, 2)} ms per execute), ` +
      `${used.executed} SQL statements run (${fmt(used.executed / count, 1)} per execute), ${used.prepared} compiled`;
    console.log(
      `  ${count} concurrent executes: request p50 ${fmt(result.p50)} ms, p95 ${fmt(result.p95)} ms, p99 ${fmt(result.p99)} ms, max ${fmt(result.max)} ms; ` +
        `all answered after ${fmt(answeredMs)} ms, all ended after ${fmt(totalMs)} ms (${failed} not Success); ` +
        `backend RSS before ${fmt(before.rssMb)} MB, peak ${peakReset ? `${fmt(memory.peakMb)} MB` : 'unknown (clear_refs not writable)'}`,
    );
    // CPU and statement counts vary far less with machine load than latency.
    console.log(
      `  backend ${describeSpent('until all answered', result.untilAnswered)}; ${describeSpent('until all ended (5 steps each)', result.untilEnded)}`,
    );
    return result;
  } finally {
    backend.process.kill('SIGTERM');
    await backend.exited;
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

/** (f) kill -9 with `count` ShellScript executions running, then restart with the same instance id. */
async function benchRecovery({ count }) {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-recovery-'));
  const dbDir = path.join(workDir, 'db');
  fs.mkdirSync(dbDir);
  const token = crypto.randomBytes(24).toString('base64url');
  const port = await freePort();
  const config = backendConfig({
    port,
    token,
    workDir,
    database: { client: 'better-sqlite3', connection: { directory: dbDir } },
    // Default lease (30 s) and poll interval (1 s).
    engine: {
      worker: { concurrency: count, instanceId: 'bench-recovery' },
      runners: { local: { enabled: true } },
    },
  });
  const children = [];
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dbDir, 'pipeline-engine.sqlite') },
    useNullAsDefault: true,
  });
  try {
    const first = await startChildBackend(config);
    children.push(first);
    const call = client(port, token);
    const steps = `              - step:
                  type: ShellScript
                  name: sleep
                  identifier: sleep
                  spec:
                    shell: Bash
                    source:
                      type: Inline
                      spec:
                        script: sleep 600
`;
    await call('POST', '/pipelines', pipelineYaml('recovery', steps));
    for (let i = 0; i < count; i++) {
      await call('POST', '/pipelines/default/bench/recovery/execute', {
        inputSet: {},
      });
    }
    let groups = [];
    for (let i = 0; i < 6000 && groups.length < count; i++) {
      await sleep(20);
      groups = await db('step_processes').select('pgid');
    }
    if (groups.length < count)
      throw new Error(`only ${groups.length} of ${count} steps started`);
    const running = await db('executions')
      .where({ status: 'Running' })
      .select('id', 'lease_expires_at');
    const leaseLeftMs =
      Math.min(...running.map(r => Number(r.lease_expires_at))) - Date.now();

    first.process.kill('SIGKILL');
    await first.exited;
    const orphanGroups = groups.filter(
      g => processGroupMembers(Number(g.pgid)).length > 0,
    ).length;
    const tSpawn = now();
    const second = await startChildBackend(config);
    children.push(second);
    const tUp = now();
    let moved = 0;
    for (;;) {
      const [{ n }] = await db('executions')
        .where('recovery_count', '>=', 1)
        .count({ n: '*' });
      moved = Number(n);
      if (moved >= running.length) break;
      if (now() - tUp > 120_000)
        throw new Error(
          `only ${moved} of ${running.length} executions moved on after 120 s`,
        );
      await sleep(10);
    }
    const tMoved = now();
    const leftover = groups.filter(
      g => processGroupMembers(Number(g.pgid)).length > 0,
    ).length;
    const result = {
      count: running.length,
      bootMs: tUp - tSpawn,
      movedMs: tMoved - tUp,
      killToMovedMs: tMoved - tSpawn,
      leaseLeftMs,
      orphanGroups,
      leftover,
    };
    console.log(
      `  kill -9 with ${running.length} ShellScript executions running (${orphanGroups} step process groups left behind, ` +
        `lease still valid for ${fmt(leaseLeftMs / 1000, 1)} s): restarted backend up after ${fmt(result.bootMs)} ms; ` +
        `all ${running.length} executions moved on ${fmt(result.movedMs)} ms after it was up ` +
        `(${fmt(result.killToMovedMs)} ms after the restart began); step process groups still alive: ${leftover}`,
    );
    return result;
  } finally {
    for (const child of children) child.process.kill('SIGKILL');
    await Promise.all(children.map(c => c.exited));
    await db.destroy();
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

module.exports = { benchAdmission, benchRecovery };

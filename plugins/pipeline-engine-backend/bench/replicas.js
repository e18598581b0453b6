#!/usr/bin/env node
/* eslint-disable no-console -- a benchmark prints its figures */
/*
 * Benchmark: throughput of 1 vs 2 engine replicas as separate processes on
 * one PostgreSQL database (the scale-out figure; the in-process
 * variant in engine.js shares one JavaScript thread). Each round starts N
 * replica processes, warms each one up (its own ten-step executions, so the
 * drain measures JIT-compiled code as a long-running backend has it), stops
 * their workers, enqueues 600 ten-step executions, then restarts the workers
 * and times the drain. Every round runs on a fresh database (tables that
 * grew and bloated in earlier rounds would slow later ones), in the order
 * 1, 2, 2, 1, 1, 2 replicas; the ratio compares medians. Prints figures;
 * asserts nothing.
 *
 * Usage: node bench/replicas.js [postgres-url] [--events]   (default: the test server on 127.0.0.1:5433)
 *
 * --events measures push between replicas instead (bench/replicaEvents.js):
 * cross-replica abort and log latency, queries per minute of an idle replica.
 */
require('@backstage/cli/config/nodeTransform.cjs');
const { fork } = require('node:child_process');
const { mkdtempSync, readFileSync } = require('node:fs');
const os = require('node:os');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const knexFactory = require('knex');
const { createPipelineEngineStores } = require('../src/database');
const { createPipelineEngine, StepHandlerRegistry } = require('../src/engine');
const { builtinStepHandlers } = require('../src/steps');

const BASE_URL =
  process.argv[2] && !process.argv[2].startsWith('--')
    ? process.argv[2]
    : 'postgresql://postgres:postgres@127.0.0.1:5433';
const RUNS = 600;
const WARMUP = 100;
const silent = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silent;
  },
};

async function engineOn(knex, ownerId) {
  const stores = await createPipelineEngineStores({
    database: { getClient: async () => knex },
  });
  const handlers = new StepHandlerRegistry();
  handlers.add(...builtinStepHandlers);
  return {
    stores,
    engine: createPipelineEngine({
      stores,
      handlers,
      logger: silent,
      secrets: {},
      workspaceRoot: mkdtempSync(join(tmpdir(), 'replica-')),
      defaultStepTimeoutMs: 60_000,
      expressionMode: 'strict',
      accountIdentifier: 'bench',
      worker: { concurrency: 20, leaseMs: 30_000, pollMs: 20, ownerId },
    }),
  };
}

/** Jiffies per CPU state from /proc/stat (Linux), or undefined elsewhere. */
function machineCpu() {
  try {
    return readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
  } catch {
    return undefined;
  }
}

/** Share of CPU time not idle (idle and iowait are fields 4 and 5) between two samples. */
function machineBusy(before, after) {
  if (!before || !after) return undefined;
  const delta = after.map((v, i) => v - before[i]);
  const total = delta.reduce((a, b) => a + b, 0);
  return total > 0 ? 100 * (1 - (delta[3] + delta[4]) / total) : undefined;
}

const stepsYaml = identifier => {
  const steps = Array.from(
    { length: 10 },
    (_, i) =>
      `              - step:\n                  type: Wait\n                  name: w${i}\n                  identifier: w${i}\n                  spec:\n                    duration: 0s\n`,
  ).join('');
  return `pipeline:\n  name: ${identifier}\n  identifier: ${identifier}\n  orgIdentifier: default\n  projectIdentifier: default\n  stages:\n    - stage:\n        name: s\n        identifier: s\n        type: Custom\n        spec:\n          execution:\n            steps:\n${steps}`;
};
const actor = { identity: 'user:default/bench' };

async function drained(knex, pipelineIdentifier) {
  for (;;) {
    const query = knex('executions').whereIn('status', ['Queued', 'Running']);
    if (pipelineIdentifier)
      query.where({ pipeline_identifier: pipelineIdentifier });
    const [{ n }] = await query.count({ n: '*' });
    if (Number(n) === 0) return;
    await new Promise(r => setTimeout(r, 10));
  }
}

/**
 * A replica process: warms up on executions of its own, then runs its
 * worker whenever told 'go' until told 'stop'.
 */
async function child(dbUrl, id) {
  const knex = knexFactory({
    client: 'pg',
    connection: dbUrl,
    pool: { min: 1, max: 10 },
  });
  const { engine } = await engineOn(knex, `replica-${id}`);
  const warmup = await engine.service.createPipeline(
    stepsYaml(`warmup_${id}`),
    actor,
  );
  engine.worker.start();
  for (let i = 0; i < WARMUP; i++)
    await engine.service.execute(warmup, {}, actor);
  await drained(knex, `warmup_${id}`);
  await engine.worker.stop();
  process.send({ ready: true });
  process.on('message', async message => {
    if (message === 'go') {
      engine.worker.start();
      return;
    }
    if (message !== 'stop') return;
    await engine.worker.stop();
    await knex.destroy();
    process.exit(0);
  });
}

/** One round on a fresh database, so every round starts from the same state. */
async function round(admin, replicas, index) {
  const db = `bench_replicas_${Date.now()}_${index}`;
  await admin.raw(`CREATE DATABASE ${db}`);
  const dbUrl = `${BASE_URL}/${db}`;
  const knex = knexFactory({ client: 'pg', connection: dbUrl });
  const children = [];
  try {
    const { engine } = await engineOn(knex, 'bench-enqueuer');
    const pipeline = await engine.service.createPipeline(
      stepsYaml('replicas'),
      actor,
    );
    for (let i = 0; i < replicas; i++) {
      children.push(
        await new Promise(resolve => {
          const c = fork(__filename, ['--child', dbUrl, String(i)], {
            stdio: 'inherit',
          });
          // Only our own message: the TypeScript loader sends others over IPC.
          const onMessage = message => {
            if (message && message.ready === true) {
              c.off('message', onMessage);
              resolve(c);
            }
          };
          c.on('message', onMessage);
        }),
      );
    }
    for (let i = 0; i < RUNS; i++)
      await engine.service.execute(pipeline, {}, actor);
    await knex.raw('VACUUM ANALYZE');
    const cpu0 = machineCpu();
    const start = Date.now();
    children.forEach(c => c.send('go'));
    await drained(knex, 'replicas');
    const ms = Date.now() - start;
    const busy = machineBusy(cpu0, machineCpu());
    const ended = await knex('executions')
      .where({ pipeline_identifier: 'replicas' })
      .groupBy('status')
      .select('status')
      .count({ n: '*' });
    const succeeded = Number(ended.find(r => r.status === 'Success')?.n ?? 0);
    if (succeeded !== RUNS)
      throw new Error(
        `only ${succeeded} of ${RUNS} executions succeeded: ${JSON.stringify(ended)}`,
      );
    const perSecond = (RUNS / ms) * 1000;
    const cpuNote =
      busy === undefined
        ? ''
        : `; all ${os.cpus().length} CPUs ${busy.toFixed(0)}% busy (replicas, PostgreSQL, this process) = ${(((busy / 100) * os.cpus().length * ms) / RUNS).toFixed(1)} ms of machine CPU per execution`;
    console.log(
      `${replicas} replica process(es): ${RUNS} ten-step executions in ${ms} ms = ${perSecond.toFixed(1)} executions/s${cpuNote}`,
    );
    return perSecond;
  } finally {
    await Promise.all(
      children.map(
        c =>
          new Promise(resolve => {
            c.once('exit', resolve);
            c.send('stop');
          }),
      ),
    );
    await knex.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS ${db}`);
  }
}

async function mainEvents() {
  const { benchEvents, benchIdle } = require('./replicaEvents');
  const admin = knexFactory({
    client: 'pg',
    connection: `${BASE_URL}/postgres`,
  });
  const db = `bench_replica_events_${Date.now()}`;
  await admin.raw(`CREATE DATABASE ${db}`);
  try {
    await benchEvents(`${BASE_URL}/${db}`);
    await benchIdle(`${BASE_URL}/${db}`);
  } finally {
    await admin.raw(`DROP DATABASE IF EXISTS ${db}`);
    await admin.destroy();
  }
}

async function main() {
  if (process.argv.includes('--events')) {
    await mainEvents();
    return;
  }
  const admin = knexFactory({
    client: 'pg',
    connection: `${BASE_URL}/postgres`,
  });
  try {
    const results = { 1: [], 2: [] };
    const order = [1, 2, 2, 1, 1, 2];
    for (const [index, replicas] of order.entries()) {
      results[replicas].push(await round(admin, replicas, index));
    }
    const median = list => [...list].sort((a, b) => a - b)[list.length >> 1];
    console.log(
      `two / one (median of ${results[2].length} rounds each, alternating): ${(median(results[2]) / median(results[1])).toFixed(2)}×   ` +
        "(target ≥ 1.6×; PostgreSQL, the enqueuer and both replicas share this machine's CPUs)",
    );
  } finally {
    await admin.destroy();
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4]).catch(e => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch(e => {
    console.error(e);
    process.exit(1);
  });
}

/* eslint-disable no-console -- a benchmark prints its figures */
/*
 * Push between replicas (`yarn bench:replicas --events`): two engine
 * instances, each on its own connection pool and its own LISTEN connection
 * to one PostgreSQL database, in this process (one clock for both):
 *
 *   - abort: replica B aborts an execution running on replica A (a Wait
 *     step of 10 minutes); time from B's request until A's run is told,
 *     and until B hears that it ended Aborted. Both replicas poll every 10
 *     minutes, so only events can carry it.
 *   - log: replica A stores a log line (a step's start and end); time until
 *     B, told by the event, has read it as its log stream does.
 *   - idle: queries per minute of a replica with nothing to do (default
 *     poll interval), counted on its connection pool.
 */
'use strict';

const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { performance } = require('node:perf_hooks');
const knexFactory = require('knex');
const { createPipelineEngineStores } = require('../src/database');
const { createPipelineEngine, StepHandlerRegistry } = require('../src/engine');
const { builtinStepHandlers } = require('../src/steps');

const NEVER = 600_000;
const TRIALS = 20;
const IDLE_MS = 30_000;
const actor = { identity: 'user:default/bench' };
const silent = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silent;
  },
};
const quantile = (values, q) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

async function replica(dbUrl, ownerId, worker) {
  const knex = knexFactory({
    client: 'pg',
    connection: dbUrl,
    pool: { min: 1, max: 10 },
  });
  const stores = await createPipelineEngineStores({
    database: { getClient: async () => knex },
  });
  const handlers = new StepHandlerRegistry();
  handlers.add(...builtinStepHandlers);
  const engine = createPipelineEngine({
    stores,
    handlers,
    logger: silent,
    secrets: {},
    workspaceRoot: mkdtempSync(join(tmpdir(), 'replica-events-')),
    defaultStepTimeoutMs: NEVER,
    expressionMode: 'strict',
    accountIdentifier: 'bench',
    worker: { concurrency: 4, leaseMs: 30_000, ownerId, ...worker },
  });
  return { knex, engine };
}

const pipelineYaml = `pipeline:
  name: events
  identifier: events
  orgIdentifier: default
  projectIdentifier: default
  stages:
    - stage:
        name: s
        identifier: s
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: Wait
                  name: first
                  identifier: first
                  spec:
                    duration: 0s
              - step:
                  type: Wait
                  name: long
                  identifier: long
                  spec:
                    duration: 10m
`;

/** Resolves with the time B first hears `type` for `executionId`. */
function heardOn(engine, executionId, type) {
  return new Promise(resolve => {
    const off = engine.events.subscribe(executionId, event => {
      if (event.type === type) {
        off();
        resolve(performance.now());
      }
    });
  });
}

async function benchEvents(dbUrl) {
  const a = await replica(dbUrl, 'replica-a', {
    pollMs: NEVER,
    abortPollMs: NEVER,
  });
  const b = await replica(dbUrl, 'replica-b', {
    pollMs: NEVER,
    abortPollMs: NEVER,
  });
  const aborts = [];
  const abortsTold = [];
  const logs = [];
  try {
    await b.engine.events.start();
    a.engine.worker.start();
    await a.engine.events.start();
    await a.engine.worker.ready();
    const pipeline = await b.engine.service.createPipeline(pipelineYaml, actor);
    for (let i = 0; i < TRIALS; i++) {
      const execution = await b.engine.service.execute(pipeline, {}, actor);
      // A line stored by A (local event, right after its commit) → read by B.
      const storedOnA = new Promise(resolve => {
        const off = a.engine.events.subscribe(execution.id, event => {
          if (event.type === 'logsAppended') {
            off();
            resolve(performance.now());
          }
        });
      });
      const readOnB = new Promise(resolve => {
        const off = b.engine.service.onLogs(execution.id, async () => {
          const page = await b.engine.service.readLogs(execution.id, {});
          if (page.lines.length > 0) {
            off();
            resolve(performance.now());
          }
        });
      });
      const [tStored, tRead] = await Promise.all([storedOnA, readOnB]);
      logs.push(tRead - tStored);
      while (a.engine.worker.runningCount === 0)
        await new Promise(r => setTimeout(r, 5));
      await new Promise(r => setTimeout(r, 50)); // the long Wait has begun
      const told = heardOn(a.engine, execution.id, 'abortRequested');
      const finished = heardOn(b.engine, execution.id, 'finished');
      const t0 = performance.now();
      await b.engine.service.abortExecution(execution.id, actor);
      abortsTold.push((await told) - t0);
      aborts.push((await finished) - t0);
      const detail = await b.engine.service.getExecution(execution.id);
      if (detail.status !== 'Aborted')
        throw new Error(`execution ${execution.id} ended ${detail.status}`);
    }
  } finally {
    await a.engine.worker.stop();
    await b.engine.events.stop();
    await Promise.all([a.knex.destroy(), b.knex.destroy()]);
  }
  const fmt = values =>
    `p50 ${quantile(values, 0.5).toFixed(1)} ms, p95 ${quantile(values, 0.95).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms`;
  console.log(
    `cross-replica abort, B's request → A's run told to stop, ${TRIALS} trials: ${fmt(abortsTold)}   (target ≤ 100 ms)`,
  );
  console.log(
    `  … → A stopped it and stored Aborted → B heard it ended: ${fmt(aborts)}`,
  );
  console.log(
    `log line stored by A → read by B's log stream, ${TRIALS} trials: ${fmt(logs)}   (target ≤ 100 ms)`,
  );
}

async function benchIdle(dbUrl) {
  // The plugin's default poll interval: the safety net only.
  const idle = await replica(dbUrl, 'replica-idle', { pollMs: 5000 });
  const times = [];
  idle.knex.on('query', () => times.push(performance.now()));
  try {
    idle.engine.worker.start();
    await idle.engine.worker.ready();
    await new Promise(r => setTimeout(r, 1000));
    times.length = 0;
    const t0 = performance.now();
    await new Promise(r => setTimeout(r, IDLE_MS));
    const inWindow = times.filter(t => t >= t0);
    const perMinute = (inWindow.length / IDLE_MS) * 60_000;
    // Queries of one poll round come together; gaps between rounds:
    const rounds = inWindow.filter(
      (t, i) => i === 0 || t - inWindow[i - 1] > 1000,
    );
    const gaps = rounds.slice(1).map((t, i) => t - rounds[i]);
    console.log(
      `idle replica (worker.pollIntervalMs 5000, events on): ${perMinute.toFixed(0)} queries/minute over ${IDLE_MS / 1000} s, ` +
        `in ${rounds.length} rounds, shortest gap between rounds ${gaps.length ? (Math.min(...gaps) / 1000).toFixed(1) : '—'} s   (target: none more often than every 5 s)`,
    );
  } finally {
    await idle.engine.worker.stop();
    await idle.knex.destroy();
  }
}

module.exports = { benchEvents, benchIdle };

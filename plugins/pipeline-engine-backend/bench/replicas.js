#!/usr/bin/env node
/* eslint-disable no-console -- a benchmark prints its figures */
/*
 * Benchmark: throughput of 1 vs 2 engine replicas as separate processes on
 * one PostgreSQL database (the scale-out figure; the in-process
 * variant in engine.js shares one JavaScript thread). Each round enqueues
 * 200 ten-step executions with no worker running, then starts N replica
 * processes and times the drain. Prints figures; asserts nothing.
 *
 * Usage: node bench/replicas.js [postgres-url]   (default: the test server on 127.0.0.1:5433)
 */
require('@backstage/cli/config/nodeTransform.cjs');
const { fork } = require('node:child_process');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const knexFactory = require('knex');
const { createPipelineEngineStores } = require('../src/database');
const { createPipelineEngine, StepHandlerRegistry } = require('../src/engine');
const { builtinStepHandlers } = require('../src/steps');

const BASE_URL = process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 'postgresql://postgres:postgres@127.0.0.1:5433';
const RUNS = 200;
const silent = { info() {}, warn() {}, error() {}, debug() {}, child() { return silent; } };

async function engineOn(knex, ownerId) {
  const stores = await createPipelineEngineStores({ database: { getClient: async () => knex } });
  const handlers = new StepHandlerRegistry();
  handlers.add(...builtinStepHandlers);
  return {
    stores,
    engine: createPipelineEngine({
      stores, handlers, logger: silent, secrets: {}, workspaceRoot: mkdtempSync(join(tmpdir(), 'replica-')),
      defaultStepTimeoutMs: 60_000, expressionMode: 'strict', accountIdentifier: 'bench',
      worker: { concurrency: 20, leaseMs: 30_000, pollMs: 20, ownerId },
    }),
  };
}

/** A replica process: runs a worker until told to stop. */
async function child(dbUrl, id) {
  const knex = knexFactory({ client: 'pg', connection: dbUrl, pool: { min: 1, max: 10 } });
  const { engine } = await engineOn(knex, `replica-${id}`);
  engine.worker.start();
  process.send({ ready: true });
  process.on('message', async () => {
    await engine.worker.stop();
    await knex.destroy();
    process.exit(0);
  });
}

async function main() {
  const admin = knexFactory({ client: 'pg', connection: `${BASE_URL}/postgres` });
  const db = `bench_replicas_${Date.now()}`;
  await admin.raw(`CREATE DATABASE ${db}`);
  const dbUrl = `${BASE_URL}/${db}`;
  const knex = knexFactory({ client: 'pg', connection: dbUrl });
  try {
    const { engine } = await engineOn(knex, 'bench-enqueuer');
    const steps = Array.from({ length: 10 }, (_, i) => `              - step:\n                  type: Wait\n                  name: w${i}\n                  identifier: w${i}\n                  spec:\n                    duration: 0s\n`).join('');
    const yaml = `pipeline:\n  name: replicas\n  identifier: replicas\n  orgIdentifier: default\n  projectIdentifier: default\n  stages:\n    - stage:\n        name: s\n        identifier: s\n        type: Custom\n        spec:\n          execution:\n            steps:\n${steps}`;
    const actor = { identity: 'user:default/bench' };
    const pipeline = await engine.service.createPipeline(yaml, actor);
    const results = {};
    for (const replicas of [1, 2, 1, 2]) {
      for (let i = 0; i < RUNS; i++) await engine.service.execute(pipeline, {}, actor);
      const children = await Promise.all(Array.from({ length: replicas }, (_, i) => new Promise(resolve => {
        const c = fork(__filename, ['--child', dbUrl, String(i)], { stdio: 'inherit' });
        c.once('message', () => resolve(c));
      })));
      const start = Date.now();
      for (;;) {
        const [{ n }] = await knex('executions').whereIn('status', ['Queued', 'Running']).count({ n: '*' });
        if (Number(n) === 0) break;
        await new Promise(r => setTimeout(r, 10));
      }
      const ms = Date.now() - start;
      await Promise.all(children.map(c => new Promise(resolve => { c.once('exit', resolve); c.send('stop'); })));
      const perSecond = (RUNS / ms) * 1000;
      (results[replicas] ??= []).push(perSecond);
      console.log(`${replicas} replica process(es): ${RUNS} ten-step executions in ${ms} ms = ${perSecond.toFixed(1)} executions/s`);
    }
    const best = n => Math.max(...results[n]);
    console.log(`two / one (best of 2 rounds each): ${(best(2) / best(1)).toFixed(2)}×   (target ≥ 1.6×; PostgreSQL shares the same 2 cores)`);
  } finally {
    await knex.destroy();
    await admin.raw(`DROP DATABASE IF EXISTS ${db}`);
    await admin.destroy();
  }
}

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4]).catch(e => { console.error(e); process.exit(1); });
} else {
  main().catch(e => { console.error(e); process.exit(1); });
}

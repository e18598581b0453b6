require('@backstage/cli/config/nodeTransform.cjs');
const knexFactory = require('knex');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { createPipelineEngineStores } = require('../src/database');
const { createPipelineEngine, StepHandlerRegistry } = require('../src/engine');
const { builtinStepHandlers } = require('../src/steps');

async function main() {
  const client = process.argv[2] || 'sqlite';
  const knex = client === 'pg'
    ? knexFactory({ client: 'pg', connection: process.env.PG_URL || 'postgresql://postgres:postgres@127.0.0.1:5433/postgres' })
    : knexFactory({ client: 'better-sqlite3', connection: ':memory:', useNullAsDefault: true });
  if (client === 'pg') {
    await knex.raw('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  }
  const stores = await createPipelineEngineStores({ database: { getClient: async () => knex } });
  const handlers = new StepHandlerRegistry();
  handlers.add(...builtinStepHandlers);
  const logger = { info() {}, warn() {}, error() {}, debug() {}, child() { return logger; } };
  const engine = createPipelineEngine({
    stores, handlers, logger, secrets: {}, workspaceRoot: mkdtempSync(join(tmpdir(), 'probe-')),
    defaultStepTimeoutMs: 60000, expressionMode: 'strict', accountIdentifier: 'a',
    worker: { concurrency: 4, leaseMs: 30000, pollMs: 1000 },
  });
  engine.worker.start();
  const n = Number(process.argv[3] || 1000);
  const steps = Array.from({ length: n }, (_, i) => `              - step:\n                  type: Wait\n                  name: w${i}\n                  identifier: w${i}\n                  spec:\n                    duration: 0s\n`).join('');
  const yaml = `pipeline:\n  name: probe\n  identifier: probe\n  orgIdentifier: default\n  projectIdentifier: default\n  stages:\n    - stage:\n        name: s\n        identifier: s\n        type: Custom\n        spec:\n          execution:\n            steps:\n${steps}`;
  const actor = { identity: 'user:default/bench' };
  const p = await engine.service.createPipeline(yaml, actor);
  const t0 = process.hrtime.bigint();
  const e = await engine.service.execute(p, {}, actor);
  console.log('execute() returned after', (Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1), 'ms');
  for (;;) {
    const d = await stores.executions.get(e.id);
    if (['Success', 'Failed', 'Aborted'].includes(d.status)) { console.log(d.status, d.errorMessage || '', 'run phase', Date.parse(d.endedAt) - Date.parse(d.startedAt), 'ms; queued->started', Date.parse(d.startedAt) - Date.parse(d.createdAt), 'ms'); break; }
    await new Promise(r => setTimeout(r, 2));
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${client}: ${n} steps in ${ms.toFixed(1)} ms = ${(ms / n).toFixed(3)} ms/step`);
  await engine.worker.stop();
  await knex.destroy();
}
main().catch(e => { console.error(e); process.exit(1); });

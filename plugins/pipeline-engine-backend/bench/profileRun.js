require('@backstage/cli/config/nodeTransform.cjs');
const inspector = require('node:inspector');
const fs = require('node:fs');
const knexFactory = require('knex');
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { createPipelineEngineStores } = require('../src/database');
const { createPipelineEngine, StepHandlerRegistry } = require('../src/engine');
const { builtinStepHandlers } = require('../src/steps');

const yamlOf = (id, n) => `pipeline:\n  name: ${id}\n  identifier: ${id}\n  orgIdentifier: default\n  projectIdentifier: default\n  stages:\n    - stage:\n        name: s\n        identifier: s\n        type: Custom\n        spec:\n          execution:\n            steps:\n` +
  Array.from({ length: n }, (_, i) => `              - step:\n                  type: Wait\n                  name: w${i}\n                  identifier: w${i}\n                  spec:\n                    duration: 0s\n`).join('');

async function main() {
  const knex = knexFactory({ client: 'better-sqlite3', connection: ':memory:', useNullAsDefault: true });
  const stores = await createPipelineEngineStores({ database: { getClient: async () => knex } });
  const handlers = new StepHandlerRegistry();
  handlers.add(...builtinStepHandlers);
  const logger = { info() {}, warn() {}, error() {}, debug() {}, child() { return logger; } };
  const engine = createPipelineEngine({ stores, handlers, logger, secrets: {}, workspaceRoot: mkdtempSync(join(tmpdir(), 'p-')), defaultStepTimeoutMs: 60000, expressionMode: 'strict', accountIdentifier: 'a', worker: { concurrency: 4, leaseMs: 30000, pollMs: 1000 } });
  engine.worker.start();
  const actor = { identity: 'user:default/bench' };
  const run = async (id, n, before) => {
    const p = await engine.service.createPipeline(yamlOf(id, n), actor);
    engine.worker.stop(); 
    const e = await engine.service.execute(p, {}, actor);
    if (before) await before();
    engine.worker.start();
    for (;;) { const d = await stores.executions.get(e.id); if (d.endedAt) return d; await new Promise(r => setTimeout(r, 1)); }
  };
  await run('warm', 300);
  const session = new inspector.Session(); session.connect();
  const post = (m, p) => new Promise((res, rej) => session.post(m, p, (e, r) => e ? rej(e) : res(r)));
  let queries = 0; knex.on('query', () => queries++);
  const origWrite = stores.executions.writeBatch.bind(stores.executions); let batches = 0, nodesW = 0, logsW = 0;
  stores.executions.writeBatch = (a, b, batch) => { batches++; nodesW += batch.nodes.length; logsW += batch.logs.length; return origWrite(a, b, batch); };
  await post('Profiler.enable');
  const d = await run('measured', 2000, () => post('Profiler.start'));
  const { profile } = await post('Profiler.stop');
  console.log('queries', queries, 'batches', batches, 'node rows', nodesW, 'log lines', logsW);
  console.log('run phase ms/step', ((Date.parse(d.endedAt) - Date.parse(d.startedAt)) / 2000).toFixed(3));
  const byId = new Map(profile.nodes.map(n => [n.id, n])); const self = new Map(); const dt = profile.timeDeltas;
  profile.samples.forEach((s, i) => { const n = byId.get(s); const k = `${n.callFrame.functionName} ${n.callFrame.url.replace(/.*node_modules\//, 'nm/').replace(/.*\/src\//, 'src/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) || 0) + (dt[i] || 0)); });
  const tot = [...self.values()].reduce((a, b) => a + b, 0);
  [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 35).forEach(([k, t]) => console.log((t / tot * 100).toFixed(1) + '%', k));
  await engine.worker.stop(); await knex.destroy();
}
main();

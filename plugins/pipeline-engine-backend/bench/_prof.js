'use strict';
require('@backstage/cli/config/nodeTransform.cjs');
const { mockServices } = require('@backstage/backend-test-utils');
const knexFactory = require('knex');
const os = require('node:os');
const fs = require('node:fs');
const path = require('node:path');
const { createPipelineEngineStores } = require('../src/database/createStores');
const { createPipelineEngine } = require('../src/engine/createEngine');
const { StepHandlerRegistry } = require('../src/engine/stepHandlerRegistry');
const { builtinStepHandlers } = require('../src/steps');

const N = Number(process.env.N || 1000);
async function main() {
  const pg = process.env.PG;
  const knex = pg ? knexFactory({ client: 'pg', connection: pg, pool: { min: 1, max: 10 } }) : knexFactory({ client: 'better-sqlite3', connection: ':memory:', useNullAsDefault: true });
  const stores = await createPipelineEngineStores({ database: mockServices.database({ knex }) });
  if (process.env.NOWRITE) { const orig = stores.executions.writeBatch.bind(stores.executions); stores.executions.writeBatch = async (id, o, b) => orig(id, o, { nodes: b.nodes.filter(n => !n.fqn.includes('.steps.')), logs: [] }); }
  const wstats = { calls: 0, nodes: 0, logs: 0, ms: 0 };
  if (process.env.WSTATS) { const orig = stores.executions.writeBatch.bind(stores.executions); stores.executions.writeBatch = async (id, o, b) => { wstats.calls++; wstats.nodes += b.nodes.length; wstats.logs += b.logs.length; const t = performance.now(); try { return await orig(id, o, b); } finally { wstats.ms += performance.now() - t; } }; }
  const opStats = new Map();
  if (process.env.OPSTATS) for (const store of [stores.executions, stores.pipelines, stores.logs]) {
    for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(store))) {
      if (name === 'constructor' || typeof store[name] !== 'function') continue;
      const orig = store[name].bind(store);
      store[name] = async (...args) => { const t = performance.now(); try { return await orig(...args); } finally { const st = opStats.get(name) ?? { n: 0, ms: 0 }; st.n++; st.ms += performance.now() - t; opStats.set(name, st); } };
    }
  }
  const handlers = new StepHandlerRegistry();
  handlers.add(...builtinStepHandlers);
  const engine = createPipelineEngine({
    stores, handlers, logger: mockServices.rootLogger({ level: "error" }), secrets: {},
    workspaceRoot: fs.mkdtempSync(path.join(os.tmpdir(), 'prof-')),
    defaultStepTimeoutMs: 60000, expressionMode: 'strict', accountIdentifier: 'acc',
    worker: { concurrency: 20, leaseMs: 30000, pollMs: 20 },
  });
  engine.worker.start();
  const steps = Array.from({ length: N }, (_, i) => `              - step:\n                  type: Wait\n                  name: w${i}\n                  identifier: w${i}\n                  spec:\n                    duration: 0s\n`).join('');
  const yaml = `pipeline:\n  name: p\n  identifier: p\n  orgIdentifier: default\n  projectIdentifier: default\n  stages:\n    - stage:\n        name: main\n        identifier: main\n        type: Custom\n        spec:\n          execution:\n            steps:\n${steps}`;
  const actor = { identity: 'user:default/jane' };
  const created = await engine.service.createPipeline(yaml, actor);
  const per = [];
  const inspector = require('node:inspector');
  const session = new inspector.Session(); session.connect();
  const post = (m, p) => new Promise((res, rej) => session.post(m, p, (e, r) => e ? rej(e) : res(r)));
  for (let r = 0; r < Number(process.env.R || 5); r++) {
    if (process.env.HEAPSAMPLE && r === 3) await post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    const t0 = performance.now(); const c0 = process.cpuUsage();
    const te = performance.now(); const ex = await engine.service.execute(created, { inputSet: {} }, actor); if (process.env.EXEC) console.log('execute ms', (performance.now() - te).toFixed(1));
    for (;;) {
      const d = await knex('executions').where({ id: ex.id }).first('status', 'error_message as errorMessage');
      if (['Success', 'Failed', 'Aborted'].includes(d.status)) { if (d.status !== 'Success') console.log(d.status, d.errorMessage); break; }
      await new Promise(res => setTimeout(res, 10));
    }
    const c = process.cpuUsage(c0); if (r >= 4) per.push((performance.now() - t0) / N); if (process.env.WSTATS) { console.log(JSON.stringify(wstats)); Object.assign(wstats, { calls: 0, nodes: 0, logs: 0, ms: 0 }); }
    if (global.gc && process.env.HEAPTRACK) { global.gc(); console.log('heapUsed MB', (process.memoryUsage().heapUsed / 1e6).toFixed(1)); }
    console.log(`run ${r}: ${((performance.now() - t0) / N).toFixed(3)} ms/step, cpu ${((c.user + c.system) / 1000 / N).toFixed(3)} ms/step`);
  }
  if (process.env.OPSTATS) console.log([...opStats].map(([k, v]) => `${k} n=${v.n} ms=${v.ms.toFixed(1)}`).join('\n'));
  per.sort((a, b) => a - b); console.log(`median ${per[per.length >> 1].toFixed(3)} min ${per[0].toFixed(3)}`);
  if (process.env.HEAPSAMPLE) { const { profile } = await post('HeapProfiler.stopSampling'); fs.writeFileSync('/tmp/prof/alloc.heapprofile', JSON.stringify(profile)); }
  await engine.worker.stop();
  await knex.destroy();
}
main().catch(e => { console.error(e); process.exit(1); });

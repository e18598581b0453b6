/*
 * A real Backstage backend with the pipeline engine, run as a child process
 * (`node -r @backstage/cli/config/nodeTransform.cjs childBackend.ts`) so that
 * tests and benches can kill it with SIGKILL and start it again. The config
 * comes as JSON in PIPELINE_ENGINE_CHILD_CONFIG; the process sends
 * `{ ready: true }` over IPC once the backend has started, and answers
 * `{ stats: true }` with its CPU time and SQL statement counts so far
 * (benches compare them between versions; see sqlStatementCounter.ts).
 */
import { pipelineEnginePlugin } from '../../plugin';
import { createConfiguredBackend } from './configuredBackend';
import { countSqlStatements } from './sqlStatementCounter';

async function main() {
  const statements = countSqlStatements();
  process.on('message', message => {
    if ((message as { stats?: unknown } | null)?.stats !== true) return;
    const cpu = process.cpuUsage();
    process.send?.({
      stats: { cpuMs: (cpu.user + cpu.system) / 1000, ...statements },
    });
  });
  const config = JSON.parse(process.env.PIPELINE_ENGINE_CHILD_CONFIG ?? '{}');
  const backend = createConfiguredBackend(config, 'child-backend', [
    pipelineEnginePlugin,
  ]);
  await backend.start();
  process.send?.({ ready: true });
}

main().catch(error => {
  process.stderr.write(
    `child backend failed to start: ${error?.stack ?? error}\n`,
  );
  process.exit(1);
});

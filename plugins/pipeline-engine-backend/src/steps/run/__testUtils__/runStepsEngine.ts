import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  isTerminalExecutionStatus,
  type ExecutionDetail,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { initStores } from '../../../database/__testUtils__/testDatabases';
import {
  createPipelineEngine,
  type PipelineEngine,
} from '../../../createPipelineEngine';
import { StepHandlerRegistry } from '../../../engine/stepHandlerRegistry';
import { builtinStepHandlers } from '../../index';
import { createRunSteps } from '../index';
import type { ConfigData } from './stepTestKit';

const ACTOR = { identity: 'user:default/jane', name: 'Jane' };

/** An engine whose registry has the run steps (built from `config`), as the engine harness builds its own. */
export interface RunStepsEngine {
  engine: PipelineEngine;
  /** Stores and starts the pipeline; resolves with the execution id. */
  start(yaml: string): Promise<string>;
  /** Stores, runs and waits for the end. */
  run(yaml: string, timeoutMs?: number): Promise<ExecutionDetail>;
  waitFor(id: string, timeoutMs?: number): Promise<ExecutionDetail>;
  abort(id: string): Promise<void>;
  /** Every stored log line of an execution. */
  logLines(id: string): Promise<string[]>;
  /** Every stored row of the database, as text, for leak checks. */
  dump(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The engine on SQLite with the run steps installed. SQLite only: these
 * tests are about the steps, the stores are tested on both databases.
 */
export async function createRunStepsEngine(
  databases: TestDatabases,
  options: { config: ConfigData; secrets?: Record<string, string> },
): Promise<RunStepsEngine> {
  const { knex, stores } = await initStores(databases, 'SQLITE_3');
  const handlers = new StepHandlerRegistry();
  handlers.add(
    ...builtinStepHandlers,
    ...createRunSteps({ config: new ConfigReader(options.config) }),
  );
  const workspaceRoot = mkdtempSync(join(tmpdir(), 'run-steps-engine-'));
  const engine = createPipelineEngine({
    stores,
    handlers,
    logger: mockServices.logger.mock(),
    secrets: options.secrets ?? {},
    workspaceRoot,
    defaultStepTimeoutMs: 60_000,
    expressionMode: 'strict',
    accountIdentifier: 'acc',
    worker: { concurrency: 2, leaseMs: 2000, pollMs: 50, abortPollMs: 100 },
  });
  engine.worker.start();
  let counter = 0;
  const waitFor = async (id: string, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const detail = await engine.service.getExecution(id);
      if (isTerminalExecutionStatus(detail.status)) return detail;
      if (Date.now() > deadline)
        throw new Error(
          `execution ${id} still ${detail.status} after ${timeoutMs}ms`,
        );
      await new Promise(r => setTimeout(r, 25));
    }
  };
  const start = async (yaml: string) => {
    // A fresh identifier per run: pipelines are stored once per identifier.
    const identified = yaml.replace(
      /identifier: test\b/,
      `identifier: test${++counter}`,
    );
    const created = await engine.service.createPipeline(identified, ACTOR);
    const execution = await engine.service.execute(
      created,
      { inputSet: {} },
      ACTOR,
    );
    return execution.id;
  };
  return {
    engine,
    start,
    async run(yaml, timeoutMs) {
      return waitFor(await start(yaml), timeoutMs);
    },
    waitFor,
    async abort(id) {
      await engine.service.abortExecution(id, ACTOR);
    },
    async logLines(id) {
      const page = await engine.service.readLogs(id, { limit: 10000 });
      return page.lines.map(l => l.line);
    },
    async dump() {
      const tables = await knex('sqlite_master')
        .where({ type: 'table' })
        .pluck('name');
      const rows = await Promise.all(
        tables.map(async (t: string) => JSON.stringify(await knex(t).select())),
      );
      return rows.join('\n');
    },
    async stop() {
      await engine.worker.stop();
      rmSync(workspaceRoot, { recursive: true, force: true });
    },
  };
}

/** A one-stage pipeline around `steps` (YAML list items, unindented). */
export function pipeline(steps: string, stageType = 'Custom'): string {
  return `pipeline:
  name: test
  identifier: test
  orgIdentifier: default
  projectIdentifier: default
  stages:
    - stage:
        name: main
        identifier: main
        type: ${stageType}
        spec:
          execution:
            steps:
${steps.replace(/^/gm, '              ').replace(/\s+$/, '')}
`;
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  mockServices,
  type TestDatabaseId,
  type TestDatabases,
} from '@backstage/backend-test-utils';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import {
  isTerminalExecutionStatus,
  type ExecutionDetail,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { initStores } from '../../database/__testUtils__/testDatabases';
import type { PipelineEngineStores } from '../../database';
import { builtinStepHandlers } from '../../steps';
import {
  createPipelineEngine,
  type PipelineEngine,
  type PipelineEngineSettings,
} from '../../createPipelineEngine';
import { StepHandlerRegistry } from '../stepHandlerRegistry';
import { testSteps } from './testSteps';
import type { GroupMembership } from '../../service/approvals';
import type { ApproverGroupCheck } from '../../service/approverGroupCheck';

/** An engine on a test database, with the test step types installed. */
export interface EngineHarness {
  knex: Knex;
  stores: PipelineEngineStores;
  engine: PipelineEngine;
  /** Another engine instance (replica) on the same stores. */
  replica(
    overrides?: Partial<PipelineEngineSettings['worker']>,
  ): PipelineEngine;
  /** Stores the pipeline, executes it and waits for the end. */
  run(
    yaml: string,
    inputSet?: Record<string, unknown>,
    options?: { timeoutMs?: number },
  ): Promise<ExecutionDetail>;
  /** Waits until the execution is terminal. */
  waitFor(id: string, timeoutMs?: number): Promise<ExecutionDetail>;
  /** Every log line of an execution. */
  logLines(id: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** Creates an engine harness; call `stop()` in afterEach/afterAll. */
export async function createEngineHarness(
  databases: TestDatabases,
  id: TestDatabaseId,
  options: {
    secrets?: Record<string, string>;
    secretSources?: PipelineEngineSettings['secretSources'];
    worker?: Partial<PipelineEngineSettings['worker']>;
    defaultStepTimeoutMs?: number;
    /** Catalog groups of users, for HarnessApproval. */
    membership?: GroupMembership;
    /** Approver group check of saved and validated pipelines. */
    checkApproverGroups?: ApproverGroupCheck;
    /** The engines' backend logger (a fresh mock each when unset). */
    logger?: LoggerService;
  } = {},
): Promise<EngineHarness> {
  const { knex, stores } = await initStores(databases, id);
  const engines: PipelineEngine[] = [];
  const make = (overrides: Partial<PipelineEngineSettings['worker']> = {}) => {
    const handlers = new StepHandlerRegistry();
    handlers.add(...builtinStepHandlers, ...testSteps);
    const engine = createPipelineEngine({
      stores,
      handlers,
      logger: options.logger ?? mockServices.logger.mock(),
      secrets: options.secrets ?? {},
      secretSources: options.secretSources,
      workspaceRoot: mkdtempSync(join(tmpdir(), 'engine-test-')),
      defaultStepTimeoutMs: options.defaultStepTimeoutMs ?? 60_000,
      expressionMode: 'strict',
      accountIdentifier: 'acc',
      membership: options.membership,
      checkApproverGroups: options.checkApproverGroups,
      worker: {
        concurrency: 4,
        leaseMs: 2000,
        pollMs: 50,
        abortPollMs: 100,
        ...options.worker,
        ...overrides,
      },
    });
    engine.worker.start();
    engines.push(engine);
    return engine;
  };
  const engine = make();
  const actor = {
    identity: 'user:default/jane',
    name: 'Jane',
    email: 'jane@example.com',
  };
  const waitFor = async (executionId: string, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const detail = await engine.service.getExecution(executionId);
      if (isTerminalExecutionStatus(detail.status)) return detail;
      if (Date.now() > deadline)
        throw new Error(
          `execution ${executionId} still ${detail.status} after ${timeoutMs}ms`,
        );
      await new Promise(r => setTimeout(r, 25));
    }
  };
  return {
    knex,
    stores,
    engine,
    replica: make,
    async run(yaml, inputSet, runOptions) {
      const created = await engine.service
        .createPipeline(yaml, actor)
        .catch(async e => {
          if (e.name !== 'ConflictError') throw e;
          const parsed = /identifier: (\w+)/.exec(yaml)!;
          return engine.service.updatePipeline(
            {
              orgIdentifier: 'default',
              projectIdentifier: 'default',
              pipelineIdentifier: parsed[1],
            },
            yaml,
            actor,
          );
        });
      const execution = await engine.service.execute(
        created,
        { inputSet: inputSet ?? {} },
        actor,
      );
      return waitFor(execution.id, runOptions?.timeoutMs);
    },
    waitFor,
    async logLines(executionId) {
      const page = await engine.service.readLogs(executionId, { limit: 10000 });
      return page.lines.map(l => l.line);
    },
    async stop() {
      await Promise.all(engines.map(e => e.worker.stop()));
    },
  };
}

/** Indents `steps` YAML under a one-stage pipeline. */
export function pipelineYaml(
  steps: string,
  extra: {
    variables?: string;
    identifier?: string;
    stageExtra?: string;
    pipelineExtra?: string;
  } = {},
): string {
  return `pipeline:
  name: test
  identifier: ${extra.identifier ?? 'test'}
  orgIdentifier: default
  projectIdentifier: default
${extra.pipelineExtra ?? ''}${extra.variables ? `  variables:\n${extra.variables}` : ''}  stages:
    - stage:
        name: main
        identifier: main
        type: Custom
${extra.stageExtra ?? ''}        spec:
          execution:
            steps:
${steps.replace(/^/gm, '              ').replace(/\s+$/, '')}
`;
}

/** Flattens an execution's node tree into `fqn → status`. */
export function statuses(detail: ExecutionDetail): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (nodes: ExecutionDetail['nodes']) => {
    for (const n of nodes) {
      out[
        n.fqn.replace(/^pipeline\.stages\.main\.spec\.execution\.steps\./, '')
      ] = n.status;
      walk(n.children);
    }
  };
  walk(detail.nodes);
  return out;
}

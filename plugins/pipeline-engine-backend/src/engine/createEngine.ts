import { EventEmitter } from 'node:events';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { PipelineSecretSource } from '@idp-pipelines/plugin-pipeline-engine-node';
import {
  createDefaultStepSpecRegistry,
  ExpressionEngine,
  type StepSpecRegistry,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { PipelineEngineStores } from '../database';
import { killLeftoverStepProcesses } from '../runners';
import { PipelineEngineService } from '../service/PipelineEngineService';
import { createExecutionHandler } from './runExecution';
import type { StepHandlerRegistry } from './stepHandlerRegistry';
import { ExecutionWorker } from './worker';

/** Settings of one engine instance (one per backend replica). */
export interface PipelineEngineSettings {
  stores: PipelineEngineStores;
  handlers: StepHandlerRegistry;
  logger: LoggerService;
  secrets: Record<string, string>;
  /** Secret sources of backend modules; config (`secrets`) is asked first. */
  secretSources?: readonly PipelineSecretSource[];
  workspaceRoot: string;
  defaultStepTimeoutMs: number;
  expressionMode: 'strict' | 'lenient';
  accountIdentifier: string;
  worker: {
    concurrency: number;
    leaseMs: number;
    pollMs: number;
    abortPollMs?: number;
    ownerId?: string;
    /**
     * Stable identity of this replica across restarts: with it, a restart
     * kills the step processes its crashed predecessor left and takes its
     * executions back at once.
     */
    instanceId?: string;
  };
  /** Base URL for execution links. */
  baseUrl?: string;
}

/** An engine instance: the API service and the worker that runs executions. */
export interface PipelineEngine {
  service: PipelineEngineService;
  worker: ExecutionWorker;
  /** The validator's step types, including those of installed modules. */
  registry: StepSpecRegistry;
}

/** Wires stores, handlers, expressions, worker and service together. */
export function createPipelineEngine(
  s: PipelineEngineSettings,
): PipelineEngine {
  const registry = s.handlers.extend(createDefaultStepSpecRegistry());
  const logBus = new EventEmitter();
  logBus.setMaxListeners(0);
  const worker = new ExecutionWorker({
    store: s.stores.executions,
    logger: s.logger,
    concurrency: s.worker.concurrency,
    leaseMs: s.worker.leaseMs,
    pollMs: s.worker.pollMs,
    abortPollMs: s.worker.abortPollMs,
    ownerId: s.worker.ownerId,
    instanceId: s.worker.instanceId,
    beforeFirstClaim: s.worker.instanceId
      ? async () => {
          await killLeftoverStepProcesses({
            store: s.stores.stepProcesses,
            instanceId: s.worker.instanceId!,
            logger: s.logger,
          });
        }
      : undefined,
    run: createExecutionHandler({
      executions: s.stores.executions,
      logs: s.stores.logs,
      registry,
      handlers: s.handlers,
      expressions: new ExpressionEngine({ mode: s.expressionMode }),
      secrets: s.secrets,
      secretSources: s.secretSources,
      workspaceRoot: s.workspaceRoot,
      defaultStepTimeoutMs: s.defaultStepTimeoutMs,
      accountIdentifier: s.accountIdentifier,
      logger: s.logger,
      onLogs: (id: string) => logBus.emit(id),
    }),
  });
  const service = new PipelineEngineService({
    stores: s.stores,
    registry,
    handlers: s.handlers,
    worker,
    subscribeLogs: (id, listener) => {
      logBus.on(id, listener);
      return () => logBus.off(id, listener);
    },
    baseUrl: s.baseUrl,
  });
  return { service, worker, registry };
}

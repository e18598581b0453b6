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
import { ApprovalService, type GroupMembership } from '../service/approvals';
import { InterventionService } from '../service/interventions';
import { inProcessChannel } from '../database/notificationChannel';
import { AdmissionGate } from './admissionGate';
import { createEngineMetrics } from '../metrics/engineMetrics';
import { ExecutionEvents } from './executionEvents';
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
  /** Catalog groups of a user, for HarnessApproval approvers. */
  membership?: GroupMembership;
  /** The page where an approval is given (default: the execution's API URL). */
  approvalLink?: (executionId: string) => string;
}

/** An engine instance: the API service and the worker that runs executions. */
export interface PipelineEngine {
  service: PipelineEngineService;
  worker: ExecutionWorker;
  /** Execution events of every replica; listens while the worker runs. */
  events: ExecutionEvents;
  /** The validator's step types, including those of installed modules. */
  registry: StepSpecRegistry;
  /** HarnessApproval approvals: list, approve, reject. */
  approvals: ApprovalService;
  /** ManualIntervention: a person's action on a waiting step. */
  interventions: InterventionService;
}

/** Wires stores, handlers, expressions, worker and service together. */
export function createPipelineEngine(
  s: PipelineEngineSettings,
): PipelineEngine {
  const registry = s.handlers.extend(createDefaultStepSpecRegistry());
  const admission = new AdmissionGate();
  const metrics = createEngineMetrics({
    countQueuedExecutions: () => s.stores.executions.countQueued(),
  });
  const events = new ExecutionEvents(
    s.stores.notifications ?? inProcessChannel(),
    s.logger,
  );
  const worker = new ExecutionWorker({
    store: s.stores.executions,
    logger: s.logger,
    concurrency: s.worker.concurrency,
    leaseMs: s.worker.leaseMs,
    pollMs: s.worker.pollMs,
    abortPollMs: s.worker.abortPollMs,
    ownerId: s.worker.ownerId,
    instanceId: s.worker.instanceId,
    admission,
    events,
    metrics,
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
      admission,
      events,
      metrics,
      // A queue turn handed on here resumes its execution at once.
      wakeParked: () => worker.wakeParked(),
    }),
  });
  const service = new PipelineEngineService({
    stores: s.stores,
    secrets: s.secrets,
    registry,
    handlers: s.handlers,
    worker,
    admission,
    events,
    baseUrl: s.baseUrl,
  });
  const approvals = new ApprovalService({
    executions: s.stores.executions,
    membership: s.membership,
    wakeParked: () => worker.wakeParked(),
    link:
      s.approvalLink ??
      (s.baseUrl ? id => `${s.baseUrl}/executions/${id}` : undefined),
  });
  const interventions = new InterventionService({
    executions: s.stores.executions,
    wakeParked: () => worker.wakeParked(),
  });
  return { service, worker, registry, events, approvals, interventions };
}

import type { LoggerService } from '@backstage/backend-plugin-api';
import type { PipelineSecretSource } from '@idp-pipelines/plugin-pipeline-engine-node';
import {
  createDefaultStepSpecRegistry,
  ExpressionEngine,
  type StepSpecRegistry,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { PipelineEngineStores } from './database';
import { killLeftoverStepProcesses } from './runners';
import { PipelineEngineService } from './service/PipelineEngineService';
import { ApprovalService, type GroupMembership } from './service/approvals';
import type { ApproverGroupCheck } from './service/approverGroupCheck';
import { InterventionService } from './service/interventions';
import { inProcessChannel } from './database/notificationChannel';
import { AdmissionGate } from './engine/admissionGate';
import { createEngineMetrics } from './metrics/engineMetrics';
import { ExecutionEvents } from './engine/executionEvents';
import { createExecutionHandler } from './engine/runExecution';
import type { StepHandlerRegistry } from './engine/stepHandlerRegistry';
import { ExecutionWorker } from './engine/worker';

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
  /** Warns of approver groups missing from the catalog when a pipeline is saved or validated. */
  checkApproverGroups?: ApproverGroupCheck;
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
  /** Gives execute requests priority over running executions. */
  admission: AdmissionGate;
}

/**
 * Wires stores, handlers, expressions, worker and service together: the one
 * place that knows both `engine/` (running executions) and `service/` (the
 * API over them), so neither folder imports the other's wiring.
 */
export function createPipelineEngine(
  settings: PipelineEngineSettings,
): PipelineEngine {
  const registry = settings.handlers.extend(createDefaultStepSpecRegistry());
  const admission = new AdmissionGate();
  const metrics = createEngineMetrics({
    countQueuedExecutions: () => settings.stores.executions.countQueued(),
  });
  const events = new ExecutionEvents(
    settings.stores.notifications ?? inProcessChannel(),
    settings.logger,
  );
  const worker = new ExecutionWorker({
    store: settings.stores.executions,
    logger: settings.logger,
    concurrency: settings.worker.concurrency,
    leaseMs: settings.worker.leaseMs,
    pollMs: settings.worker.pollMs,
    abortPollMs: settings.worker.abortPollMs,
    ownerId: settings.worker.ownerId,
    instanceId: settings.worker.instanceId,
    admission,
    events,
    metrics,
    beforeFirstClaim: settings.worker.instanceId
      ? async () => {
          await killLeftoverStepProcesses({
            store: settings.stores.stepProcesses,
            instanceId: settings.worker.instanceId!,
            logger: settings.logger,
          });
        }
      : undefined,
    run: createExecutionHandler({
      executions: settings.stores.executions,
      logs: settings.stores.logs,
      registry,
      handlers: settings.handlers,
      expressions: new ExpressionEngine({ mode: settings.expressionMode }),
      secrets: settings.secrets,
      secretSources: settings.secretSources,
      workspaceRoot: settings.workspaceRoot,
      defaultStepTimeoutMs: settings.defaultStepTimeoutMs,
      accountIdentifier: settings.accountIdentifier,
      logger: settings.logger,
      admission,
      events,
      metrics,
      // A queue turn handed on here resumes its execution at once.
      wakeParked: () => worker.wakeParked(),
    }),
  });
  const service = new PipelineEngineService({
    stores: settings.stores,
    secrets: settings.secrets,
    registry,
    handlers: settings.handlers,
    worker,
    events,
    baseUrl: settings.baseUrl,
    checkApproverGroups: settings.checkApproverGroups,
  });
  const approvals = new ApprovalService({
    executions: settings.stores.executions,
    membership: settings.membership,
    wakeParked: () => worker.wakeParked(),
    link:
      settings.approvalLink ??
      (settings.baseUrl
        ? id => `${settings.baseUrl}/executions/${id}`
        : undefined),
  });
  const interventions = new InterventionService({
    executions: settings.stores.executions,
    wakeParked: () => worker.wakeParked(),
  });
  return {
    service,
    worker,
    registry,
    events,
    approvals,
    interventions,
    admission,
  };
}

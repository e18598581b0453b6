import { isError, stringifyError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { PipelineSecretSource } from '@idp-pipelines/plugin-pipeline-engine-node';
import {
  ExpressionEngine,
  type StepSpecRegistry,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { ExecutionStore, LogStore } from '../database';
import { ExecutionRunner } from './executionRunner';
import { FrozenPipelines } from './frozenPipelines';
import { announceParked } from './parkedNotices';
import type { StepHandlerLookup } from './plan';
import { LogSink } from './runtime/logSink';
import { StateWriter } from './runtime/stateWriter';
import { NodeRecorder } from './runtime/nodeRecorder';
import { SecretMasker } from './secretMasker';
import type { AdmissionGate } from './admissionGate';
import type { ExecutionEvents } from './executionEvents';
import type { EngineMetrics } from '../metrics/engineMetrics';
import { referencedSecretIds, withSourcedSecrets } from './secretSources';
import type { ExecutionHandler } from './worker';

/** What running an execution needs; built once by the plugin. */
export interface RunExecutionDeps {
  executions: ExecutionStore;
  logs: LogStore;
  registry: StepSpecRegistry;
  handlers: StepHandlerLookup;
  expressions: ExpressionEngine;
  secrets: Record<string, string>;
  /** Secret sources of backend modules, asked for what `secrets` lacks. */
  secretSources?: readonly PipelineSecretSource[];
  workspaceRoot: string;
  defaultStepTimeoutMs: number;
  accountIdentifier?: string;
  logger: LoggerService;
  /** Steps yield (bounded) to admissions in flight. */
  admission?: AdmissionGate;
  /** Told what was stored: log lines, node changes, the execution's end. */
  events?: ExecutionEvents;
  /** OpenTelemetry instruments. */
  metrics?: EngineMetrics;
  /** Resumes parked executions now (a queue turn was handed on). */
  wakeParked?: () => void;
}

/**
 * The worker's handler: parse → validate → plan the execution's frozen
 * YAML, run it, and record how it ended. A lost lease freezes every write:
 * the replica that takes over resumes from what is stored.
 */
export function createExecutionHandler(
  deps: RunExecutionDeps,
): ExecutionHandler {
  const frozenPipelines = new FrozenPipelines(deps.registry, deps.handlers);
  return async (execution, lease) => {
    const masker = new SecretMasker();
    const writer = new StateWriter(
      deps.executions,
      execution.id,
      lease.ownerId,
      {
        onFlushed: written => {
          const executionId = execution.id;
          if (written.logs)
            deps.events?.publish({ type: 'logsAppended', executionId });
          if (written.nodes)
            deps.events?.publish({ type: 'nodesChanged', executionId });
        },
        onLeaseLost: () =>
          deps.logger.warn(
            `execution ${execution.id}: lease lost; another replica resumes it`,
          ),
        onError: error =>
          deps.logger.error(
            `execution ${execution.id}: state could not be stored: ${stringifyError(error)}`,
          ),
      },
    );
    const logs = new LogSink(writer, masker);
    const fail = async (message: string) => {
      logs.lines('pipeline', 'stderr', message);
      await logs.flush();
      await deps.executions.complete(execution.id, lease.ownerId, 'Failed', {
        errorMessage: message,
      });
      deps.events?.publish({ type: 'finished', executionId: execution.id });
    };
    const planned = frozenPipelines.plan(execution.pipelineYaml);
    if (!planned.ok) {
      await fail(planned.message);
      return;
    }
    // A first claim has no stored nodes yet, unless it is a re-run (whose
    // reused stages were copied in): skip the round trip.
    const hasStoredNodes =
      execution.attempt > 1 ||
      execution.recoveryCount > 0 ||
      execution.rerunOf !== undefined;
    const [previous, waits] = hasStoredNodes
      ? await Promise.all([
          deps.executions.listNodes(execution.id),
          deps.executions.listWaits(execution.id),
        ])
      : [[], []];
    const recorder = new NodeRecorder(writer, masker, previous);
    // Queue turns end with their scope: the next execution queued for the
    // key is woken (here at once; elsewhere at its replica's next scan).
    const holdsQueue = waits.some(wait => wait.kind === 'queue');
    const releaseQueue = async (stageFqn?: string) => {
      const granted = await deps.executions
        .releaseQueueHolds({
          executionId: execution.id,
          ...(stageFqn ? { stageFqn } : {}),
        })
        .catch(error => {
          deps.logger.error(
            `execution ${execution.id}: queue turn could not be released: ${stringifyError(error)}`,
          );
          return 0;
        });
      if (granted) deps.wakeParked?.();
    };
    // Expressions read secrets synchronously: those the sources hold are
    // fetched now (nothing to do, and no pipeline walk, without sources).
    let secrets = deps.secrets;
    if (deps.secretSources?.length) {
      try {
        secrets = await withSourcedSecrets(
          deps.secrets,
          deps.secretSources,
          referencedSecretIds(planned.plan.pipeline),
        );
      } catch (error) {
        await fail(isError(error) ? error.message : String(error));
        if (holdsQueue) await releaseQueue();
        return;
      }
    }
    const runner = new ExecutionRunner({
      execution,
      plan: planned.plan,
      expressions: deps.expressions,
      recorder,
      logs,
      masker,
      secrets,
      secretSources: deps.secretSources,
      workspaceRoot: deps.workspaceRoot,
      defaultStepTimeoutMs: deps.defaultStepTimeoutMs,
      signal: lease.signal,
      accountIdentifier: deps.accountIdentifier,
      waits,
      ...(deps.admission ? { admission: deps.admission } : {}),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      onQueueStageEnd: stageFqn => releaseQueue(stageFqn),
    });
    lease.signal.addEventListener('abort', () => writer.freeze(), {
      once: true,
    });
    lease.onAbortRequested(reason => runner.stop(reason));
    // Asked while parked (nobody was running it): end it before anything runs.
    if (execution.abortRequested) runner.stop('aborted by request');
    if (execution.rerunOf !== undefined && execution.attempt === 1) {
      logs.lines(
        'pipeline',
        'info',
        `re-run of execution ${execution.rerunOf} from stage ${execution.rerunFromStage}; earlier stages are reused, not run again`,
      );
    }
    if (execution.recoveryCount > 0) {
      logs.lines(
        'pipeline',
        'info',
        `resuming after an engine restart (recovery ${execution.recoveryCount})`,
      );
    }
    const outcome = await runner.run();
    if (writer.frozen) {
      await runner.cleanup().catch(() => undefined);
      return;
    }
    if (outcome.parks) {
      // Everything the run recorded is stored before the lease is given up.
      await writer.barrier();
      await deps.executions.park(
        execution.id,
        lease.ownerId,
        outcome.status,
        outcome.parks,
      );
      deps.events?.publish({ type: 'logsAppended', executionId: execution.id });
      deps.events?.publish({ type: 'nodesChanged', executionId: execution.id });
      announceParked(outcome.parkedNotices ?? [], {
        executionId: execution.id,
        masker,
        logger: deps.logger,
      });
      return;
    }
    await deps.executions.complete(
      execution.id,
      lease.ownerId,
      outcome.status,
      {
        errorMessage: outcome.errorMessage,
        outputs: outcome.outputs,
      },
    );
    deps.events?.publish({ type: 'finished', executionId: execution.id });
    deps.metrics?.executionFinished({
      status: outcome.status,
      durationMs:
        Date.now() - Date.parse(execution.startedAt ?? execution.createdAt),
    });
    if (holdsQueue) await releaseQueue();
    // Off the critical path: the end is stored, the files are scratch.
    runner
      .cleanup()
      .catch(error =>
        deps.logger.warn(
          `workspace of execution ${execution.id} could not be removed: ${stringifyError(error)}`,
        ),
      );
  };
}

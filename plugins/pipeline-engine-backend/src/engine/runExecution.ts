import { isError, stringifyError } from '@backstage/errors';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { PipelineSecretSource } from '@idp-pipelines/plugin-pipeline-engine-node';
import {
  ExpressionEngine,
  formatProblem,
  parsePipeline,
  validatePipelineValue,
  type StepSpecRegistry,
  type YamlValue,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { ExecutionStore, LogStore } from '../database';
import { ExecutionRunner } from './executionRunner';
import { planExecution, type StepHandlerLookup } from './plan';
import { LogSink } from './runtime/logSink';
import { StateWriter } from './runtime/stateWriter';
import { NodeRecorder } from './runtime/nodeRecorder';
import { SecretMasker } from './secretMasker';
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
  /** Told after new log lines of an execution were stored. */
  onLogs?: (executionId: string) => void;
}

/**
 * The worker's handler: parse → validate → plan the execution's frozen
 * YAML, run it, and record how it ended. A lost lease freezes every write:
 * the replica that takes over resumes from what is stored.
 */
export function createExecutionHandler(
  deps: RunExecutionDeps,
): ExecutionHandler {
  return async (execution, lease) => {
    const masker = new SecretMasker();
    const writer = new StateWriter(
      deps.executions,
      execution.id,
      lease.ownerId,
      {
        onFlushed: () => deps.onLogs?.(execution.id),
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
    };
    const parsed = readFrozenPipeline(execution.pipelineYaml, deps.registry);
    if (!parsed.ok || !parsed.pipeline) {
      const errors = parsed.problems
        .filter(p => p.severity === 'error')
        .map(formatProblem);
      await fail(`the pipeline is invalid:\n${errors.join('\n')}`);
      return;
    }
    const planned = planExecution(parsed.pipeline, deps.handlers);
    if (!planned.ok) {
      await fail(
        `the pipeline cannot run here:\n${planned.problems.map(formatProblem).join('\n')}`,
      );
      return;
    }
    // A first claim has no stored nodes yet, unless it is a re-run (whose
    // reused stages were copied in): skip the round trip.
    const hasStoredNodes =
      execution.attempt > 1 ||
      execution.recoveryCount > 0 ||
      execution.rerunOf !== undefined;
    const previous = hasStoredNodes
      ? await deps.executions.listNodes(execution.id)
      : [];
    let secrets: Record<string, string>;
    try {
      secrets = await withSourcedSecrets(
        deps.secrets,
        deps.secretSources ?? [],
        referencedSecretIds(execution.pipelineYaml, parsed.pipeline),
      );
    } catch (error) {
      await fail(isError(error) ? error.message : String(error));
      return;
    }
    const recorder = new NodeRecorder(writer, masker, previous);
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
    });
    lease.signal.addEventListener('abort', () => writer.freeze(), {
      once: true,
    });
    lease.onAbortRequested(reason => runner.stop(reason));
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
    await deps.executions.complete(
      execution.id,
      lease.ownerId,
      outcome.status,
      {
        errorMessage: outcome.errorMessage,
        outputs: outcome.outputs,
      },
    );
    deps.onLogs?.(execution.id);
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

/**
 * The execution's frozen pipeline: stored as JSON by the engine (validated
 * then, so the advisory checks are skipped), or YAML from older rows.
 */
function readFrozenPipeline(text: string, registry: StepSpecRegistry) {
  if (text.startsWith('{')) {
    try {
      return validatePipelineValue(JSON.parse(text) as YamlValue, {
        registry,
        advisoryChecks: false,
      });
    } catch {
      // Not JSON after all: read it as YAML.
    }
  }
  return parsePipeline(text, { registry, advisoryChecks: false });
}

import { existsSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, stringifyError } from '@backstage/errors';
import {
  createExpressionContext,
  parseDuration,
  type ExpressionContext,
  type ExpressionEngine,
  type ExpressionScope,
  type ExpressionSnapshot,
  type FailureAction,
  type FailureStrategy,
  type PipelineVariable,
  type StageNode,
  type StepGroupNode,
  type StepNode,
  type YamlValue,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import {
  StepParkRequest,
  type PipelineSecretSource,
  type StepContext,
  type StepLogger,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import type {
  Execution,
  ExecutionStatus,
  ExecutionWait,
  JsonObject,
  NewWait,
  NodeStatus,
  NodeType,
} from '../database';
import { StatusSoFar, statusOfOutcome, type Outcome } from './conditions';
import { runWithConcurrency } from './concurrency';
import { classifyError, selectFailureAction } from './failureStrategies';
import { expandStrategy, type Iteration } from './loops';
import type {
  ExecutionPlan,
  PlanElement,
  PlanGroup,
  PlanStage,
  PlanStep,
} from './plan';
import type { LogSink } from './runtime/logSink';
import type { NodeRecorder } from './runtime/nodeRecorder';
import { runPreflightChecks } from './preflight';
import { outputsPatch, setAtFqn } from './runtime/snapshot';
import type { SecretMasker } from './secretMasker';
import { formatMs, runStepAttempt, StepTimeoutError } from './stepAttempt';
import type { EngineMetrics } from '../metrics/engineMetrics';
import { StepSecretResolver } from './stepSecrets';
import type { AdmissionGate } from './admissionGate';

/**
 * What a parked node tells its parents: nothing (the run stops and records
 * no status for them), so any outcome that does not mark a failure.
 */
const PARKED: Outcome = 'Success';

/** Steps run between two yields to the event loop. */
const YIELD_EVERY_STEPS = 50;

/** A step failure on its way to a failure action. */
interface StepFailure {
  fqn: string;
  id: string;
  message: string;
  errorType: string;
  attempt: number;
  scope: Scope;
  logger: StepLogger;
}

/** Thrown when a non-idempotent step was running when the engine stopped. */
export class InterruptedError extends Error {
  constructor(stepFqn: string) {
    super(`interrupted: engine restarted during step ${stepFqn}`);
    this.name = 'InterruptedError';
  }
}

/** Mutable state of one stage (or stage iteration) while it runs. */
interface StageState {
  id: string;
  fqn: string;
  node: StageNode;
  workspace: string;
  /** Creates the workspace on first use, so steps that touch no files pay nothing. */
  ensureWorkspace(): string;
  /** Set when a failure strategy chose StageRollback or PipelineRollback. */
  rollback: boolean;
}

/** Where an element runs: its stage, enclosing groups, loop variables. */
interface Scope {
  stage: StageState;
  /** FQN under which child nodes are named (`...spec.execution.steps` or `...steps.G.steps`). */
  childPrefix: string;
  parentFqn: string;
  /** Enclosing groups' failure strategies, innermost first, then the stage's and the pipeline's. */
  failureChain: Array<readonly FailureStrategy[] | undefined>;
  groupPath: string[];
  /**
   * The stage's status so far for `when.stageStatus`: its execution steps,
   * or its rollback steps while they run (a rollback section starts afresh).
   */
  section: StatusSoFar;
  /** Set while inside a group: how its children ended. */
  group?: StatusSoFar;
  loop: Pick<ExpressionScope, 'matrix' | 'repeat' | 'strategy'>;
}

/** What the runner needs from the engine. */
export interface ExecutionRunnerOptions {
  execution: Execution;
  plan: ExecutionPlan;
  expressions: ExpressionEngine;
  recorder: NodeRecorder;
  logs: LogSink;
  masker: SecretMasker;
  /** Configured secrets by id (`x`, `org.x`, `account.x`), plus those the sources gave for this execution. */
  secrets: Record<string, string>;
  /** Asked by steps for secrets `secrets` lacks. */
  secretSources?: readonly PipelineSecretSource[];
  workspaceRoot: string;
  defaultStepTimeoutMs: number;
  /** Fires on user abort or lost lease; the runner stops as soon as it can. */
  signal: AbortSignal;
  /** Each step first yields (bounded) to admissions in flight. */
  admission?: AdmissionGate;
  /** OpenTelemetry instruments (step durations). */
  metrics?: EngineMetrics;
  /** Account identifier for `<+account.identifier>`. */
  accountIdentifier?: string;
  /** The execution's durable waits (parked nodes), when it resumes. */
  waits?: ExecutionWait[];
  /** Waits between retries; replaceable in tests. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** A stage in which a Queue step (scope Stage) held its key ended. */
  onQueueStageEnd?: (stageFqn: string) => Promise<void>;
}

/** How an execution ended. */
export interface ExecutionOutcome {
  status: ExecutionStatus;
  errorMessage?: string;
  /** Non-secret output variables by fully-qualified name. */
  outputs: JsonObject;
  /**
   * Set when nodes wait (approval, intervention, queue): the execution is
   * to be parked in `status` with these waits instead of ended.
   */
  parks?: NewWait[];
  /** Steps' `onParked` callbacks, to call once `parks` are stored. */
  parkedNotices?: ParkedNotice[];
}

/** A step's `onParked` with the payload of its new wait, as stored (masked). */
export interface ParkedNotice {
  nodeFqn: string;
  payload: JsonObject;
  onParked: NonNullable<StepParkRequest['onParked']>;
}

/**
 * Runs one execution of a planned pipeline with Harness's semantics: stages
 * and steps in order, `parallel` blocks concurrently, nested step groups,
 * `when` conditions, failure strategies with their precedence, timeouts,
 * looping strategies and abort. Every node is persisted before and after it
 * runs; nodes an earlier (crashed) run finished are reused, not re-run.
 */
export class ExecutionRunner {
  private readonly snapshot: ExpressionSnapshot;
  private readonly abort = new AbortController();
  private abortReason: string | undefined;
  private firstError: string | undefined;
  private readonly outputs: JsonObject = {};
  #executionInfo: StepContext<unknown>['execution'] | undefined;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private stepsSinceYield = 0;
  /** Nodes that parked in this run; the run stops at the next boundary. */
  private readonly parks: NewWait[] = [];
  private readonly parkedNotices: ParkedNotice[] = [];
  private parkStatus: ExecutionStatus | undefined;
  private readonly waits: Map<string, ExecutionWait>;

  constructor(private readonly options: ExecutionRunnerOptions) {
    const e = options.execution;
    this.sleep = options.sleep ?? abortableSleep;
    this.waits = new Map((options.waits ?? []).map(w => [w.nodeFqn, w]));
    this.snapshot = {
      pipeline: {
        name: options.plan.pipeline.name,
        identifier: options.plan.pipeline.identifier,
        executionId: e.id,
        sequenceId: e.sequenceId,
        startTs: Date.parse(e.startedAt ?? e.createdAt),
        orgIdentifier: e.orgIdentifier,
        projectIdentifier: e.projectIdentifier,
        triggeredBy: {
          name: e.triggeredBy.name ?? e.triggeredBy.identity,
          email: e.triggeredBy.email,
        },
        triggerType: e.triggerType,
        variables: {},
        stages: {},
      },
      accountIdentifier: options.accountIdentifier,
      ...(e.triggerType !== 'MANUAL' ? { trigger: triggerRoot(e) } : {}),
      secrets: withScopes(options.secrets),
      secretVariables: {
        pipeline: secretNames(options.plan.pipeline.variables),
        stages: {},
      },
    };
    options.signal.addEventListener(
      'abort',
      () => this.stop(String(options.signal.reason ?? 'aborted')),
      { once: true },
    );
    // Configured secrets are masked from the start: scripts may print them
    // through paths no expression shows.
    for (const value of Object.values(options.secrets))
      options.masker.add(value);
  }

  /** Runs the execution to its end. */
  async run(): Promise<ExecutionOutcome> {
    const workspace = join(
      this.options.workspaceRoot,
      this.options.execution.id,
    );
    try {
      this.restoreFinishedNodes();
      this.snapshot.pipeline.variables = this.renderVariables(
        this.options.plan.pipeline.variables,
        {},
      );
      // A first start (not a resumption) checks what it can before any step.
      if (
        this.options.execution.attempt === 1 &&
        this.options.execution.recoveryCount === 0
      ) {
        await runPreflightChecks({
          plan: this.options.plan,
          snapshot: this.snapshot,
          expressions: this.options.expressions,
        });
      }
      const stagesSoFar = new StatusSoFar();
      for (const entry of this.options.plan.stages) {
        if (this.halted) break;
        const stages = entry.kind === 'parallel' ? entry.stages : [entry];
        const before = stagesSoFar.copy();
        const results = await Promise.all(
          stages.map(s => this.runStageWithStrategy(s, before, workspace)),
        );
        for (const outcome of results) stagesSoFar.note(outcome);
      }
      if (this.abortReason === undefined && this.parks.length)
        return {
          status: this.parkStatus!,
          outputs: this.outputs,
          parks: this.parks,
          parkedNotices: this.parkedNotices,
        };
      if (this.abortReason !== undefined)
        await this.options.recorder.endUntouched('Aborted', this.abortReason);
      let status: ExecutionStatus;
      if (this.abortReason !== undefined) status = 'Aborted';
      else status = executionStatusOf(stagesSoFar.outcome());
      return {
        status,
        ...(status === 'Aborted' ? { errorMessage: this.abortReason } : {}),
        ...((status === 'Failed' || status === 'Expired') && this.firstError
          ? { errorMessage: this.firstError }
          : {}),
        outputs: this.outputs,
      };
    } catch (error) {
      const message = this.options.masker.mask(
        error instanceof InterruptedError
          ? error.message
          : `execution failed: ${errorMessage(error)}`,
      );
      await this.options.recorder.failOpen(message);
      return { status: 'Failed', errorMessage: message, outputs: this.outputs };
    } finally {
      await this.options.logs.flush();
    }
  }

  /** Removes the stage workspaces; called once the execution's end is stored. */
  async cleanup(): Promise<void> {
    const workspace = join(
      this.options.workspaceRoot,
      this.options.execution.id,
    );
    // Most executions never create one; a failed rm costs an error and its stack.
    if (!existsSync(workspace)) return;
    await rm(workspace, {
      recursive: true,
      force: true,
    });
  }

  /** True once the run must start nothing more: aborted, or a node parked. */
  private get halted(): boolean {
    return this.abort.signal.aborted || this.parks.length > 0;
  }

  /** True when this run parks (and was not aborted meanwhile). */
  private get parking(): boolean {
    return this.parks.length > 0 && !this.abort.signal.aborted;
  }

  /** Stops everything still running; the execution ends Aborted. */
  stop(reason: string): void {
    if (this.abortReason === undefined) this.abortReason = reason;
    this.abort.abort(new Error(reason));
  }

  // ---- stages -------------------------------------------------------------

  private async runStageWithStrategy(
    stage: PlanStage,
    stagesSoFar: StatusSoFar,
    root: string,
  ): Promise<Outcome> {
    const { identifier: id, name } = stage.node;
    const fqn = `pipeline.stages.${id}`;
    if (!stage.node.strategy)
      return this.runStage(stage, id, name, stagesSoFar, root, {});
    return this.runLooped(
      fqn,
      'pipeline',
      stage.node,
      stage.node.strategy,
      {},
      { stageId: undefined },
      (it, loop) =>
        this.runStage(
          stage,
          `${id}_${it.suffix}`,
          it.name ?? `${name}_${it.suffix}`,
          stagesSoFar,
          root,
          loop,
          fqn,
        ),
    );
  }

  private async runStage(
    plan: PlanStage,
    id: string,
    name: string,
    stagesSoFar: StatusSoFar,
    root: string,
    loop: Scope['loop'],
    parentFqn = 'pipeline',
  ): Promise<Outcome> {
    const node = plan.node;
    const fqn = `pipeline.stages.${id}`;
    const done = this.options.recorder.finished(fqn);
    if (done) return this.reuseStage(node, id, name, loop, done.status);
    const base = {
      fqn,
      parentFqn,
      nodeType: 'stage' as NodeType,
      identifier: id,
      name,
    };
    setAtFqn(this.snapshot, fqn, {
      name,
      identifier: id,
      type: node.type,
      status: 'Running',
      variables: {},
    });
    this.snapshot.secretVariables!.stages![id] = secretNames(node.variables);
    const scope: ExpressionScope = { stageId: id, ...loop };
    if (
      !stagesSoFar.allows(node.when?.pipelineStatus) ||
      !this.conditionHolds(node.when?.condition, scope, fqn)
    ) {
      return this.skip(
        base,
        `skipped: when ${describeWhen(node.when?.pipelineStatus, node.when?.condition)} did not hold`,
      );
    }
    await this.options.recorder.start({ ...base, status: 'Running' });
    const workspace = join(root, id);
    let created = false;
    const state: StageState = {
      id,
      fqn,
      node,
      workspace,
      ensureWorkspace: () => {
        if (!created) {
          mkdirSync(workspace, { recursive: true });
          created = true;
        }
        return workspace;
      },
      rollback: false,
    };
    const steps = new StatusSoFar();
    let rollback: StatusSoFar | undefined;
    try {
      const variables = this.renderVariables(node.variables, scope);
      setAtFqn(this.snapshot, fqn, { variables });
      const stageScope: Scope = {
        stage: state,
        childPrefix: `${fqn}.spec.execution.steps`,
        parentFqn: fqn,
        failureChain: [
          node.failureStrategies,
          this.options.plan.pipeline.failureStrategies,
        ],
        groupPath: [],
        section: steps,
        loop,
      };
      await this.runElements(plan.steps, stageScope);
      if (steps.broken && state.rollback) {
        rollback = new StatusSoFar();
        if (plan.rollbackSteps.length) {
          this.options.logs.lines(
            fqn,
            'info',
            `running rollback steps of stage ${id}`,
          );
          // Judged within the rollback section: rollback steps without
          // `when` run, though the stage's execution steps failed.
          await this.runElements(plan.rollbackSteps, {
            ...stageScope,
            childPrefix: `${fqn}.spec.execution.rollbackSteps`,
            section: rollback,
          });
        }
      }
    } catch (error) {
      if (error instanceof InterruptedError) throw error;
      steps.note('Failed');
      this.noteError(`stage ${id}: ${stringifyError(error)}`);
      this.options.logs.lines(fqn, 'stderr', stringifyError(error));
    }
    // Parked inside: the stage resumes later, its status stays Running.
    if (this.parking) return PARKED;
    // A rollback that itself failed leaves the stage failed.
    let outcome: Outcome =
      rollback && !rollback.broken && steps.broken
        ? 'RolledBack'
        : steps.outcome();
    if (this.abort.signal.aborted) outcome = 'Aborted';
    const status = statusOfOutcome(outcome);
    await this.options.recorder.update(fqn, { status });
    setAtFqn(this.snapshot, fqn, { status });
    if (this.heldStageQueue(fqn)) await this.options.onQueueStageEnd?.(fqn);
    return outcome;
  }

  /** True when a Queue step of this stage holds its key until the stage ends. */
  private heldStageQueue(stageFqn: string): boolean {
    for (const wait of this.waits.values())
      if (
        wait.kind === 'queue' &&
        wait.status === 'Resolved' &&
        wait.payload.scope === 'Stage' &&
        wait.nodeFqn.startsWith(`${stageFqn}.`)
      )
        return true;
    return false;
  }

  // ---- elements -----------------------------------------------------------

  private async runElements(
    elements: PlanElement[],
    scope: Scope,
  ): Promise<void> {
    for (const element of elements) {
      if (this.halted) return;
      if (element.kind === 'parallel') {
        await Promise.all(
          element.children.map(child => this.runElement(child, scope)),
        );
      } else {
        await this.runElement(element, scope);
      }
    }
  }

  private async runElement(
    element: PlanStep | PlanGroup,
    scope: Scope,
  ): Promise<void> {
    const node = element.node;
    const fqn = `${scope.childPrefix}.${node.identifier}`;
    let outcome: Outcome;
    if (node.strategy) {
      const exprScope = this.exprScope(scope);
      outcome = await this.runLooped(
        fqn,
        scope.parentFqn,
        node,
        node.strategy,
        scope.loop,
        exprScope,
        (it, loop) =>
          this.runOnce(
            element,
            `${node.identifier}_${it.suffix}`,
            it.name ?? `${node.name}_${it.suffix}`,
            { ...scope, parentFqn: fqn, loop },
          ),
      );
    } else {
      outcome = await this.runOnce(element, node.identifier, node.name, scope);
    }
    scope.section.note(outcome);
    scope.group?.note(outcome);
  }

  private runOnce(
    element: PlanStep | PlanGroup,
    id: string,
    name: string,
    scope: Scope,
  ): Promise<Outcome> {
    return element.kind === 'step'
      ? this.runStep(element, id, name, scope)
      : this.runGroup(element, id, name, scope);
  }

  private async runGroup(
    plan: PlanGroup,
    id: string,
    name: string,
    scope: Scope,
  ): Promise<Outcome> {
    const node: StepGroupNode = plan.node;
    const fqn = `${scope.childPrefix}.${id}`;
    if (this.options.admission?.busy)
      await this.options.admission.clearForStep();
    const done = this.options.recorder.finished(fqn);
    if (done) return this.reuse(fqn, done.status);
    const base = {
      fqn,
      parentFqn: scope.parentFqn,
      nodeType: 'stepGroup' as NodeType,
      identifier: id,
      name,
    };
    setAtFqn(this.snapshot, fqn, {
      name,
      identifier: id,
      status: 'Running',
      steps: {},
    });
    const exprScope = {
      ...this.exprScope(scope),
      stepGroupPath: [...scope.groupPath, id],
    };
    if (
      !scope.section.allows(node.when?.stageStatus) ||
      !this.conditionHolds(node.when?.condition, exprScope, fqn)
    ) {
      return this.skip(
        base,
        `skipped: when ${describeWhen(node.when?.stageStatus, node.when?.condition)} did not hold`,
      );
    }
    await this.options.recorder.start({ ...base, status: 'Running' });
    const group = new StatusSoFar();
    try {
      setAtFqn(this.snapshot, fqn, {
        variables: this.renderVariables(node.variables, exprScope),
      });
      await this.runElements(plan.children, {
        ...scope,
        childPrefix: `${fqn}.steps`,
        parentFqn: fqn,
        failureChain: [node.failureStrategies, ...scope.failureChain],
        groupPath: [...scope.groupPath, id],
        group,
      });
    } catch (error) {
      if (error instanceof InterruptedError) throw error;
      group.note('Failed');
      this.noteError(`step group ${id}: ${stringifyError(error)}`);
    }
    if (this.parking) return PARKED;
    const outcome: Outcome = this.abort.signal.aborted
      ? 'Aborted'
      : group.outcome();
    const status = statusOfOutcome(outcome);
    await this.options.recorder.update(fqn, { status });
    setAtFqn(this.snapshot, fqn, { status });
    return outcome;
  }

  // ---- steps --------------------------------------------------------------

  private async runStep(
    plan: PlanStep,
    id: string,
    name: string,
    scope: Scope,
  ): Promise<Outcome> {
    const node: StepNode = plan.node;
    const fqn = `${scope.childPrefix}.${id}`;
    // Steps that finish synchronously never yield; let the state writer
    // flush now and then instead of building one huge batch at the end.
    if (++this.stepsSinceYield >= YIELD_EVERY_STEPS) {
      this.stepsSinceYield = 0;
      await new Promise(resolve => setImmediate(resolve));
    }
    const done = this.options.recorder.finished(fqn);
    if (done) return this.reuse(fqn, done.status);
    const interrupted = this.options.recorder.interrupted(fqn);
    const intervention =
      interrupted?.status === 'InterventionWaiting'
        ? this.waits.get(fqn)
        : undefined;
    let resumed: FailureAction | undefined;
    if (intervention?.kind === 'intervention') {
      resumed = interventionAction(intervention);
      if (!resumed || resumed.type !== 'Retry') {
        const failure = {
          fqn,
          id,
          message: String(intervention.payload.message ?? 'failed'),
          errorType: String(intervention.payload.errorType ?? 'Unknown'),
          attempt: Number(intervention.payload.attempt ?? 1),
          scope,
          logger: this.stepLogger(fqn),
        };
        // Still waiting (woken for another node): park again.
        if (!resumed)
          return this.awaitIntervention(
            failure,
            intervention.payload as Record<string, unknown>,
          );
        failure.logger.info(
          `manual intervention: ${describeIntervention(intervention)}`,
        );
        return this.applyFailureAction(resumed, failure);
      }
    }
    if (interrupted && !plan.handler.idempotent && !resumed) {
      const error = new InterruptedError(fqn);
      await this.options.recorder.update(fqn, {
        status: 'Failed',
        errorMessage: error.message,
        failureType: 'Unknown',
      });
      throw error;
    }
    const base = {
      fqn,
      parentFqn: scope.parentFqn,
      nodeType: 'step' as NodeType,
      identifier: id,
      name,
      stepType: node.type,
      idempotent: plan.handler.idempotent,
    };
    setAtFqn(this.snapshot, fqn, {
      name,
      identifier: id,
      type: node.type,
      status: 'Running',
      retryCount: 0,
    });
    const exprScope: ExpressionScope = { ...this.exprScope(scope), stepId: id };
    if (
      !scope.section.allows(node.when?.stageStatus) ||
      !this.conditionHolds(node.when?.condition, exprScope, fqn)
    ) {
      return this.skip(
        base,
        `skipped: when ${describeWhen(node.when?.stageStatus, node.when?.condition)} did not hold`,
      );
    }
    const storedWait = this.waits.get(fqn);
    if (resumed)
      this.options.logs.lines(
        fqn,
        'info',
        `manual intervention: ${describeIntervention(intervention!)}`,
      );
    else if (interrupted && !storedWait)
      this.options.logs.lines(
        fqn,
        'info',
        'the engine restarted during this step; running it again (it is idempotent)',
      );
    const logger = this.stepLogger(fqn);
    const started = Date.now();
    // A Retry chosen by a person counts on from the failed attempt.
    let attempt = resumed ? Number(intervention!.payload.attempt ?? 1) + 1 : 1;
    await this.options.recorder.start({
      ...base,
      status: 'Running',
      attempt,
      errorMessage: null,
      failureType: null,
    });
    // Transitions are written in batches; a step that must never run twice
    // starts only once everything before it, and its Running state, is stored.
    if (!plan.handler.idempotent) await this.options.recorder.barrier();
    // The strategy chosen at the first failure (undefined: none matched).
    let action: FailureAction | undefined;
    let selected = false;
    let retriesLeft = 0;
    let retryIntervals: string[] = [];
    for (;;) {
      const context = this.lazyContext(exprScope);
      let timeoutMs: number | undefined;
      let attemptStarted: number | undefined;
      const recordAttempt = (status: string) => {
        if (attemptStarted !== undefined)
          this.options.metrics?.stepFinished({
            stepType: node.type,
            status,
            durationMs: Date.now() - attemptStarted,
          });
      };
      try {
        timeoutMs = this.timeoutOf(node.timeout, exprScope);
        if (attempt > 1 && !plan.handler.idempotent)
          await this.options.recorder.barrier();
        attemptStarted = Date.now();
        const result = await runStepAttempt({
          step: node,
          handler: plan.handler,
          expressions: this.options.expressions,
          context,
          masker: this.options.masker,
          logger,
          secrets: new StepSecretResolver(
            this.options.secrets,
            this.options.masker,
            this.options.secretSources,
          ),
          signal: this.abort.signal,
          timeoutMs,
          workspace: scope.stage.ensureWorkspace,
          base: {
            step: {
              identifier: id,
              name,
              type: node.type,
              fqn,
              retryCount: attempt - 1,
            },
            stage: {
              identifier: scope.stage.id,
              name: scope.stage.node.name,
              type: scope.stage.node.type,
            },
            execution: this.executionInfo,
            ...(storedWait ? { wait: waitState(storedWait) } : {}),
          },
        });
        recordAttempt('Success');
        const outputs = this.options.masker.maskDeep(result.outputs);
        await this.options.recorder.update(fqn, {
          status: 'Success',
          attempt,
          outputs,
          secretOutputs: result.secretOutputs,
          errorMessage: null,
          failureType: null,
        });
        this.recordOutputs(
          fqn,
          { ...outputs, ...result.secretOutputs },
          outputs,
          'Success',
          node.type,
        );
        logger.info(
          `step ${id} succeeded in ${formatMs(Date.now() - started)}`,
        );
        return 'Success';
      } catch (error) {
        if (error instanceof StepParkRequest && !this.abort.signal.aborted)
          return this.park(fqn, error, timeoutMs, logger);
        recordAttempt(
          this.abort.signal.aborted && !(error instanceof StepTimeoutError)
            ? 'Aborted'
            : 'Failed',
        );
        if (this.abort.signal.aborted && !(error instanceof StepTimeoutError)) {
          await this.options.recorder.update(fqn, {
            status: 'Aborted',
            attempt,
            errorMessage: this.abortReason ?? 'aborted',
          });
          setAtFqn(this.snapshot, fqn, { status: 'Aborted' });
          return 'Aborted';
        }
        const message = this.options.masker.mask(errorMessage(error));
        const errorType = classifyError(
          error,
          error instanceof StepTimeoutError,
        );
        logger.error(`step ${id} failed (${errorType}): ${message}`);
        if (!selected) {
          selected = true;
          action = selectFailureAction(errorType, [
            node.failureStrategies,
            ...scope.failureChain,
          ]);
          if (action?.type === 'Retry') {
            retriesLeft = Number(action.spec?.retryCount ?? 1);
            retryIntervals = action.spec?.retryIntervals ?? [];
          }
        }
        if (action?.type === 'Retry' && retriesLeft > 0) {
          const wait =
            parseDuration(
              retryIntervals[
                Math.min(attempt - 1, retryIntervals.length - 1)
              ] ?? '0s',
            ) ?? 0;
          retriesLeft--;
          attempt++;
          logger.info(`retrying in ${formatMs(wait)} (attempt ${attempt})`);
          await this.options.recorder.update(fqn, {
            status: 'Running',
            attempt,
            errorMessage: message,
            failureType: errorType,
          });
          setAtFqn(this.snapshot, fqn, { retryCount: attempt - 1 });
          await this.sleep(wait, this.abort.signal).catch(() => undefined);
          continue;
        }
        const final =
          action?.type === 'Retry'
            ? action.spec?.onRetryFailure?.action
            : action;
        const failure = { fqn, id, message, errorType, attempt, scope, logger };
        if (!final)
          return this.failUnhandled(failure, error instanceof StepTimeoutError);
        return this.applyFailureAction(final, failure);
      }
    }
  }

  /**
   * A step waits for a person or a queue turn: its node keeps the wait
   * status and the run stops at the next boundary, to be parked with the
   * step's timeout as deadline (kept from the first park).
   */
  private async park(
    fqn: string,
    request: StepParkRequest,
    timeoutMs: number | undefined,
    logger: StepLogger,
  ): Promise<Outcome> {
    if (!this.waits.has(fqn)) logger.info(request.message);
    await this.options.recorder.update(fqn, { status: request.waitStatus });
    setAtFqn(this.snapshot, fqn, { status: request.waitStatus });
    // Stored, served by the approvals API and handed to `onParked`: a
    // message resolved from a secret is masked like a log line.
    const payload = this.options.masker.maskDeep(request.payload) as JsonObject;
    this.parks.push({ nodeFqn: fqn, kind: request.kind, payload, timeoutMs });
    // A wait still open is kept as it is by the store: nobody is told twice.
    if (request.onParked && this.waits.get(fqn)?.status !== 'Waiting')
      this.parkedNotices.push({
        nodeFqn: fqn,
        payload,
        onParked: request.onParked,
      });
    this.parkStatus ??= request.waitStatus;
    return PARKED;
  }

  /**
   * ManualIntervention: the step waits (InterventionWaiting) for a person to
   * choose an action through the API, or for its timeout, when `onTimeout`
   * applies (MarkAsFailure when none); the execution parks meanwhile.
   */
  private async awaitIntervention(
    f: StepFailure,
    payload: Record<string, unknown>,
  ): Promise<Outcome> {
    const timeout =
      typeof payload.timeout === 'string'
        ? parseDuration(payload.timeout)
        : undefined;
    if (!this.waits.has(f.fqn))
      f.logger.warn(
        `waiting for manual intervention (Retry, MarkAsSuccess, Ignore, Abort, StageRollback, MarkAsFailure)${payload.timeout ? `; after ${payload.timeout} ${onTimeoutOf(payload).type} applies` : ''}`,
      );
    await this.options.recorder.update(f.fqn, {
      status: 'InterventionWaiting',
      attempt: f.attempt,
      errorMessage: f.message,
      failureType: f.errorType,
    });
    setAtFqn(this.snapshot, f.fqn, { status: 'InterventionWaiting' });
    this.parks.push({
      nodeFqn: f.fqn,
      kind: 'intervention',
      payload: payload as JsonObject,
      timeoutMs: timeout,
    });
    this.parkStatus ??= 'InterventionWaiting';
    return PARKED;
  }

  /**
   * A failure no strategy handled: the step fails, or ends `Expired` when it
   * ran past its timeout ("Step timeouts mark steps as expired in the
   * following scenarios: The step does not complete before the configured
   * timeout" — Harness, Timeout settings).
   */
  private async failUnhandled(
    f: StepFailure,
    timedOut: boolean,
  ): Promise<Outcome> {
    const status = timedOut ? 'Expired' : 'Failed';
    if (timedOut)
      f.logger.error(
        `step ${f.id} expired: it did not complete before its timeout`,
      );
    await this.recordFailure(f, status);
    this.noteError(`step ${f.id}: ${f.message}`);
    return status;
  }

  private async recordFailure(
    f: StepFailure,
    status: NodeStatus,
  ): Promise<void> {
    await this.options.recorder.update(f.fqn, {
      status,
      attempt: f.attempt,
      errorMessage: f.message,
      failureType: f.errorType,
    });
    setAtFqn(this.snapshot, f.fqn, { status });
  }

  private async applyFailureAction(
    action: FailureAction,
    f: StepFailure,
  ): Promise<Outcome> {
    const record = (status: NodeStatus) => this.recordFailure(f, status);
    switch (action.type) {
      case 'Ignore':
        f.logger.warn(`failure ignored (failure strategy Ignore)`);
        await record('IgnoreFailed');
        return 'IgnoreFailed';
      case 'MarkAsSuccess':
        f.logger.warn(
          `failure marked as success (failure strategy MarkAsSuccess)`,
        );
        await record('Success');
        return 'Success';
      case 'Abort':
        await record('Failed');
        this.noteError(`step ${f.id}: ${f.message}`);
        this.stop(
          `aborted by the failure strategy of step ${f.id}: ${f.message}`,
        );
        return 'Failed';
      case 'StageRollback':
      case 'PipelineRollback':
        f.scope.stage.rollback = true;
        break;
      case 'ManualIntervention':
        return this.awaitIntervention(f, {
          message: f.message,
          errorType: f.errorType,
          attempt: f.attempt,
          ...(action.spec?.onTimeout?.action &&
          action.spec.onTimeout.action.type !== 'ManualIntervention'
            ? { onTimeout: action.spec.onTimeout.action }
            : {}),
          ...(action.spec?.timeout ? { timeout: action.spec.timeout } : {}),
        });
      default:
        break;
    }
    await record('Failed');
    this.noteError(`step ${f.id}: ${f.message}`);
    return 'Failed';
  }

  // ---- looping ------------------------------------------------------------

  private async runLooped(
    fqn: string,
    parentFqn: string,
    node: { identifier: string; name: string },
    strategy: NonNullable<StepNode['strategy']>,
    outerLoop: Scope['loop'],
    exprScope: ExpressionScope,
    runIteration: (it: Iteration, loop: Scope['loop']) => Promise<Outcome>,
  ): Promise<Outcome> {
    const done = this.options.recorder.finished(fqn);
    if (done) return this.reuse(fqn, done.status);
    await this.options.recorder.start({
      fqn,
      parentFqn,
      nodeType: 'strategy',
      identifier: node.identifier,
      name: node.name,
      status: 'Running',
    });
    let expanded;
    try {
      expanded = expandStrategy(strategy, (value, it) => {
        const scope: ExpressionScope = {
          ...exprScope,
          ...outerLoop,
          ...(it ? loopVariables(it) : {}),
        };
        return typeof value === 'string'
          ? this.options.expressions.render(
              value,
              createExpressionContext(this.snapshot, scope),
            ).value
          : value;
      });
    } catch (error) {
      const message = this.options.masker.mask(errorMessage(error));
      await this.options.recorder.update(fqn, {
        status: 'Failed',
        errorMessage: message,
      });
      this.noteError(`${node.identifier}: ${message}`);
      return 'Failed';
    }
    const iterations = new StatusSoFar();
    await runWithConcurrency(
      expanded.iterations.map(it => async () => {
        if (this.halted) return;
        iterations.note(
          await runIteration(it, { ...outerLoop, ...loopVariables(it) }),
        );
      }),
      expanded.maxConcurrency,
    );
    if (this.parking) return PARKED;
    const outcome: Outcome = this.abort.signal.aborted
      ? 'Aborted'
      : iterations.outcome();
    const status = statusOfOutcome(outcome);
    await this.options.recorder.update(fqn, { status });
    setAtFqn(this.snapshot, fqn, { status });
    return outcome;
  }

  // ---- helpers ------------------------------------------------------------

  /** What every step is told about the execution (one frozen object for all). */
  private get executionInfo(): StepContext<unknown>['execution'] {
    const e = this.options.execution;
    this.#executionInfo ??= Object.freeze({
      id: e.id,
      orgIdentifier: e.orgIdentifier,
      projectIdentifier: e.projectIdentifier,
      pipelineIdentifier: e.pipelineIdentifier,
      triggeredBy: e.triggeredBy,
    });
    return this.#executionInfo;
  }

  /**
   * An expression context built on first lookup: most specs hold no
   * expression, and a step's context is needed only when one does.
   */
  private lazyContext(scope: ExpressionScope): ExpressionContext {
    let context: ExpressionContext | undefined;
    const get = () =>
      (context ??= createExpressionContext(this.snapshot, scope));
    return {
      lookup: root => get().lookup(root),
      getSecret: ref => get().getSecret(ref),
      rootNames: () => get().rootNames?.() ?? [],
    };
  }

  private exprScope(scope: Scope): ExpressionScope {
    return {
      stageId: scope.stage.id,
      stepGroupPath: scope.groupPath,
      ...scope.loop,
    };
  }

  private conditionHolds(
    condition: string | undefined,
    scope: ExpressionScope,
    fqn: string,
  ): boolean {
    if (condition === undefined || condition.trim() === '') return true;
    const outcome = this.options.expressions.tryEvaluateCondition(
      condition,
      createExpressionContext(this.snapshot, scope),
    );
    if (outcome.ok) return outcome.value;
    // An unevaluable condition is a pipeline bug: say so and do not run the node.
    this.options.logs.lines(
      fqn,
      'stderr',
      `when.condition could not be evaluated: ${outcome.error.message}`,
    );
    return false;
  }

  private renderVariables(
    variables: PipelineVariable[] | undefined,
    scope: ExpressionScope,
  ): Record<string, YamlValue> {
    const out: Record<string, YamlValue> = {};
    for (const v of variables ?? []) {
      let value: unknown = v.value ?? v.default ?? '';
      if (typeof value === 'string' && v.type !== 'Secret') {
        const rendered = this.options.expressions.render(
          value,
          createExpressionContext(this.snapshot, scope),
        );
        for (const s of rendered.secrets) this.options.masker.add(s);
        value = rendered.value;
      }
      if (
        v.type === 'Number' &&
        typeof value === 'string' &&
        value.trim() !== ''
      ) {
        const n = Number(value);
        if (!Number.isFinite(n))
          throw new InputError(
            `variable ${v.name} is a Number but its value is ${JSON.stringify(value)}`,
          );
        value = n;
      }
      out[v.name] = value as YamlValue;
      // Later variables may refer to earlier ones of the same list.
      if (scope.stageId === undefined)
        this.snapshot.pipeline.variables = {
          ...this.snapshot.pipeline.variables,
          [v.name]: out[v.name],
        };
    }
    return out;
  }

  private timeoutOf(
    timeout: string | undefined,
    scope: ExpressionScope,
  ): number {
    if (!timeout) return this.options.defaultStepTimeoutMs;
    const text = timeout.includes('<+')
      ? String(
          this.options.expressions.render(
            timeout,
            createExpressionContext(this.snapshot, scope),
          ).value,
        )
      : timeout;
    const ms = parseDuration(text);
    if (ms === undefined)
      throw new InputError(
        `timeout ${JSON.stringify(text)} is not a duration such as 10m`,
      );
    return ms;
  }

  private async skip(
    base: {
      fqn: string;
      parentFqn: string;
      nodeType: NodeType;
      identifier: string;
      name: string;
      stepType?: string;
    },
    reason: string,
  ): Promise<Outcome> {
    await this.options.recorder.start({
      ...base,
      status: 'Skipped',
      errorMessage: reason,
    });
    setAtFqn(this.snapshot, base.fqn, { status: 'Skipped' });
    this.options.logs.lines(base.fqn, 'info', reason);
    return 'Skipped';
  }

  /**
   * A stage an earlier run (or the execution a re-run reuses) finished: its
   * steps' outputs come back from storage, its variables are not stored, so
   * they are rendered again for later stages to read.
   */
  private reuseStage(
    node: StageNode,
    id: string,
    name: string,
    loop: Scope['loop'],
    status: NodeStatus,
  ): Outcome {
    const fqn = `pipeline.stages.${id}`;
    this.snapshot.secretVariables!.stages![id] = secretNames(node.variables);
    let variables: Record<string, YamlValue> = {};
    try {
      variables = this.renderVariables(node.variables, {
        stageId: id,
        ...loop,
      });
    } catch {
      // Left out: only a later expression reading them notices, and says so.
    }
    setAtFqn(this.snapshot, fqn, {
      name,
      identifier: id,
      type: node.type,
      variables,
    });
    return this.reuse(fqn, status);
  }

  private reuse(fqn: string, status: NodeStatus): Outcome {
    setAtFqn(this.snapshot, fqn, { status });
    if (
      status === 'Success' ||
      status === 'IgnoreFailed' ||
      status === 'Skipped' ||
      status === 'Aborted' ||
      status === 'Expired'
    )
      return status;
    return 'Failed';
  }

  /** Puts outputs of nodes an earlier run finished back into the snapshot. */
  private restoreFinishedNodes(): void {
    for (const node of this.options.recorder.allFinished()) {
      const secretValues = Object.fromEntries(
        Object.entries(node.secretOutputs).flatMap(([k, v]) =>
          v.value !== undefined ? [[k, v.value]] : [],
        ),
      );
      for (const value of Object.values(secretValues))
        this.options.masker.add(value);
      this.recordOutputs(
        node.fqn,
        { ...node.outputs, ...secretValues },
        node.outputs as JsonObject,
        node.status,
        node.stepType,
      );
    }
  }

  private recordOutputs(
    fqn: string,
    all: Record<string, unknown>,
    visible: JsonObject,
    status: string,
    stepType?: string,
  ): void {
    setAtFqn(this.snapshot, fqn, { ...outputsPatch(all, stepType), status });
    for (const [name, value] of Object.entries(visible)) {
      this.outputs[`${fqn}.output.outputVariables.${name}`] = value;
    }
  }

  private stepLogger(fqn: string): StepLogger {
    const logs = this.options.logs;
    return {
      info: m => logs.lines(fqn, 'info', m),
      warn: m => logs.lines(fqn, 'info', `warning: ${m}`),
      error: m => logs.lines(fqn, 'stderr', m),
      write: (stream, text) => logs.write(fqn, stream, text),
    };
  }

  private noteError(message: string): void {
    this.firstError ??= this.options.masker.mask(message);
  }
}

/**
 * Configured secrets are one flat list; pipelines address them as `x`,
 * `org.x` or `account.x` (Harness scopes), so each answers to all three.
 */
function withScopes(secrets: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, value] of Object.entries(secrets)) {
    const bare = id.replace(/^(account|org)\./, '');
    out[`account.${bare}`] ??= value;
    out[`org.${bare}`] ??= value;
    out[bare] ??= value;
    out[id] = value;
  }
  return out;
}

/**
 * `<+trigger.*>` of a run a trigger started, as Harness names it: `type`
 * (Webhook or Scheduled), `triggerName` (the trigger's identifier) and
 * `payload` (the webhook call's JSON body).
 */
function triggerRoot(e: Execution): NonNullable<ExpressionSnapshot['trigger']> {
  return {
    type: e.triggerType === 'SCHEDULER_CRON' ? 'Scheduled' : 'Webhook',
    ...(e.triggerIdentifier ? { triggerName: e.triggerIdentifier } : {}),
    payload: (e.triggerPayload ?? {}) as NonNullable<
      ExpressionSnapshot['trigger']
    >,
  };
}

/** ManualIntervention actions a person may choose. */
export const INTERVENTION_ACTIONS = [
  'Retry',
  'MarkAsSuccess',
  'Ignore',
  'Abort',
  'StageRollback',
  'MarkAsFailure',
] as const;

/** The action that ends an intervention wait, or undefined while it is open. */
function interventionAction(wait: ExecutionWait): FailureAction | undefined {
  if (wait.status === 'Resolved') {
    const type = String(wait.resolution?.action ?? 'MarkAsFailure');
    return { type: type as FailureAction['type'] };
  }
  if (wait.expired) return onTimeoutOf(wait.payload);
  return undefined;
}

function onTimeoutOf(payload: Record<string, unknown>): FailureAction {
  const action = payload.onTimeout as unknown as FailureAction | undefined;
  return action?.type ? action : { type: 'MarkAsFailure' };
}

function describeIntervention(wait: ExecutionWait): string {
  if (wait.status === 'Resolved')
    return `${String(wait.resolution?.action)} chosen by ${String(wait.resolution?.by ?? 'a user')}`;
  return `no action before the timeout; applying ${onTimeoutOf(wait.payload).type}`;
}

/** What a resumed step is told about its wait. */
function waitState(
  wait: ExecutionWait,
): NonNullable<StepContext<unknown>['wait']> {
  return {
    status: wait.status,
    expired: wait.expired,
    payload: wait.payload,
    ...(wait.resolution ? { resolution: wait.resolution } : {}),
    createdAt: wait.createdAt,
    ...(wait.deadlineAt ? { deadlineAt: wait.deadlineAt } : {}),
  };
}

/** The message a user sees: no `Error:` prefix, no stack. */
function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : stringifyError(error);
}

function loopVariables(it: Omit<Iteration, 'suffix' | 'name'>): Scope['loop'] {
  return {
    ...(it.matrix ? { matrix: it.matrix as ExpressionScope['matrix'] } : {}),
    ...(it.repeat ? { repeat: it.repeat as ExpressionScope['repeat'] } : {}),
    strategy: { iteration: it.index, iterations: it.total },
  };
}

/** How an execution ended, from how its stages ended. */
function executionStatusOf(outcome: Outcome): ExecutionStatus {
  if (outcome === 'Expired' || outcome === 'IgnoreFailed') return outcome;
  return outcome === 'Success' || outcome === 'Skipped' ? 'Success' : 'Failed';
}

function secretNames(variables: PipelineVariable[] | undefined): string[] {
  return (variables ?? []).filter(v => v.type === 'Secret').map(v => v.name);
}

function describeWhen(
  status: string | undefined,
  condition: string | undefined,
): string {
  return [
    `status ${status ?? 'Success'}`,
    condition ? `condition ${condition}` : undefined,
  ]
    .filter(Boolean)
    .join(' and ');
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

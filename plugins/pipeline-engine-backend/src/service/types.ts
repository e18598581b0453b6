import type {
  ApiProblem,
  DryRunResponse,
  ExecutionTriggerType,
  ExecuteRequest,
  ExecutionDetail,
  ExecutionSummary,
  LogPageView,
  PipelineDetail,
  PipelineRef,
  PipelineSummary,
  RerunRequest,
  TriggeredByView,
  ValidationResponse,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type { JsonObject } from '../database';

/** Who is acting, as recorded on executions and pipelines. */
export type Actor = TriggeredByView;

/** Filter of {@link PipelineEngineApi.listPipelines}. */
export interface PipelineFilter {
  orgIdentifier?: string;
  projectIdentifier?: string;
  limit?: number;
  offset?: number;
}

/** Filter of {@link PipelineEngineApi.listExecutions}. */
export interface ExecutionFilter extends Partial<PipelineRef> {
  status?: string;
  limit?: number;
  offset?: number;
}

/** How an execution was started. */
export interface ExecuteOptions {
  /** Default `MANUAL`. */
  triggerType?: ExecutionTriggerType;
  /** Identifier of the trigger that started it. */
  triggerIdentifier?: string;
  /** JSON body of the webhook call that started it (`<+trigger.payload>`). */
  triggerPayload?: JsonObject;
  /**
   * The input values the caller supplied itself (default: the request's
   * `inputSet`). The secrets they would read are checked against
   * `deniedSecrets` before the execution is queued. Stored input sets are
   * not checked: writing them needs `pipeline-engine.pipeline.update`, which
   * may change the pipeline's YAML (and its secret references) anyway.
   */
  callerInputSet?: unknown;
  /**
   * Of the given secret ids, those the caller may not use
   * (`pipeline-engine.secret.use`). Without it the caller may use none, as
   * for webhook trigger calls.
   */
  deniedSecrets?: (secretIds: string[]) => Promise<string[]>;
  /**
   * `Idempotency-Key` header: a repeated key from the same actor for the
   * same pipeline returns the first execution instead of starting another.
   */
  idempotencyKey?: string;
}

/** A page of results with the total count. */
export interface ListResult<T> {
  items: T[];
  totalCount: number;
}

/** Thrown (as InputError subclass) when a pipeline or input set has problems; the router answers 400 with them. */
export interface ProblemsCarrier {
  problems: ApiProblem[];
}

/**
 * What the REST router calls. Permission checks happen in the router;
 * this layer trusts its caller. Errors are `@backstage/errors` types:
 * NotFoundError (404), ConflictError (409), InputError (400, with
 * `problems` when there are pipeline/input-set problems).
 */
export interface PipelineEngineApi {
  listPipelines(filter: PipelineFilter): Promise<ListResult<PipelineSummary>>;
  getPipeline(ref: PipelineRef): Promise<PipelineDetail>;
  /** Creates an INLINE pipeline from YAML; org/project/identifier come from the YAML. */
  createPipeline(yaml: string, actor: Actor): Promise<PipelineDetail>;
  updatePipeline(
    ref: PipelineRef,
    yaml: string,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<PipelineDetail>;
  deletePipeline(ref: PipelineRef): Promise<void>;
  validatePipeline(yaml: string): Promise<ValidationResponse>;

  /** Resolves runtime inputs, enqueues, returns at once (status Queued). */
  execute(
    ref: PipelineRef,
    request: ExecuteRequest,
    actor: Actor,
    options?: ExecuteOptions,
  ): Promise<ExecutionSummary>;
  /**
   * Queues a re-run of an ended execution: stages before `fromStage` are
   * reused (their nodes and outputs copied), the rest run again.
   * ConflictError while the original runs or when a reused stage changed.
   */
  rerunExecution(
    id: string,
    request: RerunRequest,
    actor: Actor,
  ): Promise<ExecutionSummary>;
  /** Validates the input set against the pipeline and reports what would run; runs nothing. */
  dryRun(ref: PipelineRef, request: ExecuteRequest): Promise<DryRunResponse>;
  listExecutions(
    filter: ExecutionFilter,
  ): Promise<ListResult<ExecutionSummary>>;
  getExecution(id: string): Promise<ExecutionDetail>;
  /** Requests abort; returns the execution as it is now. */
  abortExecution(id: string, actor: Actor): Promise<ExecutionSummary>;
  /** Log lines after `after` (exclusive). */
  readLogs(
    id: string,
    options: { after?: number; limit?: number; nodeFqn?: string },
  ): Promise<LogPageView>;
  /** Calls `listener` whenever new log lines of the execution may be available; returns an unsubscribe function. */
  onLogs(id: string, listener: () => void): () => void;
  /** Calls `listener` whenever the execution's nodes, status or logs may have changed (any replica); returns an unsubscribe function. */
  onExecutionChanges(id: string, listener: () => void): () => void;
}

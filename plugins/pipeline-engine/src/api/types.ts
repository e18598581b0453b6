import type {
  ApprovalActivityRequest,
  ApprovalView,
  DryRunResponse,
  ExecuteRequest,
  ExecutionDetail,
  ExecutionSummary,
  LogLineView,
  LogPageView,
  PipelineDetail,
  PipelineRef,
  PipelineSummary,
  RerunRequest,
  ValidationResponse,
  ExecutionListQuery,
  ExecutionStreamEvent,
  FollowLogsResult,
  InputSetView,
  ListResponse,
  LogQuery,
  PageQuery,
  PipelineListQuery,
  TriggerView,
  TriggerWithTokenView,
} from '@idp-pipelines/plugin-pipeline-engine-common';

/**
 * Options of {@link PipelineEngineApi.followLogs}.
 * @public
 */
export interface FollowLogsOptions {
  /** Sequence number to start after; 0 (the default) sends every line. */
  after?: number;
  /** Stops following; the call then resolves with `complete: false`. */
  signal?: AbortSignal;
}

/**
 * Harness's ManualIntervention actions, as the execution interventions
 * route accepts them.
 * @public
 */
export type InterventionAction =
  | 'Retry'
  | 'MarkAsSuccess'
  | 'Ignore'
  | 'Abort'
  | 'StageRollback'
  | 'MarkAsFailure';

/**
 * The pipeline engine's REST API as the browser uses it: the same calls as
 * the backend's `PipelineEngineService`, authenticated as the signed-in
 * user by the app's fetch API. Errors are `ResponseError`s of
 * `@backstage/errors`; `problemsOfError` reads their problems.
 * @public
 */
export interface PipelineEngineApi {
  listPipelines(
    query?: PipelineListQuery,
  ): Promise<ListResponse<PipelineSummary>>;
  getPipeline(ref: PipelineRef): Promise<PipelineDetail>;
  validatePipeline(yaml: string): Promise<ValidationResponse>;
  /** Starts an execution; it is queued when this resolves. */
  execute(ref: PipelineRef, request: ExecuteRequest): Promise<ExecutionSummary>;
  /** Checks an input set against the pipeline without running anything. */
  dryRun(ref: PipelineRef, request: ExecuteRequest): Promise<DryRunResponse>;
  listExecutions(
    query?: ExecutionListQuery,
  ): Promise<ListResponse<ExecutionSummary>>;
  getExecution(id: string): Promise<ExecutionDetail>;
  abortExecution(id: string): Promise<ExecutionSummary>;
  /**
   * Re-runs an ended execution (`POST /executions/{id}/rerun`): the same
   * inputs by default, from the original's first stage that did not
   * succeed unless `fromStage` says otherwise.
   */
  rerunExecution(id: string, request?: RerunRequest): Promise<ExecutionSummary>;
  /**
   * Follows the execution's status event stream until it ends (resolves)
   * or `signal` aborts (resolves); rejects when the stream fails or closes
   * early, so the caller can fall back to polling.
   */
  followExecution(
    id: string,
    options: { signal?: AbortSignal },
    onEvent: (event: ExecutionStreamEvent) => void,
  ): Promise<void>;
  readLogs(id: string, query?: LogQuery): Promise<LogPageView>;
  /** Open approvals the signed-in user may act on (`GET /approvals?status=waiting`). */
  listWaitingApprovals(): Promise<ListResponse<ApprovalView>>;
  /** Every approval of an execution, decided or not, with its activities. */
  listExecutionApprovals(id: string): Promise<ListResponse<ApprovalView>>;
  /** Approves or rejects; resolves with the approval after the activity. */
  addApprovalActivity(
    approvalId: string,
    request: ApprovalActivityRequest,
  ): Promise<ApprovalView>;
  /** Chooses the action of a step waiting for a manual intervention. */
  interveneInExecution(
    id: string,
    nodeId: string,
    action: InterventionAction,
  ): Promise<void>;
  /**
   * Follows the log event stream, calling `onLines` with each batch of
   * lines in order, until the execution is over or `signal` aborts.
   * Reconnects after the last line received when the connection drops.
   */
  followLogs(
    id: string,
    options: FollowLogsOptions,
    onLines: (lines: LogLineView[]) => void,
  ): Promise<FollowLogsResult>;
  listInputSets(
    ref: PipelineRef,
    page?: PageQuery,
  ): Promise<ListResponse<InputSetView>>;
  /** Saves a Harness input set (`inputSet:` YAML). */
  createInputSet(ref: PipelineRef, yaml: string): Promise<InputSetView>;
  listTriggers(
    ref: PipelineRef,
    page?: PageQuery,
  ): Promise<ListResponse<TriggerView>>;
  /** Replaces a trigger's YAML; 409 unless `expectedVersion` is current. */
  updateTrigger(
    ref: PipelineRef,
    identifier: string,
    yaml: string,
    options?: { expectedVersion?: number },
  ): Promise<TriggerView>;
  /** Replaces the webhook token of a trigger; the new one is returned once. */
  rotateWebhookToken(
    ref: PipelineRef,
    identifier: string,
  ): Promise<TriggerWithTokenView>;
  /** The URL that fires a trigger (`POST`, token in `X-Api-Key`). */
  getTriggerRunUrl(ref: PipelineRef, identifier: string): Promise<string>;
}

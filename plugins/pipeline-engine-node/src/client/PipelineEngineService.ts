import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type {
  DryRunResponse,
  ExecuteRequest,
  RerunRequest,
  ExecutionDetail,
  ExecutionSummary,
  LogLineView,
  LogPageView,
  PipelineDetail,
  PipelineRef,
  PipelineSummary,
  ValidationResponse,
  TemplateDetail,
  TemplateSummary,
  TemplateType,
  TemplateVersionsView,
  ApprovalActivityRequest,
  ApprovalView,
  ExecutionConfigData,
  ExecutionConfigField,
  ExecutionConfigInfra,
  ExecutionListQuery,
  ExecutionStreamEvent,
  FollowLogsResult,
  InputSetView,
  ListResponse,
  LogQuery,
  PageQuery,
  PipelineListQuery,
  TriggerRunRequest,
  TriggerView,
  TriggerWithTokenView,
} from '@idp-pipelines/plugin-pipeline-engine-common';

/**
 * Who a call is made for: the engine checks permissions against them.
 *
 * @public
 */
export interface PipelineEngineRequestOptions {
  credentials: BackstageCredentials;
}

/**
 * Options of updates: optimistic concurrency on top of the credentials.
 *
 * @public
 */
export interface PipelineEngineUpdateOptions extends PipelineEngineRequestOptions {
  /** Reject with a 409 ResponseError unless this is still the version. */
  expectedVersion?: number;
}

/**
/**
 * Filter of {@link PipelineEngineService.listTemplates}.
 *
 * @public
 */
export interface TemplateListQuery extends PageQuery {
  /** `account`, `<org>` or `<org>.<project>`. */
  scope?: string;
  type?: TemplateType;
  /** Substring of the name or identifier. */
  search?: string;
}

/**
 * Options of {@link PipelineEngineService.followExecution}.
 *
 * @public
 */
export interface FollowExecutionOptions extends PipelineEngineRequestOptions {
  /** Stops following; the call then resolves. */
  signal?: AbortSignal;
}

/**
 * Options of {@link PipelineEngineService.followLogs}.
 *
 * @public
 */
export interface FollowLogsOptions extends PipelineEngineRequestOptions {
  /** Sequence number to start after; 0 (the default) sends every line. */
  after?: number;
  /** Stops following; the call then resolves with `complete: false`. */
  signal?: AbortSignal;
}

/**
 * Options of {@link PipelineEngineService.runTrigger}.
 *
 * @public
 */
export interface RunTriggerOptions extends PipelineEngineRequestOptions {
  /** Authenticate with the trigger's webhook token instead of the credentials. */
  webhookToken?: string;
}

/**
 * Typed access to the pipeline engine's REST API for other backend plugins
 * (e.g. scaffolder actions). Errors are `ResponseError`s from
 * `@backstage/errors`; use `problemsOfError` for pipeline and input
 * set problems.
 *
 * @public
 */
export interface PipelineEngineService {
  listPipelines(
    query: PipelineListQuery,
    options: PipelineEngineRequestOptions,
  ): Promise<ListResponse<PipelineSummary>>;
  getPipeline(
    ref: PipelineRef,
    options: PipelineEngineRequestOptions,
  ): Promise<PipelineDetail>;
  /** Creates an INLINE pipeline; org, project and identifier come from the YAML. */
  createPipeline(
    yaml: string,
    options: PipelineEngineRequestOptions,
  ): Promise<PipelineDetail>;
  updatePipeline(
    ref: PipelineRef,
    yaml: string,
    options: PipelineEngineUpdateOptions,
  ): Promise<PipelineDetail>;
  deletePipeline(
    ref: PipelineRef,
    options: PipelineEngineRequestOptions,
  ): Promise<void>;
  validatePipeline(
    yaml: string,
    options: PipelineEngineRequestOptions,
  ): Promise<ValidationResponse>;
  /** Starts an execution; it is queued when this resolves. */
  execute(
    ref: PipelineRef,
    request: ExecuteRequest,
    options: PipelineEngineRequestOptions,
  ): Promise<ExecutionSummary>;
  /**
   * Checks an input set against the pipeline and reports what would run,
   * without running anything. Input-set and pipeline problems come back in
   * the response (`ok: false`), not as an error.
   */
  dryRun(
    ref: PipelineRef,
    request: ExecuteRequest,
    options: PipelineEngineRequestOptions,
  ): Promise<DryRunResponse>;

  listExecutions(
    query: ExecutionListQuery,
    options: PipelineEngineRequestOptions,
  ): Promise<ListResponse<ExecutionSummary>>;
  getExecution(
    id: string,
    options: PipelineEngineRequestOptions,
  ): Promise<ExecutionDetail>;
  abortExecution(
    id: string,
    options: PipelineEngineRequestOptions,
  ): Promise<ExecutionSummary>;
  /**
   * Re-runs an ended execution from a stage (default: its first failed
   * stage), reusing the results of the stages before it. The new execution
   * is queued when this resolves and carries `rerunOf`.
   */
  rerunExecution(
    id: string,
    request: RerunRequest,
    options: PipelineEngineRequestOptions,
  ): Promise<ExecutionSummary>;
  readLogs(
    id: string,
    query: LogQuery,
    options: PipelineEngineRequestOptions,
  ): Promise<LogPageView>;
  /** Open approvals the calling user may act on. */
  listApprovals(
    options: PipelineEngineRequestOptions,
  ): Promise<ListResponse<ApprovalView>>;
  /** Every approval of an execution, with its activities. */
  listExecutionApprovals(
    id: string,
    options: PipelineEngineRequestOptions,
  ): Promise<ListResponse<ApprovalView>>;
  /** Approves or rejects as the calling user. */
  addApprovalActivity(
    approvalId: string,
    request: ApprovalActivityRequest,
    options: PipelineEngineRequestOptions,
  ): Promise<ApprovalView>;
  /**
   * Follows the execution's status stream (`GET /executions/{id}/events`),
   * calling `onEvent` for each event, until the `end` event or until
   * `signal` aborts. Throws when the stream closes before the execution
   * ended or reports an error.
   */
  followExecution(
    id: string,
    options: FollowExecutionOptions,
    onEvent: (event: ExecutionStreamEvent) => void,
  ): Promise<void>;
  /**
   * Follows the log event stream, calling `onLine` for each line in order,
   * until the execution is over (`complete: true`) or `signal` aborts.
   * Reconnects with `Last-Event-ID` when the connection drops.
   */
  followLogs(
    id: string,
    options: FollowLogsOptions,
    onLine: (line: LogLineView) => void | Promise<void>,
  ): Promise<FollowLogsResult>;

  listInputSets(
    ref: PipelineRef,
    page: PageQuery,
    options: PipelineEngineRequestOptions,
  ): Promise<ListResponse<InputSetView>>;
  getInputSet(
    ref: PipelineRef,
    identifier: string,
    options: PipelineEngineRequestOptions,
  ): Promise<InputSetView>;
  /** Saves a Harness input set (`inputSet:` YAML). */
  createInputSet(
    ref: PipelineRef,
    yaml: string,
    options: PipelineEngineRequestOptions,
  ): Promise<InputSetView>;
  updateInputSet(
    ref: PipelineRef,
    identifier: string,
    yaml: string,
    options: PipelineEngineUpdateOptions,
  ): Promise<InputSetView>;
  deleteInputSet(
    ref: PipelineRef,
    identifier: string,
    options: PipelineEngineRequestOptions,
  ): Promise<void>;

  listTriggers(
    ref: PipelineRef,
    page: PageQuery,
    options: PipelineEngineRequestOptions,
  ): Promise<ListResponse<TriggerView>>;
  getTrigger(
    ref: PipelineRef,
    identifier: string,
    options: PipelineEngineRequestOptions,
  ): Promise<TriggerView>;
  /** Saves a Harness trigger (`trigger:` YAML); the webhook token is returned once. */
  createTrigger(
    ref: PipelineRef,
    yaml: string,
    options: PipelineEngineRequestOptions,
  ): Promise<TriggerWithTokenView>;
  updateTrigger(
    ref: PipelineRef,
    identifier: string,
    yaml: string,
    options: PipelineEngineUpdateOptions,
  ): Promise<TriggerView>;
  deleteTrigger(
    ref: PipelineRef,
    identifier: string,
    options: PipelineEngineRequestOptions,
  ): Promise<void>;
  /** Replaces the webhook token; the new one is returned once. */
  rotateWebhookToken(
    ref: PipelineRef,
    identifier: string,
    options: PipelineEngineRequestOptions,
  ): Promise<TriggerWithTokenView>;
  /** Fires a trigger: its input sets, then the request's. */
  runTrigger(
    ref: PipelineRef,
    identifier: string,
    request: TriggerRunRequest,
    options: RunTriggerOptions,
  ): Promise<ExecutionSummary>;

  /** Built-in step images (the `data` of Harness's envelope). */
  getDefaultExecutionConfig(
    infra: ExecutionConfigInfra,
    options: PipelineEngineRequestOptions,
  ): Promise<ExecutionConfigData>;
  /** Overridden images only (default), or all with overrides applied. */
  getCustomerExecutionConfig(
    infra: ExecutionConfigInfra,
    query: { overridesOnly?: boolean },
    options: PipelineEngineRequestOptions,
  ): Promise<ExecutionConfigData>;
  /** Overrides images; returns the overrides now in place. */
  updateExecutionConfig(
    infra: ExecutionConfigInfra,
    updates: ReadonlyArray<{ field: ExecutionConfigField; value: string }>,
    options: PipelineEngineRequestOptions,
  ): Promise<ExecutionConfigData>;
  /** Restores images to their defaults; returns the remaining overrides. */
  resetExecutionConfig(
    infra: ExecutionConfigInfra,
    fields: ReadonlyArray<ExecutionConfigField>,
    options: PipelineEngineRequestOptions,
  ): Promise<ExecutionConfigData>;

  /** Template versions, filtered by scope, type or text. */
  listTemplates(
    query: TemplateListQuery,
    options: PipelineEngineRequestOptions,
  ): Promise<ListResponse<TemplateSummary>>;
  /** The versions of one template and which one is stable. */
  getTemplateVersions(
    scope: string,
    identifier: string,
    options: PipelineEngineRequestOptions,
  ): Promise<TemplateVersionsView>;
  getTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
    options: PipelineEngineRequestOptions,
  ): Promise<TemplateDetail>;
  /** Saves a new version from a template document (its org/project give the scope). */
  createTemplate(
    yaml: string,
    options: PipelineEngineRequestOptions,
  ): Promise<TemplateDetail>;
  updateTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
    yaml: string,
    options: PipelineEngineRequestOptions,
  ): Promise<TemplateDetail>;
  deleteTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
    options: PipelineEngineRequestOptions,
  ): Promise<void>;
  /** Marks the version stable: references without versionLabel use it from the next execute on. */
  setStableTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
    options: PipelineEngineRequestOptions,
  ): Promise<TemplateDetail>;
}

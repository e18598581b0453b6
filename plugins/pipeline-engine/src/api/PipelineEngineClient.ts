import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import {
  executionListQueryParams,
  followExecutionStream,
  followLogStream,
  ifMatchHeader,
  PipelineEngineHttpClient,
  pipelinePathParams,
  type ApprovalActivityRequest,
  type ApprovalView,
  type DryRunResponse,
  type ExecuteRequest,
  type ExecutionDetail,
  type ExecutionStreamEvent,
  type ExecutionSummary,
  type LogLineView,
  type LogPageView,
  type PipelineDetail,
  type PipelineRef,
  type PipelineSummary,
  type RerunRequest,
  type ValidationResponse,
  type ExecutionListQuery,
  type FollowLogsResult,
  type InputSetView,
  type ListResponse,
  type LogQuery,
  type PageQuery,
  type PipelineListQuery,
  type TriggerView,
  type TriggerWithTokenView,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type {
  FollowLogsOptions,
  InterventionAction,
  PipelineEngineApi,
} from './types';

const PLUGIN_ID = 'pipeline-engine';

/**
 * Options of {@link PipelineEngineClient}.
 * @public
 */
export interface PipelineEngineClientOptions {
  discoveryApi: Pick<DiscoveryApi, 'getBaseUrl'>;
  fetchApi: FetchApi;
  /** Wait before reconnecting a dropped log stream. Default 1000 ms. */
  reconnectDelayMs?: number;
  /** Give up after this many reconnects in a row without a new line. Default 5. */
  maxReconnects?: number;
}

/**
 * {@link PipelineEngineApi} over HTTP: finds the engine with the discovery
 * API and calls it through the app's fetch API, which adds the user's token.
 * A thin layer over the generated client of the common package.
 * @public
 */
export class PipelineEngineClient implements PipelineEngineApi {
  private readonly http: PipelineEngineHttpClient;

  constructor(private readonly options: PipelineEngineClientOptions) {
    this.http = new PipelineEngineHttpClient({
      baseUrl: () => options.discoveryApi.getBaseUrl(PLUGIN_ID),
      fetch: (input, init) => options.fetchApi.fetch(input, init),
    });
  }

  listPipelines(
    query: PipelineListQuery = {},
  ): Promise<ListResponse<PipelineSummary>> {
    return this.http.call('listPipelines', { query });
  }

  getPipeline(ref: PipelineRef): Promise<PipelineDetail> {
    return this.http.call('getPipeline', { path: pipelinePathParams(ref) });
  }

  validatePipeline(yaml: string): Promise<ValidationResponse> {
    return this.http.call('validatePipeline', { yaml });
  }

  execute(
    ref: PipelineRef,
    request: ExecuteRequest,
  ): Promise<ExecutionSummary> {
    return this.http.call('executePipeline', {
      path: pipelinePathParams(ref),
      json: request,
    });
  }

  dryRun(ref: PipelineRef, request: ExecuteRequest): Promise<DryRunResponse> {
    return this.http.call('dryRunPipeline', {
      path: pipelinePathParams(ref),
      json: request,
    });
  }

  listExecutions(
    query: ExecutionListQuery = {},
  ): Promise<ListResponse<ExecutionSummary>> {
    return this.http.call('listExecutions', {
      query: executionListQueryParams(query),
    });
  }

  getExecution(id: string): Promise<ExecutionDetail> {
    return this.http.call('getExecution', { path: { id } });
  }

  abortExecution(id: string): Promise<ExecutionSummary> {
    return this.http.call('abortExecution', { path: { id } });
  }

  rerunExecution(
    id: string,
    request: RerunRequest = {},
  ): Promise<ExecutionSummary> {
    return this.http.call('rerunExecution', { path: { id }, json: request });
  }

  followExecution(
    id: string,
    options: { signal?: AbortSignal },
    onEvent: (event: ExecutionStreamEvent) => void,
  ): Promise<void> {
    return followExecutionStream({
      http: this.http,
      executionId: id,
      signal: options.signal,
      onEvent,
    });
  }

  readLogs(id: string, query: LogQuery = {}): Promise<LogPageView> {
    return this.http.call('readLogs', { path: { id }, query });
  }

  followLogs(
    id: string,
    options: FollowLogsOptions,
    onLines: (lines: LogLineView[]) => void,
  ): Promise<FollowLogsResult> {
    return followLogStream({
      http: this.http,
      executionId: id,
      after: options.after,
      signal: options.signal,
      reconnectDelayMs: this.options.reconnectDelayMs,
      maxReconnects: this.options.maxReconnects,
      onLines,
    });
  }

  listWaitingApprovals(): Promise<ListResponse<ApprovalView>> {
    return this.http.call('listApprovals', { query: { status: 'waiting' } });
  }

  listExecutionApprovals(id: string): Promise<ListResponse<ApprovalView>> {
    return this.http.call('listExecutionApprovals', { path: { id } });
  }

  addApprovalActivity(
    approvalId: string,
    request: ApprovalActivityRequest,
  ): Promise<ApprovalView> {
    return this.http.call('addApprovalActivity', {
      path: { approvalId },
      json: request,
    });
  }

  async interveneInExecution(
    id: string,
    nodeId: string,
    action: InterventionAction,
  ): Promise<void> {
    await this.http.call('interveneInExecution', {
      path: { id, nodeId },
      json: { action },
    });
  }

  listInputSets(
    ref: PipelineRef,
    page: PageQuery = {},
  ): Promise<ListResponse<InputSetView>> {
    return this.http.call('listInputSets', {
      path: pipelinePathParams(ref),
      query: page,
    });
  }

  createInputSet(ref: PipelineRef, yaml: string): Promise<InputSetView> {
    return this.http.call('createInputSet', {
      path: pipelinePathParams(ref),
      yaml,
    });
  }

  listTriggers(
    ref: PipelineRef,
    page: PageQuery = {},
  ): Promise<ListResponse<TriggerView>> {
    return this.http.call('listTriggers', {
      path: pipelinePathParams(ref),
      query: page,
    });
  }

  updateTrigger(
    ref: PipelineRef,
    identifier: string,
    yaml: string,
    options: { expectedVersion?: number } = {},
  ): Promise<TriggerView> {
    return this.http.call('updateTrigger', {
      path: { ...pipelinePathParams(ref), triggerId: identifier },
      yaml,
      headers: ifMatchHeader(options.expectedVersion),
    });
  }

  rotateWebhookToken(
    ref: PipelineRef,
    identifier: string,
  ): Promise<TriggerWithTokenView> {
    return this.http.call('rotateWebhookToken', {
      path: { ...pipelinePathParams(ref), triggerId: identifier },
    });
  }

  getTriggerRunUrl(ref: PipelineRef, identifier: string): Promise<string> {
    return this.http.url('runTrigger', {
      path: { ...pipelinePathParams(ref), triggerId: identifier },
    });
  }
}

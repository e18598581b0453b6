import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  executionListQueryParams,
  followExecutionStream,
  followLogStream,
  ifMatchHeader,
  PipelineEngineHttpClient,
  pipelinePathParams,
  type DryRunResponse,
  type ExecuteRequest,
  type ExecutionConfigData,
  type ExecutionConfigField,
  type ExecutionConfigInfra,
  type ExecutionConfigResponse,
  type ExecutionDetail,
  type ExecutionListQuery,
  type ExecutionStreamEvent,
  type ExecutionSummary,
  type FollowLogsResult,
  type InputSetView,
  type ListResponse,
  type LogLineView,
  type LogPageView,
  type LogQuery,
  type PageQuery,
  type PipelineDetail,
  type PipelineListQuery,
  type PipelineRef,
  type PipelineSummary,
  type RerunRequest,
  type TemplateDetail,
  type TemplateSummary,
  type TemplateVersionsView,
  type ApprovalActivityRequest,
  type ApprovalView,
  type TriggerRunRequest,
  type TriggerView,
  type TriggerWithTokenView,
  type ValidationResponse,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type {
  FollowExecutionOptions,
  FollowLogsOptions,
  PipelineEngineRequestOptions,
  PipelineEngineService,
  PipelineEngineUpdateOptions,
  RunTriggerOptions,
  TemplateListQuery,
} from './PipelineEngineService';

const PLUGIN_ID = 'pipeline-engine';

/**
 * Options of {@link PipelineEngineClient}.
 *
 * @public
 */
export interface PipelineEngineClientOptions {
  discovery: DiscoveryService;
  auth: AuthService;
  /** Replaces the global fetch, e.g. in tests. */
  fetch?: typeof fetch;
  /** Reconnecting the log stream after a dropped connection. */
  followLogs?: {
    /** Wait before reconnecting. Default 1000 ms. */
    reconnectDelayMs?: number;
    /** Give up after this many reconnects in a row without a new line. Default 5. */
    maxReconnects?: number;
  };
}

/**
 * {@link PipelineEngineService} over HTTP: finds the engine with the
 * discovery service and calls it with a plugin-to-plugin token issued on
 * behalf of the caller's credentials, so permissions apply to the caller.
 * A thin layer over the generated {@link @idp-pipelines/plugin-pipeline-engine-common#PipelineEngineHttpClient}.
 *
 * @public
 */
export class PipelineEngineClient implements PipelineEngineService {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: PipelineEngineClientOptions) {
    this.fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  /** A client whose requests carry a token on behalf of `credentials`. */
  private http(credentials: BackstageCredentials): PipelineEngineHttpClient {
    return new PipelineEngineHttpClient({
      baseUrl: () => this.options.discovery.getBaseUrl(PLUGIN_ID),
      fetch: async (input, init) => {
        const { token } = await this.options.auth.getPluginRequestToken({
          onBehalfOf: credentials,
          targetPluginId: PLUGIN_ID,
        });
        return this.fetch(input, {
          ...init,
          headers: {
            ...(init?.headers as Record<string, string>),
            Authorization: `Bearer ${token}`,
          },
        });
      },
    });
  }

  async listPipelines(
    query: PipelineListQuery,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ListResponse<PipelineSummary>> {
    return this.http(credentials).call('listPipelines', { query });
  }

  async getPipeline(
    ref: PipelineRef,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<PipelineDetail> {
    return this.http(credentials).call('getPipeline', {
      path: pipelinePathParams(ref),
    });
  }

  async createPipeline(
    yaml: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<PipelineDetail> {
    return this.http(credentials).call('createPipeline', { yaml });
  }

  async updatePipeline(
    ref: PipelineRef,
    yaml: string,
    { credentials, expectedVersion }: PipelineEngineUpdateOptions,
  ): Promise<PipelineDetail> {
    return this.http(credentials).call('updatePipeline', {
      path: pipelinePathParams(ref),
      yaml,
      headers: ifMatchHeader(expectedVersion),
    });
  }

  async deletePipeline(
    ref: PipelineRef,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<void> {
    await this.http(credentials).send('deletePipeline', {
      path: pipelinePathParams(ref),
    });
  }

  async validatePipeline(
    yaml: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ValidationResponse> {
    return this.http(credentials).call('validatePipeline', { yaml });
  }

  async execute(
    ref: PipelineRef,
    request: ExecuteRequest,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ExecutionSummary> {
    return this.http(credentials).call('executePipeline', {
      path: pipelinePathParams(ref),
      json: request,
    });
  }

  async dryRun(
    ref: PipelineRef,
    request: ExecuteRequest,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<DryRunResponse> {
    return this.http(credentials).call('dryRunPipeline', {
      path: pipelinePathParams(ref),
      json: request,
    });
  }

  async listExecutions(
    query: ExecutionListQuery,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ListResponse<ExecutionSummary>> {
    return this.http(credentials).call('listExecutions', {
      query: executionListQueryParams(query),
    });
  }

  async getExecution(
    id: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ExecutionDetail> {
    return this.http(credentials).call('getExecution', { path: { id } });
  }

  async abortExecution(
    id: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ExecutionSummary> {
    return this.http(credentials).call('abortExecution', { path: { id } });
  }

  async rerunExecution(
    id: string,
    request: RerunRequest,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ExecutionSummary> {
    return this.http(credentials).call('rerunExecution', {
      path: { id },
      json: request,
    });
  }

  async listApprovals({
    credentials,
  }: PipelineEngineRequestOptions): Promise<ListResponse<ApprovalView>> {
    return this.http(credentials).call('listApprovals', {
      query: { status: 'waiting' },
    }) as Promise<ListResponse<ApprovalView>>;
  }

  async listExecutionApprovals(
    id: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ListResponse<ApprovalView>> {
    return this.http(credentials).call('listExecutionApprovals', {
      path: { id },
    }) as Promise<ListResponse<ApprovalView>>;
  }

  async addApprovalActivity(
    approvalId: string,
    request: ApprovalActivityRequest,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ApprovalView> {
    return this.http(credentials).call('addApprovalActivity', {
      path: { approvalId },
      json: request,
    }) as Promise<ApprovalView>;
  }

  async readLogs(
    id: string,
    query: LogQuery,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<LogPageView> {
    return this.http(credentials).call('readLogs', { path: { id }, query });
  }

  async followLogs(
    id: string,
    options: FollowLogsOptions,
    onLine: (line: LogLineView) => void | Promise<void>,
  ): Promise<FollowLogsResult> {
    return followLogStream({
      http: this.http(options.credentials),
      executionId: id,
      after: options.after,
      signal: options.signal,
      ...this.options.followLogs,
      onLines: async lines => {
        for (const line of lines) await onLine(line);
      },
    });
  }

  async followExecution(
    id: string,
    options: FollowExecutionOptions,
    onEvent: (event: ExecutionStreamEvent) => void,
  ): Promise<void> {
    await followExecutionStream({
      http: this.http(options.credentials),
      executionId: id,
      signal: options.signal,
      onEvent,
    });
  }

  async listInputSets(
    ref: PipelineRef,
    page: PageQuery,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ListResponse<InputSetView>> {
    return this.http(credentials).call('listInputSets', {
      path: pipelinePathParams(ref),
      query: page,
    });
  }

  async getInputSet(
    ref: PipelineRef,
    identifier: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<InputSetView> {
    return this.http(credentials).call('getInputSet', {
      path: { ...pipelinePathParams(ref), inputSetId: identifier },
    });
  }

  async createInputSet(
    ref: PipelineRef,
    yaml: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<InputSetView> {
    return this.http(credentials).call('createInputSet', {
      path: pipelinePathParams(ref),
      yaml,
    });
  }

  async updateInputSet(
    ref: PipelineRef,
    identifier: string,
    yaml: string,
    { credentials, expectedVersion }: PipelineEngineUpdateOptions,
  ): Promise<InputSetView> {
    return this.http(credentials).call('updateInputSet', {
      path: { ...pipelinePathParams(ref), inputSetId: identifier },
      yaml,
      headers: ifMatchHeader(expectedVersion),
    });
  }

  async deleteInputSet(
    ref: PipelineRef,
    identifier: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<void> {
    await this.http(credentials).send('deleteInputSet', {
      path: { ...pipelinePathParams(ref), inputSetId: identifier },
    });
  }

  async listTriggers(
    ref: PipelineRef,
    page: PageQuery,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ListResponse<TriggerView>> {
    return this.http(credentials).call('listTriggers', {
      path: pipelinePathParams(ref),
      query: page,
    });
  }

  async getTrigger(
    ref: PipelineRef,
    identifier: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<TriggerView> {
    return this.http(credentials).call('getTrigger', {
      path: { ...pipelinePathParams(ref), triggerId: identifier },
    });
  }

  async createTrigger(
    ref: PipelineRef,
    yaml: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<TriggerWithTokenView> {
    return this.http(credentials).call('createTrigger', {
      path: pipelinePathParams(ref),
      yaml,
    });
  }

  async updateTrigger(
    ref: PipelineRef,
    identifier: string,
    yaml: string,
    { credentials, expectedVersion }: PipelineEngineUpdateOptions,
  ): Promise<TriggerView> {
    return this.http(credentials).call('updateTrigger', {
      path: { ...pipelinePathParams(ref), triggerId: identifier },
      yaml,
      headers: ifMatchHeader(expectedVersion),
    });
  }

  async deleteTrigger(
    ref: PipelineRef,
    identifier: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<void> {
    await this.http(credentials).send('deleteTrigger', {
      path: { ...pipelinePathParams(ref), triggerId: identifier },
    });
  }

  async rotateWebhookToken(
    ref: PipelineRef,
    identifier: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<TriggerWithTokenView> {
    return this.http(credentials).call('rotateWebhookToken', {
      path: { ...pipelinePathParams(ref), triggerId: identifier },
    });
  }

  async runTrigger(
    ref: PipelineRef,
    identifier: string,
    request: TriggerRunRequest,
    { credentials, webhookToken }: RunTriggerOptions,
  ): Promise<ExecutionSummary> {
    return this.http(credentials).call('runTrigger', {
      path: { ...pipelinePathParams(ref), triggerId: identifier },
      json: request,
      headers: webhookToken ? { 'X-Api-Key': webhookToken } : {},
    });
  }

  private async config(
    operationId:
      | 'getDefaultExecutionConfig'
      | 'getCustomerExecutionConfig'
      | 'updateExecutionConfig'
      | 'resetExecutionConfig',
    infra: ExecutionConfigInfra,
    credentials: BackstageCredentials,
    request: { overridesOnly?: boolean; json?: unknown } = {},
  ): Promise<ExecutionConfigData> {
    const envelope: ExecutionConfigResponse = await this.http(credentials).call(
      operationId,
      {
        query: {
          infra,
          ...(request.overridesOnly !== undefined
            ? { overridesOnly: request.overridesOnly }
            : {}),
        },
        json: request.json,
      },
    );
    return envelope.data;
  }

  async getDefaultExecutionConfig(
    infra: ExecutionConfigInfra,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ExecutionConfigData> {
    return this.config('getDefaultExecutionConfig', infra, credentials);
  }

  async getCustomerExecutionConfig(
    infra: ExecutionConfigInfra,
    query: { overridesOnly?: boolean },
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ExecutionConfigData> {
    return this.config('getCustomerExecutionConfig', infra, credentials, {
      overridesOnly: query.overridesOnly,
    });
  }

  async updateExecutionConfig(
    infra: ExecutionConfigInfra,
    updates: ReadonlyArray<{ field: ExecutionConfigField; value: string }>,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ExecutionConfigData> {
    return this.config('updateExecutionConfig', infra, credentials, {
      json: updates,
    });
  }

  async resetExecutionConfig(
    infra: ExecutionConfigInfra,
    fields: ReadonlyArray<ExecutionConfigField>,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ExecutionConfigData> {
    return this.config('resetExecutionConfig', infra, credentials, {
      json: fields.map(field => ({ field })),
    });
  }

  async listTemplates(
    query: TemplateListQuery,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ListResponse<TemplateSummary>> {
    return this.http(credentials).call('listTemplates', {
      query: { ...query },
    }) as Promise<ListResponse<TemplateSummary>>;
  }

  async getTemplateVersions(
    scope: string,
    identifier: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<TemplateVersionsView> {
    return this.http(credentials).call('getTemplateVersions', {
      path: { scope, identifier },
    }) as Promise<TemplateVersionsView>;
  }

  async getTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<TemplateDetail> {
    return this.http(credentials).call('getTemplate', {
      path: { scope, identifier, versionLabel },
    }) as Promise<TemplateDetail>;
  }

  async createTemplate(
    yaml: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<TemplateDetail> {
    return this.http(credentials).call('createTemplate', {
      yaml,
    }) as Promise<TemplateDetail>;
  }

  async updateTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
    yaml: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<TemplateDetail> {
    return this.http(credentials).call('updateTemplate', {
      path: { scope, identifier, versionLabel },
      yaml,
    }) as Promise<TemplateDetail>;
  }

  async deleteTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<void> {
    await this.http(credentials).send('deleteTemplate', {
      path: { scope, identifier, versionLabel },
    });
  }

  async setStableTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<TemplateDetail> {
    return this.http(credentials).call('setStableTemplate', {
      path: { scope, identifier, versionLabel },
    }) as Promise<TemplateDetail>;
  }
}

import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ApiProblem,
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
  TemplateDetail,
  TemplateSummary,
  TemplateVersionsView,
  ValidationResponse,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { EventStreamParser } from './eventStream';
import type {
  ExecutionListQuery,
  FollowLogsOptions,
  FollowLogsResult,
  LogQuery,
  PipelineEngineRequestOptions,
  PipelineEngineService,
  PipelineEngineUpdateOptions,
  PipelineListQuery,
  RunTriggerOptions,
  TemplateListQuery,
} from './PipelineEngineService';
import type {
  ApprovalActivityRequest,
  ApprovalView,
  ExecutionConfigData,
  ExecutionConfigField,
  ExecutionConfigInfra,
  ExecutionConfigResponse,
  InputSetView,
  ListResponse,
  PageQuery,
  TriggerRunRequest,
  TriggerView,
  TriggerWithTokenView,
} from './types';

const PLUGIN_ID = 'pipeline-engine';
const YAML = 'application/yaml';

type Query = Record<string, string | number | boolean | undefined>;

interface RequestSpec {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  query?: Query;
  /** JSON-encoded unless `yaml` is set. */
  json?: unknown;
  yaml?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

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
 * The problems a failed call reported (pipeline or input-set errors with
 * line:column), or an empty list.
 *
 * @public
 */
export function problemsOfError(error: unknown): ApiProblem[] {
  if (!ResponseError.is(error)) return [];
  const problems = (error.body as { problems?: unknown }).problems;
  return Array.isArray(problems) ? (problems as ApiProblem[]) : [];
}

const segment = encodeURIComponent;

function pipelinePath(ref: PipelineRef): string {
  return `/pipelines/${segment(ref.orgIdentifier)}/${segment(
    ref.projectIdentifier,
  )}/${segment(ref.pipelineIdentifier)}`;
}

function templatePath(
  scope: string,
  identifier: string,
  versionLabel?: string,
): string {
  const base = `/templates/${segment(scope)}/${segment(identifier)}`;
  return versionLabel === undefined ? base : `${base}/${segment(versionLabel)}`;
}

function ifMatch(expectedVersion?: number): Record<string, string> {
  return expectedVersion === undefined
    ? {}
    : { 'If-Match': `"${expectedVersion}"` };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * {@link PipelineEngineService} over HTTP: finds the engine with the
 * discovery service and calls it with a plugin-to-plugin token issued on
 * behalf of the caller's credentials, so permissions apply to the caller.
 *
 * @public
 */
export class PipelineEngineClient implements PipelineEngineService {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: PipelineEngineClientOptions) {
    this.fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  /** Sends a request; ResponseError unless the status is 2xx. */
  private async send(
    path: string,
    credentials: BackstageCredentials,
    spec: RequestSpec = {},
  ): Promise<Response> {
    const baseUrl = await this.options.discovery.getBaseUrl(PLUGIN_ID);
    const { token } = await this.options.auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: PLUGIN_ID,
    });
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) params.set(name, String(value));
    }
    const search = params.toString() ? `?${params}` : '';
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      ...spec.headers,
    };
    let body: string | undefined;
    if (spec.yaml !== undefined) {
      headers['Content-Type'] = YAML;
      body = spec.yaml;
    } else if (spec.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(spec.json);
    }
    const response = await this.fetch(`${baseUrl}${path}${search}`, {
      method: spec.method ?? 'GET',
      headers,
      body,
      signal: spec.signal,
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }

  private async json<T>(
    path: string,
    credentials: BackstageCredentials,
    spec?: RequestSpec,
  ): Promise<T> {
    const response = await this.send(path, credentials, spec);
    return (await response.json()) as T;
  }

  private async config(
    action: string,
    infra: ExecutionConfigInfra,
    credentials: BackstageCredentials,
    spec: RequestSpec = {},
  ): Promise<ExecutionConfigData> {
    const envelope = await this.json<ExecutionConfigResponse>(
      `/execution-config/${action}`,
      credentials,
      { ...spec, query: { infra, ...spec.query } },
    );
    return envelope.data;
  }

  async listPipelines(
    query: PipelineListQuery,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ListResponse<PipelineSummary>> {
    return this.json('/pipelines', credentials, { query: { ...query } });
  }

  async getPipeline(
    ref: PipelineRef,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<PipelineDetail> {
    return this.json(pipelinePath(ref), credentials);
  }

  async createPipeline(
    yaml: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<PipelineDetail> {
    return this.json('/pipelines', credentials, { method: 'POST', yaml });
  }

  async updatePipeline(
    ref: PipelineRef,
    yaml: string,
    { credentials, expectedVersion }: PipelineEngineUpdateOptions,
  ): Promise<PipelineDetail> {
    return this.json(pipelinePath(ref), credentials, {
      method: 'PUT',
      yaml,
      headers: ifMatch(expectedVersion),
    });
  }

  async deletePipeline(
    ref: PipelineRef,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<void> {
    await this.send(pipelinePath(ref), credentials, { method: 'DELETE' });
  }

  async validatePipeline(
    yaml: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ValidationResponse> {
    return this.json('/pipelines/validate', credentials, {
      method: 'POST',
      yaml,
    });
  }

  async execute(
    ref: PipelineRef,
    request: ExecuteRequest,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ExecutionSummary> {
    return this.json(`${pipelinePath(ref)}/execute`, credentials, {
      method: 'POST',
      json: request,
    });
  }

  async dryRun(
    ref: PipelineRef,
    request: ExecuteRequest,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<DryRunResponse> {
    return this.json(`${pipelinePath(ref)}/execute/dry-run`, credentials, {
      method: 'POST',
      json: request,
    });
  }

  async listExecutions(
    query: ExecutionListQuery,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ListResponse<ExecutionSummary>> {
    return this.json('/executions', credentials, {
      query: {
        org: query.orgIdentifier,
        project: query.projectIdentifier,
        pipeline: query.pipelineIdentifier,
        status: query.status,
        limit: query.limit,
        offset: query.offset,
      },
    });
  }

  async getExecution(
    id: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ExecutionDetail> {
    return this.json(`/executions/${segment(id)}`, credentials);
  }

  async abortExecution(
    id: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ExecutionSummary> {
    return this.json(`/executions/${segment(id)}/abort`, credentials, {
      method: 'POST',
    });
  }

  async rerunExecution(
    id: string,
    request: RerunRequest,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ExecutionSummary> {
    return this.json(`/executions/${segment(id)}/rerun`, credentials, {
      method: 'POST',
      json: request,
    });
  }

  async listApprovals({
    credentials,
  }: PipelineEngineRequestOptions): Promise<ListResponse<ApprovalView>> {
    return this.json('/approvals', credentials, {
      query: { status: 'waiting' },
    });
  }

  async listExecutionApprovals(
    id: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ListResponse<ApprovalView>> {
    return this.json(`/executions/${segment(id)}/approvals`, credentials);
  }

  async addApprovalActivity(
    approvalId: string,
    request: ApprovalActivityRequest,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ApprovalView> {
    return this.json(
      `/approvals/${segment(approvalId)}/activity`,
      credentials,
      {
        method: 'POST',
        json: request,
      },
    );
  }

  async readLogs(
    id: string,
    query: LogQuery,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<LogPageView> {
    return this.json(`/executions/${segment(id)}/logs`, credentials, {
      query: { ...query },
    });
  }

  async followLogs(
    id: string,
    options: FollowLogsOptions,
    onLine: (line: LogLineView) => void | Promise<void>,
  ): Promise<FollowLogsResult> {
    const { signal, credentials } = options;
    const reconnectDelayMs = this.options.followLogs?.reconnectDelayMs ?? 1000;
    const maxReconnects = this.options.followLogs?.maxReconnects ?? 5;
    let cursor = options.after ?? 0;
    let failures = 0;
    const deliver = async (line: LogLineView) => {
      await onLine(line);
      cursor = line.seq;
    };
    for (;;) {
      if (signal?.aborted) return { cursor, complete: false };
      const before = cursor;
      let lastError: unknown;
      try {
        const response = await this.send(
          `/executions/${segment(id)}/logs/stream`,
          credentials,
          {
            query: { after: cursor },
            headers: {
              Accept: 'text/event-stream',
              ...(cursor > 0 ? { 'Last-Event-ID': String(cursor) } : {}),
            },
            signal,
          },
        );
        const outcome = await this.readStream(response, deliver, signal);
        if (outcome === 'end') return { cursor, complete: true };
      } catch (error) {
        if (signal?.aborted) return { cursor, complete: false };
        // 4xx answers will not change by retrying.
        if (ResponseError.is(error) && error.statusCode < 500) throw error;
        lastError = error;
      }
      failures = cursor > before ? 0 : failures + 1;
      if (failures > maxReconnects) {
        throw new Error(
          `The log stream of execution ${id} kept closing before the execution ended`,
          { cause: lastError },
        );
      }
      await sleep(reconnectDelayMs, signal);
    }
  }

  /** Reads events until the stream closes: 'end' if the server said so. */
  private async readStream(
    response: Response,
    onLine: (line: LogLineView) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<'end' | 'closed'> {
    if (!response.body) return 'closed';
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parser = new EventStreamParser();
    // Not every fetch implementation ends a body read when the request is
    // aborted; cancelling the reader always does.
    const cancel = () => void reader.cancel().catch(() => {});
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || signal?.aborted) return 'closed';
        for (const event of parser.push(
          decoder.decode(value, { stream: true }),
        )) {
          if (event.event === 'end') return 'end';
          if (event.event === 'error') {
            const { message } = JSON.parse(event.data) as { message?: string };
            throw new Error(`The log stream failed: ${message ?? event.data}`);
          }
          if (event.event === 'message') {
            await onLine(JSON.parse(event.data) as LogLineView);
          }
        }
      }
    } finally {
      signal?.removeEventListener('abort', cancel);
      // Closes the connection when we stop early (end event, error, abort).
      await reader.cancel().catch(() => {});
    }
  }

  async listInputSets(
    ref: PipelineRef,
    page: PageQuery,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ListResponse<InputSetView>> {
    return this.json(`${pipelinePath(ref)}/input-sets`, credentials, {
      query: { ...page },
    });
  }

  async getInputSet(
    ref: PipelineRef,
    identifier: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<InputSetView> {
    return this.json(
      `${pipelinePath(ref)}/input-sets/${segment(identifier)}`,
      credentials,
    );
  }

  async createInputSet(
    ref: PipelineRef,
    yaml: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<InputSetView> {
    return this.json(`${pipelinePath(ref)}/input-sets`, credentials, {
      method: 'POST',
      yaml,
    });
  }

  async updateInputSet(
    ref: PipelineRef,
    identifier: string,
    yaml: string,
    { credentials, expectedVersion }: PipelineEngineUpdateOptions,
  ): Promise<InputSetView> {
    return this.json(
      `${pipelinePath(ref)}/input-sets/${segment(identifier)}`,
      credentials,
      { method: 'PUT', yaml, headers: ifMatch(expectedVersion) },
    );
  }

  async deleteInputSet(
    ref: PipelineRef,
    identifier: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<void> {
    await this.send(
      `${pipelinePath(ref)}/input-sets/${segment(identifier)}`,
      credentials,
      { method: 'DELETE' },
    );
  }

  async listTriggers(
    ref: PipelineRef,
    page: PageQuery,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ListResponse<TriggerView>> {
    return this.json(`${pipelinePath(ref)}/triggers`, credentials, {
      query: { ...page },
    });
  }

  async getTrigger(
    ref: PipelineRef,
    identifier: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<TriggerView> {
    return this.json(
      `${pipelinePath(ref)}/triggers/${segment(identifier)}`,
      credentials,
    );
  }

  async createTrigger(
    ref: PipelineRef,
    yaml: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<TriggerWithTokenView> {
    return this.json(`${pipelinePath(ref)}/triggers`, credentials, {
      method: 'POST',
      yaml,
    });
  }

  async updateTrigger(
    ref: PipelineRef,
    identifier: string,
    yaml: string,
    { credentials, expectedVersion }: PipelineEngineUpdateOptions,
  ): Promise<TriggerView> {
    return this.json(
      `${pipelinePath(ref)}/triggers/${segment(identifier)}`,
      credentials,
      { method: 'PUT', yaml, headers: ifMatch(expectedVersion) },
    );
  }

  async deleteTrigger(
    ref: PipelineRef,
    identifier: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<void> {
    await this.send(
      `${pipelinePath(ref)}/triggers/${segment(identifier)}`,
      credentials,
      { method: 'DELETE' },
    );
  }

  async rotateWebhookToken(
    ref: PipelineRef,
    identifier: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<TriggerWithTokenView> {
    return this.json(
      `${pipelinePath(ref)}/triggers/${segment(identifier)}/webhook-token`,
      credentials,
      { method: 'POST' },
    );
  }

  async runTrigger(
    ref: PipelineRef,
    identifier: string,
    request: TriggerRunRequest,
    { credentials, webhookToken }: RunTriggerOptions,
  ): Promise<ExecutionSummary> {
    return this.json(
      `${pipelinePath(ref)}/triggers/${segment(identifier)}/run`,
      credentials,
      {
        method: 'POST',
        json: request,
        headers: webhookToken ? { 'X-Api-Key': webhookToken } : {},
      },
    );
  }

  async getDefaultExecutionConfig(
    infra: ExecutionConfigInfra,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ExecutionConfigData> {
    return this.config('get-default-config', infra, credentials);
  }

  async getCustomerExecutionConfig(
    infra: ExecutionConfigInfra,
    query: { overridesOnly?: boolean },
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ExecutionConfigData> {
    return this.config('get-customer-config', infra, credentials, {
      query: { overridesOnly: query.overridesOnly },
    });
  }

  async updateExecutionConfig(
    infra: ExecutionConfigInfra,
    updates: ReadonlyArray<{ field: ExecutionConfigField; value: string }>,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ExecutionConfigData> {
    return this.config('update-config', infra, credentials, {
      method: 'POST',
      json: updates,
    });
  }

  async resetExecutionConfig(
    infra: ExecutionConfigInfra,
    fields: ReadonlyArray<ExecutionConfigField>,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ExecutionConfigData> {
    return this.config('reset-config', infra, credentials, {
      method: 'POST',
      json: fields.map(field => ({ field })),
    });
  }

  async listTemplates(
    query: TemplateListQuery,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<ListResponse<TemplateSummary>> {
    return this.json('/templates', credentials, { query: { ...query } });
  }

  async getTemplateVersions(
    scope: string,
    identifier: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<TemplateVersionsView> {
    return this.json(templatePath(scope, identifier), credentials);
  }

  async getTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<TemplateDetail> {
    return this.json(
      templatePath(scope, identifier, versionLabel),
      credentials,
    );
  }

  async createTemplate(
    yaml: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<TemplateDetail> {
    return this.json('/templates', credentials, { method: 'POST', yaml });
  }

  async updateTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
    yaml: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<TemplateDetail> {
    return this.json(
      templatePath(scope, identifier, versionLabel),
      credentials,
      {
        method: 'PUT',
        yaml,
      },
    );
  }

  async deleteTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<void> {
    await this.send(
      templatePath(scope, identifier, versionLabel),
      credentials,
      {
        method: 'DELETE',
      },
    );
  }

  async setStableTemplate(
    scope: string,
    identifier: string,
    versionLabel: string,
    { credentials }: PipelineEngineRequestOptions,
  ): Promise<TemplateDetail> {
    return this.json(
      `${templatePath(scope, identifier, versionLabel)}/stable`,
      credentials,
      {
        method: 'PUT',
      },
    );
  }
}

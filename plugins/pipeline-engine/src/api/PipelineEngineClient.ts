import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ApiProblem,
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
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { EventStreamParser, type ServerSentEvent } from './eventStream';
import type {
  ExecutionListQuery,
  ExecutionStreamEvent,
  FollowLogsOptions,
  FollowLogsResult,
  InputSetView,
  ListResponse,
  LogQuery,
  PageQuery,
  PipelineEngineApi,
  PipelineListQuery,
  TriggerView,
  TriggerWithTokenView,
} from './types';

const PLUGIN_ID = 'pipeline-engine';

type Query = Record<string, string | number | boolean | undefined>;

interface RequestSpec {
  method?: 'GET' | 'POST' | 'PUT';
  query?: Query;
  json?: unknown;
  yaml?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/**
 * The problems a failed call reported (pipeline or input-set errors with
 * line:column), or an empty list.
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
 * @public
 */
export class PipelineEngineClient implements PipelineEngineApi {
  constructor(private readonly options: PipelineEngineClientOptions) {}

  private async send(path: string, spec: RequestSpec = {}): Promise<Response> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl(PLUGIN_ID);
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) params.set(name, String(value));
    }
    const search = params.toString() ? `?${params}` : '';
    const headers: Record<string, string> = { ...spec.headers };
    let body: string | undefined;
    if (spec.yaml !== undefined) {
      headers['Content-Type'] = 'application/yaml';
      body = spec.yaml;
    } else if (spec.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(spec.json);
    }
    const response = await this.options.fetchApi.fetch(
      `${baseUrl}${path}${search}`,
      { method: spec.method ?? 'GET', headers, body, signal: spec.signal },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }

  private async json<T>(path: string, spec?: RequestSpec): Promise<T> {
    const response = await this.send(path, spec);
    return (await response.json()) as T;
  }

  listPipelines(
    query: PipelineListQuery = {},
  ): Promise<ListResponse<PipelineSummary>> {
    return this.json('/pipelines', { query: { ...query } });
  }

  getPipeline(ref: PipelineRef): Promise<PipelineDetail> {
    return this.json(pipelinePath(ref));
  }

  validatePipeline(yaml: string): Promise<ValidationResponse> {
    return this.json('/pipelines/validate', { method: 'POST', yaml });
  }

  execute(
    ref: PipelineRef,
    request: ExecuteRequest,
  ): Promise<ExecutionSummary> {
    return this.json(`${pipelinePath(ref)}/execute`, {
      method: 'POST',
      json: request,
    });
  }

  dryRun(ref: PipelineRef, request: ExecuteRequest): Promise<DryRunResponse> {
    return this.json(`${pipelinePath(ref)}/execute/dry-run`, {
      method: 'POST',
      json: request,
    });
  }

  listExecutions(
    query: ExecutionListQuery = {},
  ): Promise<ListResponse<ExecutionSummary>> {
    return this.json('/executions', {
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

  getExecution(id: string): Promise<ExecutionDetail> {
    return this.json(`/executions/${segment(id)}`);
  }

  abortExecution(id: string): Promise<ExecutionSummary> {
    return this.json(`/executions/${segment(id)}/abort`, { method: 'POST' });
  }

  rerunExecution(
    id: string,
    request: RerunRequest = {},
  ): Promise<ExecutionSummary> {
    return this.json(`/executions/${segment(id)}/rerun`, {
      method: 'POST',
      json: request,
    });
  }

  async followExecution(
    id: string,
    options: { signal?: AbortSignal },
    onEvent: (event: ExecutionStreamEvent) => void,
  ): Promise<void> {
    const { signal } = options;
    const response = await this.send(`/executions/${segment(id)}/events`, {
      headers: { Accept: 'text/event-stream' },
      signal,
    });
    const ended = await this.readStream(
      response,
      events => {
        for (const event of events) {
          const data = JSON.parse(event.data);
          if (event.event === 'execution') {
            onEvent({ type: 'execution', execution: data });
          } else if (event.event === 'node') {
            onEvent({ type: 'node', node: data });
          } else if (event.event === 'end') {
            onEvent({ type: 'end', execution: data });
            return 'end';
          } else if (event.event === 'error') {
            throw new Error(
              `The status stream failed: ${data.message ?? event.data}`,
            );
          }
        }
        return undefined;
      },
      signal,
    );
    if (ended !== 'end' && !signal?.aborted) {
      throw new Error(
        `The status stream of execution ${id} closed before it ended`,
      );
    }
  }

  readLogs(id: string, query: LogQuery = {}): Promise<LogPageView> {
    return this.json(`/executions/${segment(id)}/logs`, {
      query: { ...query },
    });
  }

  async followLogs(
    id: string,
    options: FollowLogsOptions,
    onLines: (lines: LogLineView[]) => void,
  ): Promise<FollowLogsResult> {
    const { signal } = options;
    const reconnectDelayMs = this.options.reconnectDelayMs ?? 1000;
    const maxReconnects = this.options.maxReconnects ?? 5;
    let cursor = options.after ?? 0;
    let failures = 0;
    const deliver = (lines: LogLineView[]) => {
      if (lines.length === 0) return;
      onLines(lines);
      cursor = lines[lines.length - 1].seq;
    };
    for (;;) {
      if (signal?.aborted) return { cursor, complete: false };
      const before = cursor;
      let lastError: unknown;
      try {
        const response = await this.send(
          `/executions/${segment(id)}/logs/stream`,
          {
            query: { after: cursor },
            headers: { Accept: 'text/event-stream' },
            signal,
          },
        );
        if (
          (await this.readStream(
            response,
            events => PipelineEngineClient.logEvents(events, deliver),
            signal,
          )) === 'end'
        ) {
          return { cursor, complete: true };
        }
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

  /**
   * Reads events until the stream closes, handing `onEvents` the events of
   * each network chunk; 'end' once `onEvents` says the stream is over.
   */
  private async readStream(
    response: Response,
    onEvents: (events: ServerSentEvent[]) => 'end' | undefined,
    signal?: AbortSignal,
  ): Promise<'end' | 'closed'> {
    if (!response.body) return 'closed';
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const parser = new EventStreamParser();
    const cancel = () => void reader.cancel().catch(() => {});
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || signal?.aborted) return 'closed';
        const events = parser.push(decoder.decode(value, { stream: true }));
        if (onEvents(events) === 'end') return 'end';
      }
    } finally {
      signal?.removeEventListener('abort', cancel);
      await reader.cancel().catch(() => {});
    }
  }

  /** One batch of log lines per network chunk: a long log renders once per chunk. */
  private static logEvents(
    events: ServerSentEvent[],
    deliver: (lines: LogLineView[]) => void,
  ): 'end' | undefined {
    const batch: LogLineView[] = [];
    for (const event of events) {
      if (event.event === 'message') {
        batch.push(JSON.parse(event.data) as LogLineView);
      } else if (event.event === 'end') {
        deliver(batch);
        return 'end';
      } else if (event.event === 'error') {
        deliver(batch);
        const { message } = JSON.parse(event.data) as { message?: string };
        throw new Error(`The log stream failed: ${message ?? event.data}`);
      }
    }
    deliver(batch);
    return undefined;
  }

  listInputSets(
    ref: PipelineRef,
    page: PageQuery = {},
  ): Promise<ListResponse<InputSetView>> {
    return this.json(`${pipelinePath(ref)}/input-sets`, {
      query: { ...page },
    });
  }

  createInputSet(ref: PipelineRef, yaml: string): Promise<InputSetView> {
    return this.json(`${pipelinePath(ref)}/input-sets`, {
      method: 'POST',
      yaml,
    });
  }

  listTriggers(
    ref: PipelineRef,
    page: PageQuery = {},
  ): Promise<ListResponse<TriggerView>> {
    return this.json(`${pipelinePath(ref)}/triggers`, {
      query: { ...page },
    });
  }

  updateTrigger(
    ref: PipelineRef,
    identifier: string,
    yaml: string,
    options: { expectedVersion?: number } = {},
  ): Promise<TriggerView> {
    return this.json(`${pipelinePath(ref)}/triggers/${segment(identifier)}`, {
      method: 'PUT',
      yaml,
      headers:
        options.expectedVersion === undefined
          ? {}
          : { 'If-Match': `"${options.expectedVersion}"` },
    });
  }

  rotateWebhookToken(
    ref: PipelineRef,
    identifier: string,
  ): Promise<TriggerWithTokenView> {
    return this.json(
      `${pipelinePath(ref)}/triggers/${segment(identifier)}/webhook-token`,
      { method: 'POST' },
    );
  }

  async getTriggerRunUrl(
    ref: PipelineRef,
    identifier: string,
  ): Promise<string> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl(PLUGIN_ID);
    return `${baseUrl}${pipelinePath(ref)}/triggers/${segment(identifier)}/run`;
  }
}

import type { PipelineRef } from '@idp-pipelines/plugin-pipeline-engine-common';
import { harnessError, type HarnessErrorBody } from './harnessErrors';

/*
 * The slice of Harness's NG pipeline API the trigger actions use, with the
 * response shapes Harness documents (`{ status, data, ... }` envelopes):
 *   POST /pipeline/api/inputSets/template                runtime-input template
 *   GET  /pipeline/api/inputSets/{inputSet}               a stored input set
 *   POST /pipeline/api/pipeline/execute/{id}             start, body = input-set YAML
 *   POST /pipeline/api/pipeline/execute/{id}/inputSetList start with stored input sets
 *   GET  /pipeline/api/pipelines/execution/v2/{exec}     summary and node graph
 *   PUT  /pipeline/api/pipeline/execute/interrupt/{exec}?interruptType=AbortAll
 *   GET  /pipeline/api/triggers/{trigger}                a trigger
 *   POST /pipeline/api/webhook/custom/v2                 fire a custom webhook trigger
 *   GET  /pipeline/api/webhook/triggerExecutionDetails/{eventCorrelationId}
 * all under `<origin>/gateway`, authenticated with `x-api-key` (API keys and
 * service-account tokens, `pat.`/`sat.`) or a bearer user session token.
 */

/** Harness's response envelope. */
interface Envelope<T> extends HarnessErrorBody {
  data?: T;
}

/** Strategy (matrix, repeat, parallelism) iteration of a looped node. */
export interface HarnessStrategyMetadata {
  currentIteration?: number;
  totalIterations?: number;
  identifierPostFix?: string;
}

/** A node of the execution graph. */
export interface HarnessGraphNode {
  uuid?: string;
  setupId?: string;
  name?: string;
  identifier?: string;
  baseFqn?: string;
  stepType?: string;
  status?: string;
  startTs?: number;
  endTs?: number;
  failureInfo?: { message?: string };
  outcomes?: Record<string, unknown>;
  strategyMetadata?: HarnessStrategyMetadata;
  /** Earlier tries of a retried node. */
  retryIds?: string[];
  interruptHistories?: Array<{ interruptType?: string }>;
}

/** A stage of the execution summary's layout. */
export interface HarnessLayoutNode {
  nodeType?: string;
  nodeGroup?: string;
  nodeIdentifier?: string;
  name?: string;
  status?: string;
  startTs?: number;
  endTs?: number;
  failureInfo?: { message?: string };
}

/** `data` of the execution v2 route. */
export interface HarnessExecutionDetail {
  pipelineExecutionSummary?: {
    pipelineIdentifier?: string;
    planExecutionId?: string;
    name?: string;
    status?: string;
    runSequence?: number;
    startTs?: number;
    endTs?: number;
    executionErrorInfo?: { message?: string };
    layoutNodeMap?: Record<string, HarnessLayoutNode>;
  };
  executionGraph?: {
    rootNodeId?: string;
    nodeMap?: Record<string, HarnessGraphNode>;
    nodeAdjacencyListMap?: Record<
      string,
      { children?: string[]; nextIds?: string[] }
    >;
  };
}

/** `data` of the custom webhook route. */
export interface HarnessWebhookEvent {
  eventCorrelationId?: string;
  apiUrl?: string;
  uiUrl?: string;
  uiSetupUrl?: string;
}

/** `data.webhookProcessingDetails` of triggerExecutionDetails. */
export interface HarnessWebhookProcessing {
  eventFound?: boolean;
  eventId?: string;
  pipelineExecutionId?: string;
  exceptionOccured?: boolean;
  status?: string;
  message?: string;
  warningMsg?: string;
}

/** `data` of the trigger route. */
export interface HarnessTrigger {
  identifier?: string;
  type?: string;
  enabled?: boolean;
  yaml?: string;
}

/** Git Experience coordinates of a remote pipeline. */
export interface HarnessGitParams {
  repoName?: string;
  branch?: string;
  connectorRef?: string;
}

/** Options of {@link HarnessPipelineApi}. */
export interface HarnessPipelineApiOptions {
  /** `https://app.harness.io`. */
  origin: string;
  accountIdentifier: string;
  /** API key, service-account token or user session token; may be empty for webhooks. */
  apiKey: string;
  /** Replaces the global fetch, e.g. in tests. */
  fetch?: typeof fetch;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** How often a read is tried before giving up; default 4. */
  readAttempts?: number;
  /** First backoff between read tries; doubles each time; default 1 s. */
  retryBaseMs?: number;
  /** Replaces the wait between tries, e.g. in tests. */
  sleep?: (ms: number) => Promise<void>;
}

/** Statuses worth another try of a read. */
const TRANSIENT = new Set([429, 500, 502, 503, 504]);
/** The longest wait between two tries, whatever Retry-After says. */
const MAX_BACKOFF_MS = 60_000;

const realSleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));

/** Milliseconds a `Retry-After` header asks for (seconds or an HTTP date). */
export function retryAfterMs(
  header: string | null,
  now = Date.now(),
): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

interface CallOptions {
  /** What the call does, for messages: `reading execution x`. */
  doing: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query: Record<string, string | undefined>;
  body?: { contentType: string; text: string };
  /** Reads are retried on 429, 5xx and network errors; writes never. */
  retry: boolean;
  /** The permission a 403 means is missing. */
  permission: string;
  /** Send no credentials when there is no key (custom webhooks). */
  optionalAuth?: boolean;
}

/** Calls Harness's pipeline API; errors never contain the API key. */
export class HarnessPipelineApi {
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: HarnessPipelineApiOptions) {
    this.fetch = options.fetch ?? ((...args) => globalThis.fetch(...args));
    this.sleep = options.sleep ?? realSleep;
  }

  private redact(text: string): string {
    return this.options.apiKey
      ? text.split(this.options.apiKey).join('***')
      : text;
  }

  private authHeaders(optional?: boolean): Record<string, string> {
    if (!this.options.apiKey && optional) return {};
    // Harness API keys and service-account tokens go in x-api-key; anything
    // else is a user session token (Harness IDP's HarnessAuthToken field).
    return /^(pat|sat)\./.test(this.options.apiKey)
      ? { 'x-api-key': this.options.apiKey }
      : { Authorization: `Bearer ${this.options.apiKey}` };
  }

  private url(call: CallOptions): string {
    const params = new URLSearchParams({
      accountIdentifier: this.options.accountIdentifier,
    });
    for (const [name, value] of Object.entries(call.query)) {
      if (value !== undefined) params.set(name, value);
    }
    return `${this.options.origin}/gateway/pipeline/api${call.path}?${params}`;
  }

  private async call<T>(call: CallOptions): Promise<T | undefined> {
    const attempts = call.retry ? (this.options.readAttempts ?? 4) : 1;
    const base = this.options.retryBaseMs ?? 1000;
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetch(this.url(call), {
          method: call.method,
          headers: {
            Accept: 'application/json',
            ...this.authHeaders(call.optionalAuth),
            ...(call.body ? { 'Content-Type': call.body.contentType } : {}),
          },
          body: call.body?.text,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
        });
      } catch (error) {
        const message = `Could not reach Harness at ${this.options.origin} while ${call.doing}: ${(error as Error).message}`;
        if (attempt < attempts) {
          await this.sleep(Math.min(base * 2 ** (attempt - 1), MAX_BACKOFF_MS));
          continue;
        }
        throw new Error(
          this.redact(
            attempts > 1 ? `${message} (tried ${attempts} times)` : message,
          ),
        );
      }
      const text = await response.text();
      let envelope: Envelope<T> = {};
      try {
        envelope = text ? (JSON.parse(text) as Envelope<T>) : {};
      } catch {
        envelope = { message: text.slice(0, 500) };
      }
      const failed =
        !response.ok || (envelope.status && envelope.status !== 'SUCCESS');
      if (!failed) return envelope.data;
      if (TRANSIENT.has(response.status) && attempt < attempts) {
        const asked = retryAfterMs(response.headers.get('retry-after'));
        await this.sleep(
          Math.min(asked ?? base * 2 ** (attempt - 1), MAX_BACKOFF_MS),
        );
        continue;
      }
      throw harnessError({
        doing: call.doing,
        status: response.status,
        body: envelope,
        permission: call.permission,
        attempts: TRANSIENT.has(response.status) ? attempt : 1,
        redact: text_ => this.redact(text_),
      });
    }
  }

  private scope(ref: PipelineRef) {
    return {
      orgIdentifier: ref.orgIdentifier,
      projectIdentifier: ref.projectIdentifier,
    };
  }

  /** Git Experience parameters, as Harness's UI sends them. */
  private gitQuery(git: HarnessGitParams) {
    return {
      branch: git.branch,
      repoIdentifier: git.repoName,
      parentEntityConnectorRef: git.connectorRef,
      parentEntityRepoName: git.repoName,
    };
  }

  /** The pipeline's runtime inputs as a YAML template, or undefined when it has none. */
  async inputSetTemplate(
    ref: PipelineRef,
    git: HarnessGitParams = {},
  ): Promise<string | undefined> {
    const data = await this.call<{ inputSetTemplateYaml?: string }>({
      doing: `reading the runtime inputs of pipeline ${ref.pipelineIdentifier}`,
      method: 'POST',
      path: '/inputSets/template',
      query: {
        ...this.scope(ref),
        pipelineIdentifier: ref.pipelineIdentifier,
        ...this.gitQuery(git),
      },
      body: { contentType: 'application/json', text: '{}' },
      retry: true,
      permission: 'View Pipelines (core_pipeline_view)',
    });
    const yaml = data?.inputSetTemplateYaml;
    return yaml && yaml.trim() !== '' ? yaml : undefined;
  }

  /** A stored input set of the pipeline; throws when there is none. */
  async inputSet(
    ref: PipelineRef,
    inputSetIdentifier: string,
    git: HarnessGitParams = {},
  ): Promise<{ identifier?: string; name?: string }> {
    const data = await this.call<{ identifier?: string; name?: string }>({
      doing: `reading input set ${inputSetIdentifier} of pipeline ${ref.pipelineIdentifier}`,
      method: 'GET',
      path: `/inputSets/${encodeURIComponent(inputSetIdentifier)}`,
      query: {
        ...this.scope(ref),
        pipelineIdentifier: ref.pipelineIdentifier,
        ...this.gitQuery(git),
      },
      retry: true,
      permission: 'View Pipelines (core_pipeline_view)',
    });
    return data ?? {};
  }

  private executeQuery(
    ref: PipelineRef,
    git: HarnessGitParams,
    moduleType: string,
  ) {
    return {
      ...this.scope(ref),
      moduleType,
      // Input-set problems come back per FQN in metadata.uuidToErrorResponseMap.
      useFQNIfError: 'true',
      ...this.gitQuery(git),
    };
  }

  private executionId(
    ref: PipelineRef,
    data?: { planExecution?: { uuid?: string } },
  ) {
    const id = data?.planExecution?.uuid;
    if (!id) {
      throw new Error(
        `Harness started pipeline ${ref.pipelineIdentifier} but named no execution`,
      );
    }
    return id;
  }

  /**
   * Starts an execution with input-set YAML; returns its plan execution id.
   * Never retried: a lost answer must not start a second execution.
   */
  async execute(
    ref: PipelineRef,
    inputSetYaml: string,
    options: { git?: HarnessGitParams; moduleType: string },
  ): Promise<string> {
    const data = await this.call<{ planExecution?: { uuid?: string } }>({
      doing: `starting pipeline ${ref.pipelineIdentifier}`,
      method: 'POST',
      path: `/pipeline/execute/${encodeURIComponent(ref.pipelineIdentifier)}`,
      query: this.executeQuery(ref, options.git ?? {}, options.moduleType),
      body: { contentType: 'application/yaml', text: inputSetYaml },
      retry: false,
      permission: 'Execute Pipelines (core_pipeline_execute)',
    });
    return this.executionId(ref, data);
  }

  /** Starts an execution with stored input sets, merged in order. Never retried. */
  async executeWithInputSets(
    ref: PipelineRef,
    inputSetIdentifiers: string[],
    options: { git?: HarnessGitParams; moduleType: string },
  ): Promise<string> {
    const data = await this.call<{ planExecution?: { uuid?: string } }>({
      doing: `starting pipeline ${ref.pipelineIdentifier} with input set ${inputSetIdentifiers.join(', ')}`,
      method: 'POST',
      path: `/pipeline/execute/${encodeURIComponent(ref.pipelineIdentifier)}/inputSetList`,
      query: this.executeQuery(ref, options.git ?? {}, options.moduleType),
      body: {
        contentType: 'application/json',
        text: JSON.stringify({ inputSetReferences: inputSetIdentifiers }),
      },
      retry: false,
      permission: 'Execute Pipelines (core_pipeline_execute)',
    });
    return this.executionId(ref, data);
  }

  /** Summary and full node graph of an execution. */
  async execution(
    ref: PipelineRef,
    executionId: string,
  ): Promise<HarnessExecutionDetail> {
    const data = await this.call<HarnessExecutionDetail>({
      doing: `reading execution ${executionId}`,
      method: 'GET',
      path: `/pipelines/execution/v2/${encodeURIComponent(executionId)}`,
      query: { ...this.scope(ref), renderFullBottomGraph: 'true' },
      retry: true,
      permission: 'View Pipelines (core_pipeline_view)',
    });
    return data ?? {};
  }

  /** Aborts an execution and everything running in it. */
  async abort(ref: PipelineRef, executionId: string): Promise<void> {
    await this.call({
      doing: `aborting execution ${executionId}`,
      method: 'PUT',
      path: `/pipeline/execute/interrupt/${encodeURIComponent(executionId)}`,
      query: { ...this.scope(ref), interruptType: 'AbortAll' },
      retry: false,
      permission: 'Abort Pipelines (core_pipeline_abort)',
    });
  }

  /** A trigger of the pipeline: its type, YAML and whether it is enabled. */
  async trigger(
    ref: PipelineRef,
    triggerIdentifier: string,
  ): Promise<HarnessTrigger> {
    const data = await this.call<HarnessTrigger>({
      doing: `reading trigger ${triggerIdentifier} of pipeline ${ref.pipelineIdentifier}`,
      method: 'GET',
      path: `/triggers/${encodeURIComponent(triggerIdentifier)}`,
      query: { ...this.scope(ref), targetIdentifier: ref.pipelineIdentifier },
      retry: true,
      permission: 'View Pipelines (core_pipeline_view)',
    });
    return data ?? {};
  }

  /**
   * Fires a custom webhook trigger with a JSON payload (the pipeline reads
   * it as `<+trigger.payload.*>`); the API key, when there is one, goes in
   * `X-Api-Key` for triggers that require one. Never retried.
   */
  async fireCustomWebhook(
    ref: PipelineRef,
    triggerIdentifier: string,
    payload: Record<string, unknown>,
  ): Promise<HarnessWebhookEvent> {
    const data = await this.call<HarnessWebhookEvent>({
      doing: `firing webhook trigger ${triggerIdentifier} of pipeline ${ref.pipelineIdentifier}`,
      method: 'POST',
      path: '/webhook/custom/v2',
      query: {
        ...this.scope(ref),
        pipelineIdentifier: ref.pipelineIdentifier,
        triggerIdentifier,
      },
      body: { contentType: 'application/json', text: JSON.stringify(payload) },
      retry: false,
      permission: 'Execute Pipelines (core_pipeline_execute)',
      optionalAuth: true,
    });
    if (!data?.eventCorrelationId) {
      throw new Error(
        `Harness accepted webhook trigger ${triggerIdentifier} but returned no eventCorrelationId`,
      );
    }
    return data;
  }

  /** What Harness made of a webhook event so far. */
  async webhookProcessing(
    eventCorrelationId: string,
  ): Promise<HarnessWebhookProcessing> {
    const data = await this.call<{
      webhookProcessingDetails?: HarnessWebhookProcessing;
    }>({
      doing: `reading webhook event ${eventCorrelationId}`,
      method: 'GET',
      path: `/webhook/triggerExecutionDetails/${encodeURIComponent(eventCorrelationId)}`,
      query: {},
      retry: true,
      permission: 'View Pipelines (core_pipeline_view)',
      optionalAuth: true,
    });
    return data?.webhookProcessingDetails ?? {};
  }
}

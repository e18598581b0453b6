import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { PipelineRef } from '@idp-pipelines/plugin-pipeline-engine-common';

/*
 * The slice of Harness's NG pipeline API the trigger action uses, with the
 * response shapes Harness documents (`{ status, data, ... }` envelopes):
 *   POST /pipeline/api/inputSets/template             runtime-input template
 *   POST /pipeline/api/pipeline/execute/{id}          start, body = input-set YAML
 *   GET  /pipeline/api/pipelines/execution/v2/{exec}  summary and node graph
 *   PUT  /pipeline/api/pipeline/execute/interrupt/{exec}?interruptType=AbortAll
 * all under `<origin>/gateway`, authenticated with `x-api-key` (API keys and
 * service-account tokens, `pat.`/`sat.`) or a bearer user session token.
 */

/** Harness's response envelope. */
interface Envelope<T> {
  status?: string;
  code?: string;
  message?: string;
  data?: T;
  responseMessages?: Array<{ code?: string; message?: string }>;
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
  };
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
  /** API key, service-account token or user session token. */
  apiKey: string;
  /** Replaces the global fetch, e.g. in tests. */
  fetch?: typeof fetch;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
}

/** Calls Harness's pipeline API; errors never contain the API key. */
export class HarnessPipelineApi {
  private readonly fetch: typeof fetch;

  constructor(private readonly o: HarnessPipelineApiOptions) {
    this.fetch = o.fetch ?? ((...args) => globalThis.fetch(...args));
  }

  private redact(text: string): string {
    return this.o.apiKey ? text.split(this.o.apiKey).join('***') : text;
  }

  private authHeaders(): Record<string, string> {
    // Harness API keys and service-account tokens go in x-api-key; anything
    // else is a user session token (Harness IDP's HarnessAuthToken field).
    return /^(pat|sat)\./.test(this.o.apiKey)
      ? { 'x-api-key': this.o.apiKey }
      : { Authorization: `Bearer ${this.o.apiKey}` };
  }

  private async call<T>(
    doing: string,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    query: Record<string, string | undefined>,
    body?: { contentType: string; text: string },
  ): Promise<T | undefined> {
    const params = new URLSearchParams({
      accountIdentifier: this.o.accountIdentifier,
    });
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) params.set(name, value);
    }
    const url = `${this.o.origin}/gateway/pipeline/api${path}?${params}`;
    let response: Response;
    try {
      response = await this.fetch(url, {
        method,
        headers: {
          Accept: 'application/json',
          ...this.authHeaders(),
          ...(body ? { 'Content-Type': body.contentType } : {}),
        },
        body: body?.text,
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new Error(
        this.redact(
          `Could not reach Harness at ${this.o.origin} while ${doing}: ${(error as Error).message}`,
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
    if (!response.ok || (envelope.status && envelope.status !== 'SUCCESS')) {
      throw this.error(doing, response.status, envelope);
    }
    return envelope.data;
  }

  private error(
    doing: string,
    status: number,
    envelope: Envelope<unknown>,
  ): Error {
    const detail =
      envelope.message ||
      envelope.responseMessages
        ?.map(m => m.message)
        .filter(Boolean)
        .join('; ') ||
      'no message';
    const message = this.redact(
      `Harness answered ${status}${envelope.code ? ` ${envelope.code}` : ''} while ${doing}: ${detail}`,
    );
    switch (status) {
      case 400:
        return new InputError(message);
      case 401:
        return new AuthenticationError(
          `${message}. Check the apikey input or the secret named by apiKeySecret`,
        );
      case 403:
        return new NotAllowedError(message);
      case 404:
        return new NotFoundError(message);
      default:
        return new Error(message);
    }
  }

  private scope(ref: PipelineRef) {
    return {
      orgIdentifier: ref.orgIdentifier,
      projectIdentifier: ref.projectIdentifier,
    };
  }

  /** The pipeline's runtime inputs as a YAML template, or undefined when it has none. */
  async inputSetTemplate(
    ref: PipelineRef,
    git: HarnessGitParams = {},
  ): Promise<string | undefined> {
    const data = await this.call<{ inputSetTemplateYaml?: string }>(
      `reading the runtime inputs of pipeline ${ref.pipelineIdentifier}`,
      'POST',
      '/inputSets/template',
      {
        ...this.scope(ref),
        pipelineIdentifier: ref.pipelineIdentifier,
        branch: git.branch,
        repoName: git.repoName,
        parentEntityConnectorRef: git.connectorRef,
        parentEntityRepoName: git.repoName,
      },
      { contentType: 'application/json', text: '{}' },
    );
    const yaml = data?.inputSetTemplateYaml;
    return yaml && yaml.trim() !== '' ? yaml : undefined;
  }

  /** Starts an execution with input-set YAML; returns its plan execution id. */
  async execute(
    ref: PipelineRef,
    inputSetYaml: string,
    git: HarnessGitParams = {},
  ): Promise<string> {
    const data = await this.call<{ planExecution?: { uuid?: string } }>(
      `starting pipeline ${ref.pipelineIdentifier}`,
      'POST',
      `/pipeline/execute/${encodeURIComponent(ref.pipelineIdentifier)}`,
      {
        ...this.scope(ref),
        moduleType: 'idp',
        branch: git.branch,
        repoName: git.repoName,
        connectorRef: git.connectorRef,
      },
      { contentType: 'application/yaml', text: inputSetYaml },
    );
    const id = data?.planExecution?.uuid;
    if (!id) {
      throw new Error(
        `Harness started pipeline ${ref.pipelineIdentifier} but named no execution`,
      );
    }
    return id;
  }

  /** Summary and full node graph of an execution. */
  async execution(
    ref: PipelineRef,
    executionId: string,
  ): Promise<HarnessExecutionDetail> {
    const data = await this.call<HarnessExecutionDetail>(
      `reading execution ${executionId}`,
      'GET',
      `/pipelines/execution/v2/${encodeURIComponent(executionId)}`,
      { ...this.scope(ref), renderFullBottomGraph: 'true' },
    );
    return data ?? {};
  }

  /** Aborts an execution and everything running in it. */
  async abort(ref: PipelineRef, executionId: string): Promise<void> {
    await this.call(
      `aborting execution ${executionId}`,
      'PUT',
      `/pipeline/execute/interrupt/${encodeURIComponent(executionId)}`,
      { ...this.scope(ref), interruptType: 'AbortAll' },
    );
  }
}

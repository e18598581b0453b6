import { ResponseError } from '@backstage/errors';
import { pipelineEngineOperations } from './generated/operations';
import type { operations } from './generated/schema';

/**
 * The operationIds of openapi.yaml.
 *
 * @public
 */
export type PipelineEngineOperationId = keyof typeof pipelineEngineOperations;

/**
 * The generated parameters of an operation.
 *
 * @public
 */
export type ParametersOf<Id extends PipelineEngineOperationId> =
  operations[Id]['parameters'];

/**
 * `T` without `undefined`.
 *
 * @public
 */
export type Defined<T> = Exclude<T, undefined>;

/**
 * The path parameters of an operation, as openapi.yaml names them.
 *
 * @public
 */
export type PipelineEnginePathParams<Id extends PipelineEngineOperationId> =
  Defined<ParametersOf<Id>['path']>;

/**
 * The query parameters of an operation, as openapi.yaml names them.
 *
 * @public
 */
export type PipelineEngineQuery<Id extends PipelineEngineOperationId> = Defined<
  ParametersOf<Id>['query']
>;

/**
 * The generated responses of an operation.
 *
 * @public
 */
export type ResponsesOf<Id extends PipelineEngineOperationId> =
  operations[Id]['responses'];

/**
 * The JSON body type of a generated response.
 *
 * @public
 */
export type JsonContent<R> = R extends {
  content: { 'application/json': infer Body };
}
  ? Body
  : void;

/**
 * The JSON body of an operation's success response (200 or 201).
 *
 * @public
 */
export type PipelineEngineResponseBody<Id extends PipelineEngineOperationId> =
  JsonContent<ResponsesOf<Id>[keyof ResponsesOf<Id> & (200 | 201 | 204)]>;

/**
 * One call of {@link PipelineEngineHttpClient}: parameters as openapi.yaml
 * names them, and a JSON or YAML body.
 *
 * @public
 */
export interface PipelineEngineRequest<Id extends PipelineEngineOperationId> {
  path?: PipelineEnginePathParams<Id>;
  query?: PipelineEngineQuery<Id>;
  headers?: Record<string, string>;
  /** Sent as `application/json`. */
  json?: unknown;
  /** Sent as `application/yaml`; wins over `json`. */
  yaml?: string;
  signal?: AbortSignal;
}

/**
 * Options of {@link PipelineEngineHttpClient}.
 *
 * @public
 */
export interface PipelineEngineHttpClientOptions {
  /** The engine's base URL, e.g. from the discovery service. */
  baseUrl: () => Promise<string>;
  /**
   * The fetch to send requests with: the app's fetch API in the browser
   * (adds the user's token), a fetch adding a plugin token in the backend.
   */
  fetch: typeof fetch;
}

type QueryValue = string | number | boolean | undefined | null;

/** Fills `{name}` segments of a path template, URL-encoded. */
function fillPath(template: string, params: object | undefined): string {
  const values = (params ?? {}) as Record<string, QueryValue>;
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined || value === null || value === '') {
      throw new TypeError(`Path parameter '${name}' is required`);
    }
    return encodeURIComponent(String(value));
  });
}

function searchOf(query: object | undefined): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {}) as Array<
    [string, QueryValue]
  >) {
    if (value !== undefined && value !== null) params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `?${search}` : '';
}

/**
 * The pipeline engine's REST API, one call per operation of openapi.yaml:
 * the method and path come from the generated operation table, parameters
 * and response bodies are typed by the generated schema. Isomorphic: all
 * I/O goes through the injected fetch. Non-2xx answers throw
 * `ResponseError` from `@backstage/errors`.
 *
 * @public
 */
export class PipelineEngineHttpClient {
  constructor(private readonly options: PipelineEngineHttpClientOptions) {}

  /** The URL of an operation, e.g. to show a webhook URL. */
  async url<Id extends PipelineEngineOperationId>(
    operationId: Id,
    request: Pick<PipelineEngineRequest<Id>, 'path' | 'query'> = {},
  ): Promise<string> {
    const { path } = pipelineEngineOperations[operationId];
    const baseUrl = await this.options.baseUrl();
    return `${baseUrl}${fillPath(path, request.path)}${searchOf(request.query)}`;
  }

  /** Sends a request; the raw response (for streams). */
  async send<Id extends PipelineEngineOperationId>(
    operationId: Id,
    request: PipelineEngineRequest<Id> = {},
  ): Promise<Response> {
    const { method } = pipelineEngineOperations[operationId];
    const headers: Record<string, string> = { ...request.headers };
    let body: string | undefined;
    if (request.yaml !== undefined) {
      headers['Content-Type'] = 'application/yaml';
      body = request.yaml;
    } else if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    const response = await this.options.fetch(
      await this.url(operationId, request),
      { method, headers, body, signal: request.signal },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }

  /** Sends a request; the parsed JSON body (nothing for 204). */
  async call<Id extends PipelineEngineOperationId>(
    operationId: Id,
    request: PipelineEngineRequest<Id> = {},
  ): Promise<PipelineEngineResponseBody<Id>> {
    const response = await this.send(operationId, request);
    if (response.status === 204) {
      return undefined as PipelineEngineResponseBody<Id>;
    }
    return (await response.json()) as PipelineEngineResponseBody<Id>;
  }
}

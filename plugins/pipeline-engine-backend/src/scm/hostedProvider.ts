import {
  defaultRefFromPath,
  headerScope,
  httpGitAuth,
  providerHttpError,
  responseDetail,
  restAuthHeaders,
  sshRemoteFromHttps,
  type RestAuthOptions,
} from './common';
import type {
  CreateRepositoryRequest,
  CreateRepositoryResult,
  GitAuth,
  ScmCredentials,
  ScmProvider,
  ScmProviderKind,
  ScmRepositoryRef,
  ScmRequestContext,
} from './types';

/*
 * What the hosted providers (GitHub, GitLab, Bitbucket Cloud and Server,
 * Azure Repos) share. Each provider's own file keeps its API calls, its
 * URL shapes and its error wording.
 */

/** Where a hosted provider lives: its web base URL, and its REST API's when that is elsewhere. */
export interface HostedProviderOptions {
  /** Web base URL including any context path, e.g. `https://github.com`. */
  baseUrl: string;
  /** REST API base URL; each provider documents its default. */
  apiBaseUrl?: string;
}

/** A URL without trailing slashes, so paths join with one. */
export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * A hosted provider: clone URLs are the web URL with `.git`, SSH remotes
 * are derived from them, git sends tokens as the password of the
 * provider's token user in a Basic header scoped to the host, and a
 * connector URL's last path segment is the repository.
 */
export abstract class HostedScmProvider implements ScmProvider {
  abstract readonly kind: ScmProviderKind;
  /** The web base URL without trailing slashes. */
  protected readonly baseUrl: string;

  /** @param gitTokenUser - the user name a token goes with to git. */
  protected constructor(
    baseUrl: string,
    private readonly gitTokenUser: string,
  ) {
    this.baseUrl = withoutTrailingSlash(baseUrl);
  }

  abstract createRepository(
    request: CreateRepositoryRequest,
    context: ScmRequestContext,
  ): Promise<CreateRepositoryResult>;

  abstract repositoryUrl(ref: ScmRepositoryRef): string;

  abstract blobUrl(ref: ScmRepositoryRef, branch: string, path: string): string;

  abstract rawUrl(ref: ScmRepositoryRef, branch: string, path: string): string;

  cloneUrl(ref: ScmRepositoryRef): string {
    return `${this.repositoryUrl(ref)}.git`;
  }

  gitRemote(ref: ScmRepositoryRef, credentials: ScmCredentials): string {
    return credentials.type === 'ssh'
      ? sshRemoteFromHttps(this.cloneUrl(ref))
      : this.cloneUrl(ref);
  }

  gitAuth(credentials: ScmCredentials): GitAuth {
    return httpGitAuth(
      this.gitCredentials(credentials),
      headerScope(this.baseUrl),
      this.gitTokenUser,
    );
  }

  /** The credentials as git should send them; some hosts want a token as another kind. */
  protected gitCredentials(credentials: ScmCredentials): ScmCredentials {
    return credentials;
  }

  refFromPath(
    segments: string[],
    kind: 'account' | 'repo',
  ): Partial<ScmRepositoryRef> {
    return defaultRefFromPath(segments, kind);
  }
}

/** Checks a REST response before its JSON is read; throws the provider's classified error. */
export type ResponseCheck = (
  response: Response,
  what: string,
  hints?: { notFound?: string },
) => Promise<void>;

/**
 * JSON calls to a provider's REST API with the connector's credentials
 * (refused at construction when they cannot authenticate it, see
 * `restAuthHeaders`), the step's abort signal, and errors that say what was
 * attempted (`providerHttpError` unless the provider checks responses its
 * own way).
 */
export class ProviderRestClient {
  /** The headers of every call: the credentials and JSON both ways. */
  readonly headers: Record<string, string>;

  constructor(
    private readonly options: {
      /** The provider's name in error messages, e.g. `Bitbucket Cloud`. */
      provider: string;
      credentials: ScmCredentials;
      auth: RestAuthOptions;
      signal?: AbortSignal;
      check?: ResponseCheck;
    },
  ) {
    this.headers = {
      ...restAuthHeaders(options.credentials, options.auth),
      'Content-Type': 'application/json',
      Accept: 'application/json',
    };
  }

  /** POSTs `body` as JSON; the response is the caller's to check. */
  post(url: string, body: unknown): Promise<Response> {
    return fetch(url, {
      method: 'POST',
      headers: this.headers,
      body: JSON.stringify(body),
      signal: this.options.signal,
    });
  }

  /** GETs `url` and reads its JSON; `what` names the attempt in errors. */
  async getJson<T>(
    url: string,
    what: string,
    hints?: { notFound?: string },
  ): Promise<T> {
    const response = await fetch(url, {
      headers: this.headers,
      signal: this.options.signal,
    });
    return this.readJson<T>(response, what, hints);
  }

  /** The JSON of a response once it is checked. */
  async readJson<T>(
    response: Response,
    what: string,
    hints?: { notFound?: string },
  ): Promise<T> {
    await (this.options.check ?? this.checkOk)(response, what, hints);
    return (await response.json()) as T;
  }

  private readonly checkOk: ResponseCheck = async (response, what, hints) => {
    if (response.ok) return;
    throw providerHttpError(
      this.options.provider,
      response.status,
      what,
      await responseDetail(response),
      hints,
    );
  };
}

import { InputError } from '@backstage/errors';
import {
  encodePath,
  headerScope,
  httpGitAuth,
  joinUrl,
  providerHttpError,
  repositoryNotEmptyError,
  responseDetail,
  restAuthHeaders,
} from './common';
import type {
  CreateRepositoryRequest,
  CreateRepositoryResult,
  GitAuth,
  ScmCredentials,
  ScmProvider,
  ScmRepositoryRef,
  ScmRequestContext,
} from './types';

/** Where a Bitbucket Server / Data Center instance lives. */
export interface BitbucketServerProviderOptions {
  /** Web base URL including any context path, e.g. `https://bitbucket.example.com`. */
  baseUrl: string;
  /** Default `<baseUrl>/rest/api/1.0`. */
  apiBaseUrl?: string;
}

/**
 * Bitbucket Server / Data Center through its REST API 1.0. `organization` is
 * the project key.
 */
export class BitbucketServerProvider implements ScmProvider {
  readonly kind = 'bitbucketServer' as const;
  private readonly baseUrl: string;
  private readonly apiBaseUrl: string;

  constructor(options: BitbucketServerProviderOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiBaseUrl = (
      options.apiBaseUrl ?? `${this.baseUrl}/rest/api/1.0`
    ).replace(/\/+$/, '');
  }

  async createRepository(
    request: CreateRepositoryRequest,
    context: ScmRequestContext,
  ): Promise<CreateRepositoryResult> {
    const key = request.organization || request.project;
    if (!key)
      throw new InputError(
        'Bitbucket Server needs a project key (spec.organization or spec.project)',
      );
    const ref = { organization: key, repository: request.repository };
    const headers = {
      ...apiHeaders(context.credentials),
      'Content-Type': 'application/json',
      Accept: 'application/json',
    };
    const response = await fetch(
      joinUrl(this.apiBaseUrl, 'projects', key, 'repos'),
      {
        method: 'POST',
        headers,
        body: JSON.stringify({
          name: request.repository,
          scmId: 'git',
          public: request.repoType === 'public',
          defaultBranch: request.defaultBranch,
          ...(request.description ? { description: request.description } : {}),
        }),
        signal: context.signal,
      },
    );
    if (response.ok) return { ...this.urls(ref), created: true };
    const detail = await responseDetail(response);
    if (response.status === 409)
      return this.adopt(ref, headers, context.signal);
    throw providerHttpError(
      'Bitbucket Server',
      response.status,
      `create repository ${key}/${request.repository}`,
      detail,
      {
        notFound: `project "${key}" does not exist or the credentials cannot see it`,
      },
    );
  }

  private async adopt(
    ref: ScmRepositoryRef,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<CreateRepositoryResult> {
    const url = `${joinUrl(this.apiBaseUrl, 'projects', ref.organization, 'repos', ref.repository)}/branches?limit=1`;
    const response = await fetch(url, { headers, signal });
    if (!response.ok) {
      throw providerHttpError(
        'Bitbucket Server',
        response.status,
        `read existing repository ${ref.organization}/${ref.repository}`,
        await responseDetail(response),
      );
    }
    const { values } = (await response.json()) as { values?: unknown[] };
    if (values?.length)
      throw repositoryNotEmptyError(
        'Bitbucket Server',
        this.repositoryUrl(ref),
      );
    return { ...this.urls(ref), created: false };
  }

  private urls(ref: ScmRepositoryRef) {
    return {
      repositoryUrl: this.repositoryUrl(ref),
      cloneUrl: this.cloneUrl(ref),
    };
  }

  repositoryUrl(ref: ScmRepositoryRef): string {
    return joinUrl(
      this.baseUrl,
      'projects',
      ref.organization,
      'repos',
      ref.repository,
    );
  }

  cloneUrl(ref: ScmRepositoryRef): string {
    return `${joinUrl(this.baseUrl, 'scm', ref.organization.toLowerCase(), ref.repository)}.git`;
  }

  blobUrl(ref: ScmRepositoryRef, branch: string, path: string): string {
    return `${this.repositoryUrl(ref)}/browse/${encodePath(path)}?at=${encodeURIComponent(`refs/heads/${branch}`)}`;
  }

  rawUrl(ref: ScmRepositoryRef, branch: string, path: string): string {
    return `${this.repositoryUrl(ref)}/raw/${encodePath(path)}?at=${encodeURIComponent(`refs/heads/${branch}`)}`;
  }

  gitRemote(ref: ScmRepositoryRef, credentials: ScmCredentials): string {
    if (credentials.type !== 'ssh') return this.cloneUrl(ref);
    // Bitbucket Server's default SSH port; configure an SSH connector URL for another.
    return `ssh://git@${new URL(this.baseUrl).hostname}:7999/${ref.organization.toLowerCase()}/${ref.repository}.git`;
  }

  gitAuth(credentials: ScmCredentials): GitAuth {
    // HTTP access tokens are Bearer tokens for git as well as for the API.
    const token =
      credentials.type === 'token'
        ? { type: 'bearer' as const, token: credentials.token }
        : credentials;
    return httpGitAuth(token, headerScope(this.baseUrl), 'x-token-auth');
  }

  refFromPath(
    segments: string[],
    kind: 'account' | 'repo',
  ): Partial<ScmRepositoryRef> {
    // Accepts /projects/KEY/repos/slug, /scm/key/slug.git and KEY/slug.
    const clean = segments.filter(
      s =>
        s && !['projects', 'repos', 'scm', 'browse'].includes(s.toLowerCase()),
    );
    if (kind === 'account')
      return clean.length ? { organization: clean[0] } : {};
    if (clean.length < 2)
      return clean.length ? { repository: clean[0].replace(/\.git$/, '') } : {};
    return {
      organization: clean[0],
      repository: clean[1].replace(/\.git$/, ''),
    };
  }
}

function apiHeaders(credentials: ScmCredentials): Record<string, string> {
  return restAuthHeaders(credentials, {
    provider: 'Bitbucket Server',
    needs: 'a token or username/password',
  });
}

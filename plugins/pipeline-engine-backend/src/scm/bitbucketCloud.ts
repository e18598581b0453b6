import { InputError } from '@backstage/errors';
import {
  defaultRefFromPath,
  encodePath,
  headerScope,
  httpGitAuth,
  joinUrl,
  providerHttpError,
  repositoryNotEmptyError,
  responseDetail,
  restAuthHeaders,
  sshRemoteFromHttps,
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

/** Where Bitbucket Cloud lives (constant in practice; configurable for tests and proxies). */
export interface BitbucketCloudProviderOptions {
  /** Default `https://bitbucket.org`. */
  baseUrl?: string;
  /** Default `https://api.bitbucket.org/2.0`. */
  apiBaseUrl?: string;
}

interface BitbucketRepository {
  links?: {
    html?: { href?: string };
    clone?: Array<{ name?: string; href?: string }>;
  };
}

/**
 * Bitbucket Cloud through its REST API 2.0. `organization` (or the spec's
 * `workspace`) is the workspace; the spec's `project` is the project key.
 */
export class BitbucketCloudProvider implements ScmProvider {
  readonly kind = 'bitbucketCloud' as const;
  private readonly baseUrl: string;
  private readonly apiBaseUrl: string;

  constructor(options: BitbucketCloudProviderOptions = {}) {
    this.baseUrl = (options.baseUrl ?? 'https://bitbucket.org').replace(
      /\/+$/,
      '',
    );
    this.apiBaseUrl = (
      options.apiBaseUrl ?? 'https://api.bitbucket.org/2.0'
    ).replace(/\/+$/, '');
  }

  async createRepository(
    request: CreateRepositoryRequest,
    context: ScmRequestContext,
  ): Promise<CreateRepositoryResult> {
    const workspace = request.workspace || request.organization;
    if (!workspace)
      throw new InputError(
        'Bitbucket Cloud needs a workspace (spec.workspace or spec.organization)',
      );
    const ref = { organization: workspace, repository: request.repository };
    const headers = {
      ...apiHeaders(context.credentials),
      'Content-Type': 'application/json',
      Accept: 'application/json',
    };
    const response = await fetch(
      joinUrl(this.apiBaseUrl, 'repositories', workspace, request.repository),
      {
        method: 'POST',
        headers,
        body: JSON.stringify({
          scm: 'git',
          is_private: request.repoType === 'private',
          ...(request.description ? { description: request.description } : {}),
          ...(request.project ? { project: { key: request.project } } : {}),
        }),
        signal: context.signal,
      },
    );
    if (response.ok) {
      return {
        ...this.urlsOf((await response.json()) as BitbucketRepository, ref),
        created: true,
      };
    }
    const detail = await responseDetail(response);
    if (
      response.status === 409 ||
      (response.status === 400 && /already exists/i.test(detail))
    ) {
      return this.adopt(ref, headers, context.signal);
    }
    throw providerHttpError(
      'Bitbucket Cloud',
      response.status,
      `create repository ${workspace}/${request.repository}`,
      detail,
      {
        notFound: `workspace "${workspace}"${request.project ? ` or project "${request.project}"` : ''} does not exist or the credentials cannot see it`,
      },
    );
  }

  private async adopt(
    ref: ScmRepositoryRef,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<CreateRepositoryResult> {
    const repoUrl = joinUrl(
      this.apiBaseUrl,
      'repositories',
      ref.organization,
      ref.repository,
    );
    const what = `read existing repository ${ref.organization}/${ref.repository}`;
    const repo = await fetch(repoUrl, { headers, signal });
    if (!repo.ok)
      throw providerHttpError(
        'Bitbucket Cloud',
        repo.status,
        what,
        await responseDetail(repo),
      );
    const urls = this.urlsOf((await repo.json()) as BitbucketRepository, ref);
    const branches = await fetch(`${repoUrl}/refs/branches?pagelen=1`, {
      headers,
      signal,
    });
    if (!branches.ok)
      throw providerHttpError(
        'Bitbucket Cloud',
        branches.status,
        what,
        await responseDetail(branches),
      );
    const { values } = (await branches.json()) as { values?: unknown[] };
    if (values?.length)
      throw repositoryNotEmptyError('Bitbucket Cloud', urls.repositoryUrl);
    return { ...urls, created: false };
  }

  private urlsOf(repo: BitbucketRepository, ref: ScmRepositoryRef) {
    const https = repo.links?.clone?.find(l => l.name === 'https')?.href;
    return {
      repositoryUrl: repo.links?.html?.href ?? this.repositoryUrl(ref),
      // Bitbucket puts the user name into clone links; ours never carry one.
      cloneUrl: https ? https.replace(/\/\/[^/@]*@/, '//') : this.cloneUrl(ref),
    };
  }

  repositoryUrl(ref: ScmRepositoryRef): string {
    return joinUrl(this.baseUrl, ref.organization, ref.repository);
  }

  cloneUrl(ref: ScmRepositoryRef): string {
    return `${this.repositoryUrl(ref)}.git`;
  }

  blobUrl(ref: ScmRepositoryRef, branch: string, path: string): string {
    return `${this.repositoryUrl(ref)}/src/${encodePath(branch)}/${encodePath(path)}`;
  }

  rawUrl(ref: ScmRepositoryRef, branch: string, path: string): string {
    return `${this.repositoryUrl(ref)}/raw/${encodePath(branch)}/${encodePath(path)}`;
  }

  gitRemote(ref: ScmRepositoryRef, credentials: ScmCredentials): string {
    return credentials.type === 'ssh'
      ? sshRemoteFromHttps(this.cloneUrl(ref))
      : this.cloneUrl(ref);
  }

  gitAuth(credentials: ScmCredentials): GitAuth {
    // Access tokens authenticate git as the password of the x-token-auth user.
    const tokenAsUser =
      credentials.type === 'bearer'
        ? { type: 'token' as const, token: credentials.token }
        : credentials;
    return httpGitAuth(tokenAsUser, headerScope(this.baseUrl), 'x-token-auth');
  }

  refFromPath(
    segments: string[],
    kind: 'account' | 'repo',
  ): Partial<ScmRepositoryRef> {
    return defaultRefFromPath(segments, kind);
  }
}

function apiHeaders(credentials: ScmCredentials): Record<string, string> {
  return restAuthHeaders(credentials, {
    provider: 'Bitbucket',
    needs: 'an API token or username/password',
  });
}

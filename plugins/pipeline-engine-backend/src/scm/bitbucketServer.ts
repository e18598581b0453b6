import { InputError } from '@backstage/errors';
import {
  encodePath,
  joinUrl,
  providerHttpError,
  repositoryNotEmptyError,
  responseDetail,
} from './common';
import {
  HostedScmProvider,
  ProviderRestClient,
  withoutTrailingSlash,
  type HostedProviderOptions,
} from './hostedProvider';
import type {
  CreateRepositoryRequest,
  CreateRepositoryResult,
  ScmCredentials,
  ScmRepositoryRef,
  ScmRequestContext,
} from './types';

/**
 * Where a Bitbucket Server / Data Center instance lives: the web base URL
 * including any context path (`https://bitbucket.example.com`); the API
 * defaults to `<baseUrl>/rest/api/1.0`.
 */
export type BitbucketServerProviderOptions = HostedProviderOptions;

const PROVIDER = 'Bitbucket Server';

/**
 * Bitbucket Server / Data Center through its REST API 1.0. `organization` is
 * the project key.
 */
export class BitbucketServerProvider extends HostedScmProvider {
  readonly kind = 'bitbucketServer' as const;
  private readonly apiBaseUrl: string;

  constructor(options: BitbucketServerProviderOptions) {
    super(options.baseUrl, 'x-token-auth');
    this.apiBaseUrl = withoutTrailingSlash(
      options.apiBaseUrl ?? `${this.baseUrl}/rest/api/1.0`,
    );
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
    const api = new ProviderRestClient({
      provider: PROVIDER,
      credentials: context.credentials,
      auth: {
        provider: 'Bitbucket Server',
        needs: 'a token or username/password',
      },
      signal: context.signal,
    });
    const response = await api.post(
      joinUrl(this.apiBaseUrl, 'projects', key, 'repos'),
      {
        name: request.repository,
        scmId: 'git',
        public: request.repoType === 'public',
        defaultBranch: request.defaultBranch,
        ...(request.description ? { description: request.description } : {}),
      },
    );
    if (response.ok) return { ...this.urls(ref), created: true };
    const detail = await responseDetail(response);
    if (response.status === 409) return this.adopt(ref, api);
    throw providerHttpError(
      PROVIDER,
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
    api: ProviderRestClient,
  ): Promise<CreateRepositoryResult> {
    const { values } = await api.getJson<{ values?: unknown[] }>(
      `${joinUrl(this.apiBaseUrl, 'projects', ref.organization, 'repos', ref.repository)}/branches?limit=1`,
      `read existing repository ${ref.organization}/${ref.repository}`,
    );
    if (values?.length)
      throw repositoryNotEmptyError(PROVIDER, this.repositoryUrl(ref));
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

  /** HTTP access tokens are Bearer tokens for git as well as for the API. */
  protected gitCredentials(credentials: ScmCredentials): ScmCredentials {
    return credentials.type === 'token'
      ? { type: 'bearer', token: credentials.token }
      : credentials;
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

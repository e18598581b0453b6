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
 * Where Bitbucket Cloud lives (constant in practice; configurable for tests
 * and proxies): default `https://bitbucket.org` and API
 * `https://api.bitbucket.org/2.0`.
 */
export type BitbucketCloudProviderOptions = Partial<HostedProviderOptions>;

interface BitbucketRepository {
  links?: {
    html?: { href?: string };
    clone?: Array<{ name?: string; href?: string }>;
  };
}

const PROVIDER = 'Bitbucket Cloud';

/**
 * Bitbucket Cloud through its REST API 2.0. `organization` (or the spec's
 * `workspace`) is the workspace; the spec's `project` is the project key.
 */
export class BitbucketCloudProvider extends HostedScmProvider {
  readonly kind = 'bitbucketCloud' as const;
  private readonly apiBaseUrl: string;

  constructor(options: BitbucketCloudProviderOptions = {}) {
    super(options.baseUrl ?? 'https://bitbucket.org', 'x-token-auth');
    this.apiBaseUrl = withoutTrailingSlash(
      options.apiBaseUrl ?? 'https://api.bitbucket.org/2.0',
    );
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
    const api = new ProviderRestClient({
      provider: PROVIDER,
      credentials: context.credentials,
      auth: {
        provider: 'Bitbucket',
        needs: 'an API token or username/password',
      },
      signal: context.signal,
    });
    const response = await api.post(
      joinUrl(this.apiBaseUrl, 'repositories', workspace, request.repository),
      {
        scm: 'git',
        is_private: request.repoType === 'private',
        ...(request.description ? { description: request.description } : {}),
        ...(request.project ? { project: { key: request.project } } : {}),
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
      return this.adopt(ref, api);
    }
    throw providerHttpError(
      PROVIDER,
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
    api: ProviderRestClient,
  ): Promise<CreateRepositoryResult> {
    const repoUrl = joinUrl(
      this.apiBaseUrl,
      'repositories',
      ref.organization,
      ref.repository,
    );
    const what = `read existing repository ${ref.organization}/${ref.repository}`;
    const urls = this.urlsOf(
      await api.getJson<BitbucketRepository>(repoUrl, what),
      ref,
    );
    const { values } = await api.getJson<{ values?: unknown[] }>(
      `${repoUrl}/refs/branches?pagelen=1`,
      what,
    );
    if (values?.length)
      throw repositoryNotEmptyError(PROVIDER, urls.repositoryUrl);
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

  blobUrl(ref: ScmRepositoryRef, branch: string, path: string): string {
    return `${this.repositoryUrl(ref)}/src/${encodePath(branch)}/${encodePath(path)}`;
  }

  rawUrl(ref: ScmRepositoryRef, branch: string, path: string): string {
    return `${this.repositoryUrl(ref)}/raw/${encodePath(branch)}/${encodePath(path)}`;
  }

  /** Access tokens authenticate git as the password of the x-token-auth user. */
  protected gitCredentials(credentials: ScmCredentials): ScmCredentials {
    return credentials.type === 'bearer'
      ? { type: 'token', token: credentials.token }
      : credentials;
  }
}

import { AuthenticationError, InputError } from '@backstage/errors';
import { Octokit } from '@octokit/rest';
import {
  encodePath,
  joinUrl,
  providerHttpError,
  repositoryNotEmptyError,
} from './common';
import {
  HostedScmProvider,
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
 * Where a GitHub (github.com or Enterprise Server) instance lives: web base
 * URL (`https://github.com`, `https://ghe.example.com`) and REST API base
 * URL (`https://api.github.com`, `https://ghe.example.com/api/v3`).
 */
export type GithubProviderOptions = Required<HostedProviderOptions>;

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

/** GitHub through `@octokit/rest`; git takes tokens as x-access-token's password. */
export class GithubProvider extends HostedScmProvider {
  readonly kind = 'github' as const;

  constructor(private readonly options: GithubProviderOptions) {
    super(options.baseUrl, 'x-access-token');
  }

  async createRepository(
    request: CreateRepositoryRequest,
    context: ScmRequestContext,
  ): Promise<CreateRepositoryResult> {
    const octokit = this.client(context);
    const { repository, organization, personalAccount } = request;
    const params = {
      name: repository,
      description: request.description,
      private: request.repoType === 'private',
      // An initialized repository would make the following DirectPush non-fast-forward.
      auto_init: false,
    };
    try {
      const { data } = personalAccount
        ? await octokit.repos.createForAuthenticatedUser(params)
        : await octokit.repos.createInOrg({ org: organization, ...params });
      return {
        repositoryUrl: data.html_url,
        cloneUrl: data.clone_url,
        created: true,
      };
    } catch (error) {
      const { status, message } = octokitError(error);
      const target = personalAccount
        ? `${organization || 'your account'}/${repository}`
        : `${organization}/${repository}`;
      // GitHub answers 422 "name already exists on this account" for an existing repository.
      if (
        status === 409 ||
        (status === 422 && /already exists/i.test(message))
      ) {
        return this.adopt(octokit, request);
      }
      throw providerHttpError(
        'GitHub',
        status,
        `create repository ${target}`,
        message,
        {
          notFound: `organization "${organization}" does not exist or the credentials cannot see it (for a user account set personalAccount: true)`,
        },
      );
    }
  }

  /** An existing repository is reused when it has no branch yet. */
  private async adopt(
    octokit: Octokit,
    request: CreateRepositoryRequest,
  ): Promise<CreateRepositoryResult> {
    const owner =
      request.personalAccount && !request.organization
        ? (await octokit.users.getAuthenticated()).data.login
        : request.organization;
    const repo = request.repository;
    try {
      const { data } = await octokit.repos.get({ owner, repo });
      const branches = await octokit.repos.listBranches({
        owner,
        repo,
        per_page: 1,
      });
      if (branches.data.length > 0)
        throw repositoryNotEmptyError('GitHub', data.html_url);
      return {
        repositoryUrl: data.html_url,
        cloneUrl: data.clone_url,
        created: false,
      };
    } catch (error) {
      if (error instanceof Error && error.name === 'ConflictError') throw error;
      const { status, message } = octokitError(error);
      throw providerHttpError(
        'GitHub',
        status,
        `read existing repository ${owner}/${repo}`,
        message,
      );
    }
  }

  private client(context: ScmRequestContext): Octokit {
    return new Octokit({
      baseUrl: this.options.apiBaseUrl,
      auth: apiToken(context.credentials),
      userAgent: 'backstage-pipeline-engine',
      log: silentLog,
      request: context.signal ? { signal: context.signal } : {},
    });
  }

  repositoryUrl(ref: ScmRepositoryRef): string {
    return joinUrl(this.baseUrl, ref.organization, ref.repository);
  }

  blobUrl(ref: ScmRepositoryRef, branch: string, path: string): string {
    return `${this.repositoryUrl(ref)}/blob/${encodePath(branch)}/${encodePath(path)}`;
  }

  rawUrl(ref: ScmRepositoryRef, branch: string, path: string): string {
    const tail = `${encodePath(branch)}/${encodePath(path)}`;
    if (new URL(this.baseUrl).hostname === 'github.com') {
      return `${joinUrl('https://raw.githubusercontent.com', ref.organization, ref.repository)}/${tail}`;
    }
    return `${this.repositoryUrl(ref)}/raw/${tail}`;
  }
}

function apiToken(credentials: ScmCredentials): string {
  switch (credentials.type) {
    case 'token':
    case 'bearer':
      return credentials.token;
    case 'basic':
      return credentials.password;
    case 'ssh':
      throw new InputError(
        'GitHub repository creation needs a token or GitHub App connector, not SSH',
      );
    default:
      throw new AuthenticationError(
        'GitHub repository creation needs credentials; the connector has none',
      );
  }
}

function octokitError(error: unknown): { status: number; message: string } {
  const e = error as {
    status?: number;
    message?: string;
    response?: {
      data?: { message?: string; errors?: Array<{ message?: string }> };
    };
  };
  if (typeof e?.status !== 'number') throw error;
  const data = e.response?.data;
  const details = (data?.errors ?? []).map(x => x.message).filter(Boolean);
  return {
    status: e.status,
    message: [data?.message ?? e.message, ...details]
      .filter(Boolean)
      .join(': '),
  };
}

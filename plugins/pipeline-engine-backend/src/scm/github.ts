import { AuthenticationError, InputError } from '@backstage/errors';
import { Octokit } from '@octokit/rest';
import {
  defaultRefFromPath,
  encodePath,
  headerScope,
  httpGitAuth,
  joinUrl,
  providerHttpError,
  repositoryNotEmptyError,
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

/** Where a GitHub (github.com or Enterprise Server) instance lives. */
export interface GithubProviderOptions {
  /** Web base URL, e.g. `https://github.com` or `https://ghe.example.com`. */
  baseUrl: string;
  /** REST API base URL, e.g. `https://api.github.com` or `https://ghe.example.com/api/v3`. */
  apiBaseUrl: string;
}

const silentLog = { debug() {}, info() {}, warn() {}, error() {} };

/** GitHub through `@octokit/rest`. */
export class GithubProvider implements ScmProvider {
  readonly kind = 'github' as const;

  constructor(private readonly options: GithubProviderOptions) {}

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
    return joinUrl(this.options.baseUrl, ref.organization, ref.repository);
  }

  cloneUrl(ref: ScmRepositoryRef): string {
    return `${this.repositoryUrl(ref)}.git`;
  }

  blobUrl(ref: ScmRepositoryRef, branch: string, path: string): string {
    return `${this.repositoryUrl(ref)}/blob/${encodePath(branch)}/${encodePath(path)}`;
  }

  rawUrl(ref: ScmRepositoryRef, branch: string, path: string): string {
    const tail = `${encodePath(branch)}/${encodePath(path)}`;
    if (new URL(this.options.baseUrl).hostname === 'github.com') {
      return `${joinUrl('https://raw.githubusercontent.com', ref.organization, ref.repository)}/${tail}`;
    }
    return `${this.repositoryUrl(ref)}/raw/${tail}`;
  }

  gitRemote(ref: ScmRepositoryRef, credentials: ScmCredentials): string {
    return credentials.type === 'ssh'
      ? sshRemoteFromHttps(this.cloneUrl(ref))
      : this.cloneUrl(ref);
  }

  gitAuth(credentials: ScmCredentials): GitAuth {
    return httpGitAuth(
      credentials,
      headerScope(this.options.baseUrl),
      'x-access-token',
    );
  }

  refFromPath(
    segments: string[],
    kind: 'account' | 'repo',
  ): Partial<ScmRepositoryRef> {
    return defaultRefFromPath(segments, kind);
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

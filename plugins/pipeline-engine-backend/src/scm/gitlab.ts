import {
  AuthenticationError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import { Gitlab } from '@gitbeaker/rest';
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
 * Where a GitLab instance lives: the web base URL including any relative
 * path (`https://gitlab.com`, `https://example.com/gitlab`); the API is below it.
 */
export type GitlabProviderOptions = Pick<HostedProviderOptions, 'baseUrl'>;

type GitlabClient = InstanceType<typeof Gitlab<false>>;

/**
 * GitLab through `@gitbeaker/rest`. `organization` is the namespace path
 * (`group/subgroup`, or a user name); it is looked up to its id, as project
 * creation needs one.
 */
export class GitlabProvider extends HostedScmProvider {
  readonly kind = 'gitlab' as const;

  constructor(options: GitlabProviderOptions) {
    // git takes tokens as the password of oauth2.
    super(options.baseUrl, 'oauth2');
  }

  async createRepository(
    request: CreateRepositoryRequest,
    context: ScmRequestContext,
  ): Promise<CreateRepositoryResult> {
    const api = this.client(context.credentials);
    const namespaceId = request.personalAccount
      ? undefined
      : await this.namespaceId(api, request.organization);
    try {
      const project = await api.Projects.create({
        name: request.repository,
        path: request.repository,
        ...(namespaceId !== undefined ? { namespaceId } : {}),
        visibility: request.repoType,
        description: request.description,
        defaultBranch: request.defaultBranch,
        initializeWithReadme: false,
      });
      return {
        repositoryUrl: project.web_url,
        cloneUrl: project.http_url_to_repo,
        created: true,
      };
    } catch (error) {
      const { status, message } = gitbeakerError(error);
      // GitLab answers 400 "has already been taken" for an existing project path.
      if (
        status === 409 ||
        (status === 400 && /already been taken/i.test(message))
      ) {
        return this.adopt(api, request);
      }
      throw providerHttpError(
        'GitLab',
        status,
        `create project ${request.organization}/${request.repository}`,
        message,
      );
    }
  }

  private async namespaceId(
    api: GitlabClient,
    organization: string,
  ): Promise<number | undefined> {
    if (!organization) return undefined;
    try {
      const namespace = await api.Namespaces.show(organization);
      return namespace.id;
    } catch (error) {
      const { status, message } = gitbeakerError(error);
      if (status === 404) {
        throw new NotFoundError(
          `GitLab group or namespace "${organization}" not found (or the credentials cannot see it); give the full group path in organization, or set personalAccount: true`,
        );
      }
      throw providerHttpError(
        'GitLab',
        status,
        `look up namespace ${organization}`,
        message,
      );
    }
  }

  private async adopt(
    api: GitlabClient,
    request: CreateRepositoryRequest,
  ): Promise<CreateRepositoryResult> {
    const namespace =
      request.personalAccount && !request.organization
        ? (await api.Users.showCurrentUser()).username
        : request.organization;
    const path = `${namespace}/${request.repository}`;
    let project;
    try {
      project = await api.Projects.show(path);
    } catch (error) {
      const { status, message } = gitbeakerError(error);
      throw providerHttpError(
        'GitLab',
        status,
        `read existing project ${path}`,
        message,
      );
    }
    if (!project.empty_repo)
      throw repositoryNotEmptyError('GitLab', String(project.web_url));
    return {
      repositoryUrl: String(project.web_url),
      cloneUrl: String(project.http_url_to_repo),
      created: false,
    };
  }

  private client(credentials: ScmCredentials): GitlabClient {
    const host = this.baseUrl;
    switch (credentials.type) {
      case 'token':
        return new Gitlab({ host, token: credentials.token });
      case 'bearer':
        return new Gitlab({ host, oauthToken: credentials.token });
      case 'basic':
        return new Gitlab({ host, token: credentials.password });
      case 'ssh':
        throw new InputError(
          'GitLab project creation needs a token connector, not SSH',
        );
      default:
        throw new AuthenticationError(
          'GitLab project creation needs credentials; the connector has none',
        );
    }
  }

  repositoryUrl(ref: ScmRepositoryRef): string {
    return joinUrl(this.baseUrl, ref.organization, ref.repository);
  }

  blobUrl(ref: ScmRepositoryRef, branch: string, path: string): string {
    return `${this.repositoryUrl(ref)}/-/blob/${encodePath(branch)}/${encodePath(path)}`;
  }

  rawUrl(ref: ScmRepositoryRef, branch: string, path: string): string {
    return `${this.repositoryUrl(ref)}/-/raw/${encodePath(branch)}/${encodePath(path)}`;
  }
}

function gitbeakerError(error: unknown): { status: number; message: string } {
  const e = error as {
    cause?: { description?: string; response?: { status?: number } };
  };
  const status = e?.cause?.response?.status;
  if (typeof status !== 'number') throw error;
  return { status, message: e.cause?.description ?? '' };
}

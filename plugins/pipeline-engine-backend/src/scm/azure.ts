import {
  AuthenticationError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
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

/** Where Azure DevOps (Services or Server) lives. */
export interface AzureProviderOptions {
  /** Default `https://dev.azure.com`; for Azure DevOps Server, the server URL (collections are organizations). */
  baseUrl?: string;
}

const API_VERSION = 'api-version=7.1';

interface AzureRepository {
  webUrl?: string;
  remoteUrl?: string;
}

/**
 * Azure Repos through the Azure DevOps REST API. `organization` is the
 * Azure DevOps organization and `project` the project; repository
 * visibility follows the project's, so `repoType` cannot be honoured.
 */
export class AzureProvider implements ScmProvider {
  readonly kind = 'azure' as const;
  private readonly baseUrl: string;

  constructor(options: AzureProviderOptions = {}) {
    this.baseUrl = (options.baseUrl ?? 'https://dev.azure.com').replace(
      /\/+$/,
      '',
    );
  }

  async createRepository(
    request: CreateRepositoryRequest,
    context: ScmRequestContext,
  ): Promise<CreateRepositoryResult> {
    const { organization, project, repository } = request;
    if (!organization)
      throw new InputError(
        'Azure Repos needs the Azure DevOps organization in spec.organization',
      );
    if (!project)
      throw new InputError(
        'Azure Repos needs the Azure DevOps project in spec.project',
      );
    const ref = { organization, project, repository };
    const headers = {
      ...apiHeaders(context.credentials),
      'Content-Type': 'application/json',
      Accept: 'application/json',
    };
    const signal = context.signal;

    const projectResponse = await fetch(
      `${joinUrl(this.baseUrl, organization, '_apis/projects', project)}?${API_VERSION}`,
      { headers, signal },
    );
    await ensureJson(
      projectResponse,
      `look up project ${organization}/${project}`,
      {
        notFound: `organization "${organization}" or project "${project}" does not exist or the credentials cannot see it`,
      },
    );
    const { id: projectId } = (await projectResponse.json()) as { id: string };
    context.logger?.info(
      `Azure Repos: repository visibility follows project "${project}"; repoType ${request.repoType} is not applied`,
    );

    const response = await fetch(
      `${joinUrl(this.baseUrl, organization, project, '_apis/git/repositories')}?${API_VERSION}`,
      {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: repository, project: { id: projectId } }),
        signal,
      },
    );
    if (response.status === 409) return this.adopt(ref, headers, signal);
    await ensureJson(
      response,
      `create repository ${organization}/${project}/${repository}`,
    );
    return {
      ...this.urlsOf((await response.json()) as AzureRepository, ref),
      created: true,
    };
  }

  private async adopt(
    ref: ScmRepositoryRef,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<CreateRepositoryResult> {
    const repoApi = joinUrl(
      this.baseUrl,
      ref.organization,
      ref.project ?? '',
      '_apis/git/repositories',
      ref.repository,
    );
    const what = `read existing repository ${ref.organization}/${ref.project}/${ref.repository}`;
    const repo = await fetch(`${repoApi}?${API_VERSION}`, { headers, signal });
    await ensureJson(repo, what);
    const urls = this.urlsOf((await repo.json()) as AzureRepository, ref);
    const refs = await fetch(
      `${repoApi}/refs?filter=heads/&$top=1&${API_VERSION}`,
      { headers, signal },
    );
    await ensureJson(refs, what);
    const { value } = (await refs.json()) as { value?: unknown[] };
    if (value?.length)
      throw repositoryNotEmptyError('Azure Repos', urls.repositoryUrl);
    return { ...urls, created: false };
  }

  private urlsOf(repo: AzureRepository, ref: ScmRepositoryRef) {
    return {
      repositoryUrl: repo.webUrl ?? this.repositoryUrl(ref),
      // Azure's remoteUrl carries the organization as user name; ours never carry one.
      cloneUrl: repo.remoteUrl
        ? repo.remoteUrl.replace(/\/\/[^/@]*@/, '//')
        : this.cloneUrl(ref),
    };
  }

  repositoryUrl(ref: ScmRepositoryRef): string {
    return joinUrl(
      this.baseUrl,
      ref.organization,
      projectOf(ref),
      '_git',
      ref.repository,
    );
  }

  cloneUrl(ref: ScmRepositoryRef): string {
    return this.repositoryUrl(ref);
  }

  blobUrl(ref: ScmRepositoryRef, branch: string, path: string): string {
    return `${this.repositoryUrl(ref)}?path=${encodeURIComponent(`/${path.replace(/^\/+/, '')}`)}&version=GB${encodeURIComponent(branch)}`;
  }

  rawUrl(ref: ScmRepositoryRef, branch: string, path: string): string {
    const items = joinUrl(
      this.baseUrl,
      ref.organization,
      projectOf(ref),
      '_apis/git/repositories',
      ref.repository,
      'items',
    );
    const query = [
      `path=${encodeURIComponent(`/${encodePath(path)}`)}`,
      `versionDescriptor.version=${encodeURIComponent(branch)}`,
      'versionDescriptor.versionType=branch',
      '$format=text',
      API_VERSION,
    ];
    return `${items}?${query.join('&')}`;
  }

  gitRemote(ref: ScmRepositoryRef, credentials: ScmCredentials): string {
    if (credentials.type !== 'ssh') return this.cloneUrl(ref);
    return `git@ssh.${new URL(this.baseUrl).hostname}:v3/${ref.organization}/${projectOf(ref)}/${ref.repository}`;
  }

  gitAuth(credentials: ScmCredentials): GitAuth {
    // A PAT is the password of a Basic header whose user name is ignored.
    return httpGitAuth(credentials, headerScope(this.baseUrl), '');
  }

  refFromPath(
    segments: string[],
    kind: 'account' | 'repo',
  ): Partial<ScmRepositoryRef> {
    const clean = segments.filter(s => s && s !== '_git');
    if (kind === 'account') {
      return {
        ...(clean[0] ? { organization: clean[0] } : {}),
        ...(clean[1] ? { project: clean[1] } : {}),
      };
    }
    const repository = clean[clean.length - 1]?.replace(/\.git$/, '');
    if (clean.length >= 3)
      return { organization: clean[0], project: clean[1], repository };
    if (clean.length === 2) return { project: clean[0], repository };
    return repository ? { repository } : {};
  }
}

function projectOf(ref: ScmRepositoryRef): string {
  if (!ref.project) {
    throw new InputError(
      `Azure Repos repository "${ref.repository}" needs a project (spec.project, or the connector URL https://dev.azure.com/<org>/<project>)`,
    );
  }
  return ref.project;
}

function apiHeaders(credentials: ScmCredentials): Record<string, string> {
  return restAuthHeaders(credentials, {
    provider: 'Azure Repos',
    needs: 'a personal access token',
    tokenScheme: 'basic',
  });
}

/**
 * Azure DevOps answers a bad token with 203 and a sign-in page rather than
 * 401, so a non-JSON success is an authentication failure.
 */
async function ensureJson(
  response: Response,
  what: string,
  hints: { notFound?: string } = {},
): Promise<void> {
  const type = response.headers.get('content-type') ?? '';
  if (response.ok && response.status !== 203 && type.includes('json')) return;
  if (response.ok) {
    throw new AuthenticationError(
      `Azure DevOps rejected the connector's credentials (got a sign-in page) while trying to ${what}`,
    );
  }
  const detail = await responseDetail(response);
  if (response.status === 404 && hints.notFound)
    throw new NotFoundError(
      `Azure DevOps could not ${what} (404); ${hints.notFound}: ${detail}`,
    );
  throw providerHttpError('Azure DevOps', response.status, what, detail, hints);
}

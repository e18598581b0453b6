import {
  AuthenticationError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
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
  type HostedProviderOptions,
  type ResponseCheck,
} from './hostedProvider';
import type {
  CreateRepositoryRequest,
  CreateRepositoryResult,
  ScmCredentials,
  ScmRepositoryRef,
  ScmRequestContext,
} from './types';

/**
 * Where Azure DevOps (Services or Server) lives: default
 * `https://dev.azure.com`; for Azure DevOps Server, the server URL
 * (collections are organizations).
 */
export type AzureProviderOptions = Partial<
  Pick<HostedProviderOptions, 'baseUrl'>
>;

const API_VERSION = 'api-version=7.1';

interface AzureRepository {
  webUrl?: string;
  remoteUrl?: string;
}

/**
 * Azure DevOps answers a bad token with 203 and a sign-in page rather than
 * 401, so a non-JSON success is an authentication failure.
 */
const ensureJson: ResponseCheck = async (response, what, hints = {}) => {
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
};

/**
 * Azure Repos through the Azure DevOps REST API. `organization` is the
 * Azure DevOps organization and `project` the project; repository
 * visibility follows the project's, so `repoType` cannot be honoured.
 */
export class AzureProvider extends HostedScmProvider {
  readonly kind = 'azure' as const;

  constructor(options: AzureProviderOptions = {}) {
    // A PAT is the password of a Basic header whose user name is ignored.
    super(options.baseUrl ?? 'https://dev.azure.com', '');
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
    const api = new ProviderRestClient({
      provider: 'Azure DevOps',
      credentials: context.credentials,
      auth: {
        provider: 'Azure Repos',
        needs: 'a personal access token',
        tokenScheme: 'basic',
      },
      signal: context.signal,
      check: ensureJson,
    });
    const { id: projectId } = await api.getJson<{ id: string }>(
      `${joinUrl(this.baseUrl, organization, '_apis/projects', project)}?${API_VERSION}`,
      `look up project ${organization}/${project}`,
      {
        notFound: `organization "${organization}" or project "${project}" does not exist or the credentials cannot see it`,
      },
    );
    context.logger?.info(
      `Azure Repos: repository visibility follows project "${project}"; repoType ${request.repoType} is not applied`,
    );

    const response = await api.post(
      `${joinUrl(this.baseUrl, organization, project, '_apis/git/repositories')}?${API_VERSION}`,
      { name: repository, project: { id: projectId } },
    );
    if (response.status === 409) return this.adopt(ref, api);
    const created = await api.readJson<AzureRepository>(
      response,
      `create repository ${organization}/${project}/${repository}`,
    );
    return { ...this.urlsOf(created, ref), created: true };
  }

  private async adopt(
    ref: ScmRepositoryRef,
    api: ProviderRestClient,
  ): Promise<CreateRepositoryResult> {
    const repoApi = joinUrl(
      this.baseUrl,
      ref.organization,
      ref.project ?? '',
      '_apis/git/repositories',
      ref.repository,
    );
    const what = `read existing repository ${ref.organization}/${ref.project}/${ref.repository}`;
    const urls = this.urlsOf(
      await api.getJson<AzureRepository>(`${repoApi}?${API_VERSION}`, what),
      ref,
    );
    const { value } = await api.getJson<{ value?: unknown[] }>(
      `${repoApi}/refs?filter=heads/&$top=1&${API_VERSION}`,
      what,
    );
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

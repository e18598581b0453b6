import type { StepLogger } from './stepHandler';

/**
 * The SCM implementations; a connector's `type` (plus its host, for Bitbucket) picks one.
 *
 * @public
 */
export type ScmProviderKind =
  | 'github'
  | 'gitlab'
  | 'bitbucketCloud'
  | 'bitbucketServer'
  | 'azure'
  | 'git'
  | 'local';

/**
 * Credentials for one connector, as obtained for one step run. `token` is a
 * provider's native token (its meaning differs per provider: GitHub and
 * GitLab tokens, a Bitbucket access token, an Azure DevOps PAT).
 *
 * @public
 */
export type ScmCredentials =
  | { type: 'none' }
  | { type: 'token'; token: string }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'ssh'; privateKey: string; knownHosts?: string };

/**
 * A repository on a provider. `organization` is the GitHub owner, the GitLab
 * namespace path (group/subgroup or user), the Bitbucket Cloud workspace, the
 * Bitbucket Server project key, the Azure DevOps organization, or the local
 * host's organization directory. `project` is the Azure DevOps project.
 *
 * @public
 */
export interface ScmRepositoryRef {
  organization: string;
  repository: string;
  project?: string;
}

/**
 * What the CreateRepo step asks a provider for.
 *
 * @public
 */
export interface CreateRepositoryRequest extends ScmRepositoryRef {
  description?: string;
  repoType: 'public' | 'private';
  defaultBranch: string;
  /** GitHub / GitLab: create under the authenticated user rather than `organization`. */
  personalAccount: boolean;
  /** Bitbucket Cloud workspace (defaults to `organization`). */
  workspace?: string;
}

/**
 * Result of {@link ScmProvider.createRepository}.
 *
 * @public
 */
export interface CreateRepositoryResult {
  /** Web URL of the repository, the CreateRepo step's `repositoryUrl` output. */
  repositoryUrl: string;
  /** HTTPS clone URL, never with credentials in it. */
  cloneUrl: string;
  /** False when an existing empty repository was adopted (a re-run after a crash). */
  created: boolean;
}

/**
 * What a provider call needs beyond its arguments.
 *
 * @public
 */
export interface ScmRequestContext {
  credentials: ScmCredentials;
  logger?: StepLogger;
  signal?: AbortSignal;
}

/**
 * How the git CLI authenticates. Only ever passed to git through its
 * environment (see `gitEnvironment`), never through argv or remote URLs.
 *
 * @public
 */
export interface GitAuth {
  /** `Authorization` header value sent on every HTTP request under `scope`. */
  authorization?: string;
  /** URL prefix the header is limited to (`http.<url>.extraHeader`), e.g. `https://github.com/`. */
  scope?: string;
  ssh?: { privateKey: string; knownHosts?: string };
}

/**
 * One connector's SCM provider: repository creation through the provider's
 * API, URL shapes, and git authentication.
 *
 * @public
 */
export interface ScmProvider {
  readonly kind: ScmProviderKind;
  /**
   * Creates the repository. An existing empty repository is adopted
   * (`created: false`); an existing non-empty one is a ConflictError naming it.
   */
  createRepository(
    request: CreateRepositoryRequest,
    context: ScmRequestContext,
  ): Promise<CreateRepositoryResult>;
  /** Web URL of the repository. */
  repositoryUrl(ref: ScmRepositoryRef): string;
  /** HTTPS clone URL, for people and for `origin` of clones. */
  cloneUrl(ref: ScmRepositoryRef): string;
  /** Web URL of a file on a branch. */
  blobUrl(ref: ScmRepositoryRef, branch: string, path: string): string;
  /** URL of a file's raw content on a branch (what Backstage's UrlReader reads). */
  rawUrl(ref: ScmRepositoryRef, branch: string, path: string): string;
  /** The remote the git CLI talks to: HTTPS, SSH (with ssh credentials) or a local `file://` URL. */
  gitRemote(ref: ScmRepositoryRef, credentials: ScmCredentials): string;
  /** How git authenticates to {@link ScmProvider.gitRemote}. */
  gitAuth(credentials: ScmCredentials): GitAuth;
  /**
   * Called after a push to `branch`; the local host points an empty
   * repository's HEAD at the first pushed branch, as hosted providers do.
   */
  afterPush?(ref: ScmRepositoryRef, branch: string): Promise<void>;
  /**
   * Splits a connector URL's path (below the host's base URL) into a
   * repository reference; `kind: 'repo'` when the last segment is the repository.
   */
  refFromPath(
    segments: string[],
    kind: 'account' | 'repo',
  ): Partial<ScmRepositoryRef>;
}

/**
 * A connector's `type`, as Harness names them (`connectorType` of the IDP steps).
 *
 * @public
 */
export type ConnectorType =
  'Github' | 'Gitlab' | 'Bitbucket' | 'AzureRepo' | 'Git' | 'Local';

/**
 * `Account`: the URL names a host or an account/organization; `Repo`: one repository.
 *
 * @public
 */
export type ConnectorUrlType = 'Account' | 'Repo';

/**
 * A connector's `auth`. Every secret field has a `...Secret` twin naming a
 * secret of `pipelineEngine.secrets` instead of holding the value.
 *
 * @public
 */
export type ConnectorAuth =
  | { type: 'token'; token?: string; tokenSecret?: string }
  | {
      type: 'usernamePassword';
      username: string;
      password?: string;
      passwordSecret?: string;
    }
  | {
      type: 'githubApp';
      appId: string;
      installationId: string;
      privateKey?: string;
      privateKeySecret?: string;
    }
  | {
      type: 'ssh';
      privateKey?: string;
      privateKeySecret?: string;
      knownHosts?: string;
    };

/**
 * A connector of `pipelineEngine.connectors`, validated and normalized.
 *
 * @public
 */
export interface ResolvedConnector {
  /** Its key under `pipelineEngine.connectors`. */
  id: string;
  type: ConnectorType;
  /** Implementation serving it. */
  provider: ScmProviderKind;
  urlType: ConnectorUrlType;
  /**
   * Web base URL of the host, without a trailing slash: `https://github.com`,
   * `https://gitlab.example.com/gitlab`. Undefined for `Local` connectors and
   * for SSH-only `Git` connectors.
   */
  baseUrl?: string;
  /** REST API base URL (`https://api.github.com`, `https://gitlab.com/api/v4`...). */
  apiBaseUrl?: string;
  /** The URL's path below `baseUrl`, split: `[org]` for an account, `[org, repo]` for a repository. */
  path: string[];
  /** The URL as configured when it is an SSH remote (`git@host:org`, `ssh://...`). */
  sshUrl?: string;
  auth?: ConnectorAuth;
  /** Host of the `integrations` entry whose credentials apply (when `auth` is not set). */
  integrationHost?: string;
}

/**
 * Builds the provider serving one connector.
 *
 * @public
 */
export type ScmProviderFactory = (connector: ResolvedConnector) => ScmProvider;

import { ConfigReader, type Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DefaultAzureDevOpsCredentialsProvider,
  DefaultGithubCredentialsProvider,
  getBitbucketCloudRequestOptions,
  getBitbucketServerRequestOptions,
  getGitLabRequestOptions,
  ScmIntegrations,
  type AzureDevOpsCredentialsProvider,
  type GithubCredentialsProvider,
  type ScmIntegrationRegistry,
} from '@backstage/integration';
import { didYouMean } from '@idp-pipelines/plugin-pipeline-engine-common';
import type {
  ScmCredentials,
  ScmProviderKind,
  ScmRepositoryRef,
  StepSecrets,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import { GithubAppTokenMinter } from './githubApp';
import {
  CONNECTOR_TYPES,
  type ConnectorAuth,
  type ConnectorType,
  type ConnectorUrlType,
  type ResolvedConnector,
} from './types';

/** Options of {@link ConnectorResolver}. */
export interface ConnectorResolverOptions {
  /** Backstage integrations; by default read from the same config. */
  integrations?: ScmIntegrationRegistry;
  /** By default `DefaultGithubCredentialsProvider` over the integrations. */
  githubCredentialsProvider?: GithubCredentialsProvider;
  /** By default `DefaultAzureDevOpsCredentialsProvider` over the integrations. */
  azureCredentialsProvider?: AzureDevOpsCredentialsProvider;
  /** Mints tokens of GitHub Apps configured on connectors. */
  githubAppTokens?: GithubAppTokenMinter;
}

/** What {@link ConnectorResolver.credentials} needs. */
export interface ConnectorCredentialsRequest {
  /** Every value obtained is masked through `secrets.mask`; `...Secret` fields are read with `secrets.get`. */
  secrets: StepSecrets;
  /** The repository the credentials are for (GitHub Apps are installed per organization). */
  repository?: Partial<ScmRepositoryRef>;
  signal?: AbortSignal;
}

const DEFAULT_URLS: Partial<Record<ConnectorType, string>> = {
  Github: 'https://github.com',
  Gitlab: 'https://gitlab.com',
  Bitbucket: 'https://bitbucket.org',
  AzureRepo: 'https://dev.azure.com',
};

/**
 * Resolves `connectorRef` values (`account.x`, `org.x`, `x`) to the
 * connectors of `pipelineEngine.connectors.<x>`, and their credentials:
 * the connector's own `auth`, or else those of the Backstage `integrations`
 * entry for its host (GitHub App installation tokens included), so nothing
 * is configured twice.
 */
export class ConnectorResolver {
  readonly #connectors: Map<string, ResolvedConnector>;
  readonly #integrations: ScmIntegrationRegistry;
  readonly #github: GithubCredentialsProvider;
  readonly #azure: AzureDevOpsCredentialsProvider;
  readonly #apps: GithubAppTokenMinter;

  /** Reads `pipelineEngine.connectors` and `integrations` from the root config; throws on invalid connectors. */
  static fromConfig(
    config: Config,
    options: ConnectorResolverOptions = {},
  ): ConnectorResolver {
    const integrations =
      options.integrations ?? ScmIntegrations.fromConfig(config);
    const section = config.getOptionalConfig('pipelineEngine.connectors');
    const connectors = (section?.keys() ?? []).map(id =>
      readConnector(id, section!.getConfig(id), integrations),
    );
    return new ConnectorResolver(connectors, { ...options, integrations });
  }

  constructor(
    connectors: ResolvedConnector[],
    options: ConnectorResolverOptions = {},
  ) {
    this.#connectors = new Map(connectors.map(c => [c.id, c]));
    this.#integrations =
      options.integrations ?? ScmIntegrations.fromConfig(new ConfigReader({}));
    this.#github =
      options.githubCredentialsProvider ??
      DefaultGithubCredentialsProvider.fromIntegrations(this.#integrations);
    this.#azure =
      options.azureCredentialsProvider ??
      DefaultAzureDevOpsCredentialsProvider.fromIntegrations(
        this.#integrations,
      );
    this.#apps = options.githubAppTokens ?? new GithubAppTokenMinter();
  }

  /** Identifiers of the configured connectors. */
  list(): string[] {
    return [...this.#connectors.keys()].sort();
  }

  /**
   * The connector a `connectorRef` names. Unknown references are an
   * InputError listing the configured connectors, with a "did you mean".
   */
  get(connectorRef: string): ResolvedConnector {
    const id = connectorRef.trim().replace(/^(account|org)\./, '');
    const connector = this.#connectors.get(id);
    if (connector) return connector;
    const known = this.list();
    const hint = didYouMean(id, known);
    const configured = known.length
      ? `Configured connectors: ${known.join(', ')}.`
      : 'No connectors are configured.';
    throw new InputError(
      `connector "${connectorRef}" is not configured${hint ? ` (${hint})` : ''}. ${configured} Add it under pipelineEngine.connectors.${id} in app-config.`,
    );
  }

  /** Credentials for one step run; every secret value is passed to `secrets.mask`. */
  async credentials(
    connector: ResolvedConnector,
    request: ConnectorCredentialsRequest,
  ): Promise<ScmCredentials> {
    const credentials = connector.auth
      ? await this.fromAuth(connector, connector.auth, request)
      : await this.fromIntegration(connector, request);
    for (const value of secretValues(credentials)) request.secrets.mask(value);
    return credentials;
  }

  private async fromAuth(
    connector: ResolvedConnector,
    auth: ConnectorAuth,
    request: ConnectorCredentialsRequest,
  ): Promise<ScmCredentials> {
    const read = async (
      field: string,
      value: string | undefined,
      secretRef: string | undefined,
    ) => {
      if (value) return value;
      if (secretRef) return request.secrets.get(secretRef);
      throw new InputError(
        `connector "${connector.id}": auth.${field} or auth.${field}Secret is required`,
      );
    };
    switch (auth.type) {
      case 'token':
        return {
          type: 'token',
          token: await read('token', auth.token, auth.tokenSecret),
        };
      case 'usernamePassword':
        return {
          type: 'basic',
          username: auth.username,
          password: await read('password', auth.password, auth.passwordSecret),
        };
      case 'ssh':
        return {
          type: 'ssh',
          privateKey: await read(
            'privateKey',
            auth.privateKey,
            auth.privateKeySecret,
          ),
          ...(auth.knownHosts ? { knownHosts: auth.knownHosts } : {}),
        };
      case 'githubApp': {
        const privateKey = await read(
          'privateKey',
          auth.privateKey,
          auth.privateKeySecret,
        );
        request.secrets.mask(privateKey);
        const token = await this.#apps.token(
          {
            apiBaseUrl: connector.apiBaseUrl!,
            appId: auth.appId,
            installationId: auth.installationId,
            privateKey,
          },
          request.signal,
        );
        return { type: 'token', token };
      }
      default:
        throw new InputError(
          `connector "${connector.id}": unsupported auth type`,
        );
    }
  }

  private async fromIntegration(
    connector: ResolvedConnector,
    request: ConnectorCredentialsRequest,
  ): Promise<ScmCredentials> {
    const host = connector.integrationHost;
    if (!host || !connector.baseUrl) return { type: 'none' };
    const org = request.repository?.organization;
    switch (connector.provider) {
      case 'github': {
        const url = [
          connector.baseUrl,
          org,
          org && request.repository?.repository,
        ]
          .filter(Boolean)
          .join('/');
        const { token } = await this.#github.getCredentials({ url });
        return token ? { type: 'token', token } : { type: 'none' };
      }
      case 'gitlab': {
        const integration = this.#integrations.gitlab.byHost(host);
        return integration
          ? fromAuthorizationHeader(
              getGitLabRequestOptions(integration.config).headers.Authorization,
            )
          : { type: 'none' };
      }
      case 'bitbucketCloud': {
        const integration = this.#integrations.bitbucketCloud.byHost(host);
        if (!integration) return { type: 'none' };
        return fromAuthorizationHeader(
          (await getBitbucketCloudRequestOptions(integration.config)).headers
            .Authorization,
        );
      }
      case 'bitbucketServer': {
        const integration = this.#integrations.bitbucketServer.byHost(host);
        return integration
          ? fromAuthorizationHeader(
              getBitbucketServerRequestOptions(integration.config).headers
                .Authorization,
            )
          : { type: 'none' };
      }
      case 'azure': {
        const url = [connector.baseUrl, org].filter(Boolean).join('/');
        const credentials = await this.#azure.getCredentials({ url });
        if (!credentials) return { type: 'none' };
        return credentials.type === 'pat'
          ? { type: 'token', token: credentials.token }
          : { type: 'bearer', token: credentials.token };
      }
      default:
        return { type: 'none' };
    }
  }
}

function secretValues(credentials: ScmCredentials): string[] {
  switch (credentials.type) {
    case 'token':
    case 'bearer':
      return [credentials.token];
    case 'basic':
      return [credentials.password];
    case 'ssh':
      return [credentials.privateKey];
    default:
      return [];
  }
}

/** Credentials from an `Authorization` header built by `@backstage/integration`. */
function fromAuthorizationHeader(header: string | undefined): ScmCredentials {
  if (!header) return { type: 'none' };
  const [scheme, value = ''] = header.split(/\s+/, 2);
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return {
      type: 'basic',
      username: decoded.slice(0, colon),
      password: decoded.slice(colon + 1),
    };
  }
  if (/^(bearer|token)$/i.test(scheme)) return { type: 'bearer', token: value };
  return { type: 'none' };
}

function readConnector(
  id: string,
  config: Config,
  integrations: ScmIntegrationRegistry,
): ResolvedConnector {
  const where = `pipelineEngine.connectors.${id}`;
  const rawType = config.getString('type');
  const type = CONNECTOR_TYPES.find(
    t => t.toLowerCase() === rawType.toLowerCase(),
  );
  if (!type) {
    const hint = didYouMean(rawType, CONNECTOR_TYPES);
    throw new InputError(
      `${where}.type "${rawType}" is not one of ${CONNECTOR_TYPES.join(', ')}${hint ? `; ${hint}` : ''}`,
    );
  }
  const rawUrlType = config.getOptionalString('urlType');
  let urlType: ConnectorUrlType = 'Account';
  if (rawUrlType !== undefined) {
    if (/^account$/i.test(rawUrlType)) urlType = 'Account';
    else if (/^repo(sitory)?$/i.test(rawUrlType)) urlType = 'Repo';
    else
      throw new InputError(
        `${where}.urlType "${rawUrlType}" must be Account or Repo`,
      );
  }
  const auth = readAuth(where, config.getOptionalConfig('auth'));
  const url = config.getOptionalString('url')?.trim() || DEFAULT_URLS[type];
  const apiUrl = config.getOptionalString('apiUrl')?.replace(/\/+$/, '');

  if (type === 'Local') {
    return {
      id,
      type,
      provider: 'local',
      urlType,
      path: localPath(url),
      ...(auth ? { auth } : {}),
    };
  }
  if (!url)
    throw new InputError(`${where}.url is required for a ${type} connector`);
  if (auth?.type === 'githubApp' && type !== 'Github') {
    throw new InputError(
      `${where}: auth type githubApp needs a Github connector`,
    );
  }

  let parsed: URL;
  let sshUrl: string | undefined;
  const scp = /^([^@/\s]+)@([^:/\s]+):(.*)$/.exec(url);
  if (scp) {
    sshUrl = url;
    parsed = new URL(`https://${scp[2]}/${scp[3]}`);
  } else {
    try {
      parsed = new URL(url);
    } catch {
      throw new InputError(`${where}.url "${url}" is not a URL`);
    }
    if (parsed.protocol === 'ssh:') {
      sshUrl = url;
      parsed = new URL(`https://${parsed.hostname}${parsed.pathname}`);
    } else if (parsed.username || parsed.password) {
      throw new InputError(
        `${where}.url must not contain credentials; put them under ${where}.auth`,
      );
    }
  }

  const host = parsed.host;
  const provider = providerOf(type, parsed.hostname, integrations);
  let baseUrl = parsed.origin;
  let apiBaseUrl = apiUrl;
  let integrationHost: string | undefined;
  switch (provider) {
    case 'github': {
      const integration = integrations.github.byHost(host);
      integrationHost = integration?.config.host;
      apiBaseUrl ??=
        integration?.config.apiBaseUrl ??
        (parsed.hostname === 'github.com'
          ? 'https://api.github.com'
          : `${baseUrl}/api/v3`);
      break;
    }
    case 'gitlab': {
      const integration = integrations.gitlab.byHost(host);
      integrationHost = integration?.config.host;
      const integrationBase = integration?.config.baseUrl?.replace(/\/+$/, '');
      if (
        integrationBase &&
        `${parsed.origin}${parsed.pathname}`.startsWith(integrationBase)
      )
        baseUrl = integrationBase;
      apiBaseUrl ??= integration?.config.apiBaseUrl ?? `${baseUrl}/api/v4`;
      break;
    }
    case 'bitbucketCloud': {
      const integration = integrations.bitbucketCloud.byHost(host);
      integrationHost = integration?.config.host;
      apiBaseUrl ??=
        integration?.config.apiBaseUrl ?? 'https://api.bitbucket.org/2.0';
      break;
    }
    case 'bitbucketServer': {
      const integration = integrations.bitbucketServer.byHost(host);
      integrationHost = integration?.config.host;
      const api = integration?.config.apiBaseUrl?.replace(/\/+$/, '');
      if (api?.endsWith('/rest/api/1.0'))
        baseUrl = api.slice(0, -'/rest/api/1.0'.length);
      apiBaseUrl ??= api ?? `${baseUrl}/rest/api/1.0`;
      break;
    }
    case 'azure':
      integrationHost = integrations.azure.byHost(host)?.config.host;
      break;
    default:
      // A plain git server's account URL is a fixed prefix, not an organization.
      if (urlType === 'Account')
        baseUrl = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
      break;
  }
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const path = parsed.pathname
    .slice(basePath.length)
    .split('/')
    .filter(Boolean)
    .map(s => decodeURIComponent(s));
  return {
    id,
    type,
    provider,
    urlType,
    baseUrl,
    path,
    ...(apiBaseUrl ? { apiBaseUrl } : {}),
    ...(sshUrl ? { sshUrl } : {}),
    ...(auth ? { auth } : {}),
    ...(integrationHost ? { integrationHost } : {}),
  };
}

function providerOf(
  type: ConnectorType,
  hostname: string,
  integrations: ScmIntegrationRegistry,
): ScmProviderKind {
  switch (type) {
    case 'Github':
      return 'github';
    case 'Gitlab':
      return 'gitlab';
    case 'AzureRepo':
      return 'azure';
    case 'Bitbucket':
      return hostname === 'bitbucket.org' ||
        integrations.bitbucketCloud.byHost(hostname)
        ? 'bitbucketCloud'
        : 'bitbucketServer';
    case 'Local':
      return 'local';
    default:
      return 'git';
  }
}

/** A Local connector's `url`: `org`, `org/repo`, or a local host URL ending in `/git/org[/repo]`. */
function localPath(url: string | undefined): string[] {
  if (!url) return [];
  const path = /^[a-z][a-z0-9+.-]*:\/\//i.test(url)
    ? new URL(url).pathname
    : url;
  const segments = path
    .split('/')
    .filter(Boolean)
    .map(s => decodeURIComponent(s));
  const git = segments.lastIndexOf('git');
  return git >= 0 ? segments.slice(git + 1) : segments;
}

function readAuth(
  where: string,
  config: Config | undefined,
): ConnectorAuth | undefined {
  if (!config) return undefined;
  const type = config.getString('type');
  const opt = (key: string) => {
    const value = config.getOptional(key);
    return value === undefined || value === null ? undefined : String(value);
  };
  const req = (key: string) => {
    const value = opt(key);
    if (!value)
      throw new InputError(
        `${where}.auth.${key} is required for auth type ${type}`,
      );
    return value;
  };
  switch (type) {
    case 'token':
      return { type, token: opt('token'), tokenSecret: opt('tokenSecret') };
    case 'usernamePassword':
      return {
        type,
        username: req('username'),
        password: opt('password'),
        passwordSecret: opt('passwordSecret'),
      };
    case 'githubApp':
      return {
        type,
        appId: req('appId'),
        installationId: req('installationId'),
        privateKey: opt('privateKey'),
        privateKeySecret: opt('privateKeySecret'),
      };
    case 'ssh':
      return {
        type,
        privateKey: opt('privateKey'),
        privateKeySecret: opt('privateKeySecret'),
        knownHosts: opt('knownHosts'),
      };
    default: {
      const types = ['token', 'usernamePassword', 'githubApp', 'ssh'];
      const hint = didYouMean(type, types);
      throw new InputError(
        `${where}.auth.type "${type}" is not one of ${types.join(', ')}${hint ? `; ${hint}` : ''}`,
      );
    }
  }
}

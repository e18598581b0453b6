export { ConnectorResolver } from './ConnectorResolver';
export type {
  ConnectorCredentialsRequest,
  ConnectorResolverOptions,
} from './ConnectorResolver';
export { GithubAppTokenMinter } from './githubApp';
export type { GithubAppInstallation } from './githubApp';
export { CONNECTOR_TYPES } from './types';
export type {
  ConnectorAuth,
  ConnectorType,
  ConnectorUrlType,
  ResolvedConnector,
} from './types';

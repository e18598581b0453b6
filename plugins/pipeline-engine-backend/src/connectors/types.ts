import type { ScmProviderKind } from '../scm/types';

/** Connector types, as Harness names them (`connectorType` of the IDP steps). */
export const CONNECTOR_TYPES = ['Github', 'Gitlab', 'Bitbucket', 'AzureRepo', 'Git', 'Local'] as const;

/** A connector's `type`. */
export type ConnectorType = (typeof CONNECTOR_TYPES)[number];

/** `Account`: the URL names a host or an account/organization; `Repo`: one repository. */
export type ConnectorUrlType = 'Account' | 'Repo';

/**
 * A connector's `auth`. Every secret field has a `...Secret` twin naming a
 * secret of `pipelineEngine.secrets` instead of holding the value.
 */
export type ConnectorAuth =
  | { type: 'token'; token?: string; tokenSecret?: string }
  | { type: 'usernamePassword'; username: string; password?: string; passwordSecret?: string }
  | {
      type: 'githubApp';
      appId: string;
      installationId: string;
      privateKey?: string;
      privateKeySecret?: string;
    }
  | { type: 'ssh'; privateKey?: string; privateKeySecret?: string; knownHosts?: string };

/** A connector of `pipelineEngine.connectors`, validated and normalized. */
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

import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { GitAuth, ScmCredentials, ScmRepositoryRef } from './types';

/** `base` + `/`-joined segments, each URI-encoded. */
export function joinUrl(base: string, ...segments: string[]): string {
  const parts = segments
    .flatMap(s => s.split('/'))
    .filter(Boolean)
    .map(encodeURIComponent);
  return [base.replace(/\/+$/, ''), ...parts].join('/');
}

/** A file path as URL path segments (each encoded, slashes kept). */
export function encodePath(path: string): string {
  return path.split('/').filter(Boolean).map(encodeURIComponent).join('/');
}

/** `Basic base64(user:password)`. */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** How {@link restAuthHeaders} names the provider and sends tokens. */
export interface RestAuthOptions {
  /** The provider's name in the refusal, e.g. `Bitbucket`. */
  provider: string;
  /** What would work instead, e.g. `a token or username/password`. */
  needs: string;
  tokenScheme?: 'bearer' | 'basic';
}

/**
 * The Authorization header of a provider's REST API call. `tokenScheme`
 * says how plain tokens travel (Azure DevOps PATs go as Basic with an empty
 * user); SSH connectors and missing credentials are refused with `needs`
 * saying what would work.
 */
export function restAuthHeaders(
  credentials: ScmCredentials,
  options: RestAuthOptions,
): Record<string, string> {
  switch (credentials.type) {
    case 'token':
      return options.tokenScheme === 'basic'
        ? { Authorization: basicAuthorization('', credentials.token) }
        : { Authorization: `Bearer ${credentials.token}` };
    case 'bearer':
      return { Authorization: `Bearer ${credentials.token}` };
    case 'basic':
      return {
        Authorization: basicAuthorization(
          credentials.username,
          credentials.password,
        ),
      };
    case 'ssh':
      throw new InputError(
        `${options.provider} repository creation needs ${options.needs} connector, not SSH`,
      );
    default:
      throw new AuthenticationError(
        `${options.provider} repository creation needs credentials; the connector has none`,
      );
  }
}

/**
 * git authentication over HTTPS for most providers: tokens travel as the
 * password of a Basic header with a provider-specific user name.
 */
export function httpGitAuth(
  credentials: ScmCredentials,
  scope: string | undefined,
  tokenUser: string,
): GitAuth {
  switch (credentials.type) {
    case 'token':
      return {
        authorization: basicAuthorization(tokenUser, credentials.token),
        scope,
      };
    case 'basic':
      return {
        authorization: basicAuthorization(
          credentials.username,
          credentials.password,
        ),
        scope,
      };
    case 'bearer':
      return { authorization: `Bearer ${credentials.token}`, scope };
    case 'ssh':
      return {
        ssh: {
          privateKey: credentials.privateKey,
          knownHosts: credentials.knownHosts,
        },
      };
    default:
      return {};
  }
}

/** `https://host/a/b.git` → `ssh://git@host/a/b.git`, the SSH remote most hosts accept. */
export function sshRemoteFromHttps(httpsUrl: string): string {
  const url = new URL(httpsUrl);
  return `ssh://git@${url.hostname}${url.pathname}`;
}

/** The URL prefix git's `http.<url>.extraHeader` is limited to. */
export function headerScope(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.protocol}//${url.host}/`;
}

/** Default split of a connector URL path: the last segment is the repository. */
export function defaultRefFromPath(
  segments: string[],
  kind: 'account' | 'repo',
): Partial<ScmRepositoryRef> {
  const clean = segments.filter(Boolean);
  if (kind === 'account')
    return clean.length ? { organization: clean.join('/') } : {};
  if (!clean.length) return {};
  const repository = clean[clean.length - 1].replace(/\.git$/, '');
  const organization = clean.slice(0, -1).join('/');
  return organization ? { organization, repository } : { repository };
}

/** Fails when a reference lacks the organization the provider needs. */
export function requireOrganization(
  ref: ScmRepositoryRef,
  provider: string,
): void {
  if (!ref.organization) {
    throw new InputError(
      `${provider} needs an organization for repository "${ref.repository}"`,
    );
  }
}

/**
 * Maps a provider's HTTP error to an engine-classified error. `what` says
 * what was attempted on which repository; `detail` is the provider's message.
 */
export function providerHttpError(
  provider: string,
  status: number,
  what: string,
  detail: string,
  hints: { notFound?: string; conflict?: string } = {},
): Error {
  const suffix = detail ? `: ${detail}` : '';
  switch (status) {
    case 401:
      return new AuthenticationError(
        `${provider} rejected the connector's credentials (401) while trying to ${what}${suffix}`,
      );
    case 403:
      return new NotAllowedError(
        `${provider} refused (403) to ${what}; check the token's permissions/scopes${suffix}`,
      );
    case 404:
      return new NotFoundError(
        `${provider} could not ${what} (404)${hints.notFound ? `; ${hints.notFound}` : ''}${suffix}`,
      );
    case 409:
      return new ConflictError(
        `${provider} could not ${what} (409)${hints.conflict ? `; ${hints.conflict}` : ''}${suffix}`,
      );
    default:
      return new Error(
        `${provider} could not ${what} (HTTP ${status})${suffix}`,
      );
  }
}

/** The error for a repository that exists and already has commits. */
export function repositoryNotEmptyError(
  provider: string,
  url: string,
): ConflictError {
  return new ConflictError(
    `repository ${url} already exists on ${provider} and is not empty; choose another repository name or delete it`,
  );
}

/** The provider's error message from a JSON error body, if any. */
export async function responseDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const error = body.error as Record<string, unknown> | undefined;
    const errors = body.errors as Array<Record<string, unknown>> | undefined;
    const message =
      (typeof error?.message === 'string' && error.message) ||
      (typeof body.message === 'string' && body.message) ||
      (Array.isArray(errors) &&
        typeof errors[0]?.message === 'string' &&
        errors[0].message) ||
      '';
    return String(message);
  } catch {
    return text.slice(0, 300);
  }
}

import { createSign } from 'node:crypto';
import { AuthenticationError, NotFoundError } from '@backstage/errors';
import { providerHttpError, responseDetail } from '../scm/common';

/** Identifies one installation of a GitHub App. */
export interface GithubAppInstallation {
  /** REST API base URL, e.g. `https://api.github.com`. */
  apiBaseUrl: string;
  /** App ID (or client ID). */
  appId: string;
  /** PEM private key of the app. */
  privateKey: string;
  installationId: string;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Tokens are reused while they have at least this long to live (git operations can be long). */
const MIN_LIFETIME_MS = 10 * 60 * 1000;

/**
 * Mints and caches installation access tokens of GitHub Apps configured on
 * connectors (apps configured under `integrations.github` go through
 * Backstage's DefaultGithubCredentialsProvider instead).
 */
export class GithubAppTokenMinter {
  readonly #cache = new Map<string, CachedToken>();

  constructor(private readonly now: () => number = Date.now) {}

  /** An installation token valid for at least ten more minutes. */
  async token(
    app: GithubAppInstallation,
    signal?: AbortSignal,
  ): Promise<string> {
    const key = `${app.apiBaseUrl}|${app.appId}|${app.installationId}`;
    const cached = this.#cache.get(key);
    if (cached && cached.expiresAt - this.now() > MIN_LIFETIME_MS)
      return cached.token;
    const url = `${app.apiBaseUrl.replace(/\/+$/, '')}/app/installations/${encodeURIComponent(app.installationId)}/access_tokens`;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${this.jwt(app)}`,
        Accept: 'application/vnd.github+json',
        'X-GitHub-Api-Version': '2022-11-28',
        'User-Agent': 'backstage-pipeline-engine',
      },
      signal,
    });
    if (!response.ok) {
      const detail = await responseDetail(response);
      if (response.status === 401) {
        throw new AuthenticationError(
          `GitHub rejected GitHub App ${app.appId}'s JWT; check appId and privateKey: ${detail}`,
        );
      }
      if (response.status === 404) {
        throw new NotFoundError(
          `GitHub App ${app.appId} has no installation ${app.installationId}: ${detail}`,
        );
      }
      throw providerHttpError(
        'GitHub',
        response.status,
        `mint an installation token for GitHub App ${app.appId}`,
        detail,
      );
    }
    const body = (await response.json()) as {
      token: string;
      expires_at?: string;
    };
    const expiresAt = body.expires_at
      ? Date.parse(body.expires_at)
      : this.now() + 60 * 60 * 1000;
    this.#cache.set(key, { token: body.token, expiresAt });
    return body.token;
  }

  /** The app's JWT (RS256, nine minutes; issued a minute back to tolerate clock drift). */
  jwt(app: Pick<GithubAppInstallation, 'appId' | 'privateKey'>): string {
    const seconds = Math.floor(this.now() / 1000);
    const issuer = /^\d+$/.test(app.appId) ? Number(app.appId) : app.appId;
    const encode = (value: object) =>
      Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iat: seconds - 60, exp: seconds + 540, iss: issuer })}`;
    // Keys pasted into YAML or env vars often carry literal "\n".
    const key = app.privateKey.includes('\\n')
      ? app.privateKey.replace(/\\n/g, '\n')
      : app.privateKey;
    const signature = createSign('RSA-SHA256')
      .update(unsigned)
      .sign(key)
      .toString('base64url');
    return `${unsigned}.${signature}`;
  }
}

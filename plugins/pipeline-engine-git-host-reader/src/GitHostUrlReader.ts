import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type {
  AuthService,
  UrlReaderService,
  UrlReaderServiceReadTreeResponse,
  UrlReaderServiceReadUrlOptions,
  UrlReaderServiceReadUrlResponse,
  UrlReaderServiceSearchResponse,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
  NotModifiedError,
} from '@backstage/errors';

/**
 * The plugin serving the built-in git host.
 * @public
 */
export const PIPELINE_ENGINE_PLUGIN_ID = 'pipeline-engine';

/**
 * Options of {@link GitHostUrlReader}.
 * @public
 */
export interface GitHostUrlReaderOptions {
  /** The host's URLs as they appear in locations: `<external base of pipeline-engine>/git`. */
  externalGitBaseUrl: string;
  /** Where this backend reaches it: `<internal base of pipeline-engine>/git`. */
  internalGitBaseUrl: string;
  /** The reading plugin's own auth service, for a token to the engine plugin. */
  auth: AuthService;
  /** Replaces global fetch (tests). */
  fetch?: typeof fetch;
}

/**
 * Reads files of the pipeline engine's built-in git host
 * (`.../api/pipeline-engine/git/<org>/<repo>/raw|blob/<ref>/<path>`) with
 * the reading plugin's service token, so private repositories can be read
 * by the catalog without opening them to anonymous callers.
 *
 * @public
 */
export class GitHostUrlReader implements UrlReaderService {
  readonly #external: string;
  readonly #internal: string;
  readonly #auth: AuthService;
  readonly #fetch: typeof fetch;

  constructor(options: GitHostUrlReaderOptions) {
    this.#external = options.externalGitBaseUrl.replace(/\/+$/, '');
    this.#internal = options.internalGitBaseUrl.replace(/\/+$/, '');
    this.#auth = options.auth;
    this.#fetch = options.fetch ?? fetch;
  }

  /** True for URLs of the built-in git host. */
  handles(url: URL): boolean {
    return url.href.startsWith(`${this.#external}/`);
  }

  async readUrl(
    url: string,
    options?: UrlReaderServiceReadUrlOptions,
  ): Promise<UrlReaderServiceReadUrlResponse> {
    const parsed = new URL(url);
    if (!this.handles(parsed)) {
      throw new InputError(
        `${url} is not a URL of the built-in git host (${this.#external})`,
      );
    }
    const target = `${this.#internal}${parsed.href.slice(this.#external.length)}`;
    const { token } = await this.#auth.getPluginRequestToken({
      onBehalfOf: await this.#auth.getOwnServiceCredentials(),
      targetPluginId: PIPELINE_ENGINE_PLUGIN_ID,
    });
    const response = await this.#fetch(target, {
      headers: { Authorization: `Bearer ${token}` },
      ...(options?.signal ? { signal: options.signal as AbortSignal } : {}),
    });
    if (!response.ok) {
      const message = `could not read ${url}: ${response.status} ${response.statusText}`;
      if (response.status === 404) throw new NotFoundError(message);
      if (response.status === 401) throw new AuthenticationError(message);
      if (response.status === 403) throw new NotAllowedError(message);
      throw new Error(message);
    }
    const content = Buffer.from(await response.arrayBuffer());
    // The host sends no ETag; a content hash lets the catalog skip unchanged files.
    const etag = createHash('sha256').update(content).digest('hex');
    if (options?.etag === etag) throw new NotModifiedError();
    return {
      buffer: async () => content,
      stream: () => Readable.from(content),
      etag,
    };
  }

  async readTree(): Promise<UrlReaderServiceReadTreeResponse> {
    throw new InputError(
      'the built-in git host reader reads single files; clone the repository to read a tree',
    );
  }

  /** Exact URLs only (no glob patterns): the file, or none when it does not exist. */
  async search(url: string): Promise<UrlReaderServiceSearchResponse> {
    if (/[*?[\]{}]/.test(new URL(url).pathname)) {
      throw new InputError(
        `glob patterns are not supported by the built-in git host reader: ${url}`,
      );
    }
    try {
      const file = await this.readUrl(url);
      return { files: [{ url, content: file.buffer }], etag: file.etag ?? '' };
    } catch (error) {
      if (error instanceof NotFoundError) return { files: [], etag: '' };
      throw error;
    }
  }

  toString(): string {
    return `pipeline-engine-git-host{base=${this.#external}}`;
  }
}

import { InputError } from '@backstage/errors';
import {
  defaultRefFromPath,
  headerScope,
  httpGitAuth,
  joinUrl,
} from './common';
import type {
  CreateRepositoryResult,
  GitAuth,
  ScmCredentials,
  ScmProvider,
  ScmRepositoryRef,
} from './types';

/** Where a plain git server lives. */
export interface GenericGitProviderOptions {
  /** Scheme and host (and any fixed path) that repository paths are appended to. */
  baseUrl: string;
}

/**
 * Connector type `Git`: any git server reachable over HTTP(S) or SSH. It can
 * be cloned from and pushed to, but has no API to create repositories and
 * no known file URL shape.
 */
export class GenericGitProvider implements ScmProvider {
  readonly kind = 'git' as const;

  constructor(private readonly options: GenericGitProviderOptions) {}

  async createRepository(): Promise<CreateRepositoryResult> {
    throw new InputError(
      'connector type Git has no API to create repositories; use a Github, Gitlab, Bitbucket, AzureRepo or Local connector',
    );
  }

  repositoryUrl(ref: ScmRepositoryRef): string {
    return this.cloneUrl(ref);
  }

  /** The repository path is used as given (no `.git` is added: servers differ). */
  cloneUrl(ref: ScmRepositoryRef): string {
    return joinUrl(this.options.baseUrl, ref.organization, ref.repository);
  }

  blobUrl(): string {
    throw new InputError(
      'connector type Git has no file URLs; use a provider connector (Github, Gitlab, Bitbucket, AzureRepo, Local)',
    );
  }

  rawUrl(): string {
    return this.blobUrl();
  }

  gitRemote(ref: ScmRepositoryRef): string {
    return this.cloneUrl(ref);
  }

  gitAuth(credentials: ScmCredentials): GitAuth {
    // Most servers (Gitea, GitHub, GitLab) take a token as the password of any user.
    return httpGitAuth(
      credentials,
      headerScope(this.options.baseUrl),
      'x-access-token',
    );
  }

  refFromPath(
    segments: string[],
    kind: 'account' | 'repo',
  ): Partial<ScmRepositoryRef> {
    const ref = defaultRefFromPath(segments, kind);
    // Keep a `.git` suffix: it is part of the path on servers that use it.
    if (kind === 'repo' && segments.length)
      ref.repository = segments[segments.length - 1];
    return ref;
  }
}

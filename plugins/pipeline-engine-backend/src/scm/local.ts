import { mkdir, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConflictError } from '@backstage/errors';
import { encodePath, joinUrl, repositoryNotEmptyError } from './common';
import { runGit } from './git';
import { isBareRepo, localRepoDir, stripGitSuffix } from './localGitHost/paths';
import { writeVisibility } from './localGitHost/visibility';
import type {
  CreateRepositoryRequest,
  CreateRepositoryResult,
  GitAuth,
  ScmProvider,
  ScmRepositoryRef,
  ScmRequestContext,
} from './types';

/** Options of {@link LocalGitProvider}. */
export interface LocalGitProviderOptions {
  /** Directory holding `<organization>/<repository>.git` bare repositories. */
  root: string;
  /**
   * Public URL of the local git host router's `/git` path, e.g.
   * `http://localhost:7007/api/pipeline-engine/git`.
   */
  baseUrl: string;
}

/**
 * Connector type `Local`: bare repositories on this machine. Steps read and
 * write them directly with the git CLI (`file://` remotes); people and the
 * catalog read them over HTTP through `createLocalGitRouter`, at the URLs
 * this provider builds.
 */
export class LocalGitProvider implements ScmProvider {
  readonly kind = 'local' as const;
  private readonly baseUrl: string;

  constructor(private readonly options: LocalGitProviderOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** The bare repository's directory. */
  repoDir(ref: ScmRepositoryRef): string {
    return localRepoDir(this.options.root, ref.organization, ref.repository);
  }

  async createRepository(
    request: CreateRepositoryRequest,
    context: ScmRequestContext,
  ): Promise<CreateRepositoryResult> {
    const dir = this.repoDir(request);
    const urls = {
      repositoryUrl: this.repositoryUrl(request),
      cloneUrl: this.cloneUrl(request),
    };
    const exists = await stat(dir).then(
      () => true,
      () => false,
    );
    if (exists) {
      if (!(await isBareRepo(dir))) {
        throw new ConflictError(
          `local git host: ${dir} exists but is not a bare git repository`,
        );
      }
      const refs = await runGit(
        ['--git-dir', dir, 'for-each-ref', '--count=1', '--format=%(refname)'],
        { signal: context.signal },
      );
      if (refs.stdout.trim())
        throw repositoryNotEmptyError('the local git host', urls.repositoryUrl);
      await runGit(
        [
          '--git-dir',
          dir,
          'symbolic-ref',
          'HEAD',
          `refs/heads/${request.defaultBranch}`,
        ],
        { signal: context.signal },
      );
      await writeVisibility(dir, request.repoType, context.signal);
      return { ...urls, created: false };
    }
    await mkdir(dirname(dir), { recursive: true });
    await runGit(
      [
        'init',
        '--bare',
        '--quiet',
        `--initial-branch=${request.defaultBranch}`,
        dir,
      ],
      { signal: context.signal },
    );
    // The HTTP router serves private repositories only to Backstage callers.
    await writeVisibility(dir, request.repoType, context.signal);
    if (request.description) {
      await runGit(
        ['--git-dir', dir, 'config', 'gitweb.description', request.description],
        { signal: context.signal },
      );
    }
    return { ...urls, created: true };
  }

  async afterPush(ref: ScmRepositoryRef, branch: string): Promise<void> {
    const dir = this.repoDir(ref);
    if (!(await headTargetExists(dir)))
      await runGit([
        '--git-dir',
        dir,
        'symbolic-ref',
        'HEAD',
        `refs/heads/${branch}`,
      ]);
  }

  repositoryUrl(ref: ScmRepositoryRef): string {
    return joinUrl(
      this.baseUrl,
      ref.organization,
      stripGitSuffix(ref.repository),
    );
  }

  cloneUrl(ref: ScmRepositoryRef): string {
    return `${this.repositoryUrl(ref)}.git`;
  }

  blobUrl(ref: ScmRepositoryRef, branch: string, path: string): string {
    return `${this.repositoryUrl(ref)}/blob/${encodePath(branch)}/${encodePath(path)}`;
  }

  rawUrl(ref: ScmRepositoryRef, branch: string, path: string): string {
    return `${this.repositoryUrl(ref)}/raw/${encodePath(branch)}/${encodePath(path)}`;
  }

  /** A `file://` URL: `--depth` is honoured for it, unlike for a plain path. */
  gitRemote(ref: ScmRepositoryRef): string {
    return pathToFileURL(this.repoDir(ref)).href;
  }

  gitAuth(): GitAuth {
    return {};
  }

  refFromPath(
    segments: string[],
    kind: 'account' | 'repo',
  ): Partial<ScmRepositoryRef> {
    const clean = segments.filter(Boolean);
    if (kind === 'account')
      return clean.length ? { organization: clean[clean.length - 1] } : {};
    if (clean.length < 2)
      return clean.length ? { repository: stripGitSuffix(clean[0]) } : {};
    return {
      organization: clean[clean.length - 2],
      repository: stripGitSuffix(clean[clean.length - 1]),
    };
  }
}

/**
 * Whether HEAD names a branch that exists, read from the repository's files (HEAD, the loose ref, packed-refs)
 * as git stores them, which spares two git processes on every push. A detached or unreadable HEAD counts as missing.
 */
async function headTargetExists(dir: string): Promise<boolean> {
  const head = await readFile(join(dir, 'HEAD'), 'utf8').catch(() => '');
  const target = /^ref: (refs\/\S+)\s*$/.exec(head)?.[1];
  if (
    !target ||
    target.split('/').some(segment => segment === '..' || segment === '.')
  )
    return false;
  const loose = await stat(join(dir, target)).catch(() => undefined);
  if (loose?.isFile()) return true;
  const packed = await readFile(join(dir, 'packed-refs'), 'utf8').catch(
    () => '',
  );
  return packed
    .split('\n')
    .some(line => /^[0-9a-f]{40} /.test(line) && line.slice(41) === target);
}

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit } from '../git';

/** Who may read a repository of the built-in git host over HTTP. */
export type LocalRepoVisibility = 'public' | 'private';

/** Git config key (in the bare repository's own config) holding the visibility. */
export const VISIBILITY_CONFIG_KEY = 'pipelineEngine.visibility';

/** Visibility read per repository directory, with the identity of the config file it was read from. */
const VISIBILITY_CACHE_LIMIT = 1000;
const visibilityCache = new Map<
  string,
  { identity: string; visibility: LocalRepoVisibility }
>();

/**
 * The visibility CreateRepo recorded (`repoType`). A repository without one
 * (made by hand or by an older version) is private: anonymous readers are
 * refused until `git --git-dir <repo> config pipelineEngine.visibility public`.
 */
export async function readVisibility(
  dir: string,
): Promise<LocalRepoVisibility> {
  // Every read of the HTTP routes asks; the config file's identity (inode, size, mtime) says whether a cached answer still holds.
  const file = await stat(join(dir, 'config'), { bigint: true }).catch(
    () => undefined,
  );
  const identity = file
    ? `${file.ino}:${file.size}:${file.mtimeNs}`
    : undefined;
  const cached = visibilityCache.get(dir);
  if (identity && cached?.identity === identity) return cached.visibility;
  const { code, stdout } = await runGit(
    ['--git-dir', dir, 'config', '--get', VISIBILITY_CONFIG_KEY],
    { allowFailure: true },
  );
  const visibility =
    code === 0 && stdout.trim().toLowerCase() === 'public'
      ? 'public'
      : 'private';
  if (identity) {
    if (visibilityCache.size >= VISIBILITY_CACHE_LIMIT)
      visibilityCache.delete(visibilityCache.keys().next().value!);
    visibilityCache.set(dir, { identity, visibility });
  }
  return visibility;
}

/** Records the visibility of a bare repository. */
export async function writeVisibility(
  dir: string,
  visibility: LocalRepoVisibility,
  signal?: AbortSignal,
): Promise<void> {
  await runGit(
    ['--git-dir', dir, 'config', VISIBILITY_CONFIG_KEY, visibility],
    signal ? { signal } : {},
  );
}

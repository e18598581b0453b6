import { runGit } from '../git';

/** Who may read a repository of the built-in git host over HTTP. */
export type LocalRepoVisibility = 'public' | 'private';

/** Git config key (in the bare repository's own config) holding the visibility. */
export const VISIBILITY_CONFIG_KEY = 'pipelineEngine.visibility';

/**
 * The visibility CreateRepo recorded (`repoType`). A repository without one
 * (made by hand or by an older version) is private: anonymous readers are
 * refused until `git --git-dir <repo> config pipelineEngine.visibility public`.
 */
export async function readVisibility(dir: string): Promise<LocalRepoVisibility> {
  const { code, stdout } = await runGit(['--git-dir', dir, 'config', '--get', VISIBILITY_CONFIG_KEY], { allowFailure: true });
  return code === 0 && stdout.trim().toLowerCase() === 'public' ? 'public' : 'private';
}

/** Records the visibility of a bare repository. */
export async function writeVisibility(dir: string, visibility: LocalRepoVisibility, signal?: AbortSignal): Promise<void> {
  await runGit(['--git-dir', dir, 'config', VISIBILITY_CONFIG_KEY, visibility], signal ? { signal } : {});
}

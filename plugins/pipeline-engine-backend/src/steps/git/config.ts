import type { Config } from '@backstage/config';

/** Default directory of the local git host, relative to the backend's working directory. */
export const DEFAULT_LOCAL_GIT_ROOT = '.data/git';

/** The git-related settings of `pipelineEngine`, with defaults applied. */
export interface GitStepsConfig {
  localGit: { root: string };
  author?: { name?: string; email?: string };
  commitMessage?: string;
}

/** Reads `pipelineEngine.localGit` and `pipelineEngine.git` from the root config. */
export function readGitStepsConfig(config: Config): GitStepsConfig {
  const engine = config.getOptionalConfig('pipelineEngine');
  const name = engine?.getOptionalString('git.author.name');
  const email = engine?.getOptionalString('git.author.email');
  const commitMessage = engine?.getOptionalString('git.commitMessage');
  return {
    localGit: {
      root:
        engine?.getOptionalString('localGit.root') ?? DEFAULT_LOCAL_GIT_ROOT,
    },
    ...(name || email
      ? { author: { ...(name ? { name } : {}), ...(email ? { email } : {}) } }
      : {}),
    ...(commitMessage ? { commitMessage } : {}),
  };
}

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { runGit } from '../git';
import { isBareRepo, localRepoDir } from './paths';
import { writeVisibility, type LocalRepoVisibility } from './visibility';

/** One directory published as a repository of the built-in git host. */
export interface LocalGitSeed {
  /** `<organization>/<repository>`. */
  repository: string;
  /** Directory whose files become the branch's content (relative to the backend's working directory). */
  source: string;
  /** Default `main`. */
  branch: string;
  /** Default `public`: templates are cloned anonymously. */
  visibility: LocalRepoVisibility;
}

const SEED_IDENTITY = {
  GIT_AUTHOR_NAME: 'pipeline-engine',
  GIT_AUTHOR_EMAIL: 'pipeline-engine@localhost',
  GIT_COMMITTER_NAME: 'pipeline-engine',
  GIT_COMMITTER_EMAIL: 'pipeline-engine@localhost',
};

/** Reads `pipelineEngine.localGit.seed`; every error names the entry. */
export function readLocalGitSeeds(config: Config): LocalGitSeed[] {
  const entries =
    config.getOptionalConfigArray('pipelineEngine.localGit.seed') ?? [];
  return entries.map((entry, index) => {
    const at = `pipelineEngine.localGit.seed[${index}]`;
    const repository = entry.getString('repository');
    const parts = repository.split('/');
    if (parts.length !== 2) {
      throw new Error(
        `${at}.repository "${repository}" must be <organization>/<repository>, e.g. templates/service`,
      );
    }
    const visibility = entry.getOptionalString('visibility') ?? 'public';
    if (visibility !== 'public' && visibility !== 'private') {
      throw new Error(
        `${at}.visibility must be public or private, got "${visibility}"`,
      );
    }
    return {
      repository,
      source: entry.getString('source'),
      branch: entry.getOptionalString('branch') ?? 'main',
      visibility,
    };
  });
}

/**
 * Publishes each seed directory as a commit on its repository's branch,
 * creating the bare repository when missing. Idempotent: a branch whose
 * tree already equals the directory's is left alone; a changed directory
 * becomes a new commit on top. Git plumbing with a temporary index (no
 * clone, no work tree copy): init, add, write-tree, then commit-tree and a
 * compare-and-swap update-ref only when the content changed.
 */
export async function seedLocalRepositories(options: {
  root: string;
  seeds: LocalGitSeed[];
  logger: LoggerService;
}): Promise<void> {
  for (const seed of options.seeds) {
    const [organization, repository] = seed.repository.split('/');
    const dir = localRepoDir(options.root, organization, repository);
    const source = resolve(seed.source);
    if (!(await stat(source).catch(() => undefined))?.isDirectory()) {
      throw new Error(
        `pipelineEngine.localGit.seed: ${seed.source} (${source}) is not a directory; paths are relative to the backend's working directory`,
      );
    }
    const created = !(await isBareRepo(dir));
    if (created)
      await runGit([
        'init',
        '--bare',
        '--quiet',
        '--initial-branch',
        seed.branch,
        dir,
      ]);
    await writeVisibility(dir, seed.visibility);

    const scratch = await mkdtemp(join(tmpdir(), 'pipeline-engine-seed-'));
    try {
      const git = (args: string[], allowFailure = false) =>
        runGit(['--git-dir', dir, '--work-tree', source, ...args], {
          extraEnv: {
            ...SEED_IDENTITY,
            GIT_INDEX_FILE: join(scratch, 'index'),
          },
          allowFailure,
        });
      await git(['add', '--all', '.']);
      const tree = (await git(['write-tree'])).stdout.trim();
      const ref = `refs/heads/${seed.branch}`;
      const head = await git(
        ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`],
        true,
      );
      const parent = head.code === 0 ? head.stdout.trim() : undefined;
      if (
        parent &&
        (await git(['rev-parse', `${parent}^{tree}`])).stdout.trim() === tree
      ) {
        options.logger.info(
          `local git host: ${seed.repository} is up to date with ${seed.source}`,
        );
        continue;
      }
      const commit = (
        await git([
          'commit-tree',
          tree,
          ...(parent ? ['-p', parent] : []),
          '-m',
          `Seed from ${seed.source}`,
        ])
      ).stdout.trim();
      // Compare-and-swap: a replica seeding at the same time cannot be overwritten.
      await git(['update-ref', ref, commit, parent ?? '']);
      options.logger.info(
        `local git host: ${created ? 'created' : 'updated'} ${seed.repository} from ${seed.source}`,
      );
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
}

import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { directPushStepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
import { createStepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import { LocalGitProvider } from '../../scm/local';
import { isBareRepo } from '../../scm/localGitHost/paths';
import {
  describeGitFailure,
  GitCommandError,
  runGit,
  withGitEnvironment,
  type GitEnv,
} from '../../scm/git';
import {
  gitRemoteFor,
  maskGitAuth,
  repositoryFromSpec,
  resolveInWorkspace,
  type GitStepsRuntime,
} from './shared';

/**
 * `DirectPush`: pushes a workspace directory's content to a branch as one
 * root commit, as a fresh repository would. A branch that already has
 * commits is only overwritten with `forcePush`. Not idempotent: a re-run
 * pushes another commit.
 */
export function createDirectPushStep(runtime: GitStepsRuntime) {
  return createStepHandler({
    ...directPushStepDefinition,
    async handler(ctx) {
      const { spec } = ctx;
      const { connector, provider } = runtime.resolve(
        ctx,
        spec.connectorRef,
        spec.connectorType,
      );
      const ref = repositoryFromSpec(connector, provider, spec, {
        organizationOptional: connector.provider === 'git',
      });
      const codeDir = await resolveInWorkspace(
        ctx.workspace,
        spec.codeDirectory,
        'codeDirectory',
      );
      const info = await stat(codeDir).catch(() => undefined);
      if (!info?.isDirectory()) {
        throw new InputError(
          `spec.codeDirectory "${spec.codeDirectory}" is not a directory of the stage workspace`,
        );
      }
      const prefix = spec.codeOutputDirectory?.replace(/^\/+|\/+$/g, '');
      if (prefix && prefix.split('/').some(s => s === '..' || s === '.')) {
        throw new InputError(
          `spec.codeOutputDirectory "${spec.codeOutputDirectory}" must be a plain path inside the repository`,
        );
      }
      const credentials = await runtime.credentials(ctx, connector, ref);
      const auth = provider.gitAuth(credentials);
      maskGitAuth(ctx, auth);
      const remote = gitRemoteFor(connector, provider, ref, credentials);
      const repositoryUrl = provider.repositoryUrl(ref);
      const author = {
        name:
          runtime.options.author?.name ??
          ctx.execution.triggeredBy.name ??
          'Pipeline Engine',
        email:
          runtime.options.author?.email ??
          ctx.execution.triggeredBy.email ??
          'pipeline-engine@localhost',
      };
      const message =
        runtime.options.commitMessage ??
        `Push from pipeline ${ctx.execution.pipelineIdentifier} (execution ${ctx.execution.id})`;

      // The built-in host's repositories are on this machine: the commit's objects go straight into the bare
      // repository and the branch moves with `update-ref` (no push, no pack). Other hosts get a push from a
      // scratch repository. Either way the metadata lives outside the workspace so the pushed directory stays untouched.
      const localDir =
        provider instanceof LocalGitProvider
          ? provider.repoDir(ref)
          : undefined;
      if (localDir && !(await isBareRepo(localDir))) {
        throw new NotFoundError(
          `push to ${repositoryUrl} failed: the repository does not exist on the local git host (create it with CreateRepo first)`,
        );
      }
      const scratch = await mkdtemp(join(tmpdir(), 'pipeline-engine-push-'));
      const gitDir = localDir ?? join(scratch, 'repo.git');
      try {
        const commit = await withGitEnvironment(auth, async env => {
          const git = (args: string[], input?: string) =>
            runGit(['--git-dir', gitDir, '--work-tree', codeDir, ...args], {
              env,
              cwd: codeDir,
              signal: ctx.signal,
              input,
              extraEnv: {
                GIT_AUTHOR_NAME: author.name,
                GIT_AUTHOR_EMAIL: author.email,
                GIT_COMMITTER_NAME: author.name,
                GIT_COMMITTER_EMAIL: author.email,
                // The index is this push's own, never the repository's.
                GIT_INDEX_FILE: join(scratch, 'index'),
              },
            });
          if (!localDir)
            await runGit(['init', '--quiet', '--bare', gitDir], {
              env,
              signal: ctx.signal,
            });
          // .gitignore files of the directory apply, as they would to a fresh repository.
          await git(['add', '--all', '--', '.']);
          const files = (await git(['ls-files', '--stage'])).stdout
            .split('\n')
            .filter(Boolean);
          if (!files.length)
            throw new InputError(
              `spec.codeDirectory "${spec.codeDirectory}" has no files to push`,
            );
          const nested = files
            .filter(f => f.startsWith('160000 '))
            .map(f => f.split('\t')[1]);
          if (nested.length)
            ctx.logger.warn(
              `nested git repositories are pushed as bare links, without content: ${nested.join(', ')}`,
            );
          let tree = (await git(['write-tree'])).stdout.trim();
          if (prefix) {
            await git(['read-tree', '--empty']);
            await git(['read-tree', `--prefix=${prefix}/`, tree]);
            tree = (await git(['write-tree'])).stdout.trim();
          }
          const sha = (
            await git(['commit-tree', tree, '-F', '-'], `${message}\n`)
          ).stdout.trim();
          ctx.logger.info(
            `Pushing ${files.length} file(s) from ${relative(ctx.workspace, codeDir) || '.'} to ${repositoryUrl} branch ${spec.branch}${spec.forcePush ? ' (force)' : ''} as commit ${sha}`,
          );
          const target = {
            commit: sha,
            branch: spec.branch,
            force: spec.forcePush ?? false,
            repositoryUrl,
          };
          if (localDir) await updateLocalBranch(localDir, target, ctx.signal);
          else await push(env, gitDir, remote, target, ctx.signal);
          return sha;
        });
        await provider.afterPush?.(ref, spec.branch);
        ctx.logger.info(
          `Pushed commit ${commit} to ${repositoryUrl} branch ${spec.branch}`,
        );
        ctx.output('repositoryUrl', repositoryUrl);
        ctx.output('commitId', commit);
        ctx.output('branch', spec.branch);
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
  });
}

/** Where a push goes: a new root commit for `branch`, replacing it only with `force`. */
interface PushTarget {
  commit: string;
  branch: string;
  force: boolean;
  repositoryUrl: string;
}

function nonFastForward({ branch, repositoryUrl }: PushTarget): ConflictError {
  return new ConflictError(
    `branch ${branch} of ${repositoryUrl} already has commits that this push would discard (non-fast-forward); set forcePush: true to overwrite it`,
  );
}

/**
 * Moves a built-in host repository's branch to the commit, whose objects are already there. As a push of a
 * root commit would: creates the branch, refuses to replace existing commits without `force` (the expected
 * old value is "no branch", checked under git's ref lock), replaces them with it.
 */
async function updateLocalBranch(
  dir: string,
  target: PushTarget,
  signal: AbortSignal,
): Promise<void> {
  const args = [
    '--git-dir',
    dir,
    'update-ref',
    `refs/heads/${target.branch}`,
    target.commit,
    ...(target.force ? [] : ['0'.repeat(40)]),
  ];
  const result = await runGit(args, { signal, allowFailure: true });
  if (result.code === 0) return;
  if (/reference already exists/.test(result.stderr))
    throw nonFastForward(target);
  throw describeGitFailure(
    new GitCommandError(args, result.code, result.stderr),
    `push to ${target.repositoryUrl} failed`,
  );
}

async function push(
  env: GitEnv,
  gitDir: string,
  remote: string,
  target: PushTarget,
  signal: AbortSignal,
): Promise<void> {
  const { commit, branch, force, repositoryUrl } = target;
  const args = [
    '--git-dir',
    gitDir,
    'push',
    '--porcelain',
    ...(force ? ['--force'] : []),
    remote,
    `${commit}:refs/heads/${branch}`,
  ];
  const result = await runGit(args, { env, signal, allowFailure: true });
  if (result.code === 0) return;
  // Porcelain: "!<TAB>src:dst<TAB>[rejected] (reason)" for each refused ref.
  const rejected = result.stdout.split('\n').find(line => line.startsWith('!'));
  if (rejected && /non-fast-forward|fetch first|stale info/.test(rejected))
    throw nonFastForward(target);
  if (rejected) {
    const reason = rejected.split('\t').slice(2).join(' ').trim();
    throw new Error(
      `push to ${repositoryUrl} branch ${branch} was rejected: ${reason}`,
    );
  }
  throw describeGitFailure(
    new GitCommandError(args, result.code, result.stderr),
    `push to ${repositoryUrl} failed`,
  );
}

import { mkdir, rm } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { InputError } from '@backstage/errors';
import { gitCloneStepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
import { createStepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import { checkGitRemote } from '../../network';
import { describeGitFailure, runGit, withGitEnvironment } from '../../scm/git';
import {
  gitRemoteFor,
  maskGitAuth,
  resolveInWorkspace,
  type GitStepsRuntime,
} from './shared';

/**
 * `GitClone`: clones a repository into the stage workspace. Re-running
 * replaces the clone directory, so the step is idempotent.
 */
export function createGitCloneStep(runtime: GitStepsRuntime) {
  return createStepHandler({
    ...gitCloneStepDefinition,
    async handler(ctx) {
      const { spec } = ctx;
      const { connector, provider } = runtime.resolve(ctx, spec.connectorRef);
      let segments: string[];
      if (connector.urlType === 'Repo') {
        segments = connector.path;
        if (spec.repoName)
          ctx.logger.info(
            `connector "${connector.id}" names one repository; repoName ${spec.repoName} is not used`,
          );
      } else {
        if (!spec.repoName) {
          throw new InputError(
            `spec.repoName is required: connector "${connector.id}" has URL type Account`,
          );
        }
        segments = [...connector.path, ...spec.repoName.split('/')];
      }
      const partial = provider.refFromPath(segments, 'repo');
      if (
        !partial.repository ||
        (!partial.organization && connector.provider !== 'git')
      ) {
        throw new InputError(
          `cannot tell which repository to clone from connector "${connector.id}" and repoName "${spec.repoName ?? ''}"; give repoName as <organization>/<repository>`,
        );
      }
      const ref = {
        organization: partial.organization ?? '',
        repository: partial.repository,
        ...(partial.project ? { project: partial.project } : {}),
      };

      const refName =
        spec.build?.type === 'tag'
          ? spec.build.spec.tag
          : spec.build?.spec.branch;
      if (spec.build && !refName)
        throw new InputError(
          `spec.build.spec.${spec.build.type} is required for build type ${spec.build.type}`,
        );

      const target = await resolveInWorkspace(
        ctx.workspace,
        spec.cloneDirectory ?? ref.repository,
        'cloneDirectory',
      );
      if (resolve(target) === resolve(ctx.workspace)) {
        throw new InputError(
          'spec.cloneDirectory must name a directory inside the workspace, not the workspace itself',
        );
      }
      const credentials = await runtime.credentials(ctx, connector, ref);
      const auth = provider.gitAuth(credentials);
      maskGitAuth(ctx, auth);
      const remote = gitRemoteFor(connector, provider, ref, credentials);
      const shown = relative(ctx.workspace, target);

      // The built-in git host is read from disk; any other remote must pass the network policy.
      const guard =
        connector.provider === 'local'
          ? { configArgs: [] }
          : await checkGitRemote(runtime.network, remote, {
              step: `GitClone step "${ctx.step.identifier}"`,
              field: `the clone URL of connector "${connector.id}" and spec.repoName`,
            });
      // A fresh directory every run: a half-done earlier attempt must not leak into this one.
      await rm(target, { recursive: true, force: true });
      await mkdir(dirname(target), { recursive: true });
      const args = [...guard.configArgs, 'clone', '--quiet'];
      if (spec.depth > 0) args.push('--depth', String(spec.depth));
      if (refName) args.push('--branch', refName);
      args.push('--', remote, target);
      ctx.logger.info(
        `Cloning ${provider.cloneUrl(ref)}${refName ? ` (${spec.build!.type} ${refName})` : ''}${spec.depth > 0 ? ` with depth ${spec.depth}` : ''} into ${shown}`,
      );
      await withGitEnvironment(auth, env =>
        runGit(args, { env, signal: ctx.signal, logger: ctx.logger }).catch(
          error => {
            throw describeGitFailure(
              error,
              `clone of ${provider.cloneUrl(ref)} failed`,
            );
          },
        ),
      );
      if (spec.build?.type === 'tag') {
        const tag = await runGit(
          [
            '-C',
            target,
            'rev-parse',
            '--verify',
            '--quiet',
            `refs/tags/${refName}`,
          ],
          { allowFailure: true },
        );
        if (tag.code !== 0)
          throw new InputError(
            `${refName} is a branch of ${provider.cloneUrl(ref)}, not a tag; use build type branch`,
          );
      }
      if (remote !== provider.cloneUrl(ref) && connector.provider === 'local') {
        // The clone's origin points at the local host's HTTP URL, as for any hosted repository.
        await runGit([
          '-C',
          target,
          'remote',
          'set-url',
          'origin',
          provider.cloneUrl(ref),
        ]);
      }
      const head = await runGit(['-C', target, 'rev-parse', 'HEAD'], {
        allowFailure: true,
      });
      ctx.logger.info(
        `Cloned ${head.code === 0 ? `commit ${head.stdout.trim()}` : 'an empty repository'} into ${shown}`,
      );
    },
  });
}

import type { StepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import { createCreateRepoStep } from './createRepo';
import { createDirectPushStep } from './directPush';
import { createGitCloneStep } from './gitClone';
import { GitStepsRuntime, type GitStepsOptions } from './shared';

export { createFileUrlResolver } from './fileUrls';
export type {
  FileUrlResolver,
  FileUrls,
  ResolveFileUrlsRequest,
} from './fileUrls';
export { readGitStepsConfig, DEFAULT_LOCAL_GIT_ROOT } from './config';
export type { GitStepsConfig } from './config';
export type { GitStepsOptions } from './shared';

/** The git steps of the IDP stage: `GitClone`, `CreateRepo` and `DirectPush`. */
export function createGitSteps(
  options: GitStepsOptions,
): StepHandler<unknown>[] {
  const runtime = new GitStepsRuntime(options);
  return [
    createGitCloneStep(runtime),
    createCreateRepoStep(runtime),
    createDirectPushStep(runtime),
  ];
}

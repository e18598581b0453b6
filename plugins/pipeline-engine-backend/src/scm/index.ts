export type {
  CreateRepositoryRequest,
  CreateRepositoryResult,
  GitAuth,
  ScmCredentials,
  ScmProvider,
  ScmProviderKind,
  ScmRepositoryRef,
  ScmRequestContext,
} from './types';
export { defaultScmProviderFactories } from './providers';
export type {
  LocalGitHostConfig,
  ScmProviderFactories,
  ScmProviderFactory,
} from './providers';
export { GithubProvider } from './github';
export type { GithubProviderOptions } from './github';
export { GitlabProvider } from './gitlab';
export type { GitlabProviderOptions } from './gitlab';
export { BitbucketCloudProvider } from './bitbucketCloud';
export type { BitbucketCloudProviderOptions } from './bitbucketCloud';
export { BitbucketServerProvider } from './bitbucketServer';
export type { BitbucketServerProviderOptions } from './bitbucketServer';
export { AzureProvider } from './azure';
export type { AzureProviderOptions } from './azure';
export { GenericGitProvider } from './genericGit';
export type { GenericGitProviderOptions } from './genericGit';
export { LocalGitProvider } from './local';
export type { LocalGitProviderOptions } from './local';
export { createLocalGitRouter } from './localGitHost/router';
export type { LocalGitRouterOptions } from './localGitHost/router';
export { runGit, withGitEnvironment, GitCommandError } from './git';
export type { GitEnv, RunGitOptions, RunGitResult } from './git';

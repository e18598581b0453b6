import { AzureProvider } from './azure';
import { BitbucketCloudProvider } from './bitbucketCloud';
import { BitbucketServerProvider } from './bitbucketServer';
import { GenericGitProvider } from './genericGit';
import { GithubProvider } from './github';
import { GitlabProvider } from './gitlab';
import { LocalGitProvider } from './local';
import type {
  ResolvedConnector,
  ScmProviderFactory,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import type { ScmProviderKind } from './types';

export type { ScmProviderFactory } from '@idp-pipelines/plugin-pipeline-engine-node';

/** Provider factories by kind; entries given to `createGitSteps` replace the defaults. */
export type ScmProviderFactories = Partial<
  Record<ScmProviderKind, ScmProviderFactory>
>;

/** Where the local git host keeps repositories and how it is reached. */
export interface LocalGitHostConfig {
  /** Directory of `<organization>/<repository>.git` bare repositories. */
  root: string;
  /** Public URL of the router's `/git` path, e.g. `http://localhost:7007/api/pipeline-engine/git`. */
  baseUrl: string;
}

function base(connector: ResolvedConnector): string {
  if (!connector.baseUrl)
    throw new Error(`connector "${connector.id}" has no URL`);
  return connector.baseUrl;
}

/** The built-in providers. */
export function defaultScmProviderFactories(
  localGit: LocalGitHostConfig,
): Record<ScmProviderKind, ScmProviderFactory> {
  return {
    github: c =>
      new GithubProvider({
        baseUrl: base(c),
        apiBaseUrl: c.apiBaseUrl ?? 'https://api.github.com',
      }),
    gitlab: c => new GitlabProvider({ baseUrl: base(c) }),
    bitbucketCloud: c =>
      new BitbucketCloudProvider({
        baseUrl: base(c),
        apiBaseUrl: c.apiBaseUrl,
      }),
    bitbucketServer: c =>
      new BitbucketServerProvider({
        baseUrl: base(c),
        apiBaseUrl: c.apiBaseUrl,
      }),
    azure: c => new AzureProvider({ baseUrl: base(c) }),
    git: c => new GenericGitProvider({ baseUrl: base(c) }),
    local: () => new LocalGitProvider(localGit),
  };
}

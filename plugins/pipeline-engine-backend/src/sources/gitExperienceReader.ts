import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { localRepoDir } from '../scm/localGitHost/paths';

/** A pipeline stored in git, as Harness's "Git Experience" names it. */
export interface GitPipelineSource {
  connectorRef: string;
  repoName: string;
  branch: string;
  filePath: string;
  /** For account connectors whose URL names no organization. */
  organization?: string;
}

/** URLs of a file in a repository, from the git steps' connector resolver. */
export type FileUrlResolver = (request: {
  connectorRef: string;
  organization?: string;
  repository?: string;
  branch: string;
  filePath: string;
}) => { repositoryUrl: string; blobUrl: string; rawUrl: string };

/**
 * Reads Git Experience pipeline files: through Backstage's integrations
 * (UrlReader on the file's blob URL) for hosted providers, and straight from
 * the bare repository for the built-in git host, which does not serve HTTP
 * yet while the backend starts.
 */
export function createGitExperienceReader(options: {
  resolveFileUrls: FileUrlResolver;
  localGit: { root: string; baseUrl: string };
  urlReader: UrlReaderService;
}): (source: GitPipelineSource) => Promise<{ text: string; location: string }> {
  return async source => {
    const urls = options.resolveFileUrls({
      connectorRef: source.connectorRef,
      organization: source.organization,
      repository: source.repoName,
      branch: source.branch,
      filePath: source.filePath,
    });
    const localPrefix = `${options.localGit.baseUrl}/`;
    if (urls.repositoryUrl.startsWith(localPrefix)) {
      const [organization, repository] = urls.repositoryUrl
        .slice(localPrefix.length)
        .split('/');
      const gitDir = localRepoDir(
        options.localGit.root,
        organization,
        repository,
      );
      const { stdout } = await promisify(execFile)(
        'git',
        [
          '--git-dir',
          gitDir,
          'show',
          `${source.branch}:${source.filePath.replace(/^\/+/, '')}`,
        ],
        { encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      );
      return { text: stdout, location: urls.blobUrl };
    }
    const response = await options.urlReader.readUrl(urls.blobUrl);
    return {
      text: (await response.buffer()).toString('utf8'),
      location: urls.blobUrl,
    };
  };
}

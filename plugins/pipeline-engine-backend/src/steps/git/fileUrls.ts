import { InputError } from '@backstage/errors';
import type { StepLogger } from '@idp-pipelines/plugin-pipeline-engine-node';
import {
  GitStepsRuntime,
  repositoryFromSpec,
  type GitStepsOptions,
} from './shared';

/** What {@link FileUrlResolver} needs; the fields of a RegisterCatalog-like spec. */
export interface ResolveFileUrlsRequest {
  connectorRef: string;
  organization?: string;
  repository?: string;
  /** Bitbucket Cloud workspace. */
  workspace?: string;
  /** Azure DevOps project, Bitbucket Server project key. */
  project?: string;
  branch: string;
  /** Path of the file from the repository root. */
  filePath: string;
}

/** URLs of one file of a repository. */
export interface FileUrls {
  repositoryUrl: string;
  /** Web page of the file (Harness's `catalogInfoUrl` shape). */
  blobUrl: string;
  /** The file's raw content (what the catalog's UrlReader can read). */
  rawUrl: string;
}

/** Builds file URLs for a connector's repository; throws an InputError for unknown connectors or missing fields. */
export type FileUrlResolver = (request: ResolveFileUrlsRequest) => FileUrls;

const quietLogger: StepLogger = {
  info() {},
  warn() {},
  error() {},
  write() {},
};

/**
 * A `resolveFileUrls` function for other steps (RegisterCatalog): no
 * credentials are needed, only the connector's provider and URL.
 */
export function createFileUrlResolver(
  options: GitStepsOptions,
): FileUrlResolver {
  const runtime = new GitStepsRuntime(options);
  return request => {
    const { connector, provider } = runtime.resolve(
      { logger: quietLogger },
      request.connectorRef,
    );
    const ref = repositoryFromSpec(connector, provider, request);
    const filePath = request.filePath.replace(/^\/+/, '');
    if (!filePath)
      throw new InputError('filePath must name a file of the repository');
    return {
      repositoryUrl: provider.repositoryUrl(ref),
      blobUrl: provider.blobUrl(ref, request.branch, filePath),
      rawUrl: provider.rawUrl(ref, request.branch, filePath),
    };
  };
}

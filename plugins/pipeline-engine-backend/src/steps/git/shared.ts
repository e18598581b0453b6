import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from '@backstage/errors';
import type { StepContext } from '@idp-pipelines/plugin-pipeline-engine-node';
import type { ConnectorResolver } from '../../connectors/ConnectorResolver';
import { NetworkPolicy } from '../../network';
import type { ResolvedConnector } from '../../connectors/types';
import {
  defaultScmProviderFactories,
  type LocalGitHostConfig,
  type ScmProviderFactories,
} from '../../scm/providers';
import type {
  GitAuth,
  ScmCredentials,
  ScmProvider,
  ScmRepositoryRef,
} from '../../scm/types';

/** Options of `createGitSteps` and `createFileUrlResolver`. */
export interface GitStepsOptions {
  connectors: ConnectorResolver;
  /** Replace built-in providers (tests, custom hosts). */
  providers?: ScmProviderFactories;
  /** The local git host (`Local` connectors). */
  localGit: LocalGitHostConfig;
  /** DirectPush commit author (`pipelineEngine.git.author`); by default the user who triggered the execution. */
  author?: { name?: string; email?: string };
  /** DirectPush commit message (`pipelineEngine.git.commitMessage`). */
  commitMessage?: string;
  /**
   * The network allow list GitClone remotes must pass (connectors' hosts
   * are in it by default); without it only the built-in git host is reachable.
   */
  network?: NetworkPolicy;
}

/** Connector, provider and the runtime pieces the git steps share. */
export class GitStepsRuntime {
  readonly #factories: Required<ScmProviderFactories>;
  /** The network allow list for remotes pipelines choose. */
  readonly network: NetworkPolicy;

  constructor(readonly options: GitStepsOptions) {
    this.#factories = {
      ...defaultScmProviderFactories(options.localGit),
      ...options.providers,
    } as Required<ScmProviderFactories>;
    this.network = options.network ?? new NetworkPolicy({ allow: [] });
  }

  /** The connector a step names and its provider; warns when `connectorType` disagrees. */
  resolve(
    ctx: Pick<StepContext<unknown>, 'logger'>,
    connectorRef: string | undefined,
    connectorType?: string,
  ): { connector: ResolvedConnector; provider: ScmProvider } {
    if (!connectorRef)
      throw new InputError(
        'spec.connectorRef is required: name a connector of pipelineEngine.connectors',
      );
    const connector = this.options.connectors.get(connectorRef);
    if (
      connectorType &&
      connectorType.toLowerCase() !== connector.type.toLowerCase()
    ) {
      ctx.logger.warn(
        `spec.connectorType is ${connectorType} but connector "${connector.id}" is of type ${connector.type}; using ${connector.type}`,
      );
    }
    return {
      connector,
      provider: this.#factories[connector.provider](connector),
    };
  }

  /** Credentials for the step, masked in its logs from now on. */
  async credentials(
    ctx: Pick<StepContext<unknown>, 'secrets' | 'signal'>,
    connector: ResolvedConnector,
    ref: Partial<ScmRepositoryRef>,
  ): Promise<ScmCredentials> {
    return this.options.connectors.credentials(connector, {
      secrets: ctx.secrets,
      repository: ref,
      signal: ctx.signal,
    });
  }
}

/**
 * The repository a CreateRepo/DirectPush spec names: its fields, else the
 * connector URL's. Bitbucket Cloud's `workspace` and Bitbucket Server's
 * `project` (key) take the place of `organization`.
 */
export function repositoryFromSpec(
  connector: ResolvedConnector,
  provider: ScmProvider,
  spec: {
    organization?: string;
    repository?: string;
    workspace?: string;
    project?: string;
  },
  options: { organizationOptional?: boolean } = {},
): ScmRepositoryRef {
  const fromUrl = provider.refFromPath(
    connector.path,
    connector.urlType === 'Repo' ? 'repo' : 'account',
  );
  let organization: string | undefined;
  let project = spec.project ?? fromUrl.project;
  if (connector.provider === 'bitbucketCloud') {
    organization = spec.workspace ?? spec.organization ?? fromUrl.organization;
  } else if (connector.provider === 'bitbucketServer') {
    organization = spec.project ?? spec.organization ?? fromUrl.organization;
    project = undefined;
  } else {
    organization = spec.organization ?? fromUrl.organization;
  }
  const repository = spec.repository ?? fromUrl.repository;
  if (!repository) {
    throw new InputError(
      `spec.repository is required (connector "${connector.id}" does not name a repository)`,
    );
  }
  if (!organization && !options.organizationOptional) {
    throw new InputError(
      `spec.organization is required (connector "${connector.id}" does not name an organization)`,
    );
  }
  return {
    organization: organization ?? '',
    repository,
    ...(project ? { project } : {}),
  };
}

/** The remote git talks to; SSH connectors configured with an SSH URL keep its user, host and port. */
export function gitRemoteFor(
  connector: ResolvedConnector,
  provider: ScmProvider,
  ref: ScmRepositoryRef,
  credentials: ScmCredentials,
): string {
  if (
    credentials.type !== 'ssh' ||
    !connector.sshUrl ||
    connector.provider === 'azure'
  ) {
    return provider.gitRemote(ref, credentials);
  }
  const basePath = new URL(connector.baseUrl ?? 'https://x').pathname.replace(
    /\/+$/,
    '',
  );
  const rest = new URL(provider.cloneUrl(ref)).pathname
    .slice(basePath.length)
    .replace(/^\/+/, '');
  const scp = /^([^@/\s]+@[^:/\s]+):(.*)$/.exec(connector.sshUrl);
  const ssh = scp ? undefined : new URL(connector.sshUrl);
  // A plain git server's account URL is a path prefix, which the SSH URL carries too.
  const prefixed =
    connector.provider === 'git' && connector.urlType === 'Account';
  const sshPath = scp ? scp[2] : ssh!.pathname;
  const prefix = prefixed ? sshPath.replace(/^\/+|\/+$/g, '') : '';
  const path = [prefix, rest].filter(Boolean).join('/');
  if (scp) return `${scp[1]}:${path}`;
  return `ssh://${ssh!.username ? `${ssh!.username}@` : ''}${ssh!.host}/${path}`;
}

/** Masks every derived form of the git credentials (the header value and its base64 part). */
export function maskGitAuth(
  ctx: Pick<StepContext<unknown>, 'secrets'>,
  auth: GitAuth,
): void {
  if (auth.authorization) {
    ctx.secrets.mask(auth.authorization);
    const [, encoded] = auth.authorization.split(' ', 2);
    if (encoded) ctx.secrets.mask(encoded);
  }
  if (auth.ssh) ctx.secrets.mask(auth.ssh.privateKey);
}

/**
 * `path` resolved against the workspace, refusing anything outside it —
 * `..`, absolute paths elsewhere, and symlinks pointing out.
 */
export async function resolveInWorkspace(
  workspace: string,
  path: string,
  field: string,
): Promise<string> {
  const root = resolve(workspace);
  const target = resolve(root, path);
  const rel = relative(root, target);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new InputError(
      `spec.${field} "${path}" is outside the stage workspace`,
    );
  }
  // Follow symlinks of the deepest existing ancestor: a link must not lead out either.
  const realRoot = await realpath(root);
  let probe = target;
  for (;;) {
    const exists = await stat(probe).then(
      () => true,
      () => false,
    );
    if (exists || probe === root) break;
    probe = dirname(probe);
  }
  const realProbe = await realpath(probe);
  const realRel = relative(realRoot, realProbe);
  if (
    realRel === '..' ||
    realRel.startsWith(`..${sep}`) ||
    isAbsolute(realRel)
  ) {
    throw new InputError(
      `spec.${field} "${path}" leads outside the stage workspace through a symbolic link`,
    );
  }
  return target;
}

import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@backstage/errors';
import { baseGitEnv } from '../../scm/git';
import {
  isBareRepo,
  isValidLocalName,
  localRepoDir,
} from '../../scm/localGitHost/paths';
import { readVisibility } from '../../scm/localGitHost/visibility';
import { resolveInside } from '@idp-pipelines/plugin-pipeline-engine-cookiecutter';
import { parseTemplateUrl, redactUrl } from './templateUrl';

/* Where the template comes from: a shallow clone of a public repository, or a workspace directory. */

/** A template directory ready to render, and how to clean it up. */
export interface TemplateSource {
  templateDir: string;
  /** For logs: the URL (redacted) or workspace path. */
  description: string;
  cleanup(): Promise<void>;
}

function git(
  args: string[],
  signal: AbortSignal | undefined,
  url: string,
  configArgs: readonly string[],
): Promise<void> {
  return new Promise((resolve, reject) => {
    // Never prompt, and never hand the host's stored credentials to a template URL.
    const child = spawn(
      'git',
      ['-c', 'credential.helper=', ...configArgs, ...args],
      {
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          GCM_INTERACTIVE: 'never',
          GIT_SSH_COMMAND:
            process.env.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    const onAbort = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort);
      reject(
        e.code === 'ENOENT'
          ? new InputError(
              'the git program was not found; it is needed to clone public templates',
            )
          : e,
      );
    });
    child.on('close', code => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted)
        reject(
          signal.reason instanceof Error ? signal.reason : new Error('aborted'),
        );
      else if (code === 0) resolve();
      else
        reject(
          new InputError(
            `cloning the template ${redactUrl(url)} failed: ${stderr.split(url).join(redactUrl(url)).trim()}`,
          ),
        );
    });
  });
}

/** The built-in git host, whose public repositories are read from disk instead of over HTTP. */
export interface LocalGitHostAccess {
  /** Directory of its bare repositories. */
  root: string;
  /** Its external URL, `<backend>/api/pipeline-engine/git`. */
  baseUrl: string;
}

/**
 * The bare repository of a public repository of the built-in git host that
 * `cloneUrl` names; undefined for any other URL (and for private
 * repositories, which an anonymous clone could not read either).
 */
async function localPublicRepository(
  cloneUrl: string,
  localGit: LocalGitHostAccess | undefined,
): Promise<string | undefined> {
  if (
    !localGit ||
    !cloneUrl.startsWith(`${localGit.baseUrl.replace(/\/+$/, '')}/`)
  )
    return undefined;
  const match = /^([^/?#]+)\/([^/?#]+?)(\.git)?\/?$/.exec(
    cloneUrl.slice(localGit.baseUrl.replace(/\/+$/, '').length + 1),
  );
  if (!match || !isValidLocalName(match[1]) || !isValidLocalName(match[2]))
    return undefined;
  const dir = localRepoDir(localGit.root, match[1], match[2]);
  if (!(await isBareRepo(dir)) || (await readVisibility(dir)) !== 'public')
    return undefined;
  return dir;
}

/** Writes the tree of `ref` (default HEAD) of a bare repository into `target`: `git archive | tar -x`, two processes. */
function extractTree(
  bare: string,
  ref: string | undefined,
  target: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const archive = spawn(
      'git',
      ['--git-dir', bare, 'archive', '--format=tar', ref ?? 'HEAD'],
      {
        env: baseGitEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
        ...(signal ? { signal } : {}),
      },
    );
    const untar = spawn('tar', ['-x', '-C', target], {
      stdio: ['pipe', 'ignore', 'pipe'],
      ...(signal ? { signal } : {}),
    });
    archive.stdout.pipe(untar.stdin);
    let stderr = '';
    const keep = (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    };
    for (const child of [archive, untar]) {
      child.stderr?.on('data', keep);
      child.on('error', reject);
    }
    let archiveCode: number | null = null;
    archive.on('close', code => {
      archiveCode = code;
    });
    untar.on('close', code => {
      if (archiveCode === 0 && code === 0) resolve();
      else
        reject(
          new InputError(
            `reading the template ${ref ? `at ${ref} ` : ''}from the built-in git host failed: ${stderr.trim() || `exit ${archiveCode ?? code}`}`,
          ),
        );
    });
  });
}

/**
 * Shallow-clones publicTemplateUrl (honouring a subdirectory and ref in it).
 * `guard` checks the repository URL against the network policy first and
 * returns the git `-c` arguments that pin what it checked. A public
 * repository of the built-in git host (`localGit`) is read from its bare
 * repository directly: the same files without HTTP, git http-backend and a
 * clone.
 */
export async function clonePublicTemplate(
  publicTemplateUrl: string,
  guard: (cloneUrl: string) => Promise<{ configArgs: string[] }>,
  signal?: AbortSignal,
  localGit?: LocalGitHostAccess,
): Promise<TemplateSource> {
  const loc = parseTemplateUrl(publicTemplateUrl);
  const { configArgs } = await guard(loc.cloneUrl);
  const dir = await mkdtemp(join(tmpdir(), 'cookiecutter-template-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const repo = join(dir, 'repo');
    const local = await localPublicRepository(loc.cloneUrl, localGit);
    if (local) {
      await mkdir(repo);
      await extractTree(local, loc.ref, repo, signal);
    } else {
      await git(
        [
          'clone',
          '--depth',
          '1',
          '--quiet',
          ...(loc.ref ? ['--branch', loc.ref] : []),
          '--',
          loc.cloneUrl,
          repo,
        ],
        signal,
        loc.cloneUrl,
        configArgs,
      );
    }
    const templateDir = loc.subdir
      ? await resolveInside(
          repo,
          loc.subdir,
          'the template subdirectory',
          'the repository',
        )
      : repo;
    if (!(await stat(templateDir).catch(() => undefined))?.isDirectory()) {
      throw new InputError(
        `the template repository ${redactUrl(loc.cloneUrl)} has no directory "${loc.subdir}"`,
      );
    }
    const where = `${redactUrl(loc.cloneUrl)}${loc.ref ? ` at ${loc.ref}` : ''}${loc.subdir ? `, directory ${loc.subdir}` : ''}`;
    return { templateDir, description: where, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** pathForTemplate: a directory of the stage workspace (typically a GitClone step's clone). */
export async function workspaceTemplate(
  workspace: string,
  pathForTemplate: string,
): Promise<TemplateSource> {
  const templateDir = await resolveInside(
    workspace,
    pathForTemplate,
    'spec.pathForTemplate',
  );
  if (!(await stat(templateDir).catch(() => undefined))?.isDirectory()) {
    throw new InputError(
      `spec.pathForTemplate "${pathForTemplate}" is not a directory of the stage workspace (clone the template with a GitClone step first)`,
    );
  }
  return {
    templateDir,
    description: `workspace directory ${pathForTemplate}`,
    cleanup: async () => undefined,
  };
}

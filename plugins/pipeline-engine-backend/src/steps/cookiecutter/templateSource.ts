import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@backstage/errors';
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

/**
 * Shallow-clones publicTemplateUrl (honouring a subdirectory and ref in it).
 * `guard` checks the repository URL against the network policy first and
 * returns the git `-c` arguments that pin what it checked.
 */
export async function clonePublicTemplate(
  publicTemplateUrl: string,
  guard: (cloneUrl: string) => Promise<{ configArgs: string[] }>,
  signal?: AbortSignal,
): Promise<TemplateSource> {
  const loc = parseTemplateUrl(publicTemplateUrl);
  const { configArgs } = await guard(loc.cloneUrl);
  const dir = await mkdtemp(join(tmpdir(), 'cookiecutter-template-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const repo = join(dir, 'repo');
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

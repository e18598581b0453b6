import { spawn } from 'node:child_process';
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  realpath,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '@backstage/errors';
import { CookiecutterTemplateError, PathEscapeError } from '../errors';
import { installProject, listFiles } from '../install';
import { isInside, scanSymlinks } from '../paths';
import type {
  CookiecutterEngine,
  CookiecutterRenderOptions,
  CookiecutterRenderResult,
} from '../types';

/*
 * Runs the real cookiecutter (`cookiecutter --no-input -o OUT TEMPLATE
 * key=value...`), which also runs the template's hooks. It renders into a
 * private staging directory with a private config and HOME (no user config,
 * replay files kept out of the backend's home) and a minimal environment, so
 * hooks do not see the backend's secrets; the result is then installed like
 * the builtin's.
 */

/** Options of {@link createCliEngine}. @public */
export interface CliEngineOptions {
  /** The cookiecutter program; default `cookiecutter` (looked up on PATH). */
  command?: string;
  /**
   * Checks rendered file names before cookiecutter writes anything (and
   * reports variable warnings); `createCookiecutterEngine` passes the
   * builtin engine. Without it, only variables that look like paths out
   * are refused.
   */
  planner?: Pick<CookiecutterEngine, 'plan'>;
}

const TAIL_LINES = 20;

function missingProgram(command: string): Error {
  return new InputError(
    `the cookiecutter program "${command}" was not found. Install it (pip install cookiecutter, or apt-get install cookiecutter), ` +
      'set pipelineEngine.cookiecutter.command to its path, or set pipelineEngine.cookiecutter.engine: builtin to render without it',
  );
}

function refusePathLikeVariables(o: CookiecutterRenderOptions): void {
  for (const [name, value] of Object.entries(o.variables)) {
    if (value.startsWith('/') || value.split(/[\\/]/).includes('..')) {
      throw new PathEscapeError(
        `cookieCutterVariables.${name} = "${value}" looks like a path out of the output directory; refused because the template's file names could not be checked`,
        value,
      );
    }
  }
}

/**
 * Rendered paths must stay in the output directory, but cookiecutter would
 * write wherever a name renders to. Check names first with the planner;
 * when it cannot render them, at least refuse variables that look like paths
 * out (the template itself is trusted: its hooks run anyway).
 */
async function checkRenderedPaths(
  o: CookiecutterRenderOptions,
  planner: CliEngineOptions['planner'],
): Promise<string | undefined> {
  if (!planner?.plan) {
    refusePathLikeVariables(o);
    return undefined;
  }
  try {
    return (await planner.plan(o)).projectDirName;
  } catch (e) {
    if (e instanceof PathEscapeError) throw e;
    if (!(e instanceof CookiecutterTemplateError && e.unsupported))
      return undefined; // cookiecutter reports it better
    refusePathLikeVariables(o);
    return undefined;
  }
}

/** Environment variables cookiecutter and its hooks get; not the backend's own (its secrets). */
const PASSED_ENV = [
  'PATH',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TZ',
  'TMPDIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
];

function childEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { HOME: home, GIT_TERMINAL_PROMPT: '0' };
  for (const name of PASSED_ENV)
    if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

function run(
  command: string,
  args: string[],
  o: CookiecutterRenderOptions,
  home: string,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: home,
      env: childEnv(home),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      o.output?.(stream, text);
      tail.push(...text.split('\n').filter(Boolean));
      tail.splice(0, Math.max(0, tail.length - TAIL_LINES));
    };
    child.stdout.on('data', collect('stdout'));
    child.stderr.on('data', collect('stderr'));
    const onAbort = () => child.kill('SIGTERM');
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e: NodeJS.ErrnoException) => {
      o.signal?.removeEventListener('abort', onAbort);
      reject(e.code === 'ENOENT' ? missingProgram(command) : e);
    });
    child.on('close', (code, signal) => {
      o.signal?.removeEventListener('abort', onAbort);
      if (o.signal?.aborted)
        reject(
          o.signal.reason instanceof Error
            ? o.signal.reason
            : new Error('aborted'),
        );
      else if (code === 0) resolve(tail);
      else
        reject(
          new CookiecutterTemplateError(
            `cookiecutter failed (${signal ? `signal ${signal}` : `exit code ${code}`}):\n${tail.join('\n')}`,
          ),
        );
    });
  });
}

/** Refuses symlinks in cookiecutter's output (hooks may create them) that lead outside it. */
async function checkOutputLinks(dir: string): Promise<void> {
  const root = await realpath(dir);
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const abs = join(d, e.name);
      if (e.isSymbolicLink()) {
        const target = await realpath(abs).catch(() => undefined);
        if (target && !isInside(root, target))
          throw new PathEscapeError(
            `cookiecutter created "${abs}", a symbolic link leading outside the project (${target})`,
            abs,
          );
      } else if (e.isDirectory()) {
        await walk(abs);
      }
    }
  };
  await walk(dir);
}

/** The engine that runs the real cookiecutter program. @public */
export function createCliEngine(
  options: CliEngineOptions = {},
): CookiecutterEngine {
  const command = options.command ?? 'cookiecutter';
  return {
    name: 'cli',
    async render(
      o: CookiecutterRenderOptions,
    ): Promise<CookiecutterRenderResult> {
      const badName = Object.keys(o.variables).find(k => k.includes('='));
      if (badName !== undefined)
        throw new InputError(
          `cookieCutterVariables name "${badName}" contains "=", which cookiecutter's key=value arguments cannot carry`,
        );
      await scanSymlinks(o.templateDir);
      const plannedRel = await checkRenderedPaths(o, options.planner);
      await mkdir(o.outputDir, { recursive: true });
      const staging = await mkdtemp(join(o.outputDir, '.cookiecutter-'));
      const home = await mkdtemp(join(tmpdir(), 'cookiecutter-cli-'));
      try {
        const config = join(home, 'config.yaml');
        await writeFile(
          config,
          `cookiecutters_dir: ${JSON.stringify(join(home, 'cookiecutters'))}\nreplay_dir: ${JSON.stringify(join(home, 'replay'))}\n`,
        );
        const args = [
          '--no-input',
          '--config-file',
          config,
          '-o',
          staging,
          ...(o.overwriteIfExists ? ['-f'] : []),
          ...(o.verbose ? ['-v'] : []),
          '--',
          o.templateDir,
          ...Object.entries(o.variables).map(([k, v]) => `${k}=${v}`),
        ];
        await run(command, args, o, home);
        const top = await readdir(staging);
        if (top.length !== 1)
          throw new CookiecutterTemplateError(
            `cookiecutter produced ${top.length} entries in its output directory (${top.join(', ')}), expected the project directory`,
          );
        const projectRel =
          plannedRel && plannedRel.split('/')[0] === top[0]
            ? plannedRel
            : top[0];
        if (!(await lstat(join(staging, projectRel))).isDirectory())
          throw new CookiecutterTemplateError(
            `cookiecutter produced "${projectRel}", which is not a directory`,
          );
        await checkOutputLinks(join(staging, top[0]));
        const files = await listFiles(join(staging, projectRel));
        const outcome = await installProject(
          join(staging, top[0]),
          join(o.outputDir, top[0]),
          o.overwriteIfExists,
          o.outputDir,
        );
        return { projectDir: join(o.outputDir, projectRel), files, outcome };
      } finally {
        await rm(staging, { recursive: true, force: true });
        await rm(home, { recursive: true, force: true });
      }
    },
  };
}

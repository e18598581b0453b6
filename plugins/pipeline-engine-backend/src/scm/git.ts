/*
 * The git CLI is the engine's one git mechanism (clone, commit, push, and the
 * local host's `git http-backend`). It speaks every transport and server
 * quirk (smart HTTP incl. protocol v2, SSH, shallow clones, http-backend),
 * which no JavaScript git implementation does; the price is an installed
 * `git` (2.30 or later, for GIT_CONFIG_COUNT and GIT_CONFIG_GLOBAL).
 *
 * Credentials reach git only through its environment: an
 * `http.<url>.extraHeader` set via GIT_CONFIG_COUNT/KEY/VALUE, or an SSH key
 * file named in GIT_SSH_COMMAND. Never argv (visible in `ps`, logged) and
 * never a remote URL (stored in `.git/config`, printed in errors).
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthenticationError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { StepLogger } from '@idp-pipelines/plugin-pipeline-engine-node';
import type { GitAuth } from './types';

/** Environment for one git invocation. */
export type GitEnv = Record<string, string>;

/** Options of {@link runGit}. */
export interface RunGitOptions {
  cwd?: string;
  /** From {@link withGitEnvironment}; defaults to an environment without credentials. */
  env?: GitEnv;
  /** Extra variables, e.g. GIT_AUTHOR_NAME. */
  extraEnv?: Record<string, string>;
  /** Receives git's stderr (progress, warnings). */
  logger?: StepLogger;
  signal?: AbortSignal;
  /** Written to git's stdin. */
  input?: string;
  /** Resolve with the exit code instead of rejecting when git fails. */
  allowFailure?: boolean;
}

/** What {@link runGit} resolves with. */
export interface RunGitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Thrown when git exits non-zero; `stderr` is git's own message. */
export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number,
    readonly stderr: string,
  ) {
    super(`git ${args[0]} failed (exit ${code}): ${summarizeStderr(stderr)}`);
    this.name = 'GitCommandError';
  }
}

const USERINFO_IN_HTTP_URL = /^[a-z][a-z0-9+.-]*:\/\/[^/\s]*@/i;

/**
 * Runs git. Refuses arguments that carry credentials in a URL, so a
 * mistake elsewhere cannot leak a token into `ps`, logs or `.git/config`.
 */
export function runGit(
  args: string[],
  options: RunGitOptions = {},
): Promise<RunGitResult> {
  for (const arg of args) {
    if (/^https?:/i.test(arg) && USERINFO_IN_HTTP_URL.test(arg)) {
      return Promise.reject(
        new Error('refusing to run git with credentials in a URL argument'),
      );
    }
  }
  const env = { ...(options.env ?? baseGitEnv()), ...options.extraEnv };
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      err.push(chunk);
      options.logger?.write('stderr', chunk.toString('utf8'));
    });
    child.on('error', error => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(
          new Error(
            'git is not installed or not on PATH; the pipeline engine needs the git CLI',
          ),
        );
      } else {
        reject(
          options.signal?.aborted && options.signal.reason instanceof Error
            ? options.signal.reason
            : error,
        );
      }
    });
    child.on('close', code => {
      const result = {
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (result.code !== 0 && !options.allowFailure) {
        reject(new GitCommandError(args, result.code, result.stderr));
      } else {
        resolve(result);
      }
    });
    child.stdin.on('error', () => {
      // git may exit before reading stdin; its exit code tells what happened.
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The process environment without any GIT_* variable (GIT_DIR from a hook,
 * GIT_TRACE_CURL that would print headers...) and without the user's global
 * and system git config (credential helpers there could store or supply
 * credentials), plus non-interactive settings.
 */
export function baseGitEnv(): GitEnv {
  const env: GitEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('GIT_')) env[key] = value;
  }
  return withConfig(
    {
      ...env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: devNull,
    },
    [
      ['credential.helper', ''],
      ['init.defaultBranch', 'main'],
      ['advice.detachedHead', 'false'],
      ['core.askPass', ''],
    ],
  );
}

/** `env` with git config entries appended through GIT_CONFIG_COUNT/KEY/VALUE. */
export function withConfig(
  env: GitEnv,
  entries: Array<[string, string]>,
): GitEnv {
  const start = Number(env.GIT_CONFIG_COUNT ?? 0);
  const next: GitEnv = {
    ...env,
    GIT_CONFIG_COUNT: String(start + entries.length),
  };
  entries.forEach(([key, value], i) => {
    next[`GIT_CONFIG_KEY_${start + i}`] = key;
    next[`GIT_CONFIG_VALUE_${start + i}`] = value;
  });
  return next;
}

/**
 * Runs `fn` with an environment that authenticates git as `auth` says;
 * removes the temporary SSH key afterwards. `secrets` lists every derived
 * credential form (the header value) so callers can mask it.
 */
export async function withGitEnvironment<T>(
  auth: GitAuth | undefined,
  fn: (env: GitEnv) => Promise<T>,
): Promise<T> {
  let env = baseGitEnv();
  let sshDir: string | undefined;
  try {
    if (auth?.authorization) {
      const key = auth.scope
        ? `http.${auth.scope}.extraHeader`
        : 'http.extraHeader';
      env = withConfig(env, [[key, `Authorization: ${auth.authorization}`]]);
    }
    if (auth?.ssh) {
      sshDir = await mkdtemp(join(tmpdir(), 'pipeline-engine-ssh-'));
      await chmod(sshDir, 0o700);
      const keyFile = join(sshDir, 'id');
      const knownHosts = join(sshDir, 'known_hosts');
      const key = auth.ssh.privateKey.endsWith('\n')
        ? auth.ssh.privateKey
        : `${auth.ssh.privateKey}\n`;
      await writeFile(keyFile, key, { mode: 0o600 });
      await writeFile(knownHosts, auth.ssh.knownHosts ?? '', { mode: 0o600 });
      // Without configured known hosts the first key seen is accepted (the
      // workspace is fresh every time, so this is trust-on-first-use).
      const strict = auth.ssh.knownHosts ? 'yes' : 'accept-new';
      env.GIT_SSH_COMMAND = [
        'ssh',
        `-i ${shellQuote(keyFile)}`,
        '-o IdentitiesOnly=yes',
        '-o BatchMode=yes',
        `-o StrictHostKeyChecking=${strict}`,
        `-o UserKnownHostsFile=${shellQuote(knownHosts)}`,
      ].join(' ');
    }
    return await fn(env);
  } finally {
    if (sshDir) await rm(sshDir, { recursive: true, force: true });
  }
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function summarizeStderr(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map(l => l.trim())
    .filter(
      l =>
        l &&
        !/^(hint|remote: (Counting|Compressing|Total|Enumerating))/i.test(l),
    );
  return lines.slice(-4).join(' | ') || 'no error output';
}

/**
 * Turns a failed git command into an error the engine classifies
 * (Authentication, Authorization, not found, network) with `what` saying
 * which operation on which URL failed.
 */
export function describeGitFailure(error: unknown, what: string): Error {
  if (!(error instanceof GitCommandError))
    return error instanceof Error ? error : new Error(String(error));
  const detail = summarizeStderr(error.stderr);
  const text = error.stderr;
  if (
    /Authentication failed|could not read Username|could not read Password|terminal prompts disabled|returned error: 401|HTTP Basic: Access denied|Invalid username or password|Permission denied \(publickey/i.test(
      text,
    )
  ) {
    return new AuthenticationError(
      `${what}: the git server rejected the connector's credentials (${detail})`,
    );
  }
  if (
    /returned error: 403|Write access to repository not granted|Permission to .* denied|access denied/i.test(
      text,
    )
  ) {
    return new NotAllowedError(
      `${what}: the connector's credentials are not allowed to do this (${detail})`,
    );
  }
  if (
    /Repository not found|does not appear to be a git repository|returned error: 404|not found/i.test(
      text,
    )
  ) {
    return new NotFoundError(`${what}: ${detail}`);
  }
  let network: string | undefined;
  if (/Could not resolve host/i.test(text)) network = 'ENOTFOUND';
  else if (/Connection refused|Failed to connect|Couldn't connect/i.test(text))
    network = 'ECONNREFUSED';
  else if (/timed out/i.test(text)) network = 'ETIMEDOUT';
  return Object.assign(
    new Error(`${what}: ${detail}`),
    network ? { code: network } : {},
  );
}

import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import express from 'express';
import { baseGitEnv } from '../git';
import { createLocalGitRouter } from '../localGitHost/router';

/** Runs git synchronously with an isolated config; returns trimmed stdout. */
export function git(args: string[], cwd?: string): string {
  const env = {
    ...baseGitEnv(),
    GIT_AUTHOR_NAME: 'Fixture',
    GIT_AUTHOR_EMAIL: 'fixture@example.com',
    GIT_COMMITTER_NAME: 'Fixture',
    GIT_COMMITTER_EMAIL: 'fixture@example.com',
  };
  return execFileSync('git', args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'scm-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `files` (path → content) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

/** Every file under `dir` except `.git`, as path → content. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else out[relative(dir, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** One commit of {@link createBareRepo}: the full tree of the branch after it. */
export interface FixtureCommit {
  files: Record<string, string>;
  message?: string;
  tag?: string;
}

/**
 * A bare repository `<root>/<org>/<repo>.git` whose branches get the given
 * commits in order (each commit replaces the whole tree).
 */
export function createBareRepo(
  root: string,
  org: string,
  repo: string,
  branches: Record<string, FixtureCommit[]>,
  defaultBranch = Object.keys(branches)[0] ?? 'main',
  visibility: 'public' | 'private' = 'public',
): string {
  const bare = join(root, org, `${repo}.git`);
  mkdirSync(dirname(bare), { recursive: true });
  git(['init', '--quiet', '--bare', `--initial-branch=${defaultBranch}`, bare]);
  git(['--git-dir', bare, 'config', 'pipelineEngine.visibility', visibility]);
  for (const [branch, commits] of Object.entries(branches)) {
    const work = tempDir('fixture-work-');
    git(['init', '--quiet', `--initial-branch=${branch}`], work);
    commits.forEach((commit, i) => {
      git(['rm', '-r', '--quiet', '--ignore-unmatch', '.'], work);
      writeFiles(work, commit.files);
      git(['add', '--all'], work);
      git(
        [
          'commit',
          '--quiet',
          '--allow-empty',
          '-m',
          commit.message ?? `${branch} commit ${i + 1}`,
        ],
        work,
      );
      if (commit.tag) git(['tag', commit.tag], work);
    });
    git(
      ['push', '--quiet', '--tags', bare, `${branch}:refs/heads/${branch}`],
      work,
    );
  }
  return bare;
}

/** An HTTP server with the local git router mounted at `/api/pipeline-engine`. */
export interface LocalGitServer {
  /** `http://127.0.0.1:<port>/api/pipeline-engine/git` */
  gitBaseUrl: string;
  /** Authorization headers of every request, in order. */
  authorizations: Array<string | undefined>;
  close(): Promise<void>;
}

/** Starts the local git host on an ephemeral port. */
export async function startLocalGitServer(
  root: string,
): Promise<LocalGitServer> {
  const app = express();
  const authorizations: Array<string | undefined> = [];
  app.use((req, _res, next) => {
    authorizations.push(req.headers.authorization);
    next();
  });
  app.use(
    '/api/pipeline-engine',
    createLocalGitRouter({
      root,
      logger: mockServices.logger.mock(),
      // Requests without a token are anonymous, as in production.
      httpAuth: mockServices.httpAuth({
        pluginId: 'pipeline-engine',
        defaultCredentials: mockCredentials.none(),
      }),
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>(resolve => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    gitBaseUrl: `http://127.0.0.1:${port}/api/pipeline-engine/git`,
    authorizations,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

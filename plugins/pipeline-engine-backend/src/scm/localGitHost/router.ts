import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type {
  HttpAuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import express, { type Request, type Response } from 'express';
import { baseGitEnv, runGit, withConfig } from '../git';
import { isBareRepo, isValidLocalName, localRepoDir } from './paths';
import { readVisibility } from './visibility';

/** Options of {@link createLocalGitRouter}. */
export interface LocalGitRouterOptions {
  /** Directory holding `<organization>/<repository>.git` bare repositories. */
  root: string;
  logger: LoggerService;
  /**
   * Reads the caller's Backstage token: private repositories (`repoType:
   * private`, or no recorded visibility) need a user or service token.
   */
  httpAuth: HttpAuthService;
}

const PUSH_REFUSED =
  'pushes are not accepted over HTTP: the local git host is written only by pipeline steps\n';

/**
 * Serves the local git host read-only under `/git`:
 *
 * - `/git/<org>/<repo>.git/...`: git's smart HTTP protocol (clone, fetch)
 *   through `git http-backend`; pushes get 403.
 * - `/git/<org>/<repo>/raw/<ref>/<path>` and `/blob/<ref>/<path>`: a file's
 *   content as text (`<ref>` is a branch, tag or commit; branch names may
 *   contain slashes).
 * - `/git/<org>/<repo>/tree/<ref>/<folder>`: a folder's files (plain text).
 * - `/git/<org>/<repo>`: a plain-text summary (branches, tags, files).
 *
 * Public repositories are readable by anyone; private ones only with a
 * Backstage user or service token (`Authorization: Bearer ...`), else 401.
 */
export function createLocalGitRouter(
  options: LocalGitRouterOptions,
): express.Router {
  const root = resolve(options.root);
  const router = express.Router();
  router.use('/git', (req, res, next) => {
    handle(root, options, req, res).catch(next);
  });
  return router;
}

async function handle(
  root: string,
  options: LocalGitRouterOptions,
  req: Request,
  res: Response,
): Promise<void> {
  const logger = options.logger;
  let segments: string[];
  try {
    segments = req.path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    notFound(res);
    return;
  }
  // Decoded segments must stay segments: no `..`, `.`, embedded `/` or NUL anywhere.
  if (segments.some(s => s === '.' || s === '..' || /[/\\\0]/.test(s))) {
    notFound(res);
    return;
  }
  const [org, repoSegment, ...rest] = segments;
  if (!org || !repoSegment || !isValidLocalName(org)) {
    notFound(res);
    return;
  }
  const smart = repoSegment.endsWith('.git');
  const repo = smart ? repoSegment.slice(0, -4) : repoSegment;
  if (!isValidLocalName(repo)) {
    notFound(res);
    return;
  }
  const dir = localRepoDir(root, org, repo);

  const service =
    typeof req.query.service === 'string' ? req.query.service : undefined;
  if (
    smart &&
    (rest.join('/') === 'git-receive-pack' || service === 'git-receive-pack')
  ) {
    res.status(403).type('text/plain').send(PUSH_REFUSED);
    return;
  }
  if (!(await isBareRepo(dir))) {
    notFound(res);
    return;
  }
  if (
    (await readVisibility(dir)) === 'private' &&
    !(await hasBackstageToken(options.httpAuth, req))
  ) {
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="Backstage"')
      .type('text/plain')
      .send(
        `${org}/${repo} is a private repository: send a Backstage user or service token ` +
          '(Authorization: Bearer <token>; with git: git -c http.extraHeader="Authorization: Bearer <token>" clone ...)\n',
      );
    return;
  }
  if (smart && rest.length) {
    if (
      req.method === 'POST'
        ? rest.join('/') !== 'git-upload-pack'
        : !['GET', 'HEAD'].includes(req.method)
    ) {
      res.status(405).type('text/plain').send('method not allowed\n');
      return;
    }
    serveCgi(root, logger, `/${org}/${repo}.git/${rest.join('/')}`, req, res);
    return;
  }
  if (!['GET', 'HEAD'].includes(req.method)) {
    res.status(405).type('text/plain').send('method not allowed\n');
    return;
  }
  if (!smart && (rest[0] === 'raw' || rest[0] === 'blob') && rest.length >= 3) {
    await serveFile(dir, rest.slice(1), res);
    return;
  }
  if (!smart && rest[0] === 'tree' && rest.length >= 2) {
    await serveTree(dir, `${org}/${repo}`, rest.slice(1), res);
    return;
  }
  if (!rest.length) {
    await serveSummary(dir, `${org}/${repo}`, res);
    return;
  }
  notFound(res);
}

/** True when the request carries a valid user or service token; false when it carries none or an invalid one. */
async function hasBackstageToken(
  httpAuth: HttpAuthService,
  req: Request,
): Promise<boolean> {
  try {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    return true;
  } catch {
    return false;
  }
}

function notFound(res: Response): void {
  res.status(404).type('text/plain').send('not found\n');
}

/** Runs `git http-backend` as a CGI program, streaming the request body in and the response out. */
function serveCgi(
  root: string,
  logger: LoggerService,
  pathInfo: string,
  req: Request,
  res: Response,
): void {
  const query = req.originalUrl.includes('?')
    ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1)
    : '';
  const env = withConfig(baseGitEnv(), [
    ['http.receivepack', 'false'],
    ['http.uploadpack', 'true'],
  ]);
  Object.assign(env, {
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: pathInfo,
    QUERY_STRING: query,
    REQUEST_METHOD: req.method,
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '',
  });
  // A chunked body has no length; http-backend then reads until EOF.
  if (req.headers['content-length'] && !req.headers['transfer-encoding'])
    env.CONTENT_LENGTH = req.headers['content-length'];
  if (req.headers['content-encoding'])
    env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
  const protocol = req.headers['git-protocol'];
  if (typeof protocol === 'string') env.GIT_PROTOCOL = protocol;

  const child = spawn('git', ['http-backend'], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  child.on('error', error => {
    logger.error(
      `local git host: git http-backend failed to start: ${error.message}`,
    );
    if (!res.headersSent)
      res.status(500).type('text/plain').send('git http-backend failed\n');
  });
  child.stdin.on('error', () => {
    // http-backend may stop reading early (e.g. on a bad request); its output says why.
  });
  req.pipe(child.stdin);
  res.on('close', () => {
    if (child.exitCode === null) child.kill();
  });

  let head = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const crlf = head.indexOf('\r\n\r\n');
    const lf = head.indexOf('\n\n');
    const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf;
    if (end < 0) return;
    const separator = end === crlf ? 4 : 2;
    child.stdout.removeListener('data', onData);
    let status = 200;
    for (const line of head
      .subarray(0, end)
      .toString('latin1')
      .split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = parseInt(value, 10) || 500;
      else res.setHeader(name, value);
    }
    res.status(status);
    res.write(head.subarray(end + separator));
    child.stdout.pipe(res);
  };
  child.stdout.on('data', onData);
  child.on('close', code => {
    if (code !== 0)
      logger.warn(
        `local git host: git http-backend ${pathInfo} exited with ${code}: ${stderr.trim()}`,
      );
    if (!res.headersSent)
      res
        .status(500)
        .type('text/plain')
        .send('git http-backend produced no response\n');
  });
}

/** Refs of the repository, longest first, for matching `<ref>/<path>`. */
async function listRefs(
  dir: string,
): Promise<Array<{ name: string; full: string }>> {
  const { stdout } = await runGit([
    '--git-dir',
    dir,
    'for-each-ref',
    '--format=%(refname)',
    'refs/heads',
    'refs/tags',
  ]);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map(full => ({ full, name: full.replace(/^refs\/(heads|tags)\//, '') }))
    .sort((a, b) => b.name.length - a.name.length);
}

/** `<ref>/<path>` as a git object name (`refs/heads/x:path`); undefined when no ref matches. */
async function objectSpec(
  dir: string,
  refAndPath: string[],
): Promise<string | undefined> {
  const joined = refAndPath.join('/');
  const refs = await listRefs(dir);
  const match = refs.find(
    r => joined === r.name || joined.startsWith(`${r.name}/`),
  );
  if (match) return `${match.full}:${joined.slice(match.name.length + 1)}`;
  if (/^[0-9a-f]{7,40}$/.test(refAndPath[0]))
    return `${refAndPath[0]}:${refAndPath.slice(1).join('/')}`;
  return undefined;
}

/** A folder's files at a ref, as plain text: what `backstage.io/source-location` ("View source") opens. */
async function serveTree(
  dir: string,
  name: string,
  refAndPath: string[],
  res: Response,
): Promise<void> {
  const spec = await objectSpec(dir, refAndPath);
  const type = spec
    ? await runGit(['--git-dir', dir, 'cat-file', '-t', spec], {
        allowFailure: true,
      })
    : undefined;
  if (!spec || type?.code !== 0 || type.stdout.trim() !== 'tree') {
    notFound(res);
    return;
  }
  const files = (
    await runGit(['--git-dir', dir, 'ls-tree', '-r', '--name-only', spec])
  ).stdout
    .split('\n')
    .filter(Boolean);
  const lines = [
    `${name} at ${refAndPath.join('/')}`,
    '',
    ...files.slice(0, 1000).map(f => `  ${f}`),
  ];
  res
    .status(200)
    .set({
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
    })
    .send(`${lines.join('\n')}\n`);
}

async function serveFile(
  dir: string,
  refAndPath: string[],
  res: Response,
): Promise<void> {
  const spec = await objectSpec(dir, refAndPath);
  if (!spec) {
    notFound(res);
    return;
  }
  // One process: `cat-file blob` prints nothing and fails when the spec names no blob (a folder, a missing path).
  const child = spawn('git', ['--git-dir', dir, 'cat-file', 'blob', spec], {
    env: baseGitEnv(),
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  res.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    // Repository content is untrusted: never let a browser render it as active content on this origin.
    res.status(200).set({
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'no-cache',
    });
  };
  await new Promise<void>((done, fail) => {
    child.on('error', fail);
    // Streamed as bytes: files need not be UTF-8 text.
    child.stdout.on('data', (chunk: Buffer) => {
      start();
      if (!res.write(chunk)) {
        child.stdout.pause();
        res.once('drain', () => child.stdout.resume());
      }
    });
    child.on('close', code => {
      if (code === 0) {
        start();
        res.end();
      } else if (started) {
        // A blob cut short must not look complete.
        res.destroy();
      } else {
        notFound(res);
      }
      done();
    });
  });
}

async function serveSummary(
  dir: string,
  name: string,
  res: Response,
): Promise<void> {
  const refs = await listRefs(dir);
  const head = await runGit(
    ['--git-dir', dir, 'symbolic-ref', '--short', 'HEAD'],
    { allowFailure: true },
  );
  const defaultBranch = head.stdout.trim();
  const files = refs.some(r => r.full === `refs/heads/${defaultBranch}`)
    ? (
        await runGit([
          '--git-dir',
          dir,
          'ls-tree',
          '-r',
          '--name-only',
          `refs/heads/${defaultBranch}`,
        ])
      ).stdout
        .split('\n')
        .filter(Boolean)
    : [];
  const lines = [
    name,
    '',
    `default branch: ${defaultBranch || '(none)'}`,
    `branches: ${
      refs
        .filter(r => r.full.startsWith('refs/heads/'))
        .map(r => r.name)
        .sort()
        .join(', ') || '(none: empty repository)'
    }`,
    `tags: ${
      refs
        .filter(r => r.full.startsWith('refs/tags/'))
        .map(r => r.name)
        .sort()
        .join(', ') || '(none)'
    }`,
    '',
    ...(files.length
      ? [
          `files on ${defaultBranch}:`,
          ...files.slice(0, 1000).map(f => `  ${f}`),
        ]
      : []),
  ];
  res
    .status(200)
    .set({
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
    })
    .send(`${lines.join('\n')}\n`);
}

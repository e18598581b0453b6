import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mockCredentials } from '@backstage/backend-test-utils';
import { baseGitEnv } from '../git';
import {
  createBareRepo,
  git,
  readTree,
  startLocalGitServer,
  tempDir,
  writeFiles,
  type LocalGitServer,
} from '../__testUtils__/gitFixtures';

jest.setTimeout(30_000);

const execFileAsync = promisify(execFile);

/** Plain git, as a person would run it (async: the server runs in this process). */
async function plainGit(args: string[], cwd?: string) {
  return execFileAsync('git', args, {
    cwd,
    env: {
      ...baseGitEnv(),
      GIT_AUTHOR_NAME: 'x',
      GIT_AUTHOR_EMAIL: 'x@x',
      GIT_COMMITTER_NAME: 'x',
      GIT_COMMITTER_EMAIL: 'x@x',
    },
  });
}

/** A GET with the path sent exactly as written (fetch would normalize `..`). */
function rawGet(baseUrl: string, path: string): Promise<number> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: `${url.pathname}${path}` },
      res => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('createLocalGitRouter', () => {
  let root: string;
  let server: LocalGitServer;

  beforeAll(async () => {
    root = tempDir('local-git-root-');
    createBareRepo(root, 'acme', 'service', {
      main: [
        { files: { 'README.md': 'v1\n' }, tag: 'v1.0.0' },
        {
          files: {
            'README.md': 'v2\n',
            'catalog-info.yaml': 'kind: Component\n',
            'docs/a b.md': 'spaced\n',
          },
        },
      ],
      'feature/x': [{ files: { 'catalog-info.yaml': 'kind: Feature\n' } }],
    });
    createBareRepo(
      root,
      'acme',
      'secret',
      { main: [{ files: { 'catalog-info.yaml': 'kind: Secret\n' } }] },
      'main',
      'private',
    );
    // Made by hand or by an older version: no recorded visibility.
    createBareRepo(root, 'acme', 'unmarked', {
      main: [{ files: { 'README.md': 'x\n' } }],
    });
    git([
      '--git-dir',
      join(root, 'acme', 'unmarked.git'),
      'config',
      '--unset',
      'pipelineEngine.visibility',
    ]);
    server = await startLocalGitServer(root);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('serves private repositories (and repositories with no recorded visibility) only to Backstage tokens', async () => {
    for (const path of [
      '/acme/secret/raw/main/catalog-info.yaml',
      '/acme/secret/blob/main/catalog-info.yaml',
      '/acme/secret',
      '/acme/secret.git/info/refs?service=git-upload-pack',
      '/acme/unmarked/raw/main/README.md',
    ]) {
      const anonymous = await fetch(`${server.gitBaseUrl}${path}`);
      expect({ path, status: anonymous.status }).toEqual({ path, status: 401 });
      expect(await anonymous.text()).toContain(
        'is a private repository: send a Backstage user or service token',
      );
      const forged = await fetch(`${server.gitBaseUrl}${path}`, {
        headers: { Authorization: 'Bearer not-a-token' },
      });
      expect({ path, status: forged.status }).toEqual({ path, status: 401 });
    }
    for (const header of [
      mockCredentials.user.header(),
      mockCredentials.service.header(),
    ]) {
      const raw = await fetch(
        `${server.gitBaseUrl}/acme/secret/raw/main/catalog-info.yaml`,
        { headers: { Authorization: header } },
      );
      expect(raw.status).toBe(200);
      expect(await raw.text()).toBe('kind: Secret\n');
    }
    const dir = join(tempDir(), 'clone');
    await expect(
      plainGit([
        'clone',
        '--quiet',
        `${server.gitBaseUrl}/acme/secret.git`,
        join(tempDir(), 'anon'),
      ]),
    ).rejects.toThrow();
    await plainGit([
      '-c',
      `http.extraHeader=Authorization: ${mockCredentials.user.header()}`,
      'clone',
      '--quiet',
      `${server.gitBaseUrl}/acme/secret.git`,
      dir,
    ]);
    expect(readTree(dir)).toEqual({ 'catalog-info.yaml': 'kind: Secret\n' });
  });

  it('follows a changed visibility on the next read, and serves empty files', async () => {
    createBareRepo(root, 'acme', 'flip', {
      main: [{ files: { 'README.md': 'flip\n', 'empty.txt': '' } }],
    });
    const dir = join(root, 'acme', 'flip.git');
    const readme = `${server.gitBaseUrl}/acme/flip/raw/main/README.md`;
    expect((await fetch(readme)).status).toBe(200);
    git(['--git-dir', dir, 'config', 'pipelineEngine.visibility', 'private']);
    expect((await fetch(readme)).status).toBe(401);
    git(['--git-dir', dir, 'config', 'pipelineEngine.visibility', 'public']);
    const again = await fetch(readme);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('flip\n');
    const empty = await fetch(
      `${server.gitBaseUrl}/acme/flip/raw/main/empty.txt`,
    );
    expect(empty.status).toBe(200);
    expect(empty.headers.get('content-security-policy')).toBe(
      "default-src 'none'; sandbox",
    );
    expect(await empty.text()).toBe('');
  });

  it('serves git clone over smart HTTP to plain git, with all history', async () => {
    const dir = join(tempDir(), 'clone');
    await plainGit([
      'clone',
      '--quiet',
      `${server.gitBaseUrl}/acme/service.git`,
      dir,
    ]);
    expect(readTree(dir)).toEqual({
      'README.md': 'v2\n',
      'catalog-info.yaml': 'kind: Component\n',
      'docs/a b.md': 'spaced\n',
    });
    expect(git(['rev-list', '--count', 'HEAD'], dir)).toBe('2');
    expect(git(['tag'], dir)).toBe('v1.0.0');
    expect(git(['branch', '-r'], dir)).toContain('origin/feature/x');
  });

  it('serves shallow clones of a branch, and fetch', async () => {
    const dir = join(tempDir(), 'clone');
    await plainGit([
      'clone',
      '--quiet',
      '--depth',
      '1',
      '--branch',
      'feature/x',
      `${server.gitBaseUrl}/acme/service.git`,
      dir,
    ]);
    expect(readTree(dir)).toEqual({ 'catalog-info.yaml': 'kind: Feature\n' });
    expect(git(['rev-parse', '--is-shallow-repository'], dir)).toBe('true');
    await plainGit(['fetch', '--quiet', '--unshallow'], dir);
    expect(git(['rev-parse', '--is-shallow-repository'], dir)).toBe('false');
  });

  it('refuses pushes over HTTP', async () => {
    const dir = join(tempDir(), 'clone');
    await plainGit([
      'clone',
      '--quiet',
      `${server.gitBaseUrl}/acme/service.git`,
      dir,
    ]);
    writeFiles(dir, { 'new.txt': 'x' });
    git(['add', '.'], dir);
    git(['commit', '-qm', 'x'], dir);
    await expect(
      plainGit(['push', 'origin', 'HEAD:main'], dir),
    ).rejects.toThrow(/403/);
    const info = await fetch(
      `${server.gitBaseUrl}/acme/service.git/info/refs?service=git-receive-pack`,
    );
    expect(info.status).toBe(403);
    expect(await info.text()).toContain('pushes are not accepted over HTTP');
    const post = await fetch(
      `${server.gitBaseUrl}/acme/service.git/git-receive-pack`,
      { method: 'POST', body: '0000' },
    );
    expect(post.status).toBe(403);
    expect(
      git([
        '--git-dir',
        join(root, 'acme', 'service.git'),
        'rev-list',
        '--count',
        'main',
      ]),
    ).toBe('2');
  });

  it('serves raw files of branches (with slashes), tags and commits', async () => {
    const raw = await fetch(
      `${server.gitBaseUrl}/acme/service/raw/main/catalog-info.yaml`,
    );
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(raw.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await raw.text()).toBe('kind: Component\n');

    const feature = await fetch(
      `${server.gitBaseUrl}/acme/service/raw/feature/x/catalog-info.yaml`,
    );
    expect(await feature.text()).toBe('kind: Feature\n');

    const tag = await fetch(
      `${server.gitBaseUrl}/acme/service/raw/v1.0.0/README.md`,
    );
    expect(await tag.text()).toBe('v1\n');

    const sha = git([
      '--git-dir',
      join(root, 'acme', 'service.git'),
      'rev-parse',
      'main~1',
    ]);
    const bySha = await fetch(
      `${server.gitBaseUrl}/acme/service/raw/${sha}/README.md`,
    );
    expect(await bySha.text()).toBe('v1\n');

    const blob = await fetch(
      `${server.gitBaseUrl}/acme/service/blob/main/docs/a%20b.md`,
    );
    expect(blob.status).toBe(200);
    expect(await blob.text()).toBe('spaced\n');
  });

  it('lists a folder of a ref (what "View source" opens), and 404 for files and unknown refs', async () => {
    const top = await fetch(`${server.gitBaseUrl}/acme/service/tree/main/`);
    expect(top.status).toBe(200);
    expect(await top.text()).toBe(
      'acme/service at main\n\n  README.md\n  catalog-info.yaml\n  docs/a b.md\n',
    );
    const docs = await fetch(
      `${server.gitBaseUrl}/acme/service/tree/main/docs`,
    );
    expect(await docs.text()).toBe('acme/service at main/docs\n\n  a b.md\n');
    expect(
      (await fetch(`${server.gitBaseUrl}/acme/service/tree/main/README.md`))
        .status,
    ).toBe(404);
    expect(
      (await fetch(`${server.gitBaseUrl}/acme/service/tree/nope/`)).status,
    ).toBe(404);
    expect(
      (await fetch(`${server.gitBaseUrl}/acme/secret/tree/main/`)).status,
    ).toBe(401);
  });

  it('answers 404 for unknown repositories, files, directories and escaping paths', async () => {
    const paths = [
      '/acme/missing/raw/main/README.md',
      '/acme/service/raw/main/nope.txt',
      '/acme/service/raw/main/docs',
      '/acme/service/raw/nobranch/README.md',
      '/acme/service/raw/main/../README.md',
      '/acme/service/raw/main/%2e%2e/README.md',
      '/..%2F..%2Fetc/service/raw/main/passwd',
      '/acme/.hidden/raw/main/x',
      '/acme/missing.git/info/refs?service=git-upload-pack',
      '/acme',
    ];
    for (const path of paths) {
      const response = await fetch(`${server.gitBaseUrl}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
  });

  it('never follows .. segments sent verbatim', async () => {
    for (const path of [
      '/acme/service/raw/main/../README.md',
      '/acme/service/raw/main/%2e%2e/README.md',
      '/acme/../acme/service/raw/main/README.md',
      '/acme/service.git/../../x',
    ]) {
      expect({ path, status: await rawGet(server.gitBaseUrl, path) }).toEqual({
        path,
        status: 404,
      });
    }
    expect(
      await rawGet(server.gitBaseUrl, '/acme/service/raw/main/README.md'),
    ).toBe(200);
  });

  it('serves a plain-text summary of a repository', async () => {
    const response = await fetch(`${server.gitBaseUrl}/acme/service`);
    const text = await response.text();
    expect(text).toContain('default branch: main');
    expect(text).toContain('branches: feature/x, main');
    expect(text).toContain('tags: v1.0.0');
    expect(text).toContain('  catalog-info.yaml');
  });

  it('refuses write methods on file URLs', async () => {
    const response = await fetch(
      `${server.gitBaseUrl}/acme/service/raw/main/README.md`,
      { method: 'PUT', body: 'x' },
    );
    expect(response.status).toBe(405);
  });
});

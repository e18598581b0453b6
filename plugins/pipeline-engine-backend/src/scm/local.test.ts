import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { LocalGitProvider } from './local';
import { createBareRepo, git, tempDir } from './__testUtils__/gitFixtures';
import type { CreateRepositoryRequest } from './types';

const request: CreateRepositoryRequest = {
  organization: 'acme',
  repository: 'svc',
  description: 'A service',
  repoType: 'private',
  defaultBranch: 'trunk',
  personalAccount: false,
};
const context = { credentials: { type: 'none' as const } };

describe('LocalGitProvider', () => {
  let root: string;
  let provider: LocalGitProvider;
  beforeEach(() => {
    root = tempDir('local-provider-');
    provider = new LocalGitProvider({
      root,
      baseUrl: 'http://localhost:7007/api/pipeline-engine/git/',
    });
  });

  it('creates a bare repository <root>/<org>/<repo>.git with the default branch', async () => {
    await expect(provider.createRepository(request, context)).resolves.toEqual({
      repositoryUrl: 'http://localhost:7007/api/pipeline-engine/git/acme/svc',
      cloneUrl: 'http://localhost:7007/api/pipeline-engine/git/acme/svc.git',
      created: true,
    });
    const dir = join(root, 'acme', 'svc.git');
    expect(git(['--git-dir', dir, 'rev-parse', '--is-bare-repository'])).toBe(
      'true',
    );
    expect(git(['--git-dir', dir, 'symbolic-ref', 'HEAD'])).toBe(
      'refs/heads/trunk',
    );
    expect(git(['--git-dir', dir, 'config', 'gitweb.description'])).toBe(
      'A service',
    );
  });

  it('adopts an existing empty repository and refuses a non-empty one', async () => {
    await provider.createRepository(request, context);
    await expect(
      provider.createRepository(request, context),
    ).resolves.toMatchObject({ created: false });
    createBareRepo(root, 'acme', 'full', { main: [{ files: { a: 'a' } }] });
    const error = await provider
      .createRepository({ ...request, repository: 'full' }, context)
      .catch(e => e);
    expect(error.name).toBe('ConflictError');
    expect(error.message).toBe(
      'repository http://localhost:7007/api/pipeline-engine/git/acme/full already exists on the local git host and is not empty; choose another repository name or delete it',
    );
  });

  it('refuses a directory that is not a bare repository', async () => {
    mkdirSync(join(root, 'acme', 'junk.git'), { recursive: true });
    await expect(
      provider.createRepository({ ...request, repository: 'junk' }, context),
    ).rejects.toThrow('exists but is not a bare git repository');
  });

  it.each([
    ['..', 'svc'],
    ['acme', '../x'],
    ['a/b', 'svc'],
    ['acme', '.hidden'],
  ])('refuses the names %s / %s', async (organization, repository) => {
    await expect(
      provider.createRepository(
        { ...request, organization, repository },
        context,
      ),
    ).rejects.toThrow('is not a valid name');
  });

  it('builds URLs under its base URL and a file:// remote', () => {
    const ref = { organization: 'acme', repository: 'svc' };
    expect(provider.blobUrl(ref, 'feature/x', 'catalog-info.yaml')).toBe(
      'http://localhost:7007/api/pipeline-engine/git/acme/svc/blob/feature/x/catalog-info.yaml',
    );
    expect(provider.rawUrl(ref, 'main', 'a b.yaml')).toBe(
      'http://localhost:7007/api/pipeline-engine/git/acme/svc/raw/main/a%20b.yaml',
    );
    expect(provider.gitRemote(ref)).toBe(
      `file://${join(root, 'acme', 'svc.git')}`,
    );
  });

  it('points HEAD of a repository at the first pushed branch', async () => {
    createBareRepo(
      root,
      'acme',
      'pushed',
      { feature: [{ files: { a: 'a' } }] },
      'main',
    );
    const dir = join(root, 'acme', 'pushed.git');
    await provider.afterPush(
      { organization: 'acme', repository: 'pushed' },
      'feature',
    );
    expect(git(['--git-dir', dir, 'symbolic-ref', 'HEAD'])).toBe(
      'refs/heads/feature',
    );
  });

  it('leaves HEAD alone when the branch it names exists, loose or packed', async () => {
    createBareRepo(
      root,
      'acme',
      'packed',
      { main: [{ files: { a: 'a' } }], other: [{ files: { b: 'b' } }] },
      'main',
    );
    const dir = join(root, 'acme', 'packed.git');
    await provider.afterPush(
      { organization: 'acme', repository: 'packed' },
      'other',
    );
    expect(git(['--git-dir', dir, 'symbolic-ref', 'HEAD'])).toBe(
      'refs/heads/main',
    );
    git(['--git-dir', dir, 'pack-refs', '--all']);
    expect(existsSync(join(dir, 'refs', 'heads', 'main'))).toBe(false);
    await provider.afterPush(
      { organization: 'acme', repository: 'packed' },
      'other',
    );
    expect(git(['--git-dir', dir, 'symbolic-ref', 'HEAD'])).toBe(
      'refs/heads/main',
    );
  });
});

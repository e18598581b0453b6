import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { git, tempDir, writeFiles } from '../__testUtils__/gitFixtures';
import { readLocalGitSeeds, seedLocalRepositories } from './seedRepositories';

jest.setTimeout(30_000);

/** The files of a branch of a bare repository. */
function branchFiles(bare: string, branch: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const path of git([
    '--git-dir',
    bare,
    'ls-tree',
    '-r',
    '--name-only',
    branch,
  ]).split('\n')) {
    files[path] = `${git(['--git-dir', bare, 'show', `${branch}:${path}`])}\n`;
  }
  return files;
}

describe('seedLocalRepositories', () => {
  const logger = mockServices.logger.mock();

  it('creates the repository once, then commits only when the directory changes', async () => {
    const root = tempDir('seed-root-');
    const source = tempDir('seed-source-');
    writeFiles(source, {
      'cookiecutter.json': '{"app_name": "x"}\n',
      '{{cookiecutter.app_name}}/README.md': 'hi\n',
    });
    const seeds = readLocalGitSeeds(
      new ConfigReader({
        pipelineEngine: {
          localGit: { seed: [{ repository: 'templates/service', source }] },
        },
      }),
    );
    const bare = join(root, 'templates', 'service.git');

    await seedLocalRepositories({ root, seeds, logger });
    expect(branchFiles(bare, 'main')).toEqual({
      'cookiecutter.json': '{"app_name": "x"}\n',
      '{{cookiecutter.app_name}}/README.md': 'hi\n',
    });
    expect(
      git(['--git-dir', bare, 'config', 'pipelineEngine.visibility']),
    ).toBe('public');

    await seedLocalRepositories({ root, seeds, logger });
    expect(git(['--git-dir', bare, 'rev-list', '--count', 'main'])).toBe('1');

    writeFiles(source, { 'cookiecutter.json': '{"app_name": "y"}\n' });
    await seedLocalRepositories({ root, seeds, logger });
    expect(git(['--git-dir', bare, 'rev-list', '--count', 'main'])).toBe('2');
    expect(branchFiles(bare, 'main')['cookiecutter.json']).toBe(
      '{"app_name": "y"}\n',
    );
  });

  it('names the entry and the fix for bad settings', async () => {
    expect(() =>
      readLocalGitSeeds(
        new ConfigReader({
          pipelineEngine: {
            localGit: { seed: [{ repository: 'service', source: '.' }] },
          },
        }),
      ),
    ).toThrow(
      'pipelineEngine.localGit.seed[0].repository "service" must be <organization>/<repository>',
    );
    await expect(
      seedLocalRepositories({
        root: tempDir('seed-root-'),
        seeds: [
          {
            repository: 'a/b',
            source: '/nonexistent/x',
            branch: 'main',
            visibility: 'public',
          },
        ],
        logger,
      }),
    ).rejects.toThrow(
      "/nonexistent/x (/nonexistent/x) is not a directory; paths are relative to the backend's working directory",
    );
  });
});

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { createDefaultStepSpecRegistry } from '@idp-pipelines/plugin-pipeline-engine-common';
import {
  createTestDatabases,
  initStores,
} from '../database/__testUtils__/testDatabases';
import { createGitExperienceReader } from './gitExperienceReader';
import { loadConfiguredPipelines } from './loadConfiguredPipelines';

const databases = createTestDatabases();

const pipeline = (id: string, name = id) => `pipeline:
  name: ${name}
  identifier: ${id}
  orgIdentifier: default
  projectIdentifier: examples
  stages:
    - stage:
        name: s
        identifier: s
        type: Custom
        spec:
          execution:
            steps:
              - step:
                  type: Wait
                  name: w
                  identifier: w
                  spec:
                    duration: 1s
`;

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@t',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@t',
};

describe('loadConfiguredPipelines', () => {
  it('loads files and Git Experience sources, updates changed ones and skips invalid ones', async () => {
    const { stores } = await initStores(databases, 'SQLITE_3');
    const dir = mkdtempSync(join(tmpdir(), 'sources-'));
    writeFileSync(join(dir, 'a.yaml'), pipeline('from_file'));
    writeFileSync(join(dir, 'broken.yaml'), pipeline('bad-id'));
    // A bare repository on the built-in git host holding pipelines/b.yaml on branch main.
    const root = join(dir, 'git');
    const bare = join(root, 'platform', 'pipelines.git');
    mkdirSync(bare, { recursive: true });
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', bare]);
    const work = mkdtempSync(join(tmpdir(), 'sources-work-'));
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: work });
    mkdirSync(join(work, 'pipelines'));
    writeFileSync(join(work, 'pipelines/b.yaml'), pipeline('from_git'));
    execFileSync('git', ['add', '-A'], { cwd: work, env: gitEnv });
    execFileSync('git', ['commit', '-q', '-m', 'p'], {
      cwd: work,
      env: gitEnv,
    });
    execFileSync('git', ['push', '-q', bare, 'main'], {
      cwd: work,
      env: gitEnv,
    });

    const localGit = {
      root,
      baseUrl: 'http://localhost:7007/api/pipeline-engine/git',
    };
    const logger = mockServices.logger.mock();
    const options = {
      sources: [
        { target: 'a.yaml' },
        { target: 'broken.yaml' },
        {
          connectorRef: 'account.local',
          repoName: 'pipelines',
          branch: 'main',
          filePath: 'pipelines/b.yaml',
          organization: 'platform',
        },
      ],
      store: stores.pipelines,
      registry: createDefaultStepSpecRegistry(),
      urlReader: mockServices.urlReader.mock(),
      logger,
      baseDir: dir,
      readGitFile: createGitExperienceReader({
        resolveFileUrls: ({ organization, repository, branch, filePath }) => ({
          repositoryUrl: `${localGit.baseUrl}/${organization}/${repository}`,
          blobUrl: `${localGit.baseUrl}/${organization}/${repository}/blob/${branch}/${filePath}`,
          rawUrl: `${localGit.baseUrl}/${organization}/${repository}/raw/${branch}/${filePath}`,
        }),
        localGit,
        urlReader: mockServices.urlReader.mock(),
      }),
    };
    expect(await loadConfiguredPipelines(options)).toBe(2);
    const fromGit = await stores.pipelines.get({
      orgIdentifier: 'default',
      projectIdentifier: 'examples',
      pipelineIdentifier: 'from_git',
    });
    expect(fromGit).toMatchObject({
      storeType: 'REMOTE',
      source: {
        type: 'git',
        location: `${localGit.baseUrl}/platform/pipelines/blob/main/pipelines/b.yaml`,
      },
    });
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining(
        'broken.yaml: pipeline.identifier: "bad-id" must match',
      ),
    );

    // A changed file updates the stored pipeline (new version); an unchanged one does not.
    writeFileSync(join(dir, 'a.yaml'), pipeline('from_file', 'renamed'));
    expect(await loadConfiguredPipelines(options)).toBe(2);
    const fromFile = await stores.pipelines.get({
      orgIdentifier: 'default',
      projectIdentifier: 'examples',
      pipelineIdentifier: 'from_file',
    });
    expect(fromFile).toMatchObject({ name: 'renamed', version: 2 });
    expect(
      (
        await stores.pipelines.get({
          orgIdentifier: 'default',
          projectIdentifier: 'examples',
          pipelineIdentifier: 'from_git',
        })
      ).version,
    ).toBe(1);
  });
});

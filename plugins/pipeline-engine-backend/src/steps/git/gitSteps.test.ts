import { execFile, execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mockCredentials } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { StepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import { createMockStepContext } from '@idp-pipelines/plugin-pipeline-engine-node/testUtils';
import { ConnectorResolver } from '../../connectors';
import { baseGitEnv } from '../../scm/git';
import {
  createBareRepo,
  git,
  readTree,
  startLocalGitServer,
  tempDir,
  writeFiles,
  type LocalGitServer,
} from '../../scm/__testUtils__/gitFixtures';
import { NetworkPolicy } from '../../network';
import {
  createFileUrlResolver,
  createGitSteps,
  type GitStepsOptions,
} from './index';

jest.setTimeout(60_000);

const TOKEN = 'tok-s3cr3t-value';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');

let root: string;
let server: LocalGitServer;
let argvLog: string;
let savedPath: string | undefined;
let options: GitStepsOptions;
let steps: Record<string, StepHandler<unknown>>;

beforeAll(async () => {
  root = tempDir('git-steps-root-');
  server = await startLocalGitServer(root);
  createBareRepo(root, 'acme', 'seed', {
    main: [
      { files: { 'README.md': 'one\n' }, tag: 'v1' },
      { files: { 'README.md': 'two\n', 'src/app.txt': 'app\n' } },
    ],
    'release/1.x': [{ files: { 'README.md': 'release\n' } }],
  });

  // Every git invocation goes through a wrapper that records its argv.
  const bin = tempDir('git-wrapper-');
  argvLog = join(bin, 'argv.log');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], {
    encoding: 'utf8',
  }).trim();
  writeFileSync(
    join(bin, 'git'),
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec '${realGit}' "$@"\n`,
  );
  chmodSync(join(bin, 'git'), 0o755);
  savedPath = process.env.PATH;
  process.env.PATH = `${bin}:${process.env.PATH}`;

  const connectors = ConnectorResolver.fromConfig(
    new ConfigReader({
      pipelineEngine: {
        connectors: {
          local: { type: 'Local' },
          localAcme: { type: 'Local', url: 'acme' },
          seedRepo: { type: 'Local', url: 'acme/seed', urlType: 'Repo' },
          overHttp: {
            type: 'Git',
            url: server.gitBaseUrl,
            auth: { type: 'token', tokenSecret: 'account.git_token' },
          },
          github: {
            type: 'Github',
            url: 'https://github.com/acme',
            auth: { type: 'token', token: 'x' },
          },
        },
      },
    }),
  );
  // The test git server listens on 127.0.0.1; connectors to it must pass the network policy.
  options = {
    connectors,
    localGit: { root, baseUrl: server.gitBaseUrl },
    network: new NetworkPolicy({ allow: ['127.0.0.1:*'] }),
  };
  steps = Object.fromEntries(createGitSteps(options).map(s => [s.type, s]));
});

afterAll(async () => {
  process.env.PATH = savedPath;
  await server?.close();
});

/** Validates `spec` with the step's schema and runs its handler, as the engine does. */
const JANE = {
  identity: 'user:default/jane',
  name: 'Jane Doe',
  email: 'jane@example.com',
};

async function run(
  type: string,
  spec: Record<string, unknown>,
  workspace = tempDir('ws-'),
  extra: {
    triggeredBy?: { identity: string; name?: string; email?: string };
  } = {},
) {
  const step = steps[type];
  const parsed = step.spec.parse(spec);
  const t = createMockStepContext({
    spec: parsed,
    workspace,
    secrets: { git_token: TOKEN },
    execution: { triggeredBy: extra.triggeredBy ?? JANE },
  });
  await step.handler(t.ctx);
  return { ...t, logs: t.logLines(), workspace };
}

async function runError(
  type: string,
  spec: Record<string, unknown>,
  workspace?: string,
) {
  return run(type, spec, workspace).then(
    () => {
      throw new Error('expected the step to fail');
    },
    (e: Error) => e,
  );
}

const execFileAsync = promisify(execFile);
async function cloneOverHttp(repoPath: string): Promise<string> {
  const dir = join(tempDir('verify-'), 'c');
  // The repositories are private: reading them over HTTP needs a Backstage token.
  await execFileAsync(
    'git',
    [
      '-c',
      `http.extraHeader=Authorization: ${mockCredentials.user.header()}`,
      'clone',
      '--quiet',
      `${server.gitBaseUrl}/${repoPath}.git`,
      dir,
    ],
    { env: baseGitEnv() },
  );
  return dir;
}

describe('GitClone', () => {
  it('clones a branch with full history into <workspace>/<repo>, origin pointing at the HTTP URL', async () => {
    const { workspace, logs } = await run('GitClone', {
      connectorRef: 'account.localAcme',
      repoName: 'seed',
      build: { type: 'branch', spec: { branch: 'main' } },
    });
    const dir = join(workspace, 'seed');
    expect(readTree(dir)).toEqual({
      'README.md': 'two\n',
      'src/app.txt': 'app\n',
    });
    expect(git(['rev-list', '--count', 'HEAD'], dir)).toBe('2');
    expect(git(['remote', 'get-url', 'origin'], dir)).toBe(
      `${server.gitBaseUrl}/acme/seed.git`,
    );
    expect(logs[0]).toBe(
      `info: Cloning ${server.gitBaseUrl}/acme/seed.git (branch main) into seed`,
    );
  });

  it('honours depth, branches with slashes and cloneDirectory', async () => {
    const { workspace } = await run('GitClone', {
      connectorRef: 'local',
      repoName: 'acme/seed',
      build: { type: 'branch', spec: { branch: 'release/1.x' } },
      cloneDirectory: 'nested/dir',
      depth: '1',
    });
    const dir = join(workspace, 'nested/dir');
    expect(readTree(dir)).toEqual({ 'README.md': 'release\n' });
    expect(git(['rev-parse', '--is-shallow-repository'], dir)).toBe('true');
  });

  it('shallow-clones the main branch to a single commit', async () => {
    const { workspace } = await run('GitClone', {
      connectorRef: 'seedRepo',
      depth: 1,
    });
    expect(git(['rev-list', '--count', 'HEAD'], join(workspace, 'seed'))).toBe(
      '1',
    );
  });

  it('clones a tag', async () => {
    const { workspace } = await run('GitClone', {
      connectorRef: 'seedRepo',
      build: { type: 'tag', spec: { tag: 'v1' } },
    });
    expect(readTree(join(workspace, 'seed'))).toEqual({ 'README.md': 'one\n' });
  });

  it('says when a tag build names a branch, and when a branch does not exist', async () => {
    const notTag = await runError('GitClone', {
      connectorRef: 'seedRepo',
      build: { type: 'tag', spec: { tag: 'main' } },
    });
    expect(notTag.message).toBe(
      `main is a branch of ${server.gitBaseUrl}/acme/seed.git, not a tag; use build type branch`,
    );
    const missing = await runError('GitClone', {
      connectorRef: 'seedRepo',
      build: { type: 'branch', spec: { branch: 'nope' } },
    });
    expect(missing.name).toBe('NotFoundError');
    expect(missing.message).toContain(
      `clone of ${server.gitBaseUrl}/acme/seed.git failed: `,
    );
    expect(missing.message).toContain('Remote branch nope not found');
  });

  it('is idempotent: a re-run replaces the clone directory', async () => {
    const workspace = tempDir('ws-');
    await run('GitClone', { connectorRef: 'seedRepo' }, workspace);
    writeFileSync(join(workspace, 'seed', 'stale.txt'), 'left over');
    await run('GitClone', { connectorRef: 'seedRepo' }, workspace);
    expect(existsSync(join(workspace, 'seed', 'stale.txt'))).toBe(false);
    expect(readTree(join(workspace, 'seed'))).toEqual({
      'README.md': 'two\n',
      'src/app.txt': 'app\n',
    });
  });

  it('keeps the clone inside the workspace', async () => {
    const workspace = tempDir('ws-');
    const outside = tempDir('outside-');
    symlinkSync(outside, join(workspace, 'link'));
    expect(
      (
        await runError(
          'GitClone',
          { connectorRef: 'seedRepo', cloneDirectory: '../escape' },
          workspace,
        )
      ).message,
    ).toBe('spec.cloneDirectory "../escape" is outside the stage workspace');
    expect(
      (
        await runError(
          'GitClone',
          { connectorRef: 'seedRepo', cloneDirectory: 'link/x' },
          workspace,
        )
      ).message,
    ).toBe(
      'spec.cloneDirectory "link/x" leads outside the stage workspace through a symbolic link',
    );
    expect(
      (
        await runError(
          'GitClone',
          { connectorRef: 'seedRepo', cloneDirectory: '.' },
          workspace,
        )
      ).message,
    ).toContain('not the workspace itself');
    expect(readTree(outside)).toEqual({});
  });

  it('needs repoName for account connectors', async () => {
    expect(
      (await runError('GitClone', { connectorRef: 'localAcme' })).message,
    ).toBe(
      'spec.repoName is required: connector "localAcme" has URL type Account',
    );
  });

  it('clones over HTTP with the token in a header only: never in argv, logs or .git/config', async () => {
    writeFileSync(argvLog, '');
    server.authorizations.length = 0;
    const { workspace, logs, masked } = await run('GitClone', {
      connectorRef: 'overHttp',
      repoName: 'acme/seed.git',
      build: { type: 'branch', spec: { branch: 'main' } },
    });
    const dir = join(workspace, 'seed.git');
    expect(readTree(dir)).toEqual({
      'README.md': 'two\n',
      'src/app.txt': 'app\n',
    });
    expect(server.authorizations.length).toBeGreaterThan(0);
    expect(new Set(server.authorizations)).toEqual(new Set([`Basic ${BASIC}`]));

    const argv = readFileSync(argvLog, 'utf8');
    expect(argv).toContain(
      `clone --quiet --branch main -- ${server.gitBaseUrl}/acme/seed.git`,
    );
    const config = readFileSync(join(dir, '.git', 'config'), 'utf8');
    expect(config).toContain(`url = ${server.gitBaseUrl}/acme/seed.git`);
    for (const text of [argv, config, logs.join('\n')]) {
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain(BASIC);
    }
    expect(masked).toEqual(
      expect.arrayContaining([TOKEN, `Basic ${BASIC}`, BASIC]),
    );
  });
});

describe('CreateRepo and DirectPush on the local git host', () => {
  it('creates a repository, adopts it when empty on a re-run, and outputs repositoryUrl', async () => {
    const first = await run('CreateRepo', {
      connectorRef: 'account.local',
      organization: 'team',
      repository: 'created',
      repoType: 'private',
      description: 'd',
    });
    expect(first.outputs).toEqual({
      repositoryUrl: `${server.gitBaseUrl}/team/created`,
    });
    expect(first.logs).toEqual([
      'info: Creating private repository team/created with connector "local" (Local)',
      `info: Created repository ${server.gitBaseUrl}/team/created`,
    ]);
    const again = await run('CreateRepo', {
      connectorRef: 'local',
      organization: 'team',
      repository: 'created',
      repoType: 'private',
      connectorType: 'Github',
    });
    expect(again.outputs.repositoryUrl).toBe(
      `${server.gitBaseUrl}/team/created`,
    );
    expect(again.logs).toContain(
      `info: Repository ${server.gitBaseUrl}/team/created already existed and is empty; using it`,
    );
    expect(again.logs).toContain(
      'warn: spec.connectorType is Github but connector "local" is of type Local; using Local',
    );
  });

  it('refuses to create over a non-empty repository', async () => {
    const error = await runError('CreateRepo', {
      connectorRef: 'local',
      organization: 'acme',
      repository: 'seed',
      repoType: 'public',
    });
    expect(error.name).toBe('ConflictError');
    expect(error.message).toContain(
      `repository ${server.gitBaseUrl}/acme/seed already exists on the local git host and is not empty`,
    );
  });

  it('names configured connectors for an unknown connectorRef', async () => {
    const error = await runError('CreateRepo', {
      connectorRef: 'account.locl',
      repository: 'x',
      repoType: 'public',
    });
    expect(error.message).toContain(
      'connector "account.locl" is not configured (did you mean "local"?). Configured connectors: github, local, localAcme, overHttp, seedRepo.',
    );
  });

  it('pushes a directory as one commit by the triggering user; the clone equals the pushed content', async () => {
    await run('CreateRepo', {
      connectorRef: 'local',
      organization: 'team',
      repository: 'pushed',
      repoType: 'private',
      defaultBranch: 'main',
    });
    const workspace = tempDir('ws-');
    const content = {
      'catalog-info.yaml': 'kind: Component\n',
      'src/index.ts': 'export {};\n',
      'docs/deep/nested.md': '# nested\n',
      '.gitignore': 'ignored.log\n',
    };
    writeFiles(join(workspace, 'app'), { ...content, 'ignored.log': 'noise' });
    writeFileSync(argvLog, '');
    const { outputs, logs } = await run(
      'DirectPush',
      {
        connectorRef: 'local',
        organization: 'team',
        repository: 'pushed',
        codeDirectory: 'app',
        branch: 'develop',
      },
      workspace,
    );
    // The built-in host's repository is written in place (its objects, then update-ref): no scratch repository, no push.
    const argv = readFileSync(argvLog, 'utf8').split('\n');
    expect(argv.filter(line => /(^| )(push|init)( |$)/.test(line))).toEqual([]);
    expect(argv).toContainEqual(
      expect.stringMatching(
        / update-ref refs\/heads\/develop [0-9a-f]{40} 0{40}$/,
      ),
    );
    expect(outputs).toEqual({
      repositoryUrl: `${server.gitBaseUrl}/team/pushed`,
      commitId: expect.stringMatching(/^[0-9a-f]{40}$/),
      branch: 'develop',
    });
    expect(logs.at(-1)).toBe(
      `info: Pushed commit ${outputs.commitId} to ${server.gitBaseUrl}/team/pushed branch develop`,
    );

    const dir = await cloneOverHttp('team/pushed');
    expect(readTree(dir)).toEqual(content);
    expect(git(['rev-parse', 'HEAD'], dir)).toBe(outputs.commitId);
    expect(git(['rev-list', '--count', 'HEAD'], dir)).toBe('1');
    expect(git(['log', '-1', '--format=%an <%ae>|%cn <%ce>|%s'], dir)).toBe(
      'Jane Doe <jane@example.com>|Jane Doe <jane@example.com>|Push from pipeline test (execution exec-1)',
    );
    // The first pushed branch became the repository's HEAD, so a plain clone checks it out.
    expect(git(['rev-parse', '--abbrev-ref', 'HEAD'], dir)).toBe('develop');
    expect(existsSync(join(workspace, 'app', '.git'))).toBe(false);
  });

  it('refuses a non-fast-forward push unless forcePush, which replaces the branch', async () => {
    await run('CreateRepo', {
      connectorRef: 'local',
      organization: 'team',
      repository: 'forced',
      repoType: 'private',
    });
    const workspace = tempDir('ws-');
    writeFiles(join(workspace, 'v1'), { 'a.txt': 'first\n' });
    writeFiles(join(workspace, 'v2'), { 'b.txt': 'second\n' });
    const spec = {
      connectorRef: 'local',
      organization: 'team',
      repository: 'forced',
      branch: 'main',
    };
    const first = await run(
      'DirectPush',
      { ...spec, codeDirectory: 'v1' },
      workspace,
    );

    const error = await runError(
      'DirectPush',
      { ...spec, codeDirectory: 'v2' },
      workspace,
    );
    expect(error.name).toBe('ConflictError');
    expect(error.message).toBe(
      `branch main of ${server.gitBaseUrl}/team/forced already has commits that this push would discard (non-fast-forward); set forcePush: true to overwrite it`,
    );
    expect(
      git(['--git-dir', join(root, 'team', 'forced.git'), 'rev-parse', 'main']),
    ).toBe(first.outputs.commitId);

    const forced = await run(
      'DirectPush',
      { ...spec, codeDirectory: 'v2', forcePush: 'true' },
      workspace,
    );
    const dir = await cloneOverHttp('team/forced');
    expect(readTree(dir)).toEqual({ 'b.txt': 'second\n' });
    expect(git(['rev-list', 'HEAD'], dir)).toBe(forced.outputs.commitId);
  });

  it('places content under codeOutputDirectory and uses the configured author', async () => {
    const withAuthor = Object.fromEntries(
      createGitSteps({
        ...options,
        author: { name: 'Platform Bot', email: 'bot@example.com' },
        commitMessage: 'scaffolded',
      }).map(s => [s.type, s]),
    );
    await run('CreateRepo', {
      connectorRef: 'local',
      organization: 'team',
      repository: 'prefixed',
      repoType: 'private',
    });
    const workspace = tempDir('ws-');
    writeFiles(join(workspace, 'out'), { 'x.txt': 'x\n' });
    const step = withAuthor.DirectPush;
    const t = createMockStepContext({
      spec: step.spec.parse({
        connectorRef: 'local',
        organization: 'team',
        repository: 'prefixed',
        codeDirectory: 'out',
        codeOutputDirectory: 'services/x',
        branch: 'main',
      }),
      workspace,
      execution: { triggeredBy: JANE },
    });
    await step.handler(t.ctx);
    const dir = await cloneOverHttp('team/prefixed');
    expect(readTree(dir)).toEqual({ 'services/x/x.txt': 'x\n' });
    expect(git(['log', '-1', '--format=%an <%ae> %s'], dir)).toBe(
      'Platform Bot <bot@example.com> scaffolded',
    );
  });

  it('checks codeDirectory', async () => {
    const workspace = tempDir('ws-');
    mkdirSync(join(workspace, 'empty'));
    writeFiles(join(workspace, 'onlyignored'), { '.gitignore': '*\n' });
    const spec = {
      connectorRef: 'local',
      organization: 'team',
      repository: 'created',
      branch: 'main',
    };
    expect(
      (
        await runError(
          'DirectPush',
          { ...spec, codeDirectory: '../..' },
          workspace,
        )
      ).message,
    ).toBe('spec.codeDirectory "../.." is outside the stage workspace');
    expect(
      (
        await runError(
          'DirectPush',
          { ...spec, codeDirectory: 'missing' },
          workspace,
        )
      ).message,
    ).toBe(
      'spec.codeDirectory "missing" is not a directory of the stage workspace',
    );
    expect(
      (
        await runError(
          'DirectPush',
          { ...spec, codeDirectory: 'empty' },
          workspace,
        )
      ).message,
    ).toBe('spec.codeDirectory "empty" has no files to push');
  });

  it('reports a push to a repository that does not exist', async () => {
    const workspace = tempDir('ws-');
    writeFiles(join(workspace, 'app'), { 'a.txt': 'a' });
    const error = await runError(
      'DirectPush',
      {
        connectorRef: 'local',
        organization: 'team',
        repository: 'never-created',
        codeDirectory: 'app',
        branch: 'main',
      },
      workspace,
    );
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toContain(
      `push to ${server.gitBaseUrl}/team/never-created failed`,
    );
  });

  it('maps the local host refusing HTTP pushes to an authorization error, without leaking the token', async () => {
    const workspace = tempDir('ws-');
    writeFiles(join(workspace, 'app'), { 'a.txt': 'a' });
    const step = steps.DirectPush;
    const t = createMockStepContext({
      spec: step.spec.parse({
        connectorRef: 'overHttp',
        organization: 'acme',
        repository: 'seed.git',
        codeDirectory: 'app',
        branch: 'main',
      }),
      workspace,
      secrets: { git_token: TOKEN },
      execution: { triggeredBy: JANE },
    });
    writeFileSync(argvLog, '');
    const error = await step.handler(t.ctx).then(
      () => undefined,
      (e: Error) => e,
    );
    const argv = readFileSync(argvLog, 'utf8');
    expect(argv).toContain(
      `push --porcelain ${server.gitBaseUrl}/acme/seed.git`,
    );
    expect(argv).not.toContain(TOKEN);
    expect(argv).not.toContain(BASIC);
    expect(error?.message).toContain(
      `push to ${server.gitBaseUrl}/acme/seed.git failed`,
    );
    expect(error?.name).toBe('NotAllowedError');
    expect(`${error?.message}\n${t.logText()}`).not.toContain(TOKEN);
  });
});

describe('resolveFileUrls', () => {
  it('builds blob and raw URLs for the connector’s provider', () => {
    const resolveFileUrls = createFileUrlResolver(options);
    expect(
      resolveFileUrls({
        connectorRef: 'account.local',
        organization: 'team',
        repository: 'pushed',
        branch: 'develop',
        filePath: '/catalog-info.yaml',
      }),
    ).toEqual({
      repositoryUrl: `${server.gitBaseUrl}/team/pushed`,
      blobUrl: `${server.gitBaseUrl}/team/pushed/blob/develop/catalog-info.yaml`,
      rawUrl: `${server.gitBaseUrl}/team/pushed/raw/develop/catalog-info.yaml`,
    });
    expect(
      resolveFileUrls({
        connectorRef: 'github',
        repository: 'svc',
        branch: 'main',
        filePath: 'catalog-info.yaml',
      }),
    ).toEqual({
      repositoryUrl: 'https://github.com/acme/svc',
      blobUrl: 'https://github.com/acme/svc/blob/main/catalog-info.yaml',
      rawUrl:
        'https://raw.githubusercontent.com/acme/svc/main/catalog-info.yaml',
    });
  });

  it('serves the pushed file at the raw URL', async () => {
    const resolveFileUrls = createFileUrlResolver(options);
    const { rawUrl } = resolveFileUrls({
      connectorRef: 'local',
      organization: 'team',
      repository: 'pushed',
      branch: 'develop',
      filePath: 'catalog-info.yaml',
    });
    const response = await fetch(rawUrl, {
      headers: { Authorization: mockCredentials.user.header() },
    });
    expect(await response.text()).toBe('kind: Component\n');
  });
});

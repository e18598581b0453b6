import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { ConnectorResolver } from '../connectors';
import { NetworkPolicy, type AddressLookup } from '../network';
import {
  createBareRepo,
  startLocalGitServer,
  tempDir,
  type LocalGitServer,
} from '../scm/__testUtils__/gitFixtures';
import { createRegisterCatalogStep } from '../steps/catalog/registerCatalog';
import { createCookieCutterStep } from '../steps/cookiecutter';
import { createGitSteps } from '../steps/git';
import { createHttpStep } from '../steps/run/http';
import { runMockStep } from '@idp-pipelines/plugin-pipeline-engine-node/testUtils';
import { workspaceDir } from '../steps/run/__testUtils__/stepTestKit';

/*
 * Finding 6 of the security review: CookieCutter's publicTemplateUrl and
 * GitClone bypassed the allow list (SSRF; file:// and local paths cloned any
 * repository on the host). Every URL a pipeline chooses now goes through
 * one policy (pipelineEngine.network.allow), checked after DNS resolution;
 * git and Http connect to the addresses that were checked.
 */

jest.setTimeout(60_000);

/** Fake DNS: `*.test` names map to fixed addresses (they do not exist in real DNS). */
const dns: AddressLookup = async hostname => {
  const table: Record<string, string> = {
    'git.test': '127.0.0.1',
    'api.test': '127.0.0.1',
    'metadata.test': '169.254.169.254',
    'mapped.test': '::ffff:169.254.169.254',
  };
  const address = table[hostname];
  if (!address)
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
      code: 'ENOTFOUND',
    });
  return [{ address, family: address.includes(':') ? 6 : 4 }];
};

describe('one network allow list for every URL a pipeline chooses', () => {
  let root: string;
  let git: LocalGitServer;
  let port: number;
  let api: Server;
  let apiHits = 0;

  beforeAll(async () => {
    root = tempDir('net-git-');
    createBareRepo(root, 'templates', 'service', {
      main: [
        {
          files: {
            'cookiecutter.json': '{"name": "demo"}\n',
            '{{cookiecutter.name}}/README.md': 'hello {{cookiecutter.name}}\n',
          },
        },
      ],
    });
    git = await startLocalGitServer(root);
    port = Number(new URL(git.gitBaseUrl).port);
    api = createServer((_req, res) => {
      apiHits++;
      res.end('pong');
    });
    await new Promise<void>(resolve => api.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await git.close();
    await new Promise(resolve => api.close(resolve));
  });

  const templateUrl = (host: string) =>
    `http://${host}:${port}/api/pipeline-engine/git/templates/service.git`;

  describe('CookieCutter publicTemplateUrl', () => {
    const render = (url: string, network: NetworkPolicy) =>
      runMockStep(
        createCookieCutterStep({ engine: 'builtin', network }),
        {
          templateType: 'public',
          publicTemplateUrl: url,
          cookieCutterVariables: { name: 'svc' },
        },
        { step: { identifier: 'render' } },
      );

    it('refuses file:// URLs and local paths unless allowLocalPaths', async () => {
      const bare = join(root, 'templates', 'service.git');
      for (const url of [`file://${bare}`, bare, '../../etc']) {
        const run = await render(
          url,
          new NetworkPolicy({ allow: ['*:*'], lookup: dns }),
        );
        expect(run.error?.message).toContain(
          `CookieCutter step "render": spec.publicTemplateUrl "${url}" refused: it names a path on the backend host`,
        );
        expect(run.error?.message).toContain(
          'set pipelineEngine.network.allowLocalPaths: true',
        );
      }
      const allowed = await render(
        `file://${bare}`,
        new NetworkPolicy({ allow: [], allowLocalPaths: true }),
      );
      expect(allowed.error).toBeUndefined();
    });

    it('refuses hosts that are not in the list, naming step, field, host and config key', async () => {
      const run = await render(
        templateUrl('127.0.0.1'),
        new NetworkPolicy({ allow: ['github.com'], lookup: dns }),
      );
      expect(run.error?.name).toBe('NotAllowedError');
      expect(run.error?.message).toContain(
        `CookieCutter step "render": spec.publicTemplateUrl ${templateUrl('127.0.0.1')} refused: host "127.0.0.1:${port}" is not in pipelineEngine.network.allow`,
      );
    });

    it('refuses names resolving to metadata addresses even when every host is allowed', async () => {
      for (const host of ['metadata.test', 'mapped.test', '169.254.169.254']) {
        const run = await render(
          templateUrl(host),
          new NetworkPolicy({ allow: ['*:*'], lookup: dns }),
        );
        expect(run.error?.message).toContain(
          'a link-local or cloud metadata address',
        );
      }
    });

    it('clones an allowed host from the address it checked (git.test exists only in the fake DNS)', async () => {
      const workspace = workspaceDir();
      const run = await runMockStep(
        createCookieCutterStep({
          engine: 'builtin',
          network: new NetworkPolicy({ allow: ['git.test:*'], lookup: dns }),
        }),
        {
          templateType: 'public',
          publicTemplateUrl: templateUrl('git.test'),
          cookieCutterVariables: { name: 'svc' },
        },
        { step: { identifier: 'render' }, workspace },
      );
      expect(run.error).toBeUndefined();
      expect(readFileSync(join(workspace, 'svc', 'README.md'), 'utf8')).toBe(
        'hello svc\n',
      );
    });
  });

  describe('GitClone', () => {
    const cloneWith = async (host: string) => {
      const connectors = ConnectorResolver.fromConfig(
        new ConfigReader({
          pipelineEngine: {
            connectors: {
              remote: {
                type: 'Git',
                url: `http://${host}:${port}/api/pipeline-engine/git`,
              },
            },
          },
        }),
      );
      const network = new NetworkPolicy({ allow: [`${host}:*`], lookup: dns });
      const gitClone = createGitSteps({
        connectors,
        localGit: { root: tempDir('unused-'), baseUrl: git.gitBaseUrl },
        network,
      }).find(s => s.type === 'GitClone')!;
      const workspace = workspaceDir();
      const run = await runMockStep(
        gitClone,
        {
          connectorRef: 'remote',
          repoName: 'templates/service.git',
          cloneDirectory: 'out',
        },
        { step: { identifier: 'clone' }, workspace },
      );
      return { run, workspace };
    };

    it('clones through the checked address', async () => {
      const { run, workspace } = await cloneWith('git.test');
      expect(run.error).toBeUndefined();
      expect(existsSync(join(workspace, 'out', 'cookiecutter.json'))).toBe(
        true,
      );
    });

    it('refuses a connector host that resolves to a metadata address', async () => {
      const { run } = await cloneWith('metadata.test');
      expect(run.error?.message).toContain(
        `GitClone step "clone": the clone URL of connector "remote" and spec.repoName: host "metadata.test:${port}" resolves to 169.254.169.254`,
      );
    });
  });

  describe('Http', () => {
    const call = (url: string, allow: string[]) =>
      runMockStep(
        createHttpStep({ network: new NetworkPolicy({ allow, lookup: dns }) }),
        { url, method: 'GET' },
        { step: { identifier: 'ping' } },
      );

    it('connects to the address the policy resolved', async () => {
      const apiPort = (api.address() as AddressInfo).port;
      const before = apiHits;
      const run = await call(`http://api.test:${apiPort}/ping`, ['api.test:*']);
      expect(run.error).toBeUndefined();
      expect(apiHits).toBe(before + 1);
    });

    it('refuses metadata addresses behind allowed names', async () => {
      const run = await call('http://metadata.test/latest/meta-data', ['*']);
      expect(run.error?.message).toContain(
        'Http step "ping": spec.url: host "metadata.test" resolves to 169.254.169.254',
      );
    });
  });

  describe('RegisterCatalog', () => {
    it('refuses a catalog-info URL outside the list before the catalog fetches it', async () => {
      const addLocation = jest.fn();
      const step = createRegisterCatalogStep({
        catalog: { addLocation } as never,
        auth: { getOwnServiceCredentials: async () => ({}) } as never,
        discovery: {
          getBaseUrl: async () => 'http://catalog',
          getExternalBaseUrl: async () => 'http://catalog',
        },
        config: new ConfigReader({}),
        resolveFileUrls: async () => ({
          blobUrl: 'http://metadata.test/latest/catalog-info.yaml',
          rawUrl: 'http://metadata.test/raw',
        }),
        network: new NetworkPolicy({ allow: ['metadata.test'], lookup: dns }),
      });
      const run = await runMockStep(
        step,
        {
          connectorRef: 'x',
          repository: 'r',
          branch: 'main',
          filePath: 'catalog-info.yaml',
        },
        { step: { identifier: 'register' } },
      );
      expect(run.error?.message).toContain('RegisterCatalog step "register"');
      expect(run.error?.message).toContain('resolves to 169.254.169.254');
      expect(addLocation).not.toHaveBeenCalled();
    });
  });
});

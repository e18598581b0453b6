import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { AzureProvider } from './azure';
import type { CreateRepositoryRequest } from './types';

const server = setupServer();
registerMswTestHooks(server);

const provider = new AzureProvider();
const BASE = 'https://dev.azure.com';
const request: CreateRepositoryRequest = {
  organization: 'acme',
  project: 'Platform',
  repository: 'svc',
  repoType: 'private',
  defaultBranch: 'main',
  personalAccount: false,
};
const context = { credentials: { type: 'token' as const, token: 'azure-pat' } };
const basicPat = `Basic ${Buffer.from(':azure-pat').toString('base64')}`;
const repo = {
  webUrl: `${BASE}/acme/Platform/_git/svc`,
  remoteUrl: `https://acme@dev.azure.com/acme/Platform/_git/svc`,
};

describe('AzureProvider.createRepository', () => {
  it('looks up the project id and POSTs the repository', async () => {
    const seen: unknown[] = [];
    server.use(
      http.get(`${BASE}/acme/_apis/projects/Platform`, ({ request: req }) => {
        const url = new URL(req.url);
        seen.push({
          method: req.method,
          path: `${url.pathname}${url.search}`,
          authorization: req.headers.get('authorization'),
        });
        return HttpResponse.json({ id: 'project-uuid' });
      }),
      http.post(
        `${BASE}/acme/Platform/_apis/git/repositories`,
        async ({ request: req }) => {
          const url = new URL(req.url);
          seen.push({
            method: req.method,
            path: `${url.pathname}${url.search}`,
            authorization: req.headers.get('authorization'),
            body: await req.json(),
          });
          return HttpResponse.json(repo, { status: 201 });
        },
      ),
    );
    await expect(provider.createRepository(request, context)).resolves.toEqual({
      repositoryUrl: `${BASE}/acme/Platform/_git/svc`,
      cloneUrl: `${BASE}/acme/Platform/_git/svc`,
      created: true,
    });
    expect(seen).toEqual([
      {
        method: 'GET',
        path: '/acme/_apis/projects/Platform?api-version=7.1',
        authorization: basicPat,
      },
      {
        method: 'POST',
        path: '/acme/Platform/_apis/git/repositories?api-version=7.1',
        authorization: basicPat,
        body: { name: 'svc', project: { id: 'project-uuid' } },
      },
    ]);
  });

  const project = () =>
    http.get(`${BASE}/acme/_apis/projects/Platform`, () =>
      HttpResponse.json({ id: 'p' }),
    );
  const conflict = () =>
    http.post(`${BASE}/acme/Platform/_apis/git/repositories`, () =>
      HttpResponse.json(
        {
          message:
            'TF400948: A Git repository with the name svc already exists.',
        },
        { status: 409 },
      ),
    );

  it('adopts an existing repository without branches and refuses one with branches', async () => {
    let refs: unknown[] = [];
    const paths: string[] = [];
    server.use(
      project(),
      conflict(),
      http.get(`${BASE}/acme/Platform/_apis/git/repositories/svc`, () =>
        HttpResponse.json(repo),
      ),
      http.get(
        `${BASE}/acme/Platform/_apis/git/repositories/svc/refs`,
        ({ request: req }) => {
          const url = new URL(req.url);
          paths.push(`${url.pathname}${url.search}`);
          return HttpResponse.json({ value: refs, count: refs.length });
        },
      ),
    );
    await expect(
      provider.createRepository(request, context),
    ).resolves.toMatchObject({ created: false });
    expect(paths).toEqual([
      '/acme/Platform/_apis/git/repositories/svc/refs?filter=heads/&$top=1&api-version=7.1',
    ]);
    refs = [{ name: 'refs/heads/main' }];
    await expect(provider.createRepository(request, context)).rejects.toThrow(
      `repository ${BASE}/acme/Platform/_git/svc already exists on Azure Repos and is not empty`,
    );
  });

  it('treats the sign-in page Azure returns for a bad token as an authentication error', async () => {
    server.use(
      http.get(
        `${BASE}/acme/_apis/projects/Platform`,
        () =>
          new HttpResponse('<html>Sign in</html>', {
            status: 203,
            headers: { 'Content-Type': 'text/html' },
          }),
      ),
    );
    const error = await provider
      .createRepository(request, context)
      .catch(e => e);
    expect(error.name).toBe('AuthenticationError');
  });

  it.each([
    [
      401,
      'AuthenticationError',
      "Azure DevOps rejected the connector's credentials (401)",
    ],
    [403, 'NotAllowedError', 'Azure DevOps refused (403)'],
    [
      404,
      'NotFoundError',
      'organization "acme" or project "Platform" does not exist',
    ],
  ])(
    'turns HTTP %s on the project lookup into a %s',
    async (status, name, message) => {
      server.use(
        http.get(`${BASE}/acme/_apis/projects/Platform`, () =>
          HttpResponse.json({ message: 'nope' }, { status }),
        ),
      );
      const error = await provider
        .createRepository(request, context)
        .catch(e => e);
      expect(error.name).toBe(name);
      expect(error.message).toContain(message);
    },
  );

  it('needs a project', async () => {
    await expect(
      provider.createRepository({ ...request, project: undefined }, context),
    ).rejects.toThrow(
      'Azure Repos needs the Azure DevOps project in spec.project',
    );
  });
});

describe('AzureProvider URLs', () => {
  const ref = { organization: 'acme', project: 'Platform', repository: 'svc' };
  it('builds Azure Repos URLs', () => {
    expect(provider.blobUrl(ref, 'main', 'catalog-info.yaml')).toBe(
      `${BASE}/acme/Platform/_git/svc?path=%2Fcatalog-info.yaml&version=GBmain`,
    );
    expect(provider.rawUrl(ref, 'main', 'catalog-info.yaml')).toBe(
      `${BASE}/acme/Platform/_apis/git/repositories/svc/items?path=%2Fcatalog-info.yaml&versionDescriptor.version=main&versionDescriptor.versionType=branch&$format=text&api-version=7.1`,
    );
    expect(
      provider.refFromPath(['acme', 'Platform', '_git', 'svc'], 'repo'),
    ).toEqual(ref);
    expect(provider.gitRemote(ref, { type: 'ssh', privateKey: 'k' })).toBe(
      'git@ssh.dev.azure.com:v3/acme/Platform/svc',
    );
  });
});

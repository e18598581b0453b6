import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { BitbucketServerProvider } from './bitbucketServer';
import type { CreateRepositoryRequest } from './types';

const server = setupServer();
registerMswTestHooks(server);

const provider = new BitbucketServerProvider({
  baseUrl: 'https://bitbucket.example.com',
});
const API = 'https://bitbucket.example.com/rest/api/1.0';
const request: CreateRepositoryRequest = {
  organization: 'PRJ',
  repository: 'svc',
  description: 'A service',
  repoType: 'public',
  defaultBranch: 'main',
  personalAccount: false,
};
const context = { credentials: { type: 'token' as const, token: 'bbs-token' } };

describe('BitbucketServerProvider.createRepository', () => {
  it('POSTs to the project repos', async () => {
    const seen: unknown[] = [];
    server.use(
      http.post(`${API}/projects/:key/repos`, async ({ request: req }) => {
        seen.push({
          method: req.method,
          path: new URL(req.url).pathname,
          authorization: req.headers.get('authorization'),
          body: await req.json(),
        });
        return HttpResponse.json({ slug: 'svc' }, { status: 201 });
      }),
    );
    await expect(provider.createRepository(request, context)).resolves.toEqual({
      repositoryUrl: 'https://bitbucket.example.com/projects/PRJ/repos/svc',
      cloneUrl: 'https://bitbucket.example.com/scm/prj/svc.git',
      created: true,
    });
    expect(seen).toEqual([
      {
        method: 'POST',
        path: '/rest/api/1.0/projects/PRJ/repos',
        authorization: 'Bearer bbs-token',
        body: {
          name: 'svc',
          scmId: 'git',
          public: true,
          defaultBranch: 'main',
          description: 'A service',
        },
      },
    ]);
  });

  it('adopts an existing empty repository on 409 and refuses a non-empty one', async () => {
    let branches: unknown[] = [];
    server.use(
      http.post(`${API}/projects/:key/repos`, () =>
        HttpResponse.json({ errors: [{ message: 'exists' }] }, { status: 409 }),
      ),
      http.get(`${API}/projects/PRJ/repos/svc/branches`, () =>
        HttpResponse.json({ values: branches }),
      ),
    );
    await expect(
      provider.createRepository(request, context),
    ).resolves.toMatchObject({ created: false });
    branches = [{ id: 'refs/heads/main' }];
    await expect(provider.createRepository(request, context)).rejects.toThrow(
      'already exists on Bitbucket Server and is not empty',
    );
  });

  it.each([
    [401, 'AuthenticationError'],
    [403, 'NotAllowedError'],
    [404, 'NotFoundError'],
  ])('turns HTTP %s into a %s', async (status, name) => {
    server.use(
      http.post(`${API}/projects/:key/repos`, () =>
        HttpResponse.json({ errors: [{ message: 'denied' }] }, { status }),
      ),
    );
    const error = await provider
      .createRepository(request, context)
      .catch(e => e);
    expect(error.name).toBe(name);
    expect(error.message).toContain('denied');
  });

  it('builds Bitbucket Server URLs', () => {
    const ref = { organization: 'PRJ', repository: 'svc' };
    expect(provider.blobUrl(ref, 'main', 'catalog-info.yaml')).toBe(
      'https://bitbucket.example.com/projects/PRJ/repos/svc/browse/catalog-info.yaml?at=refs%2Fheads%2Fmain',
    );
    expect(provider.rawUrl(ref, 'main', 'catalog-info.yaml')).toBe(
      'https://bitbucket.example.com/projects/PRJ/repos/svc/raw/catalog-info.yaml?at=refs%2Fheads%2Fmain',
    );
    expect(provider.refFromPath(['scm', 'prj', 'svc.git'], 'repo')).toEqual({
      organization: 'prj',
      repository: 'svc',
    });
  });
});

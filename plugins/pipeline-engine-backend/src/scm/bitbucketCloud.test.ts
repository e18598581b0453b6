import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { BitbucketCloudProvider } from './bitbucketCloud';
import type { CreateRepositoryRequest } from './types';

const server = setupServer();
registerMswTestHooks(server);

const provider = new BitbucketCloudProvider();
const API = 'https://api.bitbucket.org/2.0';
const request: CreateRepositoryRequest = {
  organization: 'ignored-org',
  workspace: 'acme-ws',
  project: 'PRJ',
  repository: 'svc',
  description: 'A service',
  repoType: 'private',
  defaultBranch: 'main',
  personalAccount: false,
};
const repoBody = {
  links: {
    html: { href: 'https://bitbucket.org/acme-ws/svc' },
    clone: [
      { name: 'https', href: 'https://jane@bitbucket.org/acme-ws/svc.git' },
      { name: 'ssh', href: 'git@bitbucket.org:acme-ws/svc.git' },
    ],
  },
};

describe('BitbucketCloudProvider.createRepository', () => {
  it('POSTs the repository to the workspace with the project key', async () => {
    const seen: unknown[] = [];
    server.use(
      http.post(`${API}/repositories/:ws/:slug`, async ({ request: req }) => {
        seen.push({
          method: req.method,
          path: new URL(req.url).pathname,
          authorization: req.headers.get('authorization'),
          contentType: req.headers.get('content-type'),
          body: await req.json(),
        });
        return HttpResponse.json(repoBody);
      }),
    );
    await expect(
      provider.createRepository(request, {
        credentials: { type: 'basic', username: 'jane', password: 'app-pass' },
      }),
    ).resolves.toEqual({
      repositoryUrl: 'https://bitbucket.org/acme-ws/svc',
      cloneUrl: 'https://bitbucket.org/acme-ws/svc.git',
      created: true,
    });
    expect(seen).toEqual([
      {
        method: 'POST',
        path: '/2.0/repositories/acme-ws/svc',
        authorization: `Basic ${Buffer.from('jane:app-pass').toString('base64')}`,
        contentType: 'application/json',
        body: {
          scm: 'git',
          is_private: true,
          description: 'A service',
          project: { key: 'PRJ' },
        },
      },
    ]);
  });

  it('sends access tokens as Bearer', async () => {
    let authorization: string | null = null;
    server.use(
      http.post(`${API}/repositories/:ws/:slug`, ({ request: req }) => {
        authorization = req.headers.get('authorization');
        return HttpResponse.json(repoBody);
      }),
    );
    await provider.createRepository(request, {
      credentials: { type: 'token', token: 'bb-token' },
    });
    expect(authorization).toBe('Bearer bb-token');
  });

  const exists = () =>
    http.post(`${API}/repositories/:ws/:slug`, () =>
      HttpResponse.json(
        {
          type: 'error',
          error: {
            message: 'Repository with this Slug and Owner already exists.',
          },
        },
        { status: 400 },
      ),
    );

  it('adopts an existing repository without branches', async () => {
    const paths: string[] = [];
    server.use(
      exists(),
      http.get(`${API}/repositories/acme-ws/svc`, ({ request: req }) => {
        paths.push(new URL(req.url).pathname);
        return HttpResponse.json(repoBody);
      }),
      http.get(
        `${API}/repositories/acme-ws/svc/refs/branches`,
        ({ request: req }) => {
          const url = new URL(req.url);
          paths.push(`${url.pathname}${url.search}`);
          return HttpResponse.json({ values: [] });
        },
      ),
    );
    await expect(
      provider.createRepository(request, {
        credentials: { type: 'token', token: 't' },
      }),
    ).resolves.toMatchObject({ created: false });
    expect(paths).toEqual([
      '/2.0/repositories/acme-ws/svc',
      '/2.0/repositories/acme-ws/svc/refs/branches?pagelen=1',
    ]);
  });

  it('refuses an existing repository with branches', async () => {
    server.use(
      exists(),
      http.get(`${API}/repositories/acme-ws/svc`, () =>
        HttpResponse.json(repoBody),
      ),
      http.get(`${API}/repositories/acme-ws/svc/refs/branches`, () =>
        HttpResponse.json({ values: [{ name: 'main' }] }),
      ),
    );
    const error = await provider
      .createRepository(request, { credentials: { type: 'token', token: 't' } })
      .catch(e => e);
    expect(error.name).toBe('ConflictError');
    expect(error.message).toContain(
      'https://bitbucket.org/acme-ws/svc already exists on Bitbucket Cloud and is not empty',
    );
  });

  it.each([
    [
      401,
      'AuthenticationError',
      "Bitbucket Cloud rejected the connector's credentials (401) while trying to create repository acme-ws/svc: denied",
    ],
    [
      403,
      'NotAllowedError',
      "Bitbucket Cloud refused (403) to create repository acme-ws/svc; check the token's permissions/scopes: denied",
    ],
    [
      404,
      'NotFoundError',
      'Bitbucket Cloud could not create repository acme-ws/svc (404); workspace "acme-ws" or project "PRJ" does not exist or the credentials cannot see it: denied',
    ],
  ])('turns HTTP %s into a %s', async (status, name, message) => {
    server.use(
      http.post(`${API}/repositories/:ws/:slug`, () =>
        HttpResponse.json(
          { type: 'error', error: { message: 'denied' } },
          { status },
        ),
      ),
    );
    const error = await provider
      .createRepository(request, { credentials: { type: 'token', token: 't' } })
      .catch(e => e);
    expect({ name: error.name, message: error.message }).toEqual({
      name,
      message,
    });
  });
});

describe('BitbucketCloudProvider URLs and git auth', () => {
  const ref = { organization: 'acme-ws', repository: 'svc' };
  it('builds bitbucket.org URLs', () => {
    expect(provider.blobUrl(ref, 'main', 'catalog-info.yaml')).toBe(
      'https://bitbucket.org/acme-ws/svc/src/main/catalog-info.yaml',
    );
    expect(provider.rawUrl(ref, 'main', 'catalog-info.yaml')).toBe(
      'https://bitbucket.org/acme-ws/svc/raw/main/catalog-info.yaml',
    );
  });
  it('authenticates git with access tokens as x-token-auth', () => {
    expect(
      provider.gitAuth({ type: 'bearer', token: 'bb' }).authorization,
    ).toBe(`Basic ${Buffer.from('x-token-auth:bb').toString('base64')}`);
  });
});

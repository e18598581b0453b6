import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GithubProvider } from './github';
import type { CreateRepositoryRequest } from './types';

const server = setupServer();
registerMswTestHooks(server);

const provider = new GithubProvider({
  baseUrl: 'https://github.com',
  apiBaseUrl: 'https://api.github.com',
});
const context = {
  credentials: { type: 'token' as const, token: 'ghp_secret' },
};
const request: CreateRepositoryRequest = {
  organization: 'acme',
  repository: 'svc',
  description: 'A service',
  repoType: 'private',
  defaultBranch: 'main',
  personalAccount: false,
};

interface Seen {
  method: string;
  path: string;
  authorization: string | null;
  body?: unknown;
}

function repoJson(owner: string, name: string) {
  return {
    html_url: `https://github.com/${owner}/${name}`,
    clone_url: `https://github.com/${owner}/${name}.git`,
  };
}

describe('GithubProvider.createRepository', () => {
  it('creates an organization repository with POST /orgs/{org}/repos', async () => {
    const seen: Seen[] = [];
    server.use(
      http.post(
        'https://api.github.com/orgs/:org/repos',
        async ({ request: req, params }) => {
          seen.push({
            method: req.method,
            path: new URL(req.url).pathname,
            authorization: req.headers.get('authorization'),
            body: await req.json(),
          });
          return HttpResponse.json(repoJson(String(params.org), 'svc'), {
            status: 201,
          });
        },
      ),
    );
    await expect(provider.createRepository(request, context)).resolves.toEqual({
      repositoryUrl: 'https://github.com/acme/svc',
      cloneUrl: 'https://github.com/acme/svc.git',
      created: true,
    });
    expect(seen).toEqual([
      {
        method: 'POST',
        path: '/orgs/acme/repos',
        authorization: 'token ghp_secret',
        body: {
          name: 'svc',
          description: 'A service',
          private: true,
          auto_init: false,
        },
      },
    ]);
  });

  it('creates a personal repository with POST /user/repos', async () => {
    const seen: Seen[] = [];
    server.use(
      http.post(
        'https://api.github.com/user/repos',
        async ({ request: req }) => {
          seen.push({
            method: req.method,
            path: new URL(req.url).pathname,
            authorization: req.headers.get('authorization'),
            body: await req.json(),
          });
          return HttpResponse.json(repoJson('jane', 'svc'), { status: 201 });
        },
      ),
    );
    const result = await provider.createRepository(
      {
        ...request,
        organization: '',
        personalAccount: true,
        repoType: 'public',
      },
      context,
    );
    expect(result.repositoryUrl).toBe('https://github.com/jane/svc');
    expect(seen).toEqual([
      {
        method: 'POST',
        path: '/user/repos',
        authorization: 'token ghp_secret',
        body: {
          name: 'svc',
          description: 'A service',
          private: false,
          auto_init: false,
        },
      },
    ]);
  });

  const exists = () =>
    http.post('https://api.github.com/orgs/acme/repos', () =>
      HttpResponse.json(
        {
          message: 'Repository creation failed.',
          errors: [
            {
              resource: 'Repository',
              code: 'custom',
              field: 'name',
              message: 'name already exists on this account',
            },
          ],
        },
        { status: 422 },
      ),
    );

  it('adopts an existing empty repository', async () => {
    const paths: string[] = [];
    server.use(
      exists(),
      http.get('https://api.github.com/repos/acme/svc', ({ request: req }) => {
        paths.push(new URL(req.url).pathname);
        return HttpResponse.json(repoJson('acme', 'svc'));
      }),
      http.get(
        'https://api.github.com/repos/acme/svc/branches',
        ({ request: req }) => {
          const url = new URL(req.url);
          paths.push(`${url.pathname}?${url.searchParams}`);
          return HttpResponse.json([]);
        },
      ),
    );
    await expect(provider.createRepository(request, context)).resolves.toEqual({
      repositoryUrl: 'https://github.com/acme/svc',
      cloneUrl: 'https://github.com/acme/svc.git',
      created: false,
    });
    expect(paths).toEqual([
      '/repos/acme/svc',
      '/repos/acme/svc/branches?per_page=1',
    ]);
  });

  it('refuses an existing repository that has branches, naming it', async () => {
    server.use(
      exists(),
      http.get('https://api.github.com/repos/acme/svc', () =>
        HttpResponse.json(repoJson('acme', 'svc')),
      ),
      http.get('https://api.github.com/repos/acme/svc/branches', () =>
        HttpResponse.json([{ name: 'main' }]),
      ),
    );
    const error = await provider
      .createRepository(request, context)
      .catch(e => e);
    expect(error.name).toBe('ConflictError');
    expect(error.message).toBe(
      'repository https://github.com/acme/svc already exists on GitHub and is not empty; choose another repository name or delete it',
    );
  });

  it.each([
    [
      401,
      'AuthenticationError',
      "GitHub rejected the connector's credentials (401) while trying to create repository acme/svc: Bad credentials",
    ],
    [
      403,
      'NotAllowedError',
      "GitHub refused (403) to create repository acme/svc; check the token's permissions/scopes: Bad credentials",
    ],
    [
      404,
      'NotFoundError',
      'GitHub could not create repository acme/svc (404); organization "acme" does not exist or the credentials cannot see it (for a user account set personalAccount: true): Bad credentials',
    ],
  ])('turns HTTP %s into a %s', async (status, name, message) => {
    server.use(
      http.post('https://api.github.com/orgs/acme/repos', () =>
        HttpResponse.json({ message: 'Bad credentials' }, { status }),
      ),
    );
    const error = await provider
      .createRepository(request, context)
      .catch(e => e);
    expect({ name: error.name, message: error.message }).toEqual({
      name,
      message,
    });
  });

  it('needs credentials', async () => {
    await expect(
      provider.createRepository(request, { credentials: { type: 'none' } }),
    ).rejects.toThrow(
      'GitHub repository creation needs credentials; the connector has none',
    );
  });

  it('talks to GitHub Enterprise under /api/v3', async () => {
    const ghe = new GithubProvider({
      baseUrl: 'https://ghe.example.com',
      apiBaseUrl: 'https://ghe.example.com/api/v3',
    });
    let path = '';
    server.use(
      http.post(
        'https://ghe.example.com/api/v3/orgs/acme/repos',
        ({ request: req }) => {
          path = new URL(req.url).pathname;
          return HttpResponse.json(
            {
              html_url: 'https://ghe.example.com/acme/svc',
              clone_url: 'https://ghe.example.com/acme/svc.git',
            },
            { status: 201 },
          );
        },
      ),
    );
    await expect(ghe.createRepository(request, context)).resolves.toMatchObject(
      { repositoryUrl: 'https://ghe.example.com/acme/svc' },
    );
    expect(path).toBe('/api/v3/orgs/acme/repos');
    expect(
      ghe.rawUrl(
        { organization: 'acme', repository: 'svc' },
        'main',
        'catalog-info.yaml',
      ),
    ).toBe('https://ghe.example.com/acme/svc/raw/main/catalog-info.yaml');
  });
});

describe('GithubProvider URLs and git auth', () => {
  const ref = { organization: 'acme', repository: 'svc' };

  it('builds github.com URLs', () => {
    expect(provider.repositoryUrl(ref)).toBe('https://github.com/acme/svc');
    expect(provider.cloneUrl(ref)).toBe('https://github.com/acme/svc.git');
    expect(provider.blobUrl(ref, 'feature/x', 'dir/catalog info.yaml')).toBe(
      'https://github.com/acme/svc/blob/feature/x/dir/catalog%20info.yaml',
    );
    expect(provider.rawUrl(ref, 'main', 'catalog-info.yaml')).toBe(
      'https://raw.githubusercontent.com/acme/svc/main/catalog-info.yaml',
    );
  });

  it('authenticates git with a Basic header for x-access-token, limited to the host', () => {
    expect(provider.gitAuth({ type: 'token', token: 'ghp_secret' })).toEqual({
      authorization: `Basic ${Buffer.from('x-access-token:ghp_secret').toString('base64')}`,
      scope: 'https://github.com/',
    });
    expect(provider.gitRemote(ref, { type: 'ssh', privateKey: 'k' })).toBe(
      'ssh://git@github.com/acme/svc.git',
    );
  });
});

import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { GitlabProvider } from './gitlab';
import type { CreateRepositoryRequest } from './types';

const server = setupServer();
registerMswTestHooks(server);

const provider = new GitlabProvider({ baseUrl: 'https://gitlab.example.com' });
const context = {
  credentials: { type: 'token' as const, token: 'glpat-secret' },
};
const request: CreateRepositoryRequest = {
  organization: 'platform/backend',
  repository: 'svc',
  description: 'A service',
  repoType: 'private',
  defaultBranch: 'trunk',
  personalAccount: false,
};

interface Seen {
  method: string;
  path: string;
  token: string | null;
  body?: unknown;
}

const project = (empty: boolean) => ({
  id: 7,
  web_url: 'https://gitlab.example.com/platform/backend/svc',
  http_url_to_repo: 'https://gitlab.example.com/platform/backend/svc.git',
  empty_repo: empty,
});

function namespaceHandler(seen: Seen[]) {
  return http.get(
    'https://gitlab.example.com/api/v4/namespaces/:id',
    ({ request: req }) => {
      seen.push({
        method: req.method,
        path: new URL(req.url).pathname,
        token: req.headers.get('private-token'),
      });
      return HttpResponse.json({ id: 42, full_path: 'platform/backend' });
    },
  );
}

describe('GitlabProvider.createRepository', () => {
  it('looks the group path up to its namespace id, then creates the project', async () => {
    const seen: Seen[] = [];
    server.use(
      namespaceHandler(seen),
      http.post(
        'https://gitlab.example.com/api/v4/projects',
        async ({ request: req }) => {
          seen.push({
            method: req.method,
            path: new URL(req.url).pathname,
            token: req.headers.get('private-token'),
            body: await req.json(),
          });
          return HttpResponse.json(project(true), { status: 201 });
        },
      ),
    );
    await expect(provider.createRepository(request, context)).resolves.toEqual({
      repositoryUrl: 'https://gitlab.example.com/platform/backend/svc',
      cloneUrl: 'https://gitlab.example.com/platform/backend/svc.git',
      created: true,
    });
    expect(seen).toEqual([
      {
        method: 'GET',
        path: '/api/v4/namespaces/platform%2Fbackend',
        token: 'glpat-secret',
      },
      {
        method: 'POST',
        path: '/api/v4/projects',
        token: 'glpat-secret',
        body: {
          name: 'svc',
          path: 'svc',
          namespace_id: 42,
          visibility: 'private',
          description: 'A service',
          default_branch: 'trunk',
          initialize_with_readme: false,
        },
      },
    ]);
  });

  it('creates in the user namespace for personal accounts, without a lookup', async () => {
    const seen: Seen[] = [];
    server.use(
      http.post(
        'https://gitlab.example.com/api/v4/projects',
        async ({ request: req }) => {
          seen.push({
            method: req.method,
            path: new URL(req.url).pathname,
            token: req.headers.get('private-token'),
            body: await req.json(),
          });
          return HttpResponse.json(project(true), { status: 201 });
        },
      ),
    );
    await provider.createRepository(
      {
        ...request,
        organization: '',
        personalAccount: true,
        repoType: 'public',
      },
      context,
    );
    expect(seen).toHaveLength(1);
    expect(seen[0].body).not.toHaveProperty('namespace_id');
    expect(seen[0].body).toMatchObject({ visibility: 'public' });
  });

  it('sends OAuth tokens as a Bearer header', async () => {
    let authorization: string | null = null;
    server.use(
      http.get(
        'https://gitlab.example.com/api/v4/namespaces/:id',
        ({ request: req }) => {
          authorization = req.headers.get('authorization');
          return HttpResponse.json({ id: 42 });
        },
      ),
      http.post('https://gitlab.example.com/api/v4/projects', () =>
        HttpResponse.json(project(true), { status: 201 }),
      ),
    );
    await provider.createRepository(request, {
      credentials: { type: 'bearer', token: 'oauth-secret' },
    });
    expect(authorization).toBe('Bearer oauth-secret');
  });

  const taken = () =>
    http.post('https://gitlab.example.com/api/v4/projects', () =>
      HttpResponse.json(
        {
          message: {
            name: ['has already been taken'],
            path: ['has already been taken'],
          },
        },
        { status: 400 },
      ),
    );

  it('adopts an existing empty project', async () => {
    const seen: Seen[] = [];
    server.use(
      namespaceHandler([]),
      taken(),
      http.get(
        'https://gitlab.example.com/api/v4/projects/:id',
        ({ request: req }) => {
          seen.push({
            method: req.method,
            path: new URL(req.url).pathname,
            token: req.headers.get('private-token'),
          });
          return HttpResponse.json(project(true));
        },
      ),
    );
    await expect(
      provider.createRepository(request, context),
    ).resolves.toMatchObject({ created: false });
    expect(seen).toEqual([
      {
        method: 'GET',
        path: '/api/v4/projects/platform%2Fbackend%2Fsvc',
        token: 'glpat-secret',
      },
    ]);
  });

  it('refuses an existing project with commits', async () => {
    server.use(
      namespaceHandler([]),
      taken(),
      http.get('https://gitlab.example.com/api/v4/projects/:id', () =>
        HttpResponse.json(project(false)),
      ),
    );
    await expect(provider.createRepository(request, context)).rejects.toThrow(
      'repository https://gitlab.example.com/platform/backend/svc already exists on GitLab and is not empty',
    );
  });

  it('reports an unknown group clearly', async () => {
    server.use(
      http.get('https://gitlab.example.com/api/v4/namespaces/:id', () =>
        HttpResponse.json(
          { message: '404 Namespace Not Found' },
          { status: 404 },
        ),
      ),
    );
    const error = await provider
      .createRepository(request, context)
      .catch(e => e);
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toContain(
      'GitLab group or namespace "platform/backend" not found',
    );
  });

  it.each([
    [
      401,
      'AuthenticationError',
      "GitLab rejected the connector's credentials (401)",
    ],
    [
      403,
      'NotAllowedError',
      'GitLab refused (403) to create project platform/backend/svc',
    ],
  ])('turns HTTP %s into a %s', async (status, name, message) => {
    server.use(
      namespaceHandler([]),
      http.post('https://gitlab.example.com/api/v4/projects', () =>
        HttpResponse.json({ message: 'nope' }, { status }),
      ),
    );
    const error = await provider
      .createRepository(request, context)
      .catch(e => e);
    expect(error.name).toBe(name);
    expect(error.message).toContain(message);
  });
});

describe('GitlabProvider URLs and git auth', () => {
  const ref = { organization: 'platform/backend', repository: 'svc' };

  it('builds GitLab URLs with the group path', () => {
    expect(provider.repositoryUrl(ref)).toBe(
      'https://gitlab.example.com/platform/backend/svc',
    );
    expect(provider.cloneUrl(ref)).toBe(
      'https://gitlab.example.com/platform/backend/svc.git',
    );
    expect(provider.blobUrl(ref, 'main', 'catalog-info.yaml')).toBe(
      'https://gitlab.example.com/platform/backend/svc/-/blob/main/catalog-info.yaml',
    );
    expect(provider.rawUrl(ref, 'main', 'catalog-info.yaml')).toBe(
      'https://gitlab.example.com/platform/backend/svc/-/raw/main/catalog-info.yaml',
    );
  });

  it('authenticates git as oauth2 with the token', () => {
    expect(
      provider.gitAuth({ type: 'token', token: 'glpat-secret' }).authorization,
    ).toBe(`Basic ${Buffer.from('oauth2:glpat-secret').toString('base64')}`);
  });
});

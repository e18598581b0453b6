import {
  createPublicKey,
  createVerify,
  generateKeyPairSync,
} from 'node:crypto';
import { registerMswTestHooks } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { StepSecrets } from '@idp-pipelines/plugin-pipeline-engine-node';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ConnectorResolver } from './ConnectorResolver';

type JsonObject = NonNullable<ConstructorParameters<typeof ConfigReader>[0]>;

const server = setupServer();
registerMswTestHooks(server);

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

function resolver(connectors: JsonObject, integrations: JsonObject = {}) {
  return ConnectorResolver.fromConfig(
    new ConfigReader({ integrations, pipelineEngine: { connectors } }),
  );
}

function secrets(
  values: Record<string, string> = {},
): StepSecrets & { masked: string[] } {
  const masked: string[] = [];
  return {
    masked,
    async get(ref) {
      const value = values[ref.replace(/^(account|org)\./, '')];
      if (value === undefined) throw new Error(`no secret ${ref}`);
      masked.push(value);
      return value;
    },
    mask(value) {
      masked.push(value);
    },
  };
}

function verifyJwt(jwt: string): Record<string, unknown> {
  const [header, payload, signature] = jwt.split('.');
  const ok = createVerify('RSA-SHA256')
    .update(`${header}.${payload}`)
    .verify(createPublicKey(publicKey), Buffer.from(signature, 'base64url'));
  if (!ok) throw new Error('bad JWT signature');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

describe('ConnectorResolver: connectors', () => {
  const connectors = resolver(
    {
      testdev: {
        type: 'Github',
        url: 'https://github.com/acme',
        auth: { type: 'token', token: 't' },
      },
      gitlabRepo: {
        type: 'Gitlab',
        url: 'https://gitlab.example.com/gitlab/group/sub/svc.git',
        urlType: 'Repo',
      },
      bb: { type: 'bitbucket', url: 'https://bitbucket.org/acme-ws' },
      bbs: {
        type: 'Bitbucket',
        url: 'https://bitbucket.example.com/projects/PRJ',
      },
      azure: { type: 'AzureRepo', url: 'https://dev.azure.com/acme/Platform' },
      sshGit: {
        type: 'Git',
        url: 'git@git.example.com:team',
        auth: { type: 'ssh', privateKeySecret: 'deploy_key' },
      },
      local: { type: 'Local' },
      localRepo: {
        type: 'Local',
        url: 'http://localhost:7007/api/pipeline-engine/git/acme/svc',
        urlType: 'Repo',
      },
    },
    {
      gitlab: [
        {
          host: 'gitlab.example.com',
          baseUrl: 'https://gitlab.example.com/gitlab',
          apiBaseUrl: 'https://gitlab.example.com/gitlab/api/v4',
        },
      ],
    },
  );

  it.each(['account.testdev', 'org.testdev', 'testdev'])(
    'resolves the scoped reference %s',
    ref => {
      expect(connectors.get(ref)).toEqual({
        id: 'testdev',
        type: 'Github',
        provider: 'github',
        urlType: 'Account',
        baseUrl: 'https://github.com',
        apiBaseUrl: 'https://api.github.com',
        path: ['acme'],
        auth: { type: 'token', token: 't', tokenSecret: undefined },
        // Backstage always configures github.com (anonymously when not told otherwise).
        integrationHost: 'github.com',
      });
    },
  );

  it('splits URLs below the integration base URL and picks Bitbucket Cloud or Server by host', () => {
    expect(connectors.get('gitlabRepo')).toMatchObject({
      provider: 'gitlab',
      urlType: 'Repo',
      baseUrl: 'https://gitlab.example.com/gitlab',
      apiBaseUrl: 'https://gitlab.example.com/gitlab/api/v4',
      path: ['group', 'sub', 'svc.git'],
      integrationHost: 'gitlab.example.com',
    });
    expect(connectors.get('bb')).toMatchObject({
      type: 'Bitbucket',
      provider: 'bitbucketCloud',
      path: ['acme-ws'],
    });
    expect(connectors.get('bbs')).toMatchObject({
      provider: 'bitbucketServer',
      apiBaseUrl: 'https://bitbucket.example.com/rest/api/1.0',
    });
    expect(connectors.get('azure')).toMatchObject({
      provider: 'azure',
      path: ['acme', 'Platform'],
    });
    expect(connectors.get('sshGit')).toMatchObject({
      provider: 'git',
      sshUrl: 'git@git.example.com:team',
      baseUrl: 'https://git.example.com/team',
      path: [],
    });
    expect(connectors.get('local')).toMatchObject({
      provider: 'local',
      path: [],
    });
    expect(connectors.get('localRepo')).toMatchObject({
      provider: 'local',
      urlType: 'Repo',
      path: ['acme', 'svc'],
    });
  });

  it('names the configured connectors and the nearest one for an unknown reference', () => {
    expect(() => connectors.get('account.testdevv')).toThrow(
      'connector "account.testdevv" is not configured (did you mean "testdev"?). Configured connectors: azure, bb, bbs, gitlabRepo, local, localRepo, sshGit, testdev. Add it under pipelineEngine.connectors.testdevv in app-config.',
    );
    expect(() => resolver({}).get('x')).toThrow(
      'No connectors are configured.',
    );
  });

  it.each([
    [
      { type: 'Gihtub', url: 'https://github.com' },
      'pipelineEngine.connectors.c.type "Gihtub" is not one of Github, Gitlab, Bitbucket, AzureRepo, Git, Local; did you mean "Github"?',
    ],
    [
      { type: 'Github', url: 'https://user:pw@github.com/acme' },
      'pipelineEngine.connectors.c.url must not contain credentials; put them under pipelineEngine.connectors.c.auth',
    ],
    [
      { type: 'Github', auth: { type: 'tokn', token: 'x' } },
      'pipelineEngine.connectors.c.auth.type "tokn" is not one of token, usernamePassword, githubApp, ssh; did you mean "token"?',
    ],
    [
      {
        type: 'Gitlab',
        auth: {
          type: 'githubApp',
          appId: 1,
          installationId: 2,
          privateKey: 'k',
        },
      },
      'auth type githubApp needs a Github connector',
    ],
    [
      { type: 'Git' },
      'pipelineEngine.connectors.c.url is required for a Git connector',
    ],
    [
      { type: 'Github', urlType: 'Org' },
      'pipelineEngine.connectors.c.urlType "Org" must be Account or Repo',
    ],
  ])('rejects invalid connector config %j', (connector, message) => {
    expect(() => resolver({ c: connector })).toThrow(message);
  });
});

describe('ConnectorResolver: credentials', () => {
  it('reads token, usernamePassword and ssh auth, from values or secrets, and masks them', async () => {
    const connectors = resolver({
      a: {
        type: 'Github',
        auth: { type: 'token', tokenSecret: 'account.gh_token' },
      },
      b: {
        type: 'Bitbucket',
        auth: {
          type: 'usernamePassword',
          username: 'jane',
          password: 'pw-123',
        },
      },
      c: {
        type: 'Git',
        url: 'ssh://git@git.example.com/team',
        auth: {
          type: 'ssh',
          privateKeySecret: 'deploy_key',
          knownHosts: 'git.example.com ssh-ed25519 AAAA',
        },
      },
      d: { type: 'Github', auth: { type: 'token' } },
    });
    const s = secrets({
      gh_token: 'gh-secret',
      deploy_key: '-----BEGIN KEY-----',
    });
    await expect(
      connectors.credentials(connectors.get('a'), { secrets: s }),
    ).resolves.toEqual({ type: 'token', token: 'gh-secret' });
    await expect(
      connectors.credentials(connectors.get('b'), { secrets: s }),
    ).resolves.toEqual({ type: 'basic', username: 'jane', password: 'pw-123' });
    await expect(
      connectors.credentials(connectors.get('c'), { secrets: s }),
    ).resolves.toEqual({
      type: 'ssh',
      privateKey: '-----BEGIN KEY-----',
      knownHosts: 'git.example.com ssh-ed25519 AAAA',
    });
    expect(s.masked).toEqual(
      expect.arrayContaining(['gh-secret', 'pw-123', '-----BEGIN KEY-----']),
    );
    await expect(
      connectors.credentials(connectors.get('d'), { secrets: s }),
    ).rejects.toThrow(
      'connector "d": auth.token or auth.tokenSecret is required',
    );
  });

  it('mints GitHub App installation tokens for githubApp connectors, caches them and masks them', async () => {
    const calls: Array<Record<string, unknown>> = [];
    server.use(
      http.post(
        'https://api.github.com/app/installations/:id/access_tokens',
        ({ request, params }) => {
          const jwt = request.headers
            .get('authorization')!
            .replace(/^Bearer /, '');
          calls.push({
            installation: params.id,
            accept: request.headers.get('accept'),
            claims: verifyJwt(jwt),
          });
          return HttpResponse.json(
            {
              token: 'ghs_installation',
              expires_at: new Date(Date.now() + 3600_000).toISOString(),
            },
            { status: 201 },
          );
        },
      ),
    );
    const connectors = resolver({
      app: {
        type: 'Github',
        url: 'https://github.com/acme',
        auth: {
          type: 'githubApp',
          appId: 1234,
          installationId: 99,
          privateKeySecret: 'app_key',
        },
      },
    });
    const s = secrets({ app_key: privateKey });
    await expect(
      connectors.credentials(connectors.get('app'), { secrets: s }),
    ).resolves.toEqual({ type: 'token', token: 'ghs_installation' });
    await expect(
      connectors.credentials(connectors.get('app'), { secrets: s }),
    ).resolves.toEqual({ type: 'token', token: 'ghs_installation' });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      installation: '99',
      accept: 'application/vnd.github+json',
      claims: { iss: 1234 },
    });
    const claims = calls[0].claims as { iat: number; exp: number };
    expect(claims.exp - claims.iat).toBe(600);
    expect(s.masked).toEqual(
      expect.arrayContaining(['ghs_installation', privateKey]),
    );
  });

  it('reports a GitHub App that GitHub does not know', async () => {
    server.use(
      http.post(
        'https://api.github.com/app/installations/:id/access_tokens',
        () => HttpResponse.json({ message: 'Not Found' }, { status: 404 }),
      ),
    );
    const connectors = resolver({
      app: {
        type: 'Github',
        auth: {
          type: 'githubApp',
          appId: '1',
          installationId: '2',
          privateKey,
        },
      },
    });
    await expect(
      connectors.credentials(connectors.get('app'), { secrets: secrets() }),
    ).rejects.toThrow('GitHub App 1 has no installation 2: Not Found');
  });

  it('uses the GitHub integration token when the connector has no auth', async () => {
    const connectors = resolver(
      { gh: { type: 'Github', url: 'https://github.com/acme' } },
      { github: [{ host: 'github.com', token: 'integration-token' }] },
    );
    const s = secrets();
    await expect(
      connectors.credentials(connectors.get('gh'), {
        secrets: s,
        repository: { organization: 'acme', repository: 'svc' },
      }),
    ).resolves.toEqual({
      type: 'token',
      token: 'integration-token',
    });
    expect(s.masked).toEqual(['integration-token']);
  });

  it('uses GitHub App installations configured under integrations.github', async () => {
    const requests: string[] = [];
    server.use(
      http.get('https://api.github.com/app/installations', ({ request }) => {
        requests.push(`GET ${new URL(request.url).pathname}`);
        verifyJwt(
          request.headers.get('authorization')!.replace(/^bearer /i, ''),
        );
        return HttpResponse.json([
          {
            id: 77,
            account: { login: 'acme' },
            repository_selection: 'all',
            suspended_at: null,
          },
        ]);
      }),
      http.post(
        'https://api.github.com/app/installations/77/access_tokens',
        ({ request }) => {
          requests.push(`POST ${new URL(request.url).pathname}`);
          return HttpResponse.json(
            {
              token: 'ghs_from_integration',
              expires_at: new Date(Date.now() + 3600_000).toISOString(),
              permissions: {},
              repository_selection: 'all',
            },
            { status: 201 },
          );
        },
      ),
    );
    const connectors = resolver(
      { gh: { type: 'Github' } },
      {
        github: [
          {
            host: 'github.com',
            apps: [
              {
                appId: 5,
                privateKey,
                clientId: 'c',
                clientSecret: 's',
                webhookSecret: 'w',
              },
            ],
          },
        ],
      },
    );
    const s = secrets();
    await expect(
      connectors.credentials(connectors.get('gh'), {
        secrets: s,
        repository: { organization: 'acme', repository: 'svc' },
      }),
    ).resolves.toEqual({
      type: 'token',
      token: 'ghs_from_integration',
    });
    expect(requests).toEqual([
      'GET /app/installations',
      'POST /app/installations/77/access_tokens',
    ]);
    expect(s.masked).toContain('ghs_from_integration');
  });

  it('uses GitLab, Bitbucket and Azure integration credentials', async () => {
    const connectors = resolver(
      {
        gl: { type: 'Gitlab', url: 'https://gitlab.com/group' },
        bb: { type: 'Bitbucket', url: 'https://bitbucket.org/ws' },
        bbs: { type: 'Bitbucket', url: 'https://bitbucket.example.com' },
        az: { type: 'AzureRepo', url: 'https://dev.azure.com/acme' },
        none: { type: 'Github', url: 'https://ghe.example.com/acme' },
      },
      {
        gitlab: [{ host: 'gitlab.com', token: 'gl-int' }],
        bitbucketCloud: [{ username: 'jane', appPassword: 'bb-app-pass' }],
        bitbucketServer: [{ host: 'bitbucket.example.com', token: 'bbs-int' }],
        azure: [
          {
            host: 'dev.azure.com',
            credentials: [{ personalAccessToken: 'az-pat' }],
          },
        ],
      },
    );
    const s = secrets();
    await expect(
      connectors.credentials(connectors.get('gl'), { secrets: s }),
    ).resolves.toEqual({ type: 'bearer', token: 'gl-int' });
    await expect(
      connectors.credentials(connectors.get('bb'), { secrets: s }),
    ).resolves.toEqual({
      type: 'basic',
      username: 'jane',
      password: 'bb-app-pass',
    });
    await expect(
      connectors.credentials(connectors.get('bbs'), { secrets: s }),
    ).resolves.toEqual({ type: 'bearer', token: 'bbs-int' });
    await expect(
      connectors.credentials(connectors.get('az'), {
        secrets: s,
        repository: { organization: 'acme' },
      }),
    ).resolves.toEqual({ type: 'token', token: 'az-pat' });
    await expect(
      connectors.credentials(connectors.get('none'), { secrets: s }),
    ).resolves.toEqual({ type: 'none' });
    expect(s.masked).toEqual(['gl-int', 'bb-app-pass', 'bbs-int', 'az-pat']);
  });

  it('prefers the connector auth over the integration', async () => {
    const connectors = resolver(
      { gh: { type: 'Github', auth: { type: 'token', token: 'own' } } },
      { github: [{ host: 'github.com', token: 'integration' }] },
    );
    await expect(
      connectors.credentials(connectors.get('gh'), { secrets: secrets() }),
    ).resolves.toEqual({ type: 'token', token: 'own' });
  });
});

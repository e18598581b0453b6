import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import { ConnectorResolver } from '../../connectors';
import { defaultScmProviderFactories } from '../../scm/providers';
import { tempDir } from '../../scm/__testUtils__/gitFixtures';
import { gitRemoteFor, repositoryFromSpec, resolveInWorkspace } from './shared';

const connectors = ConnectorResolver.fromConfig(
  new ConfigReader({
    pipelineEngine: {
      connectors: {
        ghSsh: {
          type: 'Github',
          url: 'git@github.com:acme',
          auth: { type: 'ssh', privateKey: 'k' },
        },
        gitSsh: {
          type: 'Git',
          url: 'ssh://git@git.example.com:2222/team',
          auth: { type: 'ssh', privateKey: 'k' },
        },
        gitSshRepo: {
          type: 'Git',
          url: 'git@git.example.com:team/app.git',
          urlType: 'Repo',
          auth: { type: 'ssh', privateKey: 'k' },
        },
        bb: { type: 'Bitbucket', url: 'https://bitbucket.org/ws-from-url' },
        bbs: { type: 'Bitbucket', url: 'https://bitbucket.example.com' },
        az: { type: 'AzureRepo', url: 'https://dev.azure.com/acme/Platform' },
        repo: {
          type: 'Gitlab',
          url: 'https://gitlab.com/group/sub/app',
          urlType: 'Repo',
        },
      },
    },
  }),
);
const factories = defaultScmProviderFactories({
  root: '/tmp/x',
  baseUrl: 'http://localhost/git',
});
const of = (id: string) => {
  const connector = connectors.get(id);
  return { connector, provider: factories[connector.provider](connector) };
};
const ssh = { type: 'ssh' as const, privateKey: 'k' };

describe('gitRemoteFor', () => {
  it('keeps the user, host, port and path prefix of SSH connector URLs', () => {
    const gh = of('ghSsh');
    expect(
      gitRemoteFor(
        gh.connector,
        gh.provider,
        { organization: 'acme', repository: 'svc' },
        ssh,
      ),
    ).toBe('git@github.com:acme/svc.git');
    const git = of('gitSsh');
    expect(
      gitRemoteFor(
        git.connector,
        git.provider,
        { organization: 'org', repository: 'repo.git' },
        ssh,
      ),
    ).toBe('ssh://git@git.example.com:2222/team/org/repo.git');
    const repo = of('gitSshRepo');
    const ref = repo.provider.refFromPath(repo.connector.path, 'repo');
    expect(
      gitRemoteFor(
        repo.connector,
        repo.provider,
        { organization: ref.organization!, repository: ref.repository! },
        ssh,
      ),
    ).toBe('git@git.example.com:team/app.git');
  });

  it('uses HTTPS remotes for non-SSH credentials', () => {
    const gh = of('ghSsh');
    expect(
      gitRemoteFor(
        gh.connector,
        gh.provider,
        { organization: 'acme', repository: 'svc' },
        { type: 'token', token: 't' },
      ),
    ).toBe('https://github.com/acme/svc.git');
  });
});

describe('repositoryFromSpec', () => {
  it('maps Bitbucket workspace/project and Azure organization/project', () => {
    const bb = of('bb');
    expect(
      repositoryFromSpec(bb.connector, bb.provider, { repository: 'r' }),
    ).toEqual({ organization: 'ws-from-url', repository: 'r' });
    expect(
      repositoryFromSpec(bb.connector, bb.provider, {
        workspace: 'ws',
        organization: 'o',
        project: 'P',
        repository: 'r',
      }),
    ).toEqual({ organization: 'ws', project: 'P', repository: 'r' });
    const bbs = of('bbs');
    expect(
      repositoryFromSpec(bbs.connector, bbs.provider, {
        project: 'KEY',
        repository: 'r',
      }),
    ).toEqual({ organization: 'KEY', repository: 'r' });
    const az = of('az');
    expect(
      repositoryFromSpec(az.connector, az.provider, { repository: 'r' }),
    ).toEqual({ organization: 'acme', project: 'Platform', repository: 'r' });
    const repo = of('repo');
    expect(repositoryFromSpec(repo.connector, repo.provider, {})).toEqual({
      organization: 'group/sub',
      repository: 'app',
    });
  });

  it('needs a repository and an organization', () => {
    const az = of('az');
    expect(() => repositoryFromSpec(az.connector, az.provider, {})).toThrow(
      'spec.repository is required (connector "az" does not name a repository)',
    );
    const bbs = of('bbs');
    expect(() =>
      repositoryFromSpec(bbs.connector, bbs.provider, { repository: 'r' }),
    ).toThrow('spec.organization is required');
  });
});

describe('resolveInWorkspace', () => {
  it('accepts paths inside, including absolute ones, and refuses escapes', async () => {
    const ws = tempDir('ws-');
    mkdirSync(join(ws, 'a'));
    expect(await resolveInWorkspace(ws, 'a/b/c', 'f')).toBe(join(ws, 'a/b/c'));
    expect(await resolveInWorkspace(ws, join(ws, 'a'), 'f')).toBe(
      join(ws, 'a'),
    );
    await expect(resolveInWorkspace(ws, '/etc', 'f')).rejects.toThrow(
      'spec.f "/etc" is outside the stage workspace',
    );
    await expect(resolveInWorkspace(ws, 'a/../../x', 'f')).rejects.toThrow(
      'outside the stage workspace',
    );
    symlinkSync('/', join(ws, 'root'));
    await expect(resolveInWorkspace(ws, 'root/etc', 'f')).rejects.toThrow(
      'through a symbolic link',
    );
  });
});

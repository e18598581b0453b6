import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { defaultAllowedHosts, readNetworkPolicy } from './config';
import { isBlockedAddress } from './blockedAddresses';
import { NetworkPolicy, type AddressLookup } from './networkPolicy';

/** A fake DNS: names map to fixed addresses. */
function fakeDns(table: Record<string, string[]>): AddressLookup {
  return async hostname => {
    const addresses = table[hostname];
    if (!addresses)
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
        code: 'ENOTFOUND',
      });
    return addresses.map(address => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
  };
}

const SOURCE = {
  step: 'CookieCutter step "render"',
  field: 'spec.publicTemplateUrl',
};

describe('isBlockedAddress', () => {
  it.each([
    ['169.254.169.254', true],
    ['169.254.0.1', true],
    ['fd00:ec2::254', true],
    ['fe80::1', true],
    ['::ffff:169.254.169.254', true],
    ['::ffff:a9fe:a9fe', true],
    ['[::ffff:a9fe:a9fe]', true],
    ['127.0.0.1', false],
    ['10.0.0.1', false],
    ['::1', false],
    ['fd00:ec2::253', false],
    ['example.com', false],
  ])('%s → %p', (address, blocked) => {
    expect(isBlockedAddress(address)).toBe(blocked);
  });
});

describe('NetworkPolicy.check', () => {
  const policy = new NetworkPolicy({
    allow: [
      'git.example.com',
      'metadata.example.com',
      '*.internal.example',
      '[::ffff:a9fe:a9fe]',
      '169.254.169.254',
    ],
    lookup: fakeDns({
      'git.example.com': ['203.0.113.7', '2001:db8::7'],
      'metadata.example.com': ['203.0.113.8', '169.254.169.254'],
      'svc.internal.example': ['fd00:ec2::254'],
    }),
  });

  it('returns every checked address of an allowed host', async () => {
    const target = await policy.check(
      new URL('https://git.example.com/o/r.git'),
      SOURCE,
    );
    expect(target).toMatchObject({ hostname: 'git.example.com', port: 443 });
    expect(target.addresses.map(a => a.address)).toEqual([
      '203.0.113.7',
      '2001:db8::7',
    ]);
  });

  it('refuses a host not in the list, naming step, field, host and the config key', async () => {
    await expect(
      policy.check(new URL('http://evil.example.org:8080/x'), SOURCE),
    ).rejects.toThrow(
      'CookieCutter step "render": spec.publicTemplateUrl http://evil.example.org:8080/x refused: host "evil.example.org:8080" is not in pipelineEngine.network.allow; add "evil.example.org:8080"',
    );
  });

  it('refuses names that resolve to a metadata or link-local address, even when allowed', async () => {
    await expect(
      policy.check(new URL('https://metadata.example.com/'), SOURCE),
    ).rejects.toThrow(
      'host "metadata.example.com" resolves to 169.254.169.254, which is a link-local or cloud metadata address',
    );
    await expect(
      policy.check(new URL('https://svc.internal.example/'), SOURCE),
    ).rejects.toThrow(/resolves to fd00:ec2::254/);
    await expect(
      policy.check(new URL('http://169.254.169.254/latest'), SOURCE),
    ).rejects.toThrow(/"169.254.169.254" is a link-local/);
    await expect(
      policy.check(new URL('http://[::ffff:169.254.169.254]/'), SOURCE),
    ).rejects.toThrow(/link-local or cloud metadata/);
  });

  it('refuses schemes that do not fit the use', async () => {
    await expect(
      policy.check(new URL('ftp://git.example.com/x'), SOURCE),
    ).rejects.toThrow('only http or https URLs are allowed here');
    await expect(
      policy.check(new URL('ssh://git@git.example.com/o/r.git'), SOURCE, [
        'https:',
        'ssh:',
      ]),
    ).resolves.toMatchObject({ port: 22 });
  });

  it('refuses local paths unless allowLocalPaths', () => {
    expect(() => policy.checkLocalPath('/srv/repo.git', SOURCE)).toThrow(
      'CookieCutter step "render": spec.publicTemplateUrl "/srv/repo.git" refused: it names a path on the backend host; set pipelineEngine.network.allowLocalPaths: true',
    );
    expect(() =>
      new NetworkPolicy({ allow: [], allowLocalPaths: true }).checkLocalPath(
        '/srv/repo.git',
        SOURCE,
      ),
    ).not.toThrow();
  });

  it('hands only checked addresses to sockets', async () => {
    const lookup = policy.socketLookup('Http step "x": spec.url');
    const resolved = await new Promise<unknown>((resolve, reject) =>
      lookup('metadata.example.com', { all: true }, (error, address) =>
        error ? reject(error) : resolve(address),
      ),
    ).catch(e => e);
    expect(String(resolved)).toContain('link-local or cloud metadata address');
    const ok = await new Promise<unknown>(resolve =>
      lookup('git.example.com', {}, (_e, address, family) =>
        resolve([address, family]),
      ),
    );
    expect(ok).toEqual(['203.0.113.7', 4]);
  });
});

describe('readNetworkPolicy', () => {
  const config = new ConfigReader({
    backend: { baseUrl: 'http://localhost:7007' },
    integrations: {
      gitlab: [
        {
          host: 'gitlab.example.com',
          apiBaseUrl: 'https://gitlab.example.com:8443/api/v4',
        },
      ],
    },
    pipelineEngine: {
      network: { allow: ['api.example.com'] },
      http: { allow: ['legacy.example.com'] },
      connectors: {
        gitea: { type: 'Git', url: 'https://gitea.example.net/org' },
        ssh: {
          type: 'Git',
          url: 'git@ssh.example.net:org',
          auth: { type: 'ssh', privateKeySecret: 'k' },
        },
        local: { type: 'Local' },
      },
    },
  });

  it('allows the backend, the integrations and the connectors by default', () => {
    expect(defaultAllowedHosts(config)).toEqual(
      expect.arrayContaining([
        'localhost:7007',
        'github.com:*',
        'gitlab.example.com:*',
        'gitea.example.net:*',
        'ssh.example.net:*',
      ]),
    );
  });

  it('merges the deprecated http.allow with a warning', () => {
    const logger = mockServices.logger.mock();
    const policy = readNetworkPolicy(config, { logger });
    expect(policy.allowsHost('legacy.example.com', 443, 443)).toBe(true);
    expect(policy.allowsHost('api.example.com', 443, 443)).toBe(true);
    expect(policy.allowsHost('localhost', 7007, 80)).toBe(true);
    expect(policy.allowsHost('localhost', 5432, 80)).toBe(false);
    const discovered = readNetworkPolicy(new ConfigReader({}), {
      ownUrls: ['http://127.0.0.1:4321/api/pipeline-engine/git'],
    });
    expect(discovered.allowsHost('127.0.0.1', 4321, 80)).toBe(true);
    expect(policy.allowLocalPaths).toBe(false);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('pipelineEngine.http.allow is deprecated'),
    );
  });
});

describe('NetworkPolicy host patterns', () => {
  const allows = (patterns: string[], raw: string) => {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    const defaultPort = url.protocol === 'https:' ? 443 : 80;
    return new NetworkPolicy({ allow: patterns }).allowsHost(
      url.hostname,
      url.port ? Number(url.port) : defaultPort,
      defaultPort,
    );
  };

  it('matches hosts on their default port unless a port is given', () => {
    expect(allows(['api.example.com'], 'https://api.example.com/x')).toBe(true);
    expect(allows(['api.example.com'], 'http://API.example.com./x')).toBe(true);
    expect(allows(['api.example.com'], 'https://api.example.com:8443/x')).toBe(
      false,
    );
    expect(
      allows(['api.example.com:8443'], 'https://api.example.com:8443/x'),
    ).toBe(true);
    expect(allows(['api.example.com:*'], 'http://api.example.com:6379/')).toBe(
      true,
    );
    expect(allows(['localhost:8080'], 'http://localhost:8080/')).toBe(true);
    expect(allows(['localhost:8080'], 'http://localhost/')).toBe(false);
    expect(
      allows(['api.example.com'], 'https://evil.com/?api.example.com'),
    ).toBe(false);
    expect(
      allows(['api.example.com'], 'https://api.example.com.evil.com/'),
    ).toBe(false);
  });

  it('matches subdomains with *. but not the domain itself', () => {
    expect(
      allows(['*.internal.example.com'], 'https://svc.internal.example.com/'),
    ).toBe(true);
    expect(
      allows(['*.internal.example.com'], 'https://a.b.internal.example.com/'),
    ).toBe(true);
    expect(
      allows(['*.internal.example.com'], 'https://internal.example.com/'),
    ).toBe(false);
    expect(
      allows(['*.internal.example.com'], 'https://evilinternal.example.com/'),
    ).toBe(false);
  });

  it('allows nothing by default, and nothing but http(s)', () => {
    expect(allows([], 'https://api.example.com/')).toBe(false);
    expect(allows(['*:*'], 'ftp://api.example.com/')).toBe(false);
    expect(allows(['[::1]:8080'], 'http://[::1]:8080/')).toBe(true);
  });

  it('rejects malformed patterns at startup', () => {
    expect(
      () => new NetworkPolicy({ allow: ['api.example.com:http'] }),
    ).toThrow(/not a host pattern/);
  });
});

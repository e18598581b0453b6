import { HostAllowList } from './httpAllowList';

describe('HostAllowList', () => {
  const allows = (patterns: string[], url: string) =>
    new HostAllowList(patterns).allows(new URL(url));

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
    expect(() => new HostAllowList(['api.example.com:http'])).toThrow(
      /not a host pattern/,
    );
  });
});

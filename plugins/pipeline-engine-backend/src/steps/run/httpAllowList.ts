/*
 * Hosts the Http step may call (`pipelineEngine.http.allow`). Without a
 * list nothing may be called: a pipeline author must not be able to reach
 * the backend's internal network (cloud metadata, databases, admin APIs).
 *
 * Patterns:
 *   api.example.com          that host on the scheme's default port (443/80)
 *   api.example.com:8443     that host on port 8443
 *   api.example.com:*        that host on any port
 *   *.internal.example.com   any subdomain (not the domain itself), default port
 *   [::1]:8080, 127.0.0.1    IP addresses, written as in URLs
 *   *                        any host (default ports); `*:*` any host and port
 */

interface HostPattern {
  /** Lower-case host, `*.suffix`, or `*`. */
  host: string;
  /** A port, `*`, or undefined for the scheme's default port. */
  port: number | '*' | undefined;
}

function parsePattern(raw: string): HostPattern {
  const text = raw.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+|\*))?$/.exec(text);
  if (!match) throw new Error(`pipelineEngine.http.allow: ${JSON.stringify(raw)} is not a host pattern such as api.example.com, *.example.com or localhost:8080`);
  let port: HostPattern['port'];
  if (match[2] === '*') port = '*';
  else if (match[2] !== undefined) port = Number(match[2]);
  return { host: match[1].replace(/\.$/, ''), port };
}

function defaultPort(url: URL): number {
  return url.protocol === 'https:' ? 443 : 80;
}

/** `host:port` of a URL, as shown in messages and as a pattern that would allow it. */
export function hostAndPort(url: URL): string {
  return `${url.hostname.toLowerCase()}${url.port ? `:${url.port}` : ''}`;
}

/** The configured allow list. */
export class HostAllowList {
  readonly #patterns: HostPattern[];

  constructor(patterns: readonly string[]) {
    this.#patterns = patterns.map(parsePattern);
  }

  /** Whether a request to `url` is allowed. */
  allows(url: URL): boolean {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    const host = url.hostname.toLowerCase().replace(/\.$/, '');
    const port = url.port ? Number(url.port) : defaultPort(url);
    return this.#patterns.some(p => {
      const hostMatches =
        p.host === '*' ||
        p.host === host ||
        (p.host.startsWith('*.') && host.endsWith(p.host.slice(1)) && host.length > p.host.length - 1);
      const portMatches = p.port === '*' || (p.port === undefined ? port === defaultPort(url) : p.port === port);
      return hostMatches && portMatches;
    });
  }
}

import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { NotAllowedError } from '@backstage/errors';
import { isBlockedAddress } from './blockedAddresses';

/*
 * The one allow list for every outbound URL a pipeline chooses: Http step
 * URLs, CookieCutter template URLs, GitClone remotes and RegisterCatalog
 * URLs. A URL passes when its scheme fits the use, its host:port matches a
 * pattern, and every address its name resolves to is outside the
 * link-local / metadata ranges; callers then connect to those checked
 * addresses (Http pins them in its socket lookup, git gets them through
 * http.curloptResolve).
 *
 * Patterns (as `http.allow` always had):
 *   api.example.com          that host on the scheme's default port
 *   api.example.com:8443     that host on port 8443
 *   api.example.com:*        that host on any port
 *   *.internal.example.com   any subdomain (not the domain itself), default port
 *   [::1]:8080, 127.0.0.1    IP addresses, written as in URLs
 *   *                        any host (default ports); `*:*` any host and port
 */

/** Resolves a host name to every address it has. */
export type AddressLookup = (
  hostname: string,
) => Promise<Array<{ address: string; family: number }>>;

/** Where an outbound URL comes from, for messages: `CookieCutter step "render"`, `spec.publicTemplateUrl`. */
export interface OutboundSource {
  /** The step, e.g. `CookieCutter step "idpcookiecutter"`. */
  step: string;
  /** The field, e.g. `spec.publicTemplateUrl`. */
  field: string;
}

/** A URL that passed the policy, with the addresses to connect to. */
export interface CheckedTarget {
  url: URL;
  /** Lower-case host name without brackets. */
  hostname: string;
  port: number;
  /** Every address the name resolved to; all were checked. */
  addresses: Array<{ address: string; family: number }>;
}

/** Settings of {@link NetworkPolicy}. */
export interface NetworkPolicyOptions {
  /** Host patterns (configured ones and the defaults: integrations, the backend's own host, connectors). */
  allow: readonly string[];
  /** `file:` URLs and local paths may be used as repository URLs. */
  allowLocalPaths?: boolean;
  /** DNS resolution; tests pass a fake. */
  lookup?: AddressLookup;
}

interface HostPattern {
  host: string;
  port: number | '*' | undefined;
}

const DEFAULT_PORTS: Record<string, number> = {
  'http:': 80,
  'https:': 443,
  'ssh:': 22,
  'git:': 9418,
};

function parsePattern(raw: string): HostPattern {
  const text = raw
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .replace(/\/.*$/, '');
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+|\*))?$/.exec(text);
  if (!match) {
    throw new Error(
      `pipelineEngine.network.allow: ${JSON.stringify(raw)} is not a host pattern such as api.example.com, *.example.com or localhost:8080`,
    );
  }
  let port: HostPattern['port'];
  if (match[2] === '*') port = '*';
  else if (match[2] !== undefined) port = Number(match[2]);
  return { host: match[1].replace(/^\[|\]$/g, '').replace(/\.$/, ''), port };
}

const defaultLookup: AddressLookup = hostname =>
  dnsLookup(hostname, { all: true, verbatim: true });

/** The network allow list; see the module comment. */
export class NetworkPolicy {
  readonly #patterns: HostPattern[];
  readonly #lookup: AddressLookup;
  /** `file:` URLs and local paths may be used as repository URLs. */
  readonly allowLocalPaths: boolean;

  constructor(options: NetworkPolicyOptions) {
    this.#patterns = options.allow.map(parsePattern);
    this.#lookup = options.lookup ?? defaultLookup;
    this.allowLocalPaths = options.allowLocalPaths ?? false;
  }

  /** Whether host:port matches a pattern (no DNS); `defaultPort` is the scheme's. */
  allowsHost(hostname: string, port: number, defaultPort: number): boolean {
    const host = hostname
      .toLowerCase()
      .replace(/^\[|\]$/g, '')
      .replace(/\.$/, '');
    return this.#patterns.some(p => {
      const hostMatches =
        p.host === '*' ||
        p.host === host ||
        (p.host.startsWith('*.') &&
          host.endsWith(p.host.slice(1)) &&
          host.length > p.host.length - 1);
      const portMatches =
        p.port === '*' ||
        (p.port === undefined ? port === defaultPort : p.port === port);
      return hostMatches && portMatches;
    });
  }

  /**
   * Checks a URL: scheme among `schemes`, host:port allowed, and every
   * address of the host outside the link-local/metadata ranges.
   * @throws NotAllowedError naming the step, field, host and config key
   */
  async check(
    url: URL,
    source: OutboundSource,
    schemes: readonly string[] = ['http:', 'https:'],
  ): Promise<CheckedTarget> {
    const where = `${source.step}: ${source.field}`;
    if (!schemes.includes(url.protocol)) {
      throw new NotAllowedError(
        `${where} ${redact(url)} refused: only ${schemes.map(s => s.replace(':', '')).join(' or ')} URLs are allowed here`,
      );
    }
    const hostname = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
    const defaultPort = DEFAULT_PORTS[url.protocol] ?? 0;
    const port = url.port ? Number(url.port) : defaultPort;
    const shown = `${hostname.includes(':') ? `[${hostname}]` : hostname}${url.port ? `:${url.port}` : ''}`;
    if (!this.allowsHost(hostname, port, defaultPort)) {
      const wildcard = isIP(hostname)
        ? ''
        : ` (or a pattern such as "*.${hostname.split('.').slice(-2).join('.')}")`;
      throw new NotAllowedError(
        `${where} ${redact(url)} refused: host "${shown}" is not in pipelineEngine.network.allow; ` +
          `add "${shown}"${wildcard} to pipelineEngine.network.allow in app-config to allow it`,
      );
    }
    const addresses = await this.resolve(hostname, where, shown);
    return { url, hostname, port, addresses };
  }

  /** Every address of `hostname`, each checked; a literal IP is checked as it is. */
  async resolve(
    hostname: string,
    where: string,
    shown = hostname,
  ): Promise<Array<{ address: string; family: number }>> {
    const literal = isIP(hostname);
    let addresses: Array<{ address: string; family: number }>;
    if (literal) {
      addresses = [{ address: hostname, family: literal }];
    } else {
      try {
        addresses = await this.#lookup(hostname);
      } catch (error) {
        throw Object.assign(
          new Error(
            `${where}: cannot resolve host "${shown}": ${(error as Error).message}`,
          ),
          {
            code: (error as { code?: string }).code,
          },
        );
      }
    }
    const blocked = addresses.find(a => isBlockedAddress(a.address));
    if (blocked || addresses.length === 0) {
      throw new NotAllowedError(
        `${where}: host "${shown}" ${literal ? 'is' : `resolves to ${blocked?.address ?? 'no address'}, which is`} a link-local or cloud metadata address; ` +
          'such addresses are never allowed (not even by pipelineEngine.network.allow)',
      );
    }
    return addresses;
  }

  /**
   * Refuses a `file:` URL or local path unless
   * `pipelineEngine.network.allowLocalPaths` is true.
   * @throws NotAllowedError
   */
  checkLocalPath(path: string, source: OutboundSource): void {
    if (this.allowLocalPaths) return;
    throw new NotAllowedError(
      `${source.step}: ${source.field} "${path}" refused: it names a path on the backend host; ` +
        'set pipelineEngine.network.allowLocalPaths: true in app-config to allow file: URLs and local paths',
    );
  }

  /**
   * A `dns.lookup`-compatible function for sockets that resolves, refuses
   * blocked addresses and hands the checked address to the connection, so
   * nothing can change between check and connect.
   */
  socketLookup(where: string) {
    return (
      hostname: string,
      options: { family?: number | string; all?: boolean } | number,
      callback: (
        error: Error | null,
        address: string | Array<{ address: string; family: number }>,
        family?: number,
      ) => void,
    ): void => {
      this.resolve(hostname, where).then(
        addresses => {
          const all = typeof options === 'object' && options.all;
          if (all) callback(null, addresses);
          else callback(null, addresses[0].address, addresses[0].family);
        },
        error => callback(error as Error, ''),
      );
    };
  }
}

/** The URL without user info, for messages. */
function redact(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const copy = new URL(url.href);
  copy.username = '***';
  copy.password = '';
  return copy.href;
}

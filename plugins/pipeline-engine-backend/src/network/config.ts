import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import { NetworkPolicy, type AddressLookup } from './networkPolicy';

/** `host:*` for the host of a URL (or scp-style `user@host:path`); undefined when there is none. */
function hostPatternOf(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const scp = /^[^@/\s]+@([^:/\s]+):/.exec(text);
  if (scp) return `${scp[1]}:*`;
  try {
    const url = new URL(text.includes('://') ? text : `https://${text}`);
    return url.hostname ? `${url.hostname}:*` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The hosts a pipeline may reach without being listed: the backend's own
 * (`backend.baseUrl`, e.g. the built-in git host), every host of
 * `integrations.*` (host and API URLs) and of `pipelineEngine.connectors`.
 * All of them are configured by the administrator, not by pipelines.
 */
export function defaultAllowedHosts(config: Config): string[] {
  const hosts = new Set<string>();
  const backend = config.getOptionalString('backend.baseUrl');
  if (backend) {
    const url = new URL(backend);
    hosts.add(`${url.hostname}${url.port ? `:${url.port}` : ''}`);
  }
  for (const integration of ScmIntegrations.fromConfig(config).list()) {
    // Every built-in integration class keeps its settings (host, apiBaseUrl...) in `config`.
    const settings =
      (integration as unknown as { config?: Record<string, unknown> }).config ??
      {};
    for (const [key, value] of Object.entries(settings)) {
      if (typeof value !== 'string') continue;
      if (key === 'host' || /^https?:\/\//.test(value)) {
        const pattern = hostPatternOf(value);
        if (pattern) hosts.add(pattern);
      }
    }
  }
  const connectors = config.getOptionalConfig('pipelineEngine.connectors');
  for (const id of connectors?.keys() ?? []) {
    for (const key of ['url', 'apiUrl']) {
      const pattern = hostPatternOf(
        connectors!.getOptionalString(`${id}.${key}`),
      );
      if (
        pattern &&
        connectors!.getOptionalString(`${id}.type`)?.toLowerCase() !== 'local'
      )
        hosts.add(pattern);
    }
  }
  return [...hosts];
}

/**
 * Reads `pipelineEngine.network` (with the deprecated `pipelineEngine.http.allow`
 * merged in, with a warning) and the default hosts.
 */
export function readNetworkPolicy(
  config: Config,
  options: {
    logger?: LoggerService;
    lookup?: AddressLookup;
    /** URLs of this backend as discovery reports them; their hosts are allowed like `backend.baseUrl`'s. */
    ownUrls?: readonly string[];
  } = {},
): NetworkPolicy {
  const own = (options.ownUrls ?? []).map(raw => {
    const url = new URL(raw);
    return `${url.hostname}${url.port ? `:${url.port}` : ''}`;
  });
  const configured =
    config.getOptionalStringArray('pipelineEngine.network.allow') ?? [];
  const legacy =
    config.getOptionalStringArray('pipelineEngine.http.allow') ?? [];
  if (legacy.length) {
    options.logger?.warn(
      'pipelineEngine.http.allow is deprecated: move its entries to pipelineEngine.network.allow, which every outbound URL of a pipeline goes through (they are merged for now)',
    );
  }
  return new NetworkPolicy({
    allow: [...configured, ...legacy, ...defaultAllowedHosts(config), ...own],
    allowLocalPaths:
      config.getOptionalBoolean('pipelineEngine.network.allowLocalPaths') ??
      false,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
}

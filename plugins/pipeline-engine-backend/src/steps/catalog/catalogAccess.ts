import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  CatalogClient,
  type AddLocationRequest,
  type AddLocationResponse,
  type Location,
} from '@backstage/catalog-client';
import type { Entity } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { parseDuration } from '@idp-pipelines/plugin-pipeline-engine-common';

/** The catalog calls the catalog steps make, with one identity. */
export interface CatalogAccess {
  addLocation(request: AddLocationRequest): Promise<AddLocationResponse>;
  getEntityByRef(entityRef: string): Promise<Entity | undefined>;
  refreshEntity(entityRef: string): Promise<void>;
  getLocations(): Promise<Location[]>;
  /** A token for other catalog routes (the property overrides API). */
  token(): Promise<string>;
}

/** Services the catalog steps call the catalog with. */
export interface CatalogAccessOptions {
  catalog: CatalogService;
  auth: AuthService;
  discovery: DiscoveryService;
}

/**
 * Catalog access as the engine's own service identity, or, when the step
 * has an API key (`xApiKey`), as whoever that Backstage token belongs to.
 */
export function catalogAccess(
  options: CatalogAccessOptions,
  apiKey?: string,
): CatalogAccess {
  const { catalog, auth, discovery } = options;
  if (apiKey) {
    const client = new CatalogClient({ discoveryApi: discovery });
    const token = { token: apiKey };
    return {
      addLocation: request => client.addLocation(request, token),
      getEntityByRef: ref => client.getEntityByRef(ref, token),
      refreshEntity: ref => client.refreshEntity(ref, token),
      getLocations: async () => (await client.getLocations({}, token)).items,
      token: async () => apiKey,
    };
  }
  const credentials = () => auth.getOwnServiceCredentials();
  return {
    addLocation: async request =>
      catalog.addLocation(request, { credentials: await credentials() }),
    getEntityByRef: async ref =>
      catalog.getEntityByRef(ref, { credentials: await credentials() }),
    refreshEntity: async ref =>
      catalog.refreshEntity(ref, { credentials: await credentials() }),
    getLocations: async () =>
      (await catalog.getLocations({}, { credentials: await credentials() }))
        .items,
    token: async () =>
      (
        await auth.getPluginRequestToken({
          onBehalfOf: await credentials(),
          targetPluginId: 'catalog',
        })
      ).token,
  };
}

/**
 * A duration from config: a string such as `60s` or `2m`, or a number of
 * seconds.
 */
export function readDurationMs(
  config: Config,
  key: string,
  fallbackMs: number,
): number {
  if (!config.has(key)) return fallbackMs;
  const raw = config.getOptional(key);
  if (typeof raw === 'number' && raw > 0) return raw * 1000;
  const ms = typeof raw === 'string' ? parseDuration(raw) : undefined;
  if (ms === undefined || ms <= 0) {
    throw new Error(
      `${key} must be a duration such as 60s or 2m, or a number of seconds; got ${JSON.stringify(raw)}`,
    );
  }
  return ms;
}

/** Waits `ms`, ending early (rejecting) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1)); // keys are unique
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Equality of JSON data, ignoring key order. Not `isDeepStrictEqual`: the
 * two sides may come from different realms (HTTP clients, test sandboxes),
 * whose prototypes differ.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

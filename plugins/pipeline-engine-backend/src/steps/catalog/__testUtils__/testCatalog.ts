import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  coreServices,
  createBackendPlugin,
  type AuthService,
  type BackstageCredentials,
  type DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  catalogServiceRef,
  type CatalogService,
} from '@backstage/plugin-catalog-node';
import type {
  AuthorizePermissionRequest,
  AuthorizePermissionResponse,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
// The catalog module is a workspace package this plugin's tests run against.
// eslint-disable-next-line @backstage/no-undeclared-imports
import catalogPropertiesModule from '@idp-pipelines/plugin-catalog-backend-module-pipeline-engine';
import type { Knex } from 'knex';
import type {
  CatalogFileUrls,
  CatalogFileUrlRequest,
} from '../registerCatalog';

/** Serves files by path; the catalog reads `url` locations from it. */
export interface FileServer {
  files: Map<string, string>;
  host: string;
  url(path: string): string;
  /** A resolveFileUrls that maps repository files to this server. */
  resolveFileUrls(request: CatalogFileUrlRequest): Promise<CatalogFileUrls>;
  close(): Promise<void>;
}

/** Starts a {@link FileServer} on a free port. */
export async function startFileServer(): Promise<FileServer> {
  const files = new Map<string, string>();
  const server = createServer((req, res) => {
    const body = files.get(decodeURIComponent((req.url ?? '/').slice(1)));
    if (body === undefined) res.writeHead(404).end('not found');
    else res.writeHead(200, { 'Content-Type': 'text/yaml' }).end(body);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = (path: string) => `http://localhost:${port}/${path}`;
  return {
    files,
    host: `localhost:${port}`,
    url,
    async resolveFileUrls({ organization, repository, branch, filePath }) {
      const path = `${organization}/${repository}/${branch}/${filePath}`;
      // Like the local git host: the catalog reads the raw URL.
      return {
        blobUrl: `https://git.example.com/${organization}/${repository}/blob/${branch}/${filePath}`,
        rawUrl: url(path),
        registerUrl: url(path),
      };
    },
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}

/** An entity ref whose properties nobody may update. */
export const LOCKED_ENTITY = 'component:default/locked';
/** A user who may update no properties. */
export const DENIED_USER = 'user:default/mallory';

const allow = { result: 'ALLOW' } as PolicyDecision;
const deny = { result: 'DENY' } as AuthorizePermissionResponse;

function denied(
  request: AuthorizePermissionRequest,
  credentials: BackstageCredentials,
): boolean {
  if (request.permission.name !== 'catalog.entity.property.update')
    return false;
  const principal = credentials.principal as { userEntityRef?: string };
  return (
    principal.userEntityRef === DENIED_USER ||
    request.resourceRef === LOCKED_ENTITY
  );
}

/** The real catalog with the properties module, and the engine's view of it. */
export interface TestCatalog {
  /** What `createCatalogSteps` gets inside the pipeline-engine plugin. */
  services: {
    catalog: CatalogService;
    auth: AuthService;
    discovery: DiscoveryService;
  };
  /** Reads an entity through the catalog's REST API, as a user. */
  entity(ref: string): Promise<Entity | undefined>;
  /** Calls the catalog's REST API as a user (default jane). */
  request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }>;
  /** Polls until `ref` exists (default 15s). */
  waitForEntity(ref: string, timeoutMs?: number): Promise<Entity>;
  stop(): Promise<void>;
}

/**
 * Starts `@backstage/plugin-catalog-backend` with the pipeline-engine
 * properties module on `knex`, allowed to read from `fileHost`. Property
 * updates are denied to {@link DENIED_USER} and on {@link LOCKED_ENTITY}.
 */
export async function startTestCatalog(
  knex: Knex,
  fileHost: string,
): Promise<TestCatalog> {
  let services: TestCatalog['services'] | undefined;
  const engineStandIn = createBackendPlugin({
    pluginId: 'pipeline-engine',
    register(env) {
      env.registerInit({
        deps: {
          catalog: catalogServiceRef,
          auth: coreServices.auth,
          discovery: coreServices.discovery,
        },
        async init(deps) {
          services = deps;
        },
      });
    },
  });
  const permissions = mockServices.permissions.mock({
    authorize: async (requests, options) =>
      requests.map(r =>
        denied(r, options.credentials)
          ? deny
          : (allow as AuthorizePermissionResponse),
      ),
    authorizeConditional: async requests => requests.map(() => allow),
  });
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogPropertiesModule,
      engineStandIn,
      mockServices.database.factory({ knex }),
      permissions.factory,
      mockServices.rootConfig.factory({
        data: {
          backend: { reading: { allow: [{ host: fileHost }] } },
          catalog: {
            rules: [
              { allow: ['Component', 'API', 'System', 'Location', 'Resource'] },
            ],
          },
        },
      }),
    ],
  });
  const baseUrl = `http://localhost:${backend.server.port()}/api/catalog`;
  const request: TestCatalog['request'] = async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: mockCredentials.user.header('user:default/jane'),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : undefined,
    };
  };
  const entity = async (ref: string) => {
    const [kind, rest] = ref.split(':');
    const [namespace, name] = rest.split('/');
    const { status, body } = await request(
      'GET',
      `/entities/by-name/${kind}/${namespace}/${name}`,
    );
    return status === 200 ? (body as Entity) : undefined;
  };
  return {
    services: services!,
    entity,
    request,
    async waitForEntity(ref, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = await entity(ref);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`${ref} did not appear within ${timeoutMs}ms`);
        await new Promise(r => setTimeout(r, 100));
      }
    },
    stop: () => backend.stop(),
  };
}

/** Component YAML for tests. */
export function componentYaml(
  name: string,
  fields: { description?: string; spec?: string } = {},
): string {
  return `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ${name}
  description: ${fields.description ?? `${name} service`}
  tags: [java]
spec:
${fields.spec ?? '  type: service\n  owner: team-a\n  lifecycle: experimental\n'}`;
}

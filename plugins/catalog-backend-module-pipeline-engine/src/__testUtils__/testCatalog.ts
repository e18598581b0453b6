import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  AuthorizePermissionRequest,
  AuthorizePermissionResponse,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import type { Knex } from 'knex';
import catalogModule from '..';

/** A file server the catalog reads `url` locations from. */
export interface TestFileServer {
  files: Map<string, string>;
  url(name: string): string;
  host: string;
  close(): Promise<void>;
}

/** Serves `files` by name over HTTP on a free port. */
export async function startFileServer(): Promise<TestFileServer> {
  const files = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const body = files.get(decodeURIComponent((req.url ?? '/').slice(1)));
    if (body === undefined) {
      res.writeHead(404).end('not found');
    } else {
      res.writeHead(200, { 'Content-Type': 'text/yaml' }).end(body);
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    files,
    host: `localhost:${port}`,
    url: name => `http://localhost:${port}/${name}`,
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}

/** The real catalog with this module, on a test database. */
export interface TestCatalog {
  /** `http://localhost:<port>/api/catalog` */
  baseUrl: string;
  /** Calls the catalog as a (mock) user, by default `user:default/jane`. */
  request(
    method: string,
    path: string,
    options?: { body?: unknown; user?: string },
  ): Promise<{ status: number; body: any }>;
  entity(kind: string, name: string): Promise<Entity | undefined>;
  /** Polls until `check` passes on the entity (default 15s). */
  waitForEntity(
    kind: string,
    name: string,
    check?: (entity: Entity) => boolean,
    timeoutMs?: number,
  ): Promise<Entity>;
  stop(): Promise<void>;
}

/** Users the test permission policy denies property updates to. */
export const DENIED_USER = 'user:default/mallory';

const allow = { result: 'ALLOW' } as PolicyDecision;
const deny = { result: 'DENY' } as AuthorizePermissionResponse;

function isDenied(
  request: AuthorizePermissionRequest,
  credentials: BackstageCredentials,
) {
  const principal = credentials.principal as { userEntityRef?: string };
  return (
    request.permission.name === 'catalog.entity.property.update' &&
    principal.userEntityRef === DENIED_USER
  );
}

/**
 * Starts the catalog plugin and the module on `knex`, reading URLs from
 * `fileHost`. Everything is allowed except property updates by
 * {@link DENIED_USER}.
 */
export async function startTestCatalog(
  knex: Knex,
  fileHost: string,
): Promise<TestCatalog> {
  const permissions = mockServices.permissions.mock({
    authorize: async (requests, options) =>
      requests.map(r =>
        isDenied(r, options.credentials)
          ? deny
          : (allow as AuthorizePermissionResponse),
      ),
    authorizeConditional: async requests => requests.map(() => allow),
  });
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModule,
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
  const request: TestCatalog['request'] = async (
    method,
    path,
    options = {},
  ) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: mockCredentials.user.header(
          options.user ?? 'user:default/jane',
        ),
        ...(options.body === undefined
          ? {}
          : { 'Content-Type': 'application/json' }),
      },
      body:
        options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : undefined,
    };
  };
  const entity = async (kind: string, name: string) => {
    const { status, body } = await request(
      'GET',
      `/entities/by-name/${kind}/default/${name}`,
    );
    return status === 200 ? (body as Entity) : undefined;
  };
  return {
    baseUrl,
    request,
    entity,
    stop: () => backend.stop(),
    async waitForEntity(kind, name, check = () => true, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      let last: Entity | undefined;
      for (;;) {
        last = await entity(kind, name);
        if (last && check(last)) return last;
        if (Date.now() > deadline) {
          throw new Error(
            `${kind}:default/${name} did not reach the expected state in ${timeoutMs}ms; last seen: ${JSON.stringify(last?.metadata)}`,
          );
        }
        await new Promise(r => setTimeout(r, 100));
      }
    },
  };
}

import { readNetworkPolicy, type NetworkPolicy } from '../../network';
import type {
  AuthService,
  DiscoveryService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_ORIGIN_LOCATION,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { InputError, ResponseError } from '@backstage/errors';
import {
  locationSpecToMetadataName,
  type CatalogService,
} from '@backstage/plugin-catalog-node';
import { registerCatalogStepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
import { createStepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import type { z } from 'zod';
import {
  catalogAccess,
  jsonEqual,
  readDurationMs,
  sleep,
  type CatalogAccess,
} from './catalogAccess';
import { recordExecution } from './recordExecution';
import { secretOrLiteral } from './secretValue';

/** What RegisterCatalog knows about the file to register. */
export interface CatalogFileUrlRequest {
  connectorRef: string;
  /** `Github`, `Gitlab`, `Bitbucket`, `AzureRepo`, `Harness`... as in the step. */
  connectorType?: string;
  /** Organization, GitLab group path, or Bitbucket/Azure owner. */
  organization: string;
  repository: string;
  branch: string;
  /** Path of the file from the repository root. */
  filePath: string;
  /** Bitbucket workspace. */
  workspace?: string;
  /** Bitbucket or Azure project. */
  project?: string;
}

/** URLs of a file in a git provider. */
export interface CatalogFileUrls {
  /** The file's page in the provider (`.../blob/<branch>/<path>`); the step's output. */
  blobUrl: string;
  /** The file's raw content. */
  rawUrl: string;
  /**
   * The URL to register, when it is not `blobUrl`: the catalog reads real
   * providers' blob URLs through its integrations, but a plain git host
   * only through its raw URL.
   */
  registerUrl?: string;
}

/** Finds the URLs of a repository file from a connector; may be synchronous. */
export type ResolveCatalogFileUrls = (
  request: CatalogFileUrlRequest,
) => CatalogFileUrls | Promise<CatalogFileUrls>;

/** Options of {@link createRegisterCatalogStep}. */
export interface RegisterCatalogStepOptions {
  catalog: CatalogService;
  auth: AuthService;
  discovery: DiscoveryService;
  /** Reads `pipelineEngine.catalog.registerTimeout` (default 60s). */
  config: Config;
  resolveFileUrls: ResolveCatalogFileUrls;
  /** The network allow list the registered URL must pass; read from `config` when not given. */
  network?: NetworkPolicy;
  /**
   * The backend's URL readers, which the catalog reads with: when given,
   * an execution whose RegisterCatalog URL none of them may read fails
   * when it starts, before an earlier step created a repository.
   */
  urlReader?: UrlReaderService;
}

/**
 * Waits between looks at the catalog: short at first, since a new location's
 * entities usually appear within one pass of the catalog's processing and
 * stitching loops (≤ 1 s each, idle), then at most every 250 ms.
 */
const POLL_DELAYS_MS = [25, 50, 100, 150, 200, 250];

/** The message of a catalog API failure, as the catalog worded it. */
export function catalogErrorMessage(error: unknown): string {
  if (ResponseError.is(error)) {
    const cause = error.cause;
    const message = cause.message.startsWith(`${cause.name}:`)
      ? cause.message
      : `${cause.name}: ${cause.message}`;
    return `${message} (HTTP ${error.statusCode})`;
  }
  return error instanceof Error
    ? `${error.name}: ${error.message}`
    : String(error);
}

function isConflict(error: unknown): boolean {
  return ResponseError.is(error)
    ? error.statusCode === 409
    : (error as Error)?.name === 'ConflictError';
}

function isNotFound(error: unknown): boolean {
  return ResponseError.is(error)
    ? error.statusCode === 404
    : (error as Error)?.name === 'NotFoundError';
}

/** The parts of an entity its source defines (not what the catalog adds). */
function sourceView(entity: Entity): unknown {
  const {
    uid: _u,
    etag: _e,
    generation: _g,
    annotations = {},
    ...metadata
  } = entity.metadata as Entity['metadata'] & { generation?: unknown };
  const { 'backstage.io/orphan': _o, ...rest } = annotations;
  return {
    metadata: { ...metadata, annotations: rest },
    spec: entity.spec ?? {},
  };
}

function processingErrors(entity: Entity): string[] {
  const items =
    (
      entity as {
        status?: { items?: Array<{ level?: string; message?: string }> };
      }
    ).status?.items ?? [];
  return items
    .filter(i => i.level === 'error')
    .map(i => i.message ?? 'unknown error');
}

/**
 * `RegisterCatalog`: registers a repository's catalog file as a catalog
 * Location (refreshing it when it already is), after a dry run that reads
 * and validates it and names its entities. Returns then, as the
 * scaffolder's `catalog:register` does; with `waitForEntities: true` it
 * waits until the catalog serves them. Outputs `catalogInfoUrl` (the file's
 * page in the provider) and `entityRef` (the first entity).
 */
export function createRegisterCatalogStep(options: RegisterCatalogStepOptions) {
  const timeoutMs = readDurationMs(
    options.config,
    'pipelineEngine.catalog.registerTimeout',
    60_000,
  );

  const network = options.network ?? readNetworkPolicy(options.config);
  /** The URL the catalog will read for a spec. */
  const targetOf = async (
    s: z.output<typeof registerCatalogStepDefinition.spec>,
  ) => {
    for (const field of ['connectorRef', 'repository', 'branch'] as const) {
      if (!s[field])
        throw new InputError(
          `spec.${field} is required to locate ${s.filePath}`,
        );
    }
    const urls = await options.resolveFileUrls({
      connectorRef: s.connectorRef!,
      organization: s.organization ?? '',
      repository: s.repository!,
      branch: s.branch!,
      filePath: s.filePath,
      ...(s.connectorType ? { connectorType: s.connectorType } : {}),
      ...(s.workspace ? { workspace: s.workspace } : {}),
      ...(s.project ? { project: s.project } : {}),
    });
    return { urls, target: urls.registerUrl ?? urls.blobUrl };
  };
  return createStepHandler({
    // Idempotent: registering again refreshes the same location.
    ...registerCatalogStepDefinition,
    async preflight(s, step) {
      const { target } = await targetOf(s);
      await network.check(new URL(target), {
        step: `RegisterCatalog step "${step.identifier}"`,
        field:
          'the catalog-info URL of spec.connectorRef, repository, branch and filePath',
      });
      if (options.urlReader)
        await checkCatalogMayRead(options.urlReader, target);
    },
    async handler(ctx) {
      const s = ctx.spec;
      const access = catalogAccess(
        options,
        s.xApiKey ? await secretOrLiteral(ctx, s.xApiKey) : undefined,
      );
      /** Records the execution on entities (the portal's Pipelines tab); bookkeeping, so it only warns. */
      const record = async (entityRefs: string[]) => {
        const recorded = await recordExecution({
          discovery: options.discovery,
          access,
          entityRefs,
          executionId: ctx.execution.id,
          actor: ctx.execution.triggeredBy.identity,
          signal: ctx.signal,
        }).catch(error => ({
          ok: false,
          status: 0,
          errorMessage: String(error),
        }));
        if (!recorded.ok && recorded.status !== 404) {
          ctx.logger.warn(
            `could not record the execution on ${entityRefs.join(', ')}: ${recorded.errorMessage ?? `HTTP ${recorded.status}`}`,
          );
        }
      };
      const { urls, target } = await targetOf(s);
      // The catalog fetches it: a pipeline must not point it anywhere the policy forbids.
      await network.check(new URL(target), {
        step: `RegisterCatalog step "${ctx.step.identifier}"`,
        field:
          'the catalog-info URL of spec.connectorRef, repository, branch and filePath',
      });
      ctx.logger.info(`registering ${target} in the catalog`);

      // A dry run reads and processes the file now, so problems surface with
      // the catalog's own messages instead of as entities that never appear.
      const dryRun = await access
        .addLocation({ type: 'url', target, dryRun: true })
        .catch(error => {
          throw new Error(
            `the catalog cannot process ${target}: ${catalogErrorMessage(error)}`,
          );
        });
      const locationName = locationSpecToMetadataName({ type: 'url', target });
      const expected = dryRun.entities.filter(
        e => !(e.kind === 'Location' && e.metadata.name === locationName),
      );
      if (expected.length === 0) {
        throw new Error(`${target} holds no entity the catalog accepts`);
      }
      const refs = expected.map(e => stringifyEntityRef(e));
      ctx.logger.info(`entities: ${refs.join(', ')}`);

      // Entities already in the catalog: refused when another location
      // provides them (before anything is registered), refreshed otherwise.
      const origin = `url:${target}`;
      const before = new Map<string, Entity>();
      for (const ref of refs) {
        const entity = await access.getEntityByRef(ref);
        if (!entity) continue;
        const owner = entity.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION];
        if (owner && owner !== origin) {
          throw new Error(
            `${ref} is already in the catalog, registered from ${owner}; unregister that location or give the entity another metadata.name`,
          );
        }
        before.set(ref, entity);
      }
      await register(
        access,
        target,
        locationName,
        dryRun.exists === true,
        ctx.logger,
      );
      if (before.size) {
        await Promise.all(
          [...before.keys()].map(ref =>
            access.refreshEntity(ref).catch(error => {
              if (!isNotFound(error)) throw error;
            }),
          ),
        );
        await record([...before.keys()]);
      }

      if (!ctx.spec.waitForEntities) {
        // As the scaffolder's catalog:register does: the location is
        // registered and the dry run named its entities; the catalog's
        // processing loop makes them readable within a pass or two.
        ctx.logger.info(
          `registered ${target}; the catalog makes ${refs.join(', ')} readable on its next processing pass (waitForEntities: true waits for it)`,
        );
        ctx.output('catalogInfoUrl', urls.blobUrl);
        ctx.output('entityRef', refs[0]);
        return;
      }

      const deadline = Date.now() + timeoutMs;
      for (let attempt = 0; ; attempt++) {
        const missing: string[] = [];
        const failing: string[] = [];
        const stale: string[] = [];
        for (const [i, ref] of refs.entries()) {
          const entity = await access.getEntityByRef(ref);
          if (!entity) {
            missing.push(ref);
            continue;
          }
          const owner =
            entity.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION];
          if (owner && owner !== origin) {
            throw new Error(
              `${ref} is already in the catalog, registered from ${owner}; unregister that location or give the entity another metadata.name`,
            );
          }
          const errors = processingErrors(entity);
          if (errors.length) failing.push(`${ref}: ${errors.join('; ')}`);
          else if (
            before.has(ref) &&
            !jsonEqual(sourceView(entity), sourceView(expected[i]))
          )
            stale.push(ref);
        }
        if (!missing.length && !failing.length && !stale.length) break;
        if (Date.now() >= deadline) {
          if (failing.length) {
            throw new Error(
              `the catalog failed to process ${target}:\n${failing.map(f => `  - ${f}`).join('\n')}`,
            );
          }
          if (missing.length) {
            throw new Error(
              `${missing.join(', ')} did not appear in the catalog within ${timeoutMs / 1000}s after registering ${target}; the catalog may be busy (raise pipelineEngine.catalog.registerTimeout) or its processing failed (see the catalog's logs)`,
            );
          }
          ctx.logger.warn(
            `${stale.join(', ')} still show the previously registered content; the catalog will pick up the change on its next processing run`,
          );
          break;
        }
        await sleep(
          POLL_DELAYS_MS[Math.min(attempt, POLL_DELAYS_MS.length - 1)],
          ctx.signal,
        );
      }
      // New entities are readable now: record the execution on them too.
      await record(refs.filter(ref => !before.has(ref)));

      ctx.logger.info(`registered ${refs.join(', ')}`);
      ctx.output('catalogInfoUrl', urls.blobUrl);
      ctx.output('entityRef', refs[0]);
    },
  });
}

/** Adds the location; an existing one is refreshed instead. */
async function register(
  access: CatalogAccess,
  target: string,
  locationName: string,
  exists: boolean,
  logger: { info(message: string): void },
): Promise<void> {
  if (exists) logger.info(`${target} is already registered; refreshing it`);
  try {
    await access.addLocation({ type: 'url', target, onConflict: 'refresh' });
  } catch (error) {
    // Catalogs without onConflict support answer 409; refresh by hand.
    if (!isConflict(error)) {
      throw new Error(
        `the catalog refused to register ${target}: ${catalogErrorMessage(error)}`,
      );
    }
    const location = (await access.getLocations()).find(
      l => l.type === 'url' && l.target === target,
    );
    await access.refreshEntity(
      location?.entityRef ?? `location:default/${locationName}`,
    );
  }
}

/**
 * Fails when no URL reader of the backend (integrations, the built-in git
 * host's reader, `backend.reading.allow`) may read `target`: the catalog
 * reads with the same readers, so it would refuse the location. The file
 * need not exist yet (a "not found" means a reader took the URL).
 */
async function checkCatalogMayRead(
  urlReader: UrlReaderService,
  target: string,
): Promise<void> {
  try {
    await urlReader.readUrl(target);
  } catch (error) {
    if ((error as Error)?.name !== 'NotAllowedError') return;
    const url = new URL(target);
    throw new InputError(
      `the catalog may not read ${target}: no integration or URL reader covers ${url.host}. Add it to backend.reading.allow (e.g. backend.reading.allow: [{host: '${url.host}'}]) or configure an integration for it`,
    );
  }
}

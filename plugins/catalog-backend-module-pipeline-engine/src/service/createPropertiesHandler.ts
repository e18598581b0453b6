import type {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  HttpAuthService,
  HttpRouterService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  OverrideChange,
  PropertyOverrideStore,
} from '../database/PropertyOverrideStore';
import {
  formatPropertyPath,
  parsePropertyPath,
} from '../overrides/propertyPath';
import {
  applyOverride,
  getAt,
  isJsonObject,
  normalizeAppendAddition,
} from '../overrides/values';
import { catalogEntityPropertyUpdatePermission } from '../permissions';
import type {
  JsonObject,
  JsonValue,
  PropertyMode,
  PropertyUpdateResult,
  SetPropertiesResponse,
} from '../types';
import { catalogEntityProblem } from '@idp-pipelines/plugin-pipeline-engine-common';

type Handler = Parameters<HttpRouterService['use']>[0];
type Request = Parameters<Handler>[0];
type CallerCredentials = BackstageCredentials<
  BackstageUserPrincipal | BackstageServicePrincipal
>;

/**
 * Path of the properties API below the catalog's base URL.
 *
 * @public
 */
export const PROPERTIES_PATH = '/pipeline-engine/properties';

const MAX_UPDATES = 500;
const MAX_BODY_BYTES = 1024 * 1024;

/** Dependencies of {@link createPropertiesHandler}. */
export interface PropertiesHandlerOptions {
  store: PropertyOverrideStore;
  catalog: CatalogService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  logger: LoggerService;
}

interface NormalizedUpdate {
  entityRef: string;
  path: string[];
  property: string;
  mode: PropertyMode;
  value: JsonValue;
}

/**
 * The module's HTTP API, mounted on the catalog's router (so under
 * `/api/catalog`): `POST`, `GET` and `DELETE` on `/pipeline-engine/properties`.
 * Written without express so the module adds no router dependency.
 */
export function createPropertiesHandler(
  options: PropertiesHandlerOptions,
): Handler {
  const { store, catalog, httpAuth, permissions, logger } = options;

  async function entitiesOrNotFound(
    refs: string[],
    credentials: BackstageCredentials,
  ) {
    const { items } = await catalog.getEntitiesByRefs(
      { entityRefs: refs },
      { credentials },
    );
    const missing = refs.filter((_, i) => !items[i]);
    if (missing.length) {
      throw new NotFoundError(
        `${missing.length === 1 ? 'entity' : 'entities'} ${missing.map(r => `"${r}"`).join(', ')} not found in the catalog; check the entity ref (kind:namespace/name)`,
      );
    }
    return new Map(refs.map((ref, i) => [ref, items[i] as Entity]));
  }

  async function requireUpdate(
    refs: string[],
    credentials: BackstageCredentials,
  ) {
    const decisions = await permissions.authorize(
      refs.map(resourceRef => ({
        permission: catalogEntityPropertyUpdatePermission,
        resourceRef,
      })),
      { credentials },
    );
    const denied = refs.filter(
      (_, i) => String(decisions[i]?.result) !== 'ALLOW',
    );
    if (denied.length) {
      throw new NotAllowedError(
        `not allowed to update properties of ${denied.map(r => `"${r}"`).join(', ')}: permission ${catalogEntityPropertyUpdatePermission.name} is denied`,
      );
    }
  }

  function refresh(refs: string[], credentials: BackstageCredentials) {
    // Best effort: the change shows on the next processing run regardless.
    return Promise.all(
      refs.map(ref =>
        catalog
          .refreshEntity(ref, { credentials })
          .catch(error =>
            logger.warn(
              `Could not refresh ${ref} after a property change: ${error}`,
            ),
          ),
      ),
    );
  }

  async function setProperties(
    req: Request,
    credentials: CallerCredentials,
  ): Promise<SetPropertiesResponse> {
    const body = await readJsonBody(req);
    if (
      !isJsonObject(body) ||
      !Array.isArray(body.updates) ||
      body.updates.length === 0
    ) {
      throw new InputError(
        'the body must be {"updates": [{"entityRef", "property", "value", "mode"?}, ...]} with at least one update',
      );
    }
    if (body.updates.length > MAX_UPDATES) {
      throw new InputError(
        `at most ${MAX_UPDATES} updates per request, got ${body.updates.length}`,
      );
    }
    const updates = body.updates.map((raw, i) => normalizeUpdate(raw, i));
    const refs = [...new Set(updates.map(u => u.entityRef))];
    const entities = await entitiesOrNotFound(refs, credentials);
    await requireUpdate(refs, credentials);

    // Apply to copies of the served entities: this checks append targets
    // and gives the value the step waits to see.
    const working = new Map<string, JsonObject>();
    for (const [ref, entity] of entities) {
      // Served entities carry fields the catalog adds after validation.
      const copy = structuredClone(entity) as unknown as JsonObject;
      delete copy.relations;
      delete copy.status;
      working.set(ref, copy);
    }
    const changes: OverrideChange[] = [];
    for (const update of updates) {
      const target = working.get(update.entityRef)!;
      const where = `${update.property} of ${update.entityRef}`;
      const value =
        update.mode === 'append'
          ? normalizeAppendAddition(getAt(target, update.path), update.value)
          : update.value;
      applyOverride(target, update.path, update.mode, update.value, where);
      changes.push({
        entityRef: update.entityRef,
        path: update.path,
        mode: update.mode,
        value,
      });
    }
    for (const ref of refs) {
      const problem = await catalogEntityProblem(
        working.get(ref) as unknown as Entity,
      );
      if (problem) {
        throw new InputError(
          `the change would make ${ref} invalid, so the catalog would reject it: ${problem}`,
        );
      }
    }

    const principal = credentials.principal;
    const actor =
      typeof body.actor === 'string' && body.actor ? body.actor : undefined;
    const updatedBy =
      principal.type === 'user'
        ? principal.userEntityRef
        : (actor ?? principal.subject);
    await store.write(changes, updatedBy);
    logger.info(
      `${updatedBy} set ${updates.map(u => `${u.property} (${u.mode}) of ${u.entityRef}`).join(', ')}`,
    );
    await refresh(refs, credentials);

    const results: PropertyUpdateResult[] = updates.map(u => ({
      entityRef: u.entityRef,
      property: u.property,
      path: u.path,
      mode: u.mode,
      expected: getAt(working.get(u.entityRef)!, u.path) ?? null,
    }));
    return { results };
  }

  return (req, res, next) => {
    if (req.path !== PROPERTIES_PATH && req.path !== `${PROPERTIES_PATH}/`) {
      next();
      return;
    }
    (async () => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      if (req.method === 'POST') {
        res.status(200).json(await setProperties(req, credentials));
        return;
      }
      const ref = normalizeEntityRef(
        queryString(req, 'entityRef'),
        'entityRef',
      );
      if (req.method === 'GET') {
        await entitiesOrNotFound([ref], credentials);
        res.status(200).json({ items: await store.list(ref) });
      } else if (req.method === 'DELETE') {
        const path = parsePropertyPath(queryString(req, 'property'));
        await entitiesOrNotFound([ref], credentials);
        await requireUpdate([ref], credentials);
        if (!(await store.remove(ref, path))) {
          throw new NotFoundError(
            `${ref} has no stored value for ${formatPropertyPath(path)}`,
          );
        }
        await refresh([ref], credentials);
        res.status(204).end();
      } else {
        res.status(405).set('Allow', 'GET, POST, DELETE').end();
      }
    })().catch(next);
  };
}

function queryString(req: Request, name: string): string {
  const value = req.query[name];
  if (typeof value !== 'string' || !value) {
    throw new InputError(`query parameter ${name} is required`);
  }
  return value;
}

/**
 * Normalized lower-case ref. A bare name is a Component in the default
 * namespace, as Harness's catalog API treats `idp-service`.
 */
function normalizeEntityRef(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || !raw.trim()) {
    throw new InputError(
      `${field} must be an entity ref such as component:default/my-service`,
    );
  }
  try {
    const ref = parseEntityRef(raw.trim(), {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
    return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
  } catch (error) {
    throw new InputError(
      `${field} ${JSON.stringify(raw)} is not an entity ref such as component:default/my-service: ${error instanceof Error ? error.message : error}`,
    );
  }
}

function normalizeUpdate(raw: unknown, index: number): NormalizedUpdate {
  const at = `updates[${index}]`;
  if (!isJsonObject(raw)) throw new InputError(`${at} must be an object`);
  const entityRef = normalizeEntityRef(raw.entityRef, `${at}.entityRef`);
  if (typeof raw.property !== 'string') {
    throw new InputError(
      `${at}.property must be a path such as metadata.testCoverage`,
    );
  }
  const path = parsePropertyPath(raw.property);
  const mode = raw.mode ?? 'replace';
  if (mode !== 'replace' && mode !== 'append') {
    throw new InputError(
      `${at}.mode must be "replace" or "append", got ${JSON.stringify(mode)}`,
    );
  }
  if (!Object.prototype.hasOwnProperty.call(raw, 'value')) {
    throw new InputError(
      `${at} has no value for ${formatPropertyPath(path)} of ${entityRef}`,
    );
  }
  return {
    entityRef,
    path,
    property: formatPropertyPath(path),
    mode,
    value: raw.value,
  };
}

/** The JSON body; already parsed when a body parser ran before this handler. */
async function readJsonBody(req: Request): Promise<unknown> {
  if (req.body !== undefined) return req.body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    size += buffer.length;
    if (size > MAX_BODY_BYTES)
      throw new InputError(`the body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError('the body is not valid JSON');
  }
}

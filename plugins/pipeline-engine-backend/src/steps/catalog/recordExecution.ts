import type { DiscoveryService } from '@backstage/backend-plugin-api';
import type { CatalogAccess } from './catalogAccess';
import { EXECUTION_ANNOTATION, withExecution } from './executionAnnotation';

/** Route of the catalog module `@idp-pipelines/plugin-catalog-backend-module-pipeline-engine`. */
export const PROPERTIES_PATH = '/pipeline-engine/properties';

/** The catalog module's answer to a property write. */
export interface PropertiesResponse {
  status: number;
  ok: boolean;
  results: Array<{
    entityRef: string;
    property: string;
    path: string[];
    mode: string;
    expected: unknown;
  }>;
  errorMessage?: string;
}

/** Writes property overrides through the catalog module's API. */
export async function writeProperties(
  discovery: DiscoveryService,
  access: CatalogAccess,
  body: { updates: unknown[]; actor?: string },
  signal: AbortSignal,
): Promise<PropertiesResponse> {
  const url = `${await discovery.getBaseUrl('catalog')}${PROPERTIES_PATH}`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${await access.token()}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(body),
    signal,
  });
  const parsed = (await response.json().catch(() => undefined)) as
    | {
        results?: PropertiesResponse['results'];
        error?: { message?: string };
      }
    | undefined;
  return {
    status: response.status,
    ok: response.ok,
    results: parsed?.results ?? [],
    ...(parsed?.error?.message ? { errorMessage: parsed.error.message } : {}),
  };
}

/** The annotation's property path as the catalog module names it. */
export const EXECUTION_PROPERTY = `metadata.annotations["${EXECUTION_ANNOTATION}"]`;

/**
 * Records `executionId` in the `idp-pipelines.io/execution` annotation of
 * entities already in the catalog, through the catalog module's overrides
 * (the module merges the recorded ids with those in the entity's file).
 * Returns what the catalog will show, or a reason it could not record.
 */
export async function recordExecution(options: {
  discovery: DiscoveryService;
  access: CatalogAccess;
  entityRefs: string[];
  executionId: string;
  actor?: string;
  signal: AbortSignal;
}): Promise<PropertiesResponse> {
  const updates = [];
  for (const entityRef of options.entityRefs) {
    const entity = await options.access.getEntityByRef(entityRef);
    const current = entity?.metadata.annotations?.[EXECUTION_ANNOTATION];
    // Missing, or already recorded (CreateCatalog writes it into the file).
    if (!entity || current?.split(/[,\s]+/).includes(options.executionId))
      continue;
    updates.push({
      entityRef,
      property: EXECUTION_PROPERTY,
      value: withExecution(current, options.executionId),
      mode: 'replace',
    });
  }
  if (!updates.length) return { status: 200, ok: true, results: [] };
  return writeProperties(
    options.discovery,
    options.access,
    { updates, ...(options.actor ? { actor: options.actor } : {}) },
    options.signal,
  );
}

import type {
  AuthService,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { updateCatalogPropertyStepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
import { createStepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import type { z } from 'zod';
import {
  catalogAccess,
  jsonEqual,
  readDurationMs,
  sleep,
} from './catalogAccess';
import { catalogErrorMessage } from './registerCatalog';
import {
  PROPERTIES_PATH,
  recordExecution,
  writeProperties,
} from './recordExecution';
import { secretOrLiteral } from './secretValue';

/** Options of {@link createUpdateCatalogPropertyStep}. */
export interface UpdateCatalogPropertyStepOptions {
  catalog: CatalogService;
  auth: AuthService;
  discovery: DiscoveryService;
  /** Reads `pipelineEngine.catalog.propertyTimeout` (default 60s). */
  config: Config;
}

const POLL_MS = 500;
/** Polls for entities not yet in the catalog: its processing loop runs every second. */
const APPEAR_POLL_MS = 200;

type Spec = z.output<typeof updateCatalogPropertyStepDefinition.spec>;

interface Update {
  entityRef: string;
  property: string;
  value: unknown;
  mode: 'replace' | 'append';
}

const present = (v: unknown) => v !== undefined && v !== null;

/** Harness's way of naming a property: `<+metadata.testCoverage>`. */
const WRAPPED_PATH = /^\s*<\+\s*(metadata|spec)(\.|\[)[^<>]*>\s*$/;

/**
 * Property names reach the handler unrendered (see `deferredFields`), since
 * `<+metadata.testCoverage>` is a path, not an expression. Any other `<+`
 * in them is an expression the step cannot resolve itself.
 */
function checkPropertyName(property: string, field: string): string {
  if (property.includes('<+') && !WRAPPED_PATH.test(property)) {
    throw new InputError(
      `${field} ${JSON.stringify(property)} holds an expression; property names are paths such as metadata.testCoverage or <+metadata.testCoverage>, and expressions in them are not resolved`,
    );
  }
  return property;
}

/**
 * The updates a spec asks for. Harness's `type` picks the form: `Entity`
 * (one entity: `property`/`value` or a `properties` list) or `Property`
 * (one `property` on each of `entityRefs`, each with its value or the
 * default `value`). Without `type`, `entityRefs` means `Property`.
 */
export function updatesOf(s: Spec): Update[] {
  const kind = (s.type ?? (s.entityRefs ? 'Property' : 'Entity')).toLowerCase();
  const defaultMode = s.mode ?? 'replace';
  if (kind === 'entity' || kind === 'single') {
    if (!s.entityRef)
      throw new InputError(
        'spec.entityRef is required to update a single entity',
      );
    const entityRef = s.entityRef;
    if (s.properties?.length) {
      return s.properties.map((p, i) => {
        if (!present(p.value))
          throw new InputError(
            `spec.properties[${i}] (${p.property}) has no value`,
          );
        return {
          entityRef,
          property: checkPropertyName(
            p.property,
            `spec.properties[${i}].property`,
          ),
          value: p.value,
          mode: p.mode ?? defaultMode,
        };
      });
    }
    if (!s.property)
      throw new InputError(
        'spec.property (e.g. metadata.testCoverage) or spec.properties is required',
      );
    if (!present(s.value))
      throw new InputError(
        `spec.value is required to set ${s.property} of ${entityRef}`,
      );
    return [
      {
        entityRef,
        property: checkPropertyName(s.property, 'spec.property'),
        value: s.value,
        mode: defaultMode,
      },
    ];
  }
  if (kind === 'property' || kind === 'multiple') {
    if (!s.property)
      throw new InputError(
        'spec.property (e.g. metadata.testCoverage) is required to update several entities',
      );
    if (!s.entityRefs?.length)
      throw new InputError('spec.entityRefs must list the entities to update');
    const property = checkPropertyName(s.property, 'spec.property');
    return s.entityRefs.map((e, i) => {
      const value = present(e.value) ? e.value : s.value;
      if (!present(value)) {
        throw new InputError(
          `spec.entityRefs[${i}] (${e.entityRef}) has no value and spec.value gives no default`,
        );
      }
      return { entityRef: e.entityRef, property, value, mode: defaultMode };
    });
  }
  throw new InputError(
    `spec.type ${JSON.stringify(s.type)} is not Entity (one entity) or Property (one property of several entities)`,
  );
}

function valueAt(entity: Entity, path: string[]): unknown {
  let node: unknown = entity;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node))
      return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/**
 * `UpdateCatalogProperty`: sets entity properties through the catalog
 * module's overrides API (the module overlays them during processing),
 * refreshes the entities and waits until the catalog serves the values.
 */
export function createUpdateCatalogPropertyStep(
  options: UpdateCatalogPropertyStepOptions,
) {
  const timeoutMs = readDurationMs(
    options.config,
    'pipelineEngine.catalog.propertyTimeout',
    60_000,
  );

  return createStepHandler({
    // Idempotent: replace sets the same value again; append skips values
    // already present.
    ...updateCatalogPropertyStepDefinition,
    async handler(ctx) {
      const updates = updatesOf(ctx.spec);
      const access = catalogAccess(
        options,
        ctx.spec.xApiKey
          ? await secretOrLiteral(ctx, ctx.spec.xApiKey)
          : undefined,
      );
      const actor = ctx.execution.triggeredBy.identity;
      const deadline = Date.now() + timeoutMs;
      let response = await writeProperties(
        options.discovery,
        access,
        { updates, actor },
        ctx.signal,
      );
      // An entity RegisterCatalog just registered becomes readable on the
      // catalog's next processing pass: wait for it rather than fail.
      while (
        response.status === 404 &&
        response.errorMessage?.includes('not found in the catalog') &&
        Date.now() < deadline
      ) {
        await sleep(APPEAR_POLL_MS, ctx.signal);
        response = await writeProperties(
          options.discovery,
          access,
          { updates, actor },
          ctx.signal,
        );
      }
      if (!response.ok) {
        if (
          response.status === 404 &&
          !response.errorMessage?.includes('not found in the catalog')
        ) {
          throw new Error(
            `the catalog has no ${PROPERTIES_PATH} API (HTTP 404); add @idp-pipelines/plugin-catalog-backend-module-pipeline-engine to the backend`,
          );
        }
        const waited =
          response.status === 404
            ? ` (waited ${timeoutMs / 1000}s for it to appear; pipelineEngine.catalog.propertyTimeout)`
            : '';
        throw new Error(
          `the catalog refused the update: ${response.errorMessage ?? `HTTP ${response.status}`}${waited}`,
        );
      }
      const results = response.results;
      for (const r of results) {
        ctx.logger.info(
          `${r.mode === 'append' ? 'appended to' : 'set'} ${r.property} of ${r.entityRef}: ${JSON.stringify(r.expected)}`,
        );
      }

      const refs = [...new Set(results.map(r => r.entityRef))];
      // The entity's Pipelines tab lists the executions that changed it.
      const recorded = await recordExecution({
        discovery: options.discovery,
        access,
        entityRefs: refs,
        executionId: ctx.execution.id,
        actor,
        signal: ctx.signal,
      });
      // Bookkeeping: the step does not wait for the catalog to show it.
      if (!recorded.ok)
        ctx.logger.warn(
          `could not record the execution on ${refs.join(', ')}: ${recorded.errorMessage ?? `HTTP ${recorded.status}`}`,
        );
      await Promise.all(
        refs.map(ref =>
          access.refreshEntity(ref).catch(error => {
            throw new Error(
              `stored the values but could not refresh ${ref}: ${catalogErrorMessage(error)}`,
            );
          }),
        ),
      );
      for (;;) {
        const pending: string[] = [];
        const entities = new Map<string, Entity | undefined>();
        for (const ref of refs)
          entities.set(ref, await access.getEntityByRef(ref));
        for (const r of results) {
          const entity = entities.get(r.entityRef);
          const actual = entity ? valueAt(entity, r.path) : undefined;
          if (!jsonEqual(actual ?? null, r.expected ?? null)) {
            pending.push(
              `${r.entityRef} ${r.property} is ${JSON.stringify(actual ?? null)}, expected ${JSON.stringify(r.expected)}`,
            );
          }
        }
        if (!pending.length) break;
        if (Date.now() >= deadline) {
          throw new Error(
            `the catalog did not show the new values within ${timeoutMs / 1000}s (${pending.join('; ')}); it may be busy (raise pipelineEngine.catalog.propertyTimeout) or failing to process the entity (check its status)`,
          );
        }
        await sleep(POLL_MS, ctx.signal);
      }
      ctx.logger.info(`the catalog shows the new values of ${refs.join(', ')}`);
    },
  });
}

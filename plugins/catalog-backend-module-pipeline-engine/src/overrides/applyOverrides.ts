import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { StoredOverride } from '../database/PropertyOverrideStore';
import type { JsonObject } from '../types';
import { formatPropertyPath } from './propertyPath';
import { applyOverride } from './values';

/** The lower-case entity ref overrides are keyed by. */
export function overrideKey(entity: Entity): string {
  return stringifyEntityRef(entity).toLocaleLowerCase('en-US');
}

/**
 * A copy of `entity` with `overrides` applied in order. An override that no
 * longer fits (the source now holds a scalar where a list was appended to)
 * is skipped and reported through `onSkip`, so the entity still processes.
 */
export function applyOverrides(
  entity: Entity,
  overrides: StoredOverride[],
  onSkip: (property: string, reason: string) => void,
): Entity {
  const copy = structuredClone(entity) as unknown as JsonObject;
  for (const override of overrides) {
    const property = formatPropertyPath(override.path);
    if (isExecutionAnnotation(override.path)) {
      mergeExecutionIds(copy, override.value);
      continue;
    }
    try {
      applyOverride(
        copy,
        override.path,
        override.mode,
        override.value,
        property,
      );
    } catch (error) {
      onSkip(property, error instanceof Error ? error.message : String(error));
    }
  }
  return copy as unknown as Entity;
}

/**
 * The pipeline engine records executions in this annotation (ids separated
 * by commas, newest last); CreateCatalog writes it into the entity's file too.
 */
const EXECUTION_ANNOTATION = 'idp-pipelines.io/execution';
const MAX_EXECUTIONS = 20;

function isExecutionAnnotation(path: string[]): boolean {
  return (
    path.length === 3 &&
    path[0] === 'metadata' &&
    path[1] === 'annotations' &&
    path[2] === EXECUTION_ANNOTATION
  );
}

/**
 * Merges recorded execution ids with those of the entity's source instead
 * of replacing them, so ids a later CreateCatalog wrote into the file stay
 * visible next to those recorded here.
 */
function mergeExecutionIds(entity: JsonObject, recorded: unknown): void {
  const split = (value: unknown) =>
    typeof value === 'string' ? value.split(/[,\s]+/).filter(Boolean) : [];
  const metadata = entity.metadata as JsonObject;
  const annotations = { ...((metadata.annotations as JsonObject) ?? {}) };
  const ids: string[] = [];
  for (const id of [
    ...split(annotations[EXECUTION_ANNOTATION]),
    ...split(recorded),
  ]) {
    if (!ids.includes(id)) ids.push(id);
  }
  annotations[EXECUTION_ANNOTATION] = ids.slice(-MAX_EXECUTIONS).join(',');
  metadata.annotations = annotations;
}

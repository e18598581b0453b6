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

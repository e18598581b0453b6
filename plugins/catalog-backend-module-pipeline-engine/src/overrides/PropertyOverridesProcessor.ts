import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogProcessor } from '@backstage/plugin-catalog-node';
import type { PropertyOverrideStore } from '../database/PropertyOverrideStore';
import { applyOverrides, overrideKey } from './applyOverrides';

/**
 * Overlays stored property overrides on entities before the catalog
 * validates them, so every entity source (locations, providers) gets them
 * and they survive reprocessing.
 */
export class PropertyOverridesProcessor implements CatalogProcessor {
  constructor(
    private readonly store: PropertyOverrideStore,
    private readonly logger: LoggerService,
  ) {}

  getProcessorName(): string {
    return 'PipelineEnginePropertyOverridesProcessor';
  }

  async preProcessEntity(entity: Entity): Promise<Entity> {
    const key = overrideKey(entity);
    const overrides = await this.store.forEntity(key);
    if (overrides.length === 0) return entity;
    return applyOverrides(entity, overrides, (property, reason) =>
      this.logger.warn(
        `Skipped the pipeline-engine override of ${property} on ${key}: ${reason}`,
      ),
    );
  }
}

/**
 * Catalog backend module for the pipeline engine: entity properties set by
 * the UpdateCatalogProperty step, stored in the catalog's database and
 * overlaid on entities during processing.
 *
 * @packageDocumentation
 */

export { catalogModulePipelineEngineProperties as default } from './module';
export { catalogEntityPropertyUpdatePermission } from './permissions';
export { catalogPropertyOverridesServiceRef } from './service/serviceRef';
export type {
  CatalogPropertyOverridesService,
  PropertyOverridesRequestOptions,
} from './service/serviceRef';
export { PROPERTIES_PATH as CATALOG_PROPERTIES_PATH } from './service/createPropertiesHandler';
export type {
  JsonObject,
  JsonValue,
  PropertyMode,
  PropertyOverride,
  PropertyUpdate,
  PropertyUpdateResult,
  SetPropertiesRequest,
  SetPropertiesResponse,
} from './types';

import type { ResourcePermission } from '@backstage/plugin-permission-common';

/**
 * Permission to set properties of a catalog entity through
 * `POST /api/catalog/pipeline-engine/properties` (the UpdateCatalogProperty
 * step): Harness's "edit catalog" permission. A resource permission on
 * `catalog-entity` with action `update`, so policies can grant it with the
 * catalog's conditions (e.g. `isEntityOwner`) like other entity permissions.
 *
 * @public
 */
export const catalogEntityPropertyUpdatePermission: ResourcePermission<'catalog-entity'> =
  {
    type: 'resource',
    name: 'catalog.entity.property.update',
    attributes: { action: 'update' },
    resourceType: 'catalog-entity',
  };

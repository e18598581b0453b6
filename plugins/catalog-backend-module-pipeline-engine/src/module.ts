import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { PropertyOverrideStore } from './database/PropertyOverrideStore';
import { PropertyOverridesProcessor } from './overrides/PropertyOverridesProcessor';
import { catalogEntityPropertyUpdatePermission } from './permissions';
import { createPropertiesHandler } from './service/createPropertiesHandler';

/**
 * Catalog module that stores entity properties set by the pipeline engine's
 * UpdateCatalogProperty step, overlays them on entities during processing
 * and serves `/api/catalog/pipeline-engine/properties` to write them.
 *
 * @public
 */
export const catalogModulePipelineEngineProperties = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'pipeline-engine-properties',
  register(reg) {
    reg.registerInit({
      deps: {
        processing: catalogProcessingExtensionPoint,
        catalog: catalogServiceRef,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        logger: coreServices.logger,
      },
      async init({
        processing,
        catalog,
        database,
        httpRouter,
        httpAuth,
        permissions,
        permissionsRegistry,
        logger,
      }) {
        const store = await PropertyOverrideStore.create(database);
        processing.addProcessor(new PropertyOverridesProcessor(store, logger));
        permissionsRegistry.addPermissions([
          catalogEntityPropertyUpdatePermission,
        ]);
        httpRouter.use(
          createPropertiesHandler({
            store,
            catalog,
            httpAuth,
            permissions,
            logger,
          }),
        );
      },
    });
  },
});

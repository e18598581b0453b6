import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { PropertyOverrideStore } from './database/PropertyOverrideStore';
import { GitHostLocationProcessor } from './gitHost/GitHostLocationProcessor';
import {
  createPipelineEngineUrlResolver,
  PIPELINE_ENGINE_URL_PLACEHOLDER,
} from './gitHost/pipelineEngineUrlPlaceholder';
import { PropertyOverridesProcessor } from './overrides/PropertyOverridesProcessor';
import { catalogEntityPropertyUpdatePermission } from './permissions';
import { createPropertiesHandler } from './service/createPropertiesHandler';

/**
 * Catalog module that stores entity properties set by the pipeline engine's
 * UpdateCatalogProperty step, overlays them on entities during processing
 * and serves `/api/catalog/pipeline-engine/properties` to write them; gives
 * entities of the built-in git host their source and view URLs, and
 * resolves the `$pipelineEngineUrl` placeholder.
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
        discovery: coreServices.discovery,
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
        discovery,
      }) {
        const store = await PropertyOverrideStore.create(database);
        processing.addProcessor(new PropertyOverridesProcessor(store, logger));
        const engineUrl = () => discovery.getExternalBaseUrl('pipeline-engine');
        processing.addProcessor(
          new GitHostLocationProcessor(async () => `${await engineUrl()}/git`),
        );
        processing.addPlaceholderResolver(
          PIPELINE_ENGINE_URL_PLACEHOLDER,
          createPipelineEngineUrlResolver(engineUrl),
        );
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

/*
 * The backend of the dynamic plugins test (scripts/dynamic-plugins-test.sh):
 * the catalog, the scaffolder, guest sign-in and the allow-all policy are
 * regular features; this repository's plugins are not dependencies of this
 * package and come only from the exported bundles in the folder that
 * `dynamicPlugins.rootDirectory` names, loaded by the loader Red Hat
 * Developer Hub uses.
 */
import { createBackend } from '@backstage/backend-defaults';
import { dynamicPluginsFeatureLoader } from '@backstage/backend-dynamic-feature-service';

const backend = createBackend();

backend.add(dynamicPluginsFeatureLoader);
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-scaffolder-backend'));

backend.start();

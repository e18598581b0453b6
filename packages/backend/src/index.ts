/*
 * A runnable Backstage backend: catalog, scaffolder, guest sign-in for local
 * use, and the pipeline engine with its scaffolder and catalog modules.
 * Started with the frontend by `yarn start` at the repository root.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

// Serves the production build of packages/app (skipped when it is not built).
backend.add(import('@backstage/plugin-app-backend'));
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
backend.add(import('@idp-pipelines/plugin-pipeline-engine-backend'));
// Every plugin (the catalog above all) reads private repositories of the
// engine's built-in git host with its own service token.
backend.add(import('@idp-pipelines/plugin-pipeline-engine-git-host-reader'));
backend.add(
  import('@idp-pipelines/plugin-scaffolder-backend-module-harness-pipeline'),
);
backend.add(
  import('@idp-pipelines/plugin-catalog-backend-module-pipeline-engine'),
);

backend.start();

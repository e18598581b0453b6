/*
 * The portal: Backstage's new frontend system as `@backstage/create-app`
 * makes it (catalog, scaffolder, org, user settings) plus the pipeline
 * portal. Plugins are listed explicitly so the app builds the same with or
 * without `app.packages` feature discovery.
 */
import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import orgPlugin from '@backstage/plugin-org/alpha';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import pipelineEnginePlugin from '@idp-pipelines/plugin-pipeline-engine';
import { signInModule } from './modules/signIn';

const app = createApp({
  features: [
    catalogPlugin,
    scaffolderPlugin,
    orgPlugin,
    userSettingsPlugin,
    pipelineEnginePlugin,
    signInModule,
  ],
});

export default app;

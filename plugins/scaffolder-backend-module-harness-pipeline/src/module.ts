import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { pipelineEngineServiceRef } from '@idp-pipelines/plugin-pipeline-engine-node';
import { createTriggerHarnessCustomPipelineAction } from './actions/triggerCustomPipeline';
import { createTriggerPipelineWithWebhookAction } from './actions/triggerPipelineWithWebhook';
import { readHarnessActionsConfig } from './config';
import { readPortalBaseUrl } from './engine/portalLinks';

/**
 * Scaffolder module adding `trigger:harness-custom-pipeline` and
 * `trigger:trigger-pipeline-with-webhook`.
 *
 * @public
 */
export const scaffolderModuleHarnessPipeline = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'harness-pipeline',
  register(env) {
    env.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        pipelineEngine: pipelineEngineServiceRef,
      },
      async init({ scaffolder, config, discovery, pipelineEngine }) {
        const dependencies = {
          config: readHarnessActionsConfig(config),
          discovery,
          pipelineEngine,
          portalBaseUrl: readPortalBaseUrl(config),
        };
        scaffolder.addActions(
          createTriggerHarnessCustomPipelineAction(dependencies),
          createTriggerPipelineWithWebhookAction(dependencies),
        );
      },
    });
  },
});

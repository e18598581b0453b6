import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  pipelineEngineSecretsExtensionPoint,
  pipelineEngineStepsExtensionPoint,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import { createFileSecretSource } from './fileSecretSource';
import { signPayloadStep } from './signPayloadStep';

/**
 * Example module of the pipeline engine: adds the SignPayload step and, when
 * `pipelineEngine.fileSecrets.directory` is set, a secret source reading one
 * file per secret from that directory.
 *
 * @public
 */
export const pipelineEngineModuleExample = createBackendModule({
  pluginId: 'pipeline-engine',
  moduleId: 'example',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        steps: pipelineEngineStepsExtensionPoint,
        secrets: pipelineEngineSecretsExtensionPoint,
      },
      async init({ config, steps, secrets }) {
        steps.addStepHandlers(signPayloadStep);
        const directory = config.getOptionalString(
          'pipelineEngine.fileSecrets.directory',
        );
        if (directory)
          secrets.addSecretSource(createFileSecretSource({ directory }));
      },
    });
  },
});

import type { ExtensionPoint } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import type { CookiecutterEngine } from '@idp-pipelines/plugin-pipeline-engine-cookiecutter';
import {
  pipelineEngineCookiecutterExtensionPoint,
  pipelineEngineRunnersExtensionPoint,
  pipelineEngineScmExtensionPoint,
  pipelineEngineSecretsExtensionPoint,
  pipelineEngineStepsExtensionPoint,
  type PipelineSecretSource,
  type StepRunner,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import type { StepHandlerRegistry } from './engine';
import type { ScmProviderFactories } from './scm/providers';

/** What backend modules contributed; read in the plugin's init, after every module's. */
export interface PipelineEngineExtensions {
  secretSources: PipelineSecretSource[];
  containerRunner?: StepRunner;
  cookiecutterEngine?: CookiecutterEngine;
  scmProviders: ScmProviderFactories;
}

/**
 * Registers the engine's extension points. Replacing a built-in twice is a
 * startup error: two modules would otherwise silently override each other.
 */
export function createPipelineEngineExtensions(
  env: {
    registerExtensionPoint<T>(ref: ExtensionPoint<T>, impl: T): void;
  },
  handlers: StepHandlerRegistry,
): PipelineEngineExtensions {
  const extensions: PipelineEngineExtensions = {
    secretSources: [],
    scmProviders: {},
  };
  env.registerExtensionPoint(pipelineEngineStepsExtensionPoint, {
    addStepHandlers: (...added) => handlers.add(...added),
  });
  env.registerExtensionPoint(pipelineEngineSecretsExtensionPoint, {
    addSecretSource: source => {
      extensions.secretSources.push(source);
    },
  });
  env.registerExtensionPoint(pipelineEngineCookiecutterExtensionPoint, {
    setEngine: engine => {
      if (extensions.cookiecutterEngine) {
        throw new ConflictError(
          `two modules set the pipeline engine's cookiecutter engine (${extensions.cookiecutterEngine.name} and ${engine.name}); install only one`,
        );
      }
      extensions.cookiecutterEngine = engine;
    },
  });
  env.registerExtensionPoint(pipelineEngineRunnersExtensionPoint, {
    setContainerRunner: runner => {
      if (extensions.containerRunner) {
        throw new ConflictError(
          `two modules set the pipeline engine's container runner (${extensions.containerRunner.kind} and ${runner.kind}); install only one`,
        );
      }
      extensions.containerRunner = runner;
    },
  });
  env.registerExtensionPoint(pipelineEngineScmExtensionPoint, {
    setProviderFactory: (kind, factory) => {
      if (extensions.scmProviders[kind]) {
        throw new ConflictError(
          `two modules set the pipeline engine's SCM provider for ${kind}; install only one`,
        );
      }
      extensions.scmProviders[kind] = factory;
    },
  });
  return extensions;
}

import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { CookiecutterEngine } from '@idp-pipelines/plugin-pipeline-engine-cookiecutter';
import type { StepRunner } from './runners';
import type { ScmProviderFactory, ScmProviderKind } from './scm';
import type { StepHandler } from './stepHandler';

/**
 * Lets backend modules add step types to the pipeline engine.
 *
 * @public
 */
export interface PipelineEngineStepsExtensionPoint {
  /** Adds step handlers; a type registered twice is an error at startup. */
  addStepHandlers(...handlers: Array<StepHandler<any>>): void;
}

/**
 * Extension point for step types.
 *
 * @example
 * ```ts
 * createBackendModule({
 *   pluginId: 'pipeline-engine',
 *   moduleId: 'my-steps',
 *   register(env) {
 *     env.registerInit({
 *       deps: { steps: pipelineEngineStepsExtensionPoint },
 *       async init({ steps }) { steps.addStepHandlers(myStep); },
 *     });
 *   },
 * });
 * ```
 *
 * @public
 */
export const pipelineEngineStepsExtensionPoint =
  createExtensionPoint<PipelineEngineStepsExtensionPoint>({
    id: 'pipeline-engine.steps',
  });

/**
 * A place secrets come from besides `pipelineEngine.secrets` (a vault, a
 * cloud secret manager...).
 *
 * @public
 */
export interface PipelineSecretSource {
  /** Shown in errors and logs, e.g. `vault`. */
  readonly name: string;
  /**
   * The value of a secret id, or undefined when this source does not hold
   * it. `id` is bare: `account.x`, `org.x` and `x` all ask for `x`. The
   * engine masks the value everywhere; never log it here.
   */
  getSecret(id: string): Promise<string | undefined>;
}

/**
 * Lets backend modules add secret sources. `pipelineEngine.secrets` (config)
 * is always asked first, then the sources in the order they were added; the
 * first that holds the id wins.
 *
 * @public
 */
export interface PipelineEngineSecretsExtensionPoint {
  addSecretSource(source: PipelineSecretSource): void;
}

/**
 * Extension point for secret sources.
 *
 * @public
 */
export const pipelineEngineSecretsExtensionPoint =
  createExtensionPoint<PipelineEngineSecretsExtensionPoint>({
    id: 'pipeline-engine.secrets',
  });

/**
 * Lets a backend module replace the CookieCutter step's renderer (by default
 * the one `pipelineEngine.cookiecutter.engine` selects).
 *
 * @public
 */
export interface PipelineEngineCookiecutterExtensionPoint {
  /** Replaces the renderer; setting it twice is an error at startup. */
  setEngine(engine: CookiecutterEngine): void;
}

/**
 * Extension point for the cookiecutter engine.
 *
 * @public
 */
export const pipelineEngineCookiecutterExtensionPoint =
  createExtensionPoint<PipelineEngineCookiecutterExtensionPoint>({
    id: 'pipeline-engine.cookiecutter',
  });

/**
 * Lets a backend module replace the container runner (by default the docker
 * runner of `pipelineEngine.runners.docker`), e.g. with one that starts pods.
 * Steps with an image, and those using the default image, run with it.
 *
 * @public
 */
export interface PipelineEngineRunnersExtensionPoint {
  /** Replaces the container runner; setting it twice is an error at startup. */
  setContainerRunner(runner: StepRunner): void;
}

/**
 * Extension point for step runners.
 *
 * @public
 */
export const pipelineEngineRunnersExtensionPoint =
  createExtensionPoint<PipelineEngineRunnersExtensionPoint>({
    id: 'pipeline-engine.runners',
  });

/**
 * Lets backend modules replace the SCM provider of a kind (which serves the
 * connectors of that kind for CreateRepo, GitClone, DirectPush...), e.g. a
 * GitHub provider that creates repositories through an internal service.
 *
 * @public
 */
export interface PipelineEngineScmExtensionPoint {
  /** Replaces the built-in provider of `kind`; setting a kind twice is an error at startup. */
  setProviderFactory(kind: ScmProviderKind, factory: ScmProviderFactory): void;
}

/**
 * Extension point for SCM providers.
 *
 * @public
 */
export const pipelineEngineScmExtensionPoint =
  createExtensionPoint<PipelineEngineScmExtensionPoint>({
    id: 'pipeline-engine.scm',
  });

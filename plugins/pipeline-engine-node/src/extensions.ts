import { createExtensionPoint } from '@backstage/backend-plugin-api';
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

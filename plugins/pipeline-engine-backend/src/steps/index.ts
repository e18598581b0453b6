import type { StepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import { waitStep } from './wait';

/** Step types that need no configuration (used by tests and benchmarks). */
export const builtinStepHandlers: ReadonlyArray<StepHandler<any>> = [waitStep];

export { createBuiltinSteps } from './createBuiltinSteps';
export type { BuiltinStepsOptions } from './createBuiltinSteps';

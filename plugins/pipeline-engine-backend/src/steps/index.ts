import type { StepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import { waitStep } from './wait';

/** Step types built into the engine plugin itself. */
export const builtinStepHandlers: ReadonlyArray<StepHandler<any>> = [waitStep];

import type { StepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import { createHarnessApprovalStep } from './approval/harnessApproval';
import { createQueueStep } from './queue/queueStep';
import { waitStep } from './wait';

/** Step types that need no configuration (used by tests and benchmarks). */
export const builtinStepHandlers: ReadonlyArray<StepHandler<any>> = [
  waitStep,
  createHarnessApprovalStep(),
  createQueueStep(),
];

export { createBuiltinSteps } from './createBuiltinSteps';
export type { BuiltinStepsOptions } from './createBuiltinSteps';

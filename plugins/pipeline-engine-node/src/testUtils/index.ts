/**
 * Test utilities for pipeline engine step handlers.
 *
 * @packageDocumentation
 */

export { createMockStepContext, runMockStep } from './mockStepContext';
export type {
  MockStepContext,
  MockStepContextOptions,
  MockStepLogLine,
  MockStepRecord,
  MockStepRun,
} from './mockStepContext';

import { z } from 'zod';
import { defineStep, type StepDefinition } from '../defineStep';

/** Resolved spec of {@link waitStepDefinition}. @public */
export interface WaitStepSpec {
  duration: string;
}

/** `Wait`: waits for `duration` (`30s`, `10m`, `1h 30m`). @public */
export const waitStepDefinition: StepDefinition<WaitStepSpec> = defineStep({
  type: 'Wait',
  description: 'waits for a duration',
  idempotent: true,
  spec: z.object({
    duration: z.union([z.string(), z.number()]).transform(String),
  }),
  outputs: () => [],
});

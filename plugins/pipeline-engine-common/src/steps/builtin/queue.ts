import { z } from 'zod';
import { defineStep, type StepDefinition } from '../defineStep';

/** Resolved spec of {@link queueStepDefinition}. @public */
export interface QueueStepSpec {
  key: string;
  scope: 'Pipeline' | 'Stage';
}

/**
 * `Queue` (Harness flow control): executions whose resolved `key` is equal
 * run the rest of the stage or pipeline (`scope`) one at a time, in arrival
 * order, across replicas.
 *
 * @public
 */
export const queueStepDefinition: StepDefinition<QueueStepSpec> = defineStep({
  type: 'Queue',
  description: 'runs the stage or pipeline one execution at a time per key',
  idempotent: true,
  spec: z.object({
    // Not z.coerce: a missing key must not become the text "undefined".
    key: z
      .union([z.string(), z.number()])
      .transform(value => String(value).trim())
      .refine(value => value.length > 0, 'the resource key must not be empty')
      .refine(
        value => value.length <= 512,
        'the resource key is at most 512 characters',
      ),
    scope: z.enum(['Pipeline', 'Stage']),
  }),
  outputs: () => [],
});

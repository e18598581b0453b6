import { z } from 'zod';
import { oneOf, text } from './fields';
import type { StepSpecDefinition } from './registry';

/*
 * Queue (Harness flow control): executions whose resolved `key` is equal
 * run the rest of the stage or pipeline (`scope`) one at a time, in
 * arrival order. The engine checks the resolved values again at run time.
 */
const queueSpec = z.object({
  key: text.refine(
    value => String(value).trim().length > 0,
    'the resource key must not be empty',
  ),
  scope: oneOf('Pipeline', 'Stage'),
});

/** Queue. */
export const queueStepSpecs: StepSpecDefinition[] = [
  {
    type: 'Queue',
    description: 'runs the stage or pipeline one execution at a time per key',
    spec: queueSpec,
    outputs: () => [],
  },
];

import { z } from 'zod';
import { defineStep, type StepDefinition } from '../defineStep';
import { textValue } from '../fields';

/** Resolved spec of {@link idpActionStepDefinition}. @public */
export interface IdpActionStepSpec {
  actionRef: string;
  actionVersion?: string;
  inputs?: unknown;
}

/**
 * `IdpAction`: runs a scaffolder action. Validated only: no handler ships
 * with the engine, so a pipeline using it needs a module that adds one.
 *
 * @public
 */
export const idpActionStepDefinition: StepDefinition<IdpActionStepSpec> =
  defineStep({
    type: 'IdpAction',
    description: 'runs a scaffolder action',
    idempotent: false,
    spec: z.object({
      actionRef: textValue,
      actionVersion: textValue.optional(),
      inputs: z.unknown().optional(),
    }),
    outputs: () => undefined,
  });

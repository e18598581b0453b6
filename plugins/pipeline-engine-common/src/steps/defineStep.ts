import type { z } from 'zod';

/**
 * Everything about one step type except how it runs: the single declaration
 * the validator, the CLI, the portal and the engine all read.
 *
 * @public
 */
export interface StepDefinition<TSpec = unknown> {
  /** Harness step type, e.g. `CreateRepo`. */
  type: string;
  /** One line describing the step, for error messages and docs. */
  description: string;
  /**
   * Schema of the step's `spec` once its expressions are resolved; the
   * handler receives its output. Static validation derives from it a schema
   * in which any field may still be an expression (`<+...>`), so it is
   * written once, for the resolved values. Unknown keys are warned about
   * statically, not rejected.
   */
  spec: z.ZodType<TSpec, z.ZodTypeDef, unknown>;
  /**
   * True when running the step twice has the same effect as once. After an
   * engine restart an interrupted idempotent step is run again; any other
   * step fails with "interrupted: engine restarted during step X".
   */
  idempotent: boolean;
  /**
   * Output variable names, given the spec as written (expressions
   * unresolved), or `undefined` when they cannot be known statically. Used
   * by the static reference check.
   */
  outputs?: (spec: Record<string, unknown>) => string[] | undefined;
  /**
   * Spec fields whose `<+...>` expressions the handler evaluates itself,
   * passed to it unrendered: dot paths with `*` for any list index or map
   * key, e.g. `['assertion', 'outputVariables.*.value']` for the Http step,
   * whose expressions read the response (`<+httpResponseCode>`).
   */
  deferredFields?: readonly string[];
  /** Where the step is documented (a URL), shown next to validation errors and in the portal. */
  docs?: string;
}

/**
 * Declares a step type once, with its spec type inferred from the schema.
 * A handler is then `createStepHandler({ ...definition, handler })`.
 *
 * @public
 */
export function defineStep<TSchema extends z.ZodTypeAny>(
  definition: Omit<StepDefinition<z.output<TSchema>>, 'spec'> & {
    spec: TSchema;
  },
): StepDefinition<z.output<TSchema>> & { spec: TSchema } {
  return definition;
}

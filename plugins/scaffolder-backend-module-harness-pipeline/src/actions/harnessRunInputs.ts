/**
 * What each trigger action says about the inputs that shape a Harness run:
 * the API key to read from config, whether URLs stay out of the log,
 * whether output variables become outputs, and the overall timeout.
 */
export interface HarnessRunInputDescriptions {
  apiKeySecret: string;
  hidePipelineURLLog: string;
  showOutputVariables: string;
  timeout: string;
}

/** A zod type that can be made optional and described (`z.string()`, `z.boolean()`). */
interface OptionalDescribable<Described> {
  optional(): { describe(description: string): Described };
}

/**
 * The schema fields of those inputs, which both trigger actions take with
 * the same types; only their descriptions differ. `z` is the zod the
 * scaffolder hands the schema callback (typed structurally, as it may be
 * another copy of zod than this package's).
 */
export function harnessRunInputFields<OptionalString, OptionalBoolean>(
  z: {
    string(): OptionalDescribable<OptionalString>;
    boolean(): OptionalDescribable<OptionalBoolean>;
  },
  descriptions: HarnessRunInputDescriptions,
) {
  return {
    apiKeySecret: z.string().optional().describe(descriptions.apiKeySecret),
    hidePipelineURLLog: z
      .boolean()
      .optional()
      .describe(descriptions.hidePipelineURLLog),
    showOutputVariables: z
      .boolean()
      .optional()
      .describe(descriptions.showOutputVariables),
    timeout: z.string().optional().describe(descriptions.timeout),
  };
}

import { z } from 'zod';
import type { YamlValue } from '../model/types';

/**
 * What the validator knows about one step type.
 *
 * @public
 */
export interface StepSpecDefinition {
  /** Harness step type, e.g. `CreateRepo`. */
  type: string;
  /** One line describing the step, for error messages and docs. */
  description: string;
  /** Schema of the step's `spec`; unknown keys are warned about, not rejected. */
  spec: z.ZodTypeAny;
  /**
   * Output variable names the step sets given its spec, or `undefined` when
   * they cannot be known statically. Used by the static reference check.
   */
  outputs?: (spec: Record<string, YamlValue>) => string[] | undefined;
  /** Stage types the step may appear in; all when omitted. */
  stageTypes?: string[];
}

/**
 * The extensible set of step types the validator accepts. The engine's
 * extension point registers the step types of backend modules here, so a
 * pipeline using them validates like any built-in one.
 *
 * @public
 */
export class StepSpecRegistry {
  readonly #definitions = new Map<string, StepSpecDefinition>();

  constructor(definitions: Iterable<StepSpecDefinition> = []) {
    for (const d of definitions) this.register(d);
  }

  /** Adds a step type; registering a type twice is a programming error. */
  register(definition: StepSpecDefinition): this {
    if (this.#definitions.has(definition.type)) {
      throw new Error(`Step type "${definition.type}" is already registered`);
    }
    this.#definitions.set(definition.type, definition);
    return this;
  }

  /** The definition of a step type, if registered. */
  get(type: string): StepSpecDefinition | undefined {
    return this.#definitions.get(type);
  }

  /** Registered step types, sorted. */
  types(): string[] {
    return [...this.#definitions.keys()].sort();
  }

  /** A copy that can be extended without touching this registry. */
  clone(): StepSpecRegistry {
    return new StepSpecRegistry(this.#definitions.values());
  }
}

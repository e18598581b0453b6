import type { StepDefinition } from './defineStep';

/**
 * The extensible set of step types the validator accepts. The engine's
 * extension point registers the step types of backend modules here, so a
 * pipeline using them validates like any built-in one.
 *
 * @public
 */
export class StepSpecRegistry {
  readonly #definitions = new Map<string, StepDefinition>();

  constructor(definitions: Iterable<StepDefinition> = []) {
    for (const d of definitions) this.register(d);
  }

  /** Adds a step type; registering a type twice is a programming error. */
  register(definition: StepDefinition): this {
    if (this.#definitions.has(definition.type)) {
      throw new Error(`Step type "${definition.type}" is already registered`);
    }
    this.#definitions.set(definition.type, definition);
    return this;
  }

  /** The definition of a step type, if registered. */
  get(type: string): StepDefinition | undefined {
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

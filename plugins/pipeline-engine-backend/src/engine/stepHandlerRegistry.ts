import type { StepSpecRegistry } from '@idp-pipelines/plugin-pipeline-engine-common';
import type { StepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import type { StepHandlerLookup } from './plan';

/** The step handlers installed in this engine, by step type. */
export class StepHandlerRegistry implements StepHandlerLookup {
  readonly #handlers = new Map<string, StepHandler<unknown>>();

  /** Adds handlers; a step type added twice is a startup error naming it. */
  add(...handlers: ReadonlyArray<StepHandler<any>>): void {
    for (const handler of handlers) {
      if (this.#handlers.has(handler.type)) {
        throw new Error(
          `pipeline-engine: step type "${handler.type}" is provided by two modules; install only one`,
        );
      }
      this.#handlers.set(handler.type, handler);
    }
  }

  get(type: string): StepHandler<unknown> | undefined {
    return this.#handlers.get(type);
  }

  types(): string[] {
    return [...this.#handlers.keys()].sort();
  }

  /**
   * Teaches the validator the step types it does not know yet, so
   * pipelines using a module's steps validate like built-in ones.
   */
  extend(registry: StepSpecRegistry): StepSpecRegistry {
    const extended = registry.clone();
    for (const handler of this.#handlers.values()) {
      // A handler is its step's declaration: built-in ones are already known.
      if (!extended.get(handler.type)) extended.register(handler);
    }
    return extended;
  }
}

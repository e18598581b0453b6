import {
  formatProblem,
  parsePipeline,
  validatePipelineValue,
  type StepSpecRegistry,
  type YamlValue,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import {
  planExecution,
  type ExecutionPlan,
  type StepHandlerLookup,
} from './plan';

/** Frozen pipelines kept validated and planned. */
export const FROZEN_PIPELINE_CACHE_SIZE = 100;

/** A frozen pipeline ready to run, or why it cannot run. */
export type FrozenPipelinePlan =
  { ok: true; plan: ExecutionPlan } | { ok: false; message: string };

/**
 * Validates and plans executions' frozen pipelines, each distinct text once:
 * executions of one pipeline version with the same inputs freeze the same
 * text, and a burst of them would otherwise validate it again per
 * execution. Keyed by the text itself (validation depends on nothing else
 * but the installed steps, fixed for the process); least recently used
 * dropped first. Plans are read, never changed, by the runs that share them.
 */
export class FrozenPipelines {
  readonly #plans = new Map<string, FrozenPipelinePlan & { ok: true }>();

  constructor(
    private readonly registry: StepSpecRegistry,
    private readonly handlers: StepHandlerLookup,
    private readonly capacity = FROZEN_PIPELINE_CACHE_SIZE,
  ) {}

  /** The plan of a frozen pipeline text. */
  plan(text: string): FrozenPipelinePlan {
    const cached = this.#plans.get(text);
    if (cached) {
      // Most recently used last.
      this.#plans.delete(text);
      this.#plans.set(text, cached);
      return cached;
    }
    const planned = this.planAnew(text);
    // Failures are rare (older rows, steps uninstalled) and not kept.
    if (planned.ok) {
      if (this.#plans.size >= this.capacity)
        this.#plans.delete(this.#plans.keys().next().value as string);
      this.#plans.set(text, planned);
    }
    return planned;
  }

  private planAnew(text: string): FrozenPipelinePlan {
    const parsed = readFrozenPipeline(text, this.registry);
    if (!parsed.ok || !parsed.pipeline) {
      const errors = parsed.problems
        .filter(p => p.severity === 'error')
        .map(formatProblem);
      return {
        ok: false,
        message: `the pipeline is invalid:\n${errors.join('\n')}`,
      };
    }
    const planned = planExecution(parsed.pipeline, this.handlers);
    if (!planned.ok) {
      return {
        ok: false,
        message: `the pipeline cannot run here:\n${planned.problems.map(formatProblem).join('\n')}`,
      };
    }
    return { ok: true, plan: planned.plan };
  }
}

/**
 * The execution's frozen pipeline: stored as JSON by the engine (validated
 * then, so the advisory checks are skipped), or YAML from older rows.
 */
function readFrozenPipeline(text: string, registry: StepSpecRegistry) {
  if (text.startsWith('{')) {
    try {
      return validatePipelineValue(JSON.parse(text) as YamlValue, {
        registry,
        advisoryChecks: false,
      });
    } catch {
      // Not JSON after all: read it as YAML.
    }
  }
  return parsePipeline(text, { registry, advisoryChecks: false });
}

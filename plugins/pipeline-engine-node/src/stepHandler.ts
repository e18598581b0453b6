import type { StepParkRequest, StepWaitState } from './parking';
import type { StepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
import type { z } from 'zod';

/**
 * Where a log line came from.
 *
 * @public
 */
export type StepLogStream = 'info' | 'stdout' | 'stderr';

/**
 * The logger a step handler writes its user-visible log with.
 *
 * @public
 */
export interface StepLogger {
  /** One line (or several, split on newlines) of informational output. */
  info(message: string): void;
  /** A warning shown in the step log. */
  warn(message: string): void;
  /** An error shown in the step log; does not fail the step by itself. */
  error(message: string): void;
  /** Raw process output, e.g. a child process's stdout or stderr. */
  write(stream: StepLogStream, text: string): void;
}

/**
 * Resolves secret references (`account.x`, `org.x`, `x`) to their values.
 *
 * @public
 */
export interface StepSecrets {
  /**
   * The secret's value. The value is masked in every log line and output
   * from then on. Throws an InputError naming the reference when unknown.
   */
  get(reference: string): Promise<string>;
  /** Masks a value the handler obtained otherwise (e.g. a minted token). */
  mask(value: string): void;
}

/**
 * Options of {@link StepContext.output}.
 *
 * @public
 */
export interface StepOutputOptions {
  /** Secret outputs are masked everywhere and never exported to the scaffolder. */
  secret?: boolean;
}

/**
 * Identity of the user or service that started the execution.
 *
 * @public
 */
export interface StepTriggeredBy {
  /** Entity ref (`user:default/jane`) or service identity. */
  identity: string;
  name?: string;
  email?: string;
}

/**
 * What a step handler receives.
 *
 * @public
 */
export interface StepContext<TSpec> {
  /** The step's spec with every expression resolved and validated by the handler's schema. */
  spec: TSpec;
  /** The stage workspace: a directory shared by the stage's steps, removed when the execution ends. */
  workspace: string;
  logger: StepLogger;
  secrets: StepSecrets;
  /** Aborted when the execution is aborted or the step's timeout expires. */
  signal: AbortSignal;
  /** Sets an output variable, readable as `<+steps.ID.output.outputVariables.NAME>`. */
  output(name: string, value: string, options?: StepOutputOptions): void;
  /** The running step. */
  step: {
    identifier: string;
    name: string;
    type: string;
    /** Fully-qualified name, e.g. `pipeline.stages.s.spec.execution.steps.x`. */
    fqn: string;
    /** 0 on the first attempt, incremented by Retry failure strategies. */
    retryCount: number;
  };
  /** The stage the step runs in. */
  stage: { identifier: string; name: string; type: string };
  /** The execution. */
  execution: {
    id: string;
    orgIdentifier: string;
    projectIdentifier: string;
    pipelineIdentifier: string;
    triggeredBy: StepTriggeredBy;
  };
  /**
   * The step's durable wait, when the step parked in an earlier run (see
   * {@link StepParkRequest}); undefined on its first run.
   */
  wait?: StepWaitState;
}

/**
 * One step type: its declaration (`StepDefinition`, made with
 * `defineStep`) and how it runs. Backend modules add step types through
 * `pipelineEngineStepsExtensionPoint`.
 *
 * @public
 */
export interface StepHandler<TSpec = unknown> extends StepDefinition<TSpec> {
  /**
   * Checks made when an execution starts, before any step runs, for steps
   * whose spec is already known then (its expressions read only pipeline
   * variables and identifiers). Throwing fails the execution before
   * anything was created; the message should name the setting to change.
   */
  preflight?(
    spec: TSpec,
    step: { identifier: string; type: string },
  ): Promise<void>;
  /** Runs the step with its parsed spec. Throwing fails it; the error's message is shown. */
  handler(ctx: StepContext<TSpec>): Promise<void>;
}

/**
 * A step handler: a step declaration plus its `handler`, with the spec type
 * inferred from the schema. Built-in steps spread their shared declaration:
 * `createStepHandler({ ...gitCloneStepDefinition, async handler(ctx) {...} })`;
 * a module may declare all fields inline.
 *
 * @public
 */
export function createStepHandler<TSchema extends z.ZodTypeAny>(
  handler: Omit<StepHandler<z.output<TSchema>>, 'spec'> & { spec: TSchema },
): StepHandler<z.output<TSchema>> {
  return handler as StepHandler<z.output<TSchema>>;
}

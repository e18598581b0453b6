/*
 * What the trigger action needs from wherever a pipeline runs (this
 * engine or Harness SaaS), in one shape so following, cancelling and
 * exporting outputs are written once.
 */

/** Runtime input values as a template passes them (short or FQN keys). */
export type InputValues = Record<string, unknown>;

/** Kinds of execution-tree nodes worth reporting. */
export type TrackedNodeKind = 'stage' | 'stepGroup' | 'step';

/** A stage, step group or step of an execution, as last read. */
export interface TrackedNode {
  /** Fully-qualified name, e.g. `pipeline.stages.s.spec.execution.steps.x`. */
  fqn: string;
  kind: TrackedNodeKind;
  identifier: string;
  name: string;
  /** Step type, e.g. `Run`. */
  type?: string;
  /** Harness node status (`Running`, `Success`, `Failed`, ...). */
  status: string;
  /** 1 for the first try; retries count up. */
  attempt: number;
  startedAt?: string;
  endedAt?: string;
  errorMessage?: string;
}

/** One non-secret output variable of an execution. */
export interface OutputVariable {
  /** `pipeline.stages.s.spec.execution.steps.x.output.outputVariables.v`. */
  fqn: string;
  /** The variable's own name (`v`). */
  name: string;
  value: string;
  /** FQN of the step that wrote it. */
  nodeFqn: string;
  /** When that step ended; decides which of two equal short names wins. */
  endedAt?: string;
}

/** An execution as last read. */
export interface RunState {
  executionId: string;
  pipelineName: string;
  /** Harness execution status (`Queued`, `Running`, `Success`, ...). */
  status: string;
  /** True once the status can no longer change. */
  terminal: boolean;
  /** True when the execution ended well. */
  succeeded: boolean;
  /** Link to the execution. */
  url: string;
  nodes: TrackedNode[];
  outputs: OutputVariable[];
  errorMessage?: string;
}

/** One log line of a step, as streamed. */
export interface StreamedLogLine {
  nodeFqn: string;
  line: string;
  stream: 'info' | 'stdout' | 'stderr';
}

/** A change an execution's status stream reported. */
export type RunUpdate =
  | { type: 'status'; status: string; errorMessage?: string }
  | { type: 'node'; node: TrackedNode }
  | { type: 'end'; state: RunState };

/** What a dry run found. */
export interface DryRunReport {
  title: string;
  /** Human-readable lines describing what would run. */
  lines: string[];
  /** Lines worth a warning, e.g. inputs that resolve to empty strings. */
  warnings?: string[];
}

/** Where a pipeline runs. */
export interface PipelineTarget {
  /** E.g. `pipeline default/p/x in the pipeline engine`. */
  readonly description: string;
  /** Link to the pipeline itself. */
  readonly pipelineUrl: string;
  /** Checks the inputs and reports what would run; runs nothing. */
  dryRun(inputs: InputValues): Promise<DryRunReport>;
  /**
   * Starts an execution; throws an InputError listing input-set problems.
   * `warnings` are worth a line in the task log.
   */
  start(
    inputs: InputValues,
  ): Promise<{ executionId: string; warnings?: string[] }>;
  read(executionId: string): Promise<RunState>;
  /** Link to an execution, known before it could be read. */
  executionUrl(executionId: string): string;
  /** Streams log lines until the execution ends or `signal` aborts. */
  followLogs?(
    executionId: string,
    signal: AbortSignal,
    onLine: (line: StreamedLogLine) => void,
  ): Promise<void>;
  /**
   * Streams status changes until the execution ends (the `end` update) or
   * `signal` aborts; throws when the stream fails. Without it, or when it
   * fails, the execution is polled with `read`.
   */
  followStatus?(
    executionId: string,
    signal: AbortSignal,
    onUpdate: (update: RunUpdate) => void,
  ): Promise<void>;
  abort(executionId: string): Promise<void>;
}

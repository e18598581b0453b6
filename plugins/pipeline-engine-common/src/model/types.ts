/*
 * The Harness v0 pipeline model as this engine understands it.
 *
 * Field values keep their YAML form: a field that is normally a boolean or a
 * number may hold a string when it is a runtime input (`<+input>`) or an
 * expression (`<+pipeline.variables.x>`), so such fields are typed
 * `T | string`. Everything the model does not know is kept in `extra` so a
 * pipeline copied from Harness round-trips without loss.
 */

/**
 * A value that may be given literally or as a `<+...>` expression / runtime input string.
 *
 * @public
 */
export type Dynamic<T> = T | string;

/**
 * JSON-like value as found in YAML.
 *
 * @public
 */
export type YamlValue =
  string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

/**
 * A pipeline, stage or step-group variable.
 *
 * @public
 */
export interface PipelineVariable {
  name: string;
  type: 'String' | 'Number' | 'Secret';
  description?: string;
  required?: boolean;
  /** Literal value, `<+input>...` runtime input, or expression. */
  value?: YamlValue;
  default?: YamlValue;
}

/**
 * `when` on a stage.
 *
 * @public
 */
export interface StageWhen {
  pipelineStatus: 'Success' | 'Failure' | 'All';
  condition?: string;
}

/**
 * `when` on a step or step group.
 *
 * @public
 */
export interface StepWhen {
  stageStatus: 'Success' | 'Failure' | 'All';
  condition?: string;
}

/**
 * Harness failure error types.
 *
 * @public
 */
export const FAILURE_ERROR_TYPES = [
  'AllErrors',
  'Unknown',
  'Timeout',
  'Authentication',
  'Authorization',
  'Connectivity',
  'DelegateProvisioning',
  'Verification',
  'PolicyEvaluationFailure',
  'InputTimeoutError',
  'ApprovalRejection',
  'DelegateRestart',
  'UserMarkedFailure',
] as const;
/**
 * A Harness failure error type.
 *
 * @public
 */
export type FailureErrorType = (typeof FAILURE_ERROR_TYPES)[number];

/**
 * Harness failure actions.
 *
 * @public
 */
export const FAILURE_ACTION_TYPES = [
  'Ignore',
  'Retry',
  'MarkAsSuccess',
  'MarkAsFailure',
  'Abort',
  'StageRollback',
  'PipelineRollback',
  'ManualIntervention',
  'RetryStepGroup',
  'ProceedWithDefaultValues',
] as const;
/**
 * A Harness failure action type.
 *
 * @public
 */
export type FailureActionType = (typeof FAILURE_ACTION_TYPES)[number];

/**
 * The action taken when a failure strategy matches.
 *
 * @public
 */
export interface FailureAction {
  type: FailureActionType;
  spec?: {
    /** Retry: how many times to retry. */
    retryCount?: Dynamic<number>;
    /** Retry: waits between attempts (`1s`, `5s`); the last one repeats. */
    retryIntervals?: string[];
    /** Retry: what to do once retries are exhausted. */
    onRetryFailure?: { action: FailureAction };
    /** ManualIntervention: how long to wait. */
    timeout?: string;
    /** ManualIntervention: what to do on timeout. */
    onTimeout?: { action: FailureAction };
  };
}

/**
 * One entry of `failureStrategies`.
 *
 * @public
 */
export interface FailureStrategy {
  onFailure: {
    errors: FailureErrorType[];
    action: FailureAction;
  };
}

/**
 * Looping strategy on a stage, step group or step.
 *
 * @public
 */
export interface LoopingStrategy {
  matrix?: {
    /** Axis name → values. */
    axes: Record<string, YamlValue[] | string>;
    maxConcurrency?: Dynamic<number>;
    exclude?: Array<Record<string, YamlValue>>;
    nodeName?: string;
  };
  repeat?: {
    times?: Dynamic<number>;
    items?: YamlValue[] | string;
    maxConcurrency?: Dynamic<number>;
    nodeName?: string;
  };
  parallelism?: Dynamic<number>;
}

/**
 * Fields shared by steps and step groups.
 *
 * @public
 */
export interface ExecutionNodeBase {
  name: string;
  identifier: string;
  description?: string;
  timeout?: string;
  when?: StepWhen;
  failureStrategies?: FailureStrategy[];
  strategy?: LoopingStrategy;
  /** Unknown keys kept verbatim. */
  extra?: Record<string, YamlValue>;
}

/**
 * A `- step:` element.
 *
 * @public
 */
export interface StepNode extends ExecutionNodeBase {
  kind: 'step';
  /** Harness step type, e.g. `CreateRepo`. */
  type: string;
  /** The step's spec as written (validated by the step-spec registry). */
  spec: Record<string, YamlValue>;
}

/**
 * A `- stepGroup:` element.
 *
 * @public
 */
export interface StepGroupNode extends ExecutionNodeBase {
  kind: 'stepGroup';
  steps: ExecutionElement[];
  variables?: PipelineVariable[];
  sharedPaths?: string[];
  stepGroupInfra?: Record<string, YamlValue>;
}

/**
 * A `- parallel:` element: its children run concurrently.
 *
 * @public
 */
export interface ParallelNode {
  kind: 'parallel';
  elements: Array<StepNode | StepGroupNode>;
}

/**
 * Any element of an execution's `steps` list.
 *
 * @public
 */
export type ExecutionElement = StepNode | StepGroupNode | ParallelNode;

/**
 * Stage types this engine runs.
 *
 * @public
 */
export const STAGE_TYPES = ['IDP', 'Custom', 'CI'] as const;
/**
 * A stage type.
 *
 * @public
 */
export type StageType = (typeof STAGE_TYPES)[number];

/**
 * A `- stage:` element.
 *
 * @public
 */
export interface StageNode {
  kind: 'stage';
  name: string;
  identifier: string;
  description?: string;
  type: StageType;
  tags?: Record<string, string>;
  variables?: PipelineVariable[];
  when?: StageWhen;
  failureStrategies?: FailureStrategy[];
  strategy?: LoopingStrategy;
  timeout?: string;
  spec: {
    execution: {
      steps: ExecutionElement[];
      rollbackSteps?: ExecutionElement[];
    };
    /** `KubernetesDirect`, `VM`, ... kept as written; runs locally here. */
    infrastructure?: Record<string, YamlValue>;
    /** `Cloud`, `Docker`, ... kept as written. */
    runtime?: Record<string, YamlValue>;
    platform?: Record<string, YamlValue>;
    caching?: Record<string, YamlValue>;
    cloneCodebase?: Dynamic<boolean>;
    sharedPaths?: string[];
    extra?: Record<string, YamlValue>;
  };
  extra?: Record<string, YamlValue>;
}

/**
 * Stages in a `- parallel:` block of a pipeline's stages.
 *
 * @public
 */
export interface ParallelStagesNode {
  kind: 'parallel';
  stages: StageNode[];
}

/**
 * The validated pipeline.
 *
 * @public
 */
export interface Pipeline {
  name: string;
  identifier: string;
  orgIdentifier?: string;
  projectIdentifier?: string;
  description?: string;
  tags?: Record<string, string>;
  variables?: PipelineVariable[];
  stages: Array<StageNode | ParallelStagesNode>;
  properties?: Record<string, YamlValue>;
  failureStrategies?: FailureStrategy[];
  timeout?: string;
  extra?: Record<string, YamlValue>;
}

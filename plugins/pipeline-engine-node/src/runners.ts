import type { StepLogger } from './stepHandler';

/**
 * Where the process sees the stage workspace and the step's scratch directory.
 *
 * @public
 */
export interface ProcessPaths {
  workspace: string;
  /** Set when the request has a scratch directory. */
  scratch?: string;
}

/**
 * Container settings of a step (Run, Plugin): used by the container runner only.
 *
 * @public
 */
export interface ContainerOptions {
  image: string;
  /** Overrides the image's entrypoint; the first item is the program, the rest its first arguments. */
  entrypoint?: string[];
  pullPolicy?: 'Always' | 'Never' | 'IfNotPresent';
  privileged?: boolean;
  runAsUser?: number;
  /** Limits already in docker's units: memory `512m`, cpus `0.5`. */
  memory?: string;
  cpus?: string;
}

/**
 * One process a step wants to run.
 *
 * @public
 */
export interface ProcessRequest {
  /**
   * Program and arguments, given where the process sees its directories.
   * In a container an empty list runs the image's own entrypoint and command.
   */
  argv(paths: ProcessPaths): string[];
  /** The step's environment variables, on top of the runner's scrubbed basics. */
  env: Record<string, string>;
  /** Host directory with the step's files (scripts, output files). */
  scratch?: string;
  /** Run in this container; only a container runner accepts it. */
  container?: ContainerOptions;
  /** What needs the program, for "not found" messages: `shell Bash`, `CreateResource`. */
  purpose: string;
}

/**
 * What a runner needs from the step context.
 *
 * @public
 */
export interface ProcessIo {
  workspace: string;
  logger: StepLogger;
  /** Aborted on execution abort or step timeout: the whole process tree is killed. */
  signal: AbortSignal;
  /** Used to name containers, e.g. the step identifier. */
  label: string;
}

/**
 * How a process ended.
 *
 * @public
 */
export interface ProcessResult {
  /** Exit code, or null when killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Whether it was killed because of `io.signal`. */
  aborted: boolean;
  /** The last lines of stdout and stderr together, in arrival order. */
  tail: string[];
}

/**
 * Runs step processes: on the host (`local`) or in containers (`docker`).
 *
 * @public
 */
export interface StepRunner {
  /** `local`, `docker`, or a module's own name (`kubernetes`); shown in logs. */
  readonly kind: string;
  run(request: ProcessRequest, io: ProcessIo): Promise<ProcessResult>;
}

import type { StepLogger } from '@idp-pipelines/plugin-pipeline-engine-node';
import { CONTAINER_RUNNER_MISSING, DockerRunner } from './dockerRunner';
import { LocalRunner } from './localRunner';
import type { RunnerSettings } from './settings';
import type { StepProcessTracker } from './stepProcessTracker';
import type { ContainerOptions, StepRunner } from './types';

export {
  CONTAINER_RUNNER_MISSING,
  CONTAINER_SCRATCH,
  CONTAINER_WORKSPACE,
  DockerRunner,
} from './dockerRunner';
export { LOCAL_RUNNER_DISABLED, LocalRunner } from './localRunner';
export {
  checkEnvironmentNames,
  findProgram,
  scrubbedEnvironment,
} from './environment';
export {
  OutputTail,
  processGroupAlive,
  runProcessGroup,
  TAIL_LINES,
} from './processGroup';
export type { ProcessGroupOptions } from './processGroup';
export { readRunnerSettings } from './settings';
export { killLeftoverStepProcesses } from './leftoverProcesses';
export { createStepProcessTracker } from './stepProcessTracker';
export type {
  ForgetStepProcess,
  StepProcessTracker,
} from './stepProcessTracker';
export type { RunnerSettings } from './settings';
export type {
  ContainerOptions,
  ProcessIo,
  ProcessPaths,
  ProcessRequest,
  ProcessResult,
  StepRunner,
} from './types';

/** A runner and the container it should use, if any. */
export interface RunnerChoice {
  runner: StepRunner;
  container?: ContainerOptions;
}

/** The runners configured on this backend, and the rule that picks one for a step. */
export class StepRunners {
  readonly local: LocalRunner;
  /** The container runner: a module's (pipelineEngineRunnersExtensionPoint), else the configured docker runner. */
  readonly docker: StepRunner | undefined;

  /**
   * `tracker` records step processes so that a restart after a crash can
   * kill them; `containerRunner` replaces the docker runner.
   */
  constructor(
    readonly settings: RunnerSettings,
    tracker?: StepProcessTracker,
    containerRunner?: StepRunner,
  ) {
    this.local = new LocalRunner(settings, tracker);
    this.docker =
      containerRunner ??
      (settings.docker ? new DockerRunner(settings, tracker) : undefined);
  }

  /**
   * A step with an image runs in a container; one without runs in the
   * configured default image when `useDefaultImage` and one is set, else on
   * the host (which fails clearly when the local runner is off).
   */
  select(options: {
    container?: ContainerOptions;
    useDefaultImage: boolean;
    logger: StepLogger;
  }): RunnerChoice {
    const { container } = options;
    if (container) {
      if (this.docker) return { runner: this.docker, container };
      if (
        this.settings.local.enabled &&
        this.settings.local.runImageStepsLocally
      ) {
        options.logger.warn(
          `no container runner is configured: running on the backend host and ignoring image ${container.image} ` +
            '(pipelineEngine.runners.local.runImageStepsLocally)',
        );
        return { runner: this.local };
      }
      const alternative = this.settings.local.enabled
        ? '; or remove spec.image to run on the backend host, or set pipelineEngine.runners.local.runImageStepsLocally: true'
        : '';
      throw new Error(
        `spec.image ${container.image} needs a container runner, but ${CONTAINER_RUNNER_MISSING}${alternative}`,
      );
    }
    const defaultImage = this.settings.docker?.defaultImage;
    if (options.useDefaultImage && this.docker && defaultImage) {
      return { runner: this.docker, container: { image: defaultImage } };
    }
    return { runner: this.local };
  }
}

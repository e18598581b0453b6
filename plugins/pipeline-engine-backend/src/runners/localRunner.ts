import { checkEnvironmentNames, findProgram, scrubbedEnvironment } from './environment';
import { runProcessGroup } from './processGroup';
import type { RunnerSettings } from './settings';
import type { StepProcessTracker } from './stepProcessTracker';
import type { ProcessIo, ProcessRequest, ProcessResult, StepRunner } from './types';

/** The message shown when a step needs the local runner and it is off. */
export const LOCAL_RUNNER_DISABLED =
  'running processes on the backend host is disabled; set pipelineEngine.runners.local.enabled: true ' +
  'in app-config to allow it (scripts then run with the rights of the backend\'s user), ' +
  'or run the step in a container (spec.image with pipelineEngine.runners.docker.command)';

/**
 * Runs processes on the backend host, in the stage workspace, with a
 * scrubbed environment, each in its own process group.
 */
export class LocalRunner implements StepRunner {
  readonly kind = 'local' as const;

  constructor(
    private readonly settings: RunnerSettings,
    private readonly tracker?: StepProcessTracker,
  ) {}

  get enabled(): boolean {
    return this.settings.local.enabled;
  }

  async run(request: ProcessRequest, io: ProcessIo): Promise<ProcessResult> {
    if (!this.settings.local.enabled) throw new Error(LOCAL_RUNNER_DISABLED);
    if (request.container) {
      throw new Error(`the local runner cannot run image ${request.container.image}`);
    }
    checkEnvironmentNames(request.env, 'environment');
    const env = { ...scrubbedEnvironment(this.settings.local.inheritEnv), ...request.env };
    const [program, ...args] = request.argv({ workspace: io.workspace, scratch: request.scratch });
    if (!program) throw new Error(`${request.purpose}: nothing to run`);
    const resolved = await findProgram(program, env.PATH);
    if (!resolved) {
      throw new Error(
        `${request.purpose} needs "${program}", which is not installed on the backend host ` +
        `(not found on PATH ${env.PATH ?? '(unset)'}); install it, or run the step in a container image that has it`,
      );
    }
    return runProcessGroup({
      program: resolved,
      args,
      cwd: io.workspace,
      env,
      logger: io.logger,
      signal: io.signal,
      graceMs: this.settings.killGraceMs,
      tracker: this.tracker,
    });
  }
}

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  BASIC_VARIABLES,
  checkEnvironmentNames,
  CONTAINER_CLIENT_VARIABLES,
  findProgram,
  scrubbedEnvironment,
} from './environment';
import { runProcessGroup } from './processGroup';
import type { RunnerSettings } from './settings';
import type { StepProcessTracker } from './stepProcessTracker';
import type {
  ContainerOptions,
  ProcessIo,
  ProcessRequest,
  ProcessResult,
  StepRunner,
} from './types';

/** Where containers see the stage workspace (Harness CI's path). */
export const CONTAINER_WORKSPACE = '/harness';
/** Where containers see the step's scratch directory. */
export const CONTAINER_SCRATCH = '/harness-step';

/** The message shown when a step needs containers and none are configured. */
export const CONTAINER_RUNNER_MISSING =
  'no container runner is configured; set pipelineEngine.runners.docker.command to docker or podman in app-config';

const PULL: Record<NonNullable<ContainerOptions['pullPolicy']>, string> = {
  Always: 'always',
  Never: 'never',
  IfNotPresent: 'missing',
};

/** Names the container CLI itself reads: a step must not redirect the client through them. */
function clientReads(name: string): boolean {
  return (
    BASIC_VARIABLES.includes(name) ||
    CONTAINER_CLIENT_VARIABLES.includes(name) ||
    /^(DOCKER|PODMAN|CONTAINERS|BUILDAH)_/.test(name)
  );
}

/** A unique, valid container name for a step. */
function containerName(label: string): string {
  const safe = label.replace(/[^a-zA-Z0-9_.-]/g, '_').slice(0, 40);
  return `pipeline-${safe}-${randomBytes(4).toString('hex')}`;
}

/**
 * Runs processes in containers with a docker-compatible CLI (`docker`,
 * `podman`): `run --rm` with the workspace mounted at /harness as the
 * working directory.
 *
 * Step variables are passed as `-e NAME` with the value in the client's
 * environment, so values (secrets) never appear on a command line that
 * `ps` shows. Names the client reads itself (PATH, DOCKER_HOST...) are
 * passed as `-e NAME=value` instead, so a step cannot redirect the client.
 */
export class DockerRunner implements StepRunner {
  readonly kind = 'docker' as const;

  constructor(
    private readonly settings: RunnerSettings,
    private readonly tracker?: StepProcessTracker,
  ) {}

  /** The `run` arguments and the client environment for a request; exposed for tests and logs. */
  buildInvocation(
    request: ProcessRequest,
    io: Pick<ProcessIo, 'workspace' | 'label'>,
  ): { name: string; args: string[]; env: Record<string, string> } {
    const docker = this.docker();
    const container = request.container;
    if (!container)
      throw new Error(
        `${request.purpose}: the container runner needs an image`,
      );
    checkEnvironmentNames(request.env, 'environment');
    if (container.privileged && !docker.allowPrivileged) {
      throw new Error(
        'privileged: true is not allowed on this backend; set pipelineEngine.runners.docker.allowPrivileged: true to permit privileged containers',
      );
    }
    const env = scrubbedEnvironment(CONTAINER_CLIENT_VARIABLES);
    const name = containerName(io.label);
    const args = [
      'run',
      '--rm',
      '--name',
      name,
      '-v',
      `${io.workspace}:${CONTAINER_WORKSPACE}`,
    ];
    if (request.scratch)
      args.push('-v', `${request.scratch}:${CONTAINER_SCRATCH}`);
    args.push('-w', CONTAINER_WORKSPACE);
    for (const [key, value] of Object.entries(request.env)) {
      if (clientReads(key)) {
        args.push('-e', `${key}=${value}`);
      } else {
        args.push('-e', key);
        env[key] = value;
      }
    }
    if (container.pullPolicy) args.push('--pull', PULL[container.pullPolicy]);
    if (container.privileged) args.push('--privileged');
    if (container.runAsUser !== undefined)
      args.push('--user', String(container.runAsUser));
    if (container.memory) args.push('--memory', container.memory);
    if (container.cpus) args.push('--cpus', container.cpus);
    args.push(...docker.runArgs);
    const [entrypoint, ...entrypointArgs] = container.entrypoint ?? [];
    if (entrypoint) args.push('--entrypoint', entrypoint);
    args.push(container.image, ...entrypointArgs);
    args.push(
      ...request.argv({
        workspace: CONTAINER_WORKSPACE,
        scratch: request.scratch ? CONTAINER_SCRATCH : undefined,
      }),
    );
    return { name, args, env };
  }

  async run(request: ProcessRequest, io: ProcessIo): Promise<ProcessResult> {
    const docker = this.docker();
    const { name, args, env } = this.buildInvocation(request, io);
    const program = await findProgram(docker.command, env.PATH);
    if (!program) {
      throw new Error(
        `the container runner's command "${docker.command}" (pipelineEngine.runners.docker.command) was not found on PATH ${env.PATH ?? '(unset)'}`,
      );
    }
    io.logger.info(
      `${docker.command} ${args.map(a => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`,
    );
    // Recorded before it starts: killing the client (or the backend) does
    // not stop a container, so a restarted backend removes it by name.
    const forgetContainer = await this.tracker?.containerStarting({
      name,
      command: program,
    });
    const result = await runProcessGroup({
      program,
      args,
      cwd: io.workspace,
      env,
      logger: io.logger,
      signal: io.signal,
      graceMs: this.settings.killGraceMs,
      tracker: this.tracker,
    }).finally(() => forgetContainer?.());
    // Killing the client does not stop the container: remove it by name.
    if (result.aborted) await removeContainer(program, name, env);
    return result;
  }

  private docker(): NonNullable<RunnerSettings['docker']> {
    const docker = this.settings.docker;
    if (!docker) throw new Error(CONTAINER_RUNNER_MISSING);
    return docker;
  }
}

/** Removes (and so kills) a container by name with the container CLI; never rejects. */
export function removeContainer(
  program: string,
  name: string,
  env: Record<string, string>,
): Promise<void> {
  return new Promise(resolve => {
    const child = spawn(program, ['rm', '-f', name], { env, stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, 30_000);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    child.once('error', done);
    child.once('exit', done);
  });
}

import {
  checkEnvironmentNames,
  findProgram,
  scrubbedEnvironment,
} from './environment';
import { runProcessGroup } from './processGroup';
import {
  allowTraversal,
  chownTree,
  resolveRunnerIdentity,
  type RunnerIdentity,
} from './runnerUser';
import { dirname } from 'node:path';
import type { RunnerSettings } from './settings';
import type { StepProcessTracker } from './stepProcessTracker';
import type {
  ProcessIo,
  ProcessRequest,
  ProcessResult,
  StepRunner,
} from './types';

/** The message shown when a step needs the local runner and it is off. */
export const LOCAL_RUNNER_DISABLED =
  'running processes on the backend host is disabled; set pipelineEngine.runners.local.enabled: true ' +
  "in app-config to allow it (scripts then run with the rights of the backend's user), " +
  'or run the step in a container (spec.image with pipelineEngine.runners.docker.command)';

/**
 * Runs processes on the backend host, in the stage workspace, with a
 * scrubbed environment, each in its own process group — as the unprivileged
 * `runners.local.user` when the backend runs as root, so a step cannot read
 * the backend's memory (`/proc/<pid>/environ`) or its private files.
 */
export class LocalRunner implements StepRunner {
  readonly kind = 'local' as const;
  #identity: Promise<RunnerIdentity | undefined> | undefined;
  readonly #loans = new Map<
    string,
    { borrowers: number; ready: Promise<void> }
  >();

  constructor(
    private readonly settings: RunnerSettings,
    private readonly tracker?: StepProcessTracker,
  ) {}

  /** The account processes run as; undefined: the backend's own. */
  identity(): Promise<RunnerIdentity | undefined> {
    this.#identity ??= resolveRunnerIdentity(this.settings.local.user);
    // A failed lookup is retried next time (the account may be created meanwhile).
    this.#identity.catch(() => {
      this.#identity = undefined;
    });
    return this.#identity;
  }

  get enabled(): boolean {
    return this.settings.local.enabled;
  }

  async run(request: ProcessRequest, io: ProcessIo): Promise<ProcessResult> {
    if (!this.settings.local.enabled) throw new Error(LOCAL_RUNNER_DISABLED);
    if (request.container) {
      throw new Error(
        `the local runner cannot run image ${request.container.image}`,
      );
    }
    checkEnvironmentNames(request.env, 'environment');
    const env = {
      ...scrubbedEnvironment(this.settings.local.inheritEnv),
      ...request.env,
    };
    const [program, ...args] = request.argv({
      workspace: io.workspace,
      scratch: request.scratch,
    });
    if (!program) throw new Error(`${request.purpose}: nothing to run`);
    const resolved = await findProgram(program, env.PATH);
    if (!resolved) {
      throw new Error(
        `${request.purpose} needs "${program}", which is not installed on the backend host ` +
          `(not found on PATH ${env.PATH ?? '(unset)'}); install it, or run the step in a container image that has it`,
      );
    }
    const identity = await this.identity();
    if (!identity) return this.spawn(resolved, args, env, io);
    const dirs = [io.workspace, ...(request.scratch ? [request.scratch] : [])];
    await Promise.all(dirs.map(dir => this.lend(dir, identity)));
    try {
      Object.assign(env, {
        HOME: identity.home,
        USER: identity.name,
        LOGNAME: identity.name,
      });
      return await this.spawn(resolved, args, env, io, identity);
    } finally {
      for (const dir of dirs) await this.takeBack(dir);
    }
  }

  /**
   * The workspace is lent to the account while its processes run (parallel
   * steps share it) and taken back after the last one: in-process steps run
   * git as the backend's user, and git refuses repositories another user owns.
   */
  private async lend(dir: string, identity: RunnerIdentity): Promise<void> {
    const loan = this.#loans.get(dir);
    if (loan) {
      loan.borrowers++;
      await loan.ready;
      return;
    }
    const ready = (async () => {
      await allowTraversal(dirname(dir));
      await chownTree(dir, identity);
    })();
    this.#loans.set(dir, { borrowers: 1, ready });
    await ready;
  }

  private async takeBack(dir: string): Promise<void> {
    const loan = this.#loans.get(dir);
    if (loan && --loan.borrowers > 0) return;
    this.#loans.delete(dir);
    await chownTree(dir, {
      name: '',
      home: '',
      uid: process.getuid!(),
      gid: process.getgid!(),
    });
  }

  private spawn(
    program: string,
    args: string[],
    env: Record<string, string>,
    io: ProcessIo,
    identity?: RunnerIdentity,
  ): Promise<ProcessResult> {
    return runProcessGroup({
      program,
      args,
      cwd: io.workspace,
      env,
      ...(identity ? { uid: identity.uid, gid: identity.gid } : {}),
      logger: io.logger,
      signal: io.signal,
      graceMs: this.settings.killGraceMs,
      tracker: this.tracker,
    });
  }
}

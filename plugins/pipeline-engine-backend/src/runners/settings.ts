import type { Config } from '@backstage/config';
import { parseDuration } from '@idp-pipelines/plugin-pipeline-engine-common';

/** How script-like steps may run processes; read from `pipelineEngine.runners`. */
export interface RunnerSettings {
  local: {
    /** Processes may run on the backend host. Off by default: a script runs with the backend's rights. */
    enabled: boolean;
    /** Names of backend environment variables passed on to processes besides the basics (PATH, HOME, LANG...). */
    inheritEnv: string[];
    /** Run steps that name an image on the host (image ignored, with a warning) when no container runner is configured. */
    runImageStepsLocally: boolean;
    /** Unprivileged account processes run as when the backend runs as root. */
    user?: string;
  };
  /** Container runner; undefined when `pipelineEngine.runners.docker.command` is not set. */
  docker?: {
    /** Executable with a docker-compatible CLI: `docker` or `podman` (or a path). */
    command: string;
    /** Image for Run and ShellScript steps that name none; when unset such steps run on the host. */
    defaultImage?: string;
    /** Extra arguments for `run`, before the image (e.g. `--network`, `host`). */
    runArgs: string[];
    /** Steps may ask for `privileged: true`. */
    allowPrivileged: boolean;
  };
  /** Time between SIGTERM and SIGKILL when a step is aborted or times out. */
  killGraceMs: number;
  createResource: {
    /** `tofu` (default) or `terraform`, or a path to either. */
    command: string;
    /** Harness API endpoint exported as HARNESS_ENDPOINT; the provider's default when unset. */
    endpoint?: string;
    /** Provider plugin cache shared by runs (TF_PLUGIN_CACHE_DIR); none when unset. */
    pluginCacheDir?: string;
  };
}

const DEFAULT_KILL_GRACE_MS = 10_000;

/** Reads `pipelineEngine.runners` from the root config, with the documented defaults. */
export function readRunnerSettings(config: Config): RunnerSettings {
  const runners = config.getOptionalConfig('pipelineEngine.runners');
  const local = runners?.getOptionalConfig('local');
  const docker = runners?.getOptionalConfig('docker');
  const createResource = runners?.getOptionalConfig('createResource');
  const dockerCommand = docker?.getOptionalString('command')?.trim();
  const grace = runners?.getOptionalString('killGracePeriod');
  let killGraceMs = DEFAULT_KILL_GRACE_MS;
  if (grace !== undefined) {
    const parsed = parseDuration(grace);
    if (parsed === undefined) {
      throw new Error(
        `pipelineEngine.runners.killGracePeriod ${JSON.stringify(grace)} is not a duration such as 10s`,
      );
    }
    killGraceMs = parsed;
  }
  return {
    local: {
      enabled: local?.getOptionalBoolean('enabled') ?? false,
      inheritEnv: local?.getOptionalStringArray('inheritEnv') ?? [],
      runImageStepsLocally:
        local?.getOptionalBoolean('runImageStepsLocally') ?? false,
      user: local?.getOptionalString('user')?.trim() || undefined,
    },
    docker: dockerCommand
      ? {
          command: dockerCommand,
          defaultImage: docker?.getOptionalString('defaultImage') || undefined,
          runArgs: docker?.getOptionalStringArray('runArgs') ?? [],
          allowPrivileged:
            docker?.getOptionalBoolean('allowPrivileged') ?? false,
        }
      : undefined,
    killGraceMs,
    createResource: {
      command: createResource?.getOptionalString('command')?.trim() || 'tofu',
      endpoint: createResource?.getOptionalString('endpoint') || undefined,
      pluginCacheDir:
        createResource?.getOptionalString('pluginCacheDir') || undefined,
    },
  };
}

import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pluginStepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
import {
  createStepHandler,
  type StepHandler,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import type { z } from 'zod';
import {
  CONTAINER_RUNNER_MISSING,
  CONTAINER_SCRATCH,
  CONTAINER_WORKSPACE,
  type StepRunners,
} from '../../runners';
import { abortError, containerOptions, processFailure } from './specFields';

/** The resolved spec of a Plugin step. */
export type PluginSpec = z.output<typeof pluginStepDefinition.spec>;

/** Drone's name for a setting: `PLUGIN_` + upper case, with `.`, `-` and spaces as `_`. */
export function pluginVariableName(key: string): string {
  return `PLUGIN_${key.toUpperCase().replace(/[\s.-]/g, '_')}`;
}

/** Drone's encoding of a setting: scalars as text, lists of scalars comma-joined, anything else JSON. */
export function encodePluginSetting(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  if (
    Array.isArray(value) &&
    value.every(v => ['string', 'number', 'boolean'].includes(typeof v))
  ) {
    return value.map(String).join(',');
  }
  return JSON.stringify(value);
}

/** Parses a Drone `DRONE_OUTPUT` file: `KEY=VALUE` lines. */
export function parseDroneOutput(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^export\s+/, '');
    const eq = line.indexOf('=');
    if (!line.trim() || line.trimStart().startsWith('#') || eq <= 0) continue;
    pairs.push([line.slice(0, eq).trim(), line.slice(eq + 1)]);
  }
  return pairs;
}

/**
 * `Plugin`: runs a Drone-style plugin image. Settings become `PLUGIN_*`
 * variables; the image's own entrypoint runs unless `entrypoint` is given.
 * Variables the plugin writes to `$DRONE_OUTPUT` (`KEY=VALUE` lines)
 * become output variables, as in Harness CI. Needs the container runner.
 */
export function createPluginStep(
  runners: StepRunners,
): StepHandler<PluginSpec> {
  return createStepHandler({
    ...pluginStepDefinition,
    async handler(ctx) {
      const spec = ctx.spec;
      const docker = runners.docker;
      if (!docker) {
        throw new Error(
          `the Plugin step runs image ${spec.image} in a container, but ${CONTAINER_RUNNER_MISSING}`,
        );
      }
      const container = containerOptions(spec, ctx, spec.entrypoint);
      const env: Record<string, string> = {
        CI: 'true',
        DRONE: 'true',
        CI_WORKSPACE: CONTAINER_WORKSPACE,
        DRONE_WORKSPACE: CONTAINER_WORKSPACE,
        DRONE_OUTPUT: `${CONTAINER_SCRATCH}/out/output.env`,
        ...spec.envVariables,
      };
      for (const [key, value] of Object.entries(spec.settings ?? {})) {
        env[pluginVariableName(key)] = encodePluginSetting(value);
      }
      const scratch = await mkdtemp(join(dirname(ctx.workspace), '.step-'));
      try {
        // The plugin may run as any user: it must be able to write DRONE_OUTPUT.
        await chmod(scratch, 0o755);
        await mkdir(join(scratch, 'out'));
        await chmod(join(scratch, 'out'), 0o777);
        const result = await docker.run(
          { argv: () => [], env, scratch, container, purpose: 'Plugin' },
          {
            workspace: ctx.workspace,
            logger: ctx.logger,
            signal: ctx.signal,
            label: ctx.step.identifier,
          },
        );
        if (result.aborted || ctx.signal.aborted) throw abortError(ctx.signal);
        if (result.exitCode !== 0)
          throw new Error(processFailure(`plugin ${spec.image}`, result));
        let text = '';
        try {
          text = await readFile(join(scratch, 'out', 'output.env'), 'utf8');
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
        for (const [name, value] of parseDroneOutput(text))
          ctx.output(name, value);
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
  });
}

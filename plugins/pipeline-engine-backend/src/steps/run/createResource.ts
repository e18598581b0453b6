import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createResourceStepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
import {
  createStepHandler,
  type StepHandler,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import type { z } from 'zod';
import {
  findProgram,
  LOCAL_RUNNER_DISABLED,
  type StepRunners,
} from '../../runners';
import { abortError, processFailure } from './specFields';

/** The resolved spec of a CreateResource step. */
export type CreateResourceSpec = z.output<
  typeof createResourceStepDefinition.spec
>;

/** The Harness provider, declared for definitions that use it without saying where it comes from. */
const HARNESS_PROVIDER = `terraform {
  required_providers {
    harness = {
      source = "harness/harness"
    }
  }
}
`;

/** Whether the definition uses Harness resources but declares no providers itself. */
export function needsHarnessProvider(definition: string): boolean {
  return (
    /\b(resource|data)\s+"harness_/.test(definition) &&
    !/\brequired_providers\b/.test(definition)
  );
}

/** The account of a Harness token `pat.<account>.<token>.<secret>` (or `sat.`), if it has that shape. */
export function accountOfApiKey(key: string): string | undefined {
  return /^(?:pat|sat)\.([^.]+)\.[^.]+\.[^.]+$/.exec(key)?.[1];
}

/**
 * `CreateResource`: applies `resourceDefinition` with OpenTofu (or
 * Terraform): `init` then `apply -auto-approve` in a scratch directory
 * inside the workspace, removed afterwards together with its state. The
 * Harness provider reads the key from HARNESS_PLATFORM_API_KEY (and the
 * account from HARNESS_ACCOUNT_ID, taken from the key when it is a PAT).
 * The tool runs on the backend host, so this needs the local runner: a
 * definition can run arbitrary code (local-exec, external data sources).
 */
export function createCreateResourceStep(
  runners: StepRunners,
): StepHandler<CreateResourceSpec> {
  const settings = runners.settings.createResource;
  const tool = settings.command;
  const label = basename(tool);
  return createStepHandler({
    ...createResourceStepDefinition,
    async handler(ctx) {
      const key = ctx.spec.xApiKey.trim();
      if (!key)
        throw new Error(
          'spec.xApiKey is empty: give a Harness API key (e.g. <+secrets.getValue("harness_pat")>)',
        );
      // The key may be a literal, which the engine's masker does not know.
      ctx.secrets.mask(key);
      if (!runners.local.enabled)
        throw new Error(
          `CreateResource runs ${label} on the backend host, but ${LOCAL_RUNNER_DISABLED}`,
        );
      if (!(await findProgram(tool, process.env.PATH))) {
        const advice =
          label === 'terraform'
            ? 'install Terraform, or unset pipelineEngine.runners.createResource.command to use OpenTofu (tofu)'
            : 'install OpenTofu, or set pipelineEngine.runners.createResource.command: terraform to use Terraform';
        throw new Error(
          `CreateResource needs ${label === 'terraform' ? 'Terraform' : 'OpenTofu'} ("${tool}"), which was not found on the backend's PATH; ${advice}`,
        );
      }
      const env: Record<string, string> = {
        HARNESS_PLATFORM_API_KEY: key,
        TF_IN_AUTOMATION: '1',
        TF_INPUT: '0',
        CHECKPOINT_DISABLE: '1',
      };
      const account = accountOfApiKey(key);
      if (account) env.HARNESS_ACCOUNT_ID = account;
      if (settings.endpoint) env.HARNESS_ENDPOINT = settings.endpoint;
      if (settings.pluginCacheDir)
        env.TF_PLUGIN_CACHE_DIR = settings.pluginCacheDir;

      const scratch = await mkdtemp(join(ctx.workspace, '.create-resource-'));
      try {
        await writeFile(join(scratch, 'main.tf'), ctx.spec.resourceDefinition);
        if (needsHarnessProvider(ctx.spec.resourceDefinition)) {
          await writeFile(join(scratch, 'providers.tf'), HARNESS_PROVIDER);
        }
        const phases: Array<[string, string[]]> = [
          ['init', ['init', '-input=false', '-no-color']],
          ['apply', ['apply', '-auto-approve', '-input=false', '-no-color']],
        ];
        for (const [phase, args] of phases) {
          ctx.logger.info(`${label} ${args.join(' ')}`);
          const result = await runners.local.run(
            {
              argv: () => [tool, `-chdir=${scratch}`, ...args],
              env,
              purpose: 'CreateResource',
            },
            {
              workspace: ctx.workspace,
              logger: ctx.logger,
              signal: ctx.signal,
              label: ctx.step.identifier,
            },
          );
          if (result.aborted || ctx.signal.aborted)
            throw abortError(ctx.signal);
          if (result.exitCode !== 0)
            throw new Error(processFailure(`${label} ${phase}`, result));
        }
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
  });
}

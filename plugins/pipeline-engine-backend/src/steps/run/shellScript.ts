import { shellScriptStepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
import {
  createStepHandler,
  type StepHandler,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import type { z } from 'zod';
import type { StepRunners } from '../../runners';
import { runScriptStep } from './scriptStep';

/** The resolved spec of a ShellScript step. */
export type ShellScriptSpec = z.output<typeof shellScriptStepDefinition.spec>;

/**
 * `ShellScript` (Custom stage): runs `source.spec.script` as written (no
 * `set -e`, as Harness: a failing command fails the step only through the
 * script's exit code). Each output variable's `value` names the shell
 * variable to export; `name` is the output's name.
 */
export function createShellScriptStep(
  runners: StepRunners,
): StepHandler<ShellScriptSpec> {
  return createStepHandler({
    ...shellScriptStepDefinition,
    async handler(ctx) {
      const spec = ctx.spec;
      if (
        spec.executionTarget &&
        typeof spec.executionTarget === 'object' &&
        Object.keys(spec.executionTarget).length
      ) {
        ctx.logger.warn(
          "executionTarget is not supported: the script runs on this backend's runner",
        );
      }
      const env: Record<string, string> = {};
      for (const variable of spec.environmentVariables ?? []) {
        const value = variable.value ?? '';
        // A Secret variable given as plain text is still a secret.
        if (variable.type === 'Secret') ctx.secrets.mask(value);
        env[variable.name] = value;
      }
      await runScriptStep(ctx, runners, {
        shell: spec.shell,
        script: spec.source.spec.script,
        env,
        outputs: (spec.outputVariables ?? []).map(o => ({
          name: o.name,
          variable: o.value || o.name,
          secret: o.type === 'Secret',
        })),
        failFast: false,
      });
    },
  });
}

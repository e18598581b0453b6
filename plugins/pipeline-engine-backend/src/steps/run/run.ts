import { runStepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
import {
  createStepHandler,
  type StepHandler,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import type { z } from 'zod';
import type { StepRunners } from '../../runners';
import { runScriptStep } from './scriptStep';
import { containerOptions } from './specFields';

/** The resolved spec of a Run step. */
export type RunSpec = z.output<typeof runStepDefinition.spec>;

/**
 * `Run` (IDP and CI stages): runs `command` with `shell`, on the host or,
 * with `image`, in a container. Output variables are read from the
 * script's final state (see scripts.ts) and published under their `name`;
 * `value`, when given, names the variable to read.
 */
export function createRunStep(runners: StepRunners): StepHandler<RunSpec> {
  return createStepHandler({
    ...runStepDefinition,
    async handler(ctx) {
      const spec = ctx.spec;
      await runScriptStep(ctx, runners, {
        shell: spec.shell,
        script: spec.command,
        env: spec.envVariables ?? {},
        outputs: (spec.outputVariables ?? []).map(o => ({
          name: o.name,
          variable: o.value || o.name,
          secret: o.type === 'Secret',
        })),
        failFast: true,
        container: containerOptions(spec, ctx),
      });
    },
  });
}

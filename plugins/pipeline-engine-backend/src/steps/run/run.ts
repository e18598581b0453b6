import { createStepHandler, type StepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import { z } from 'zod';
import type { StepRunners } from '../../runners';
import { runScriptStep } from './scriptStep';
import { containerFields, containerOptions, declaredOutputs, envMap, textValue } from './specFields';

const runSpec = z
  .object({
    ...containerFields,
    shell: z.enum(['Sh', 'Bash', 'Powershell', 'Pwsh', 'Python']).default('Sh'),
    command: z.string(),
    envVariables: envMap.optional(),
    outputVariables: z
      .array(
        z
          .object({
            name: z.string().min(1),
            type: z.enum(['String', 'Secret']).default('String'),
            /** The script variable to read when it differs from `name`. */
            value: textValue.optional(),
          })
          .passthrough(),
      )
      .optional(),
    reports: z.unknown().optional(),
  })
  .passthrough();

/** The resolved spec of a Run step. */
export type RunSpec = z.output<typeof runSpec>;

/**
 * `Run` (IDP and CI stages): runs `command` with `shell`, on the host or,
 * with `image`, in a container. Output variables are read from the
 * script's final state (see scripts.ts) and published under their `name`;
 * `value`, when given, names the variable to read.
 */
export function createRunStep(runners: StepRunners): StepHandler<RunSpec> {
  return createStepHandler({
    type: 'Run',
    description: 'runs a shell script',
    // Not idempotent: scripts have side effects (pushes, API calls); after an
    // engine restart the step fails instead of running a second time.
    idempotent: false,
    spec: runSpec,
    outputs: declaredOutputs,
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

import { mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { StepContext } from '@idp-pipelines/plugin-pipeline-engine-node';
import {
  CONTAINER_SCRATCH,
  type ContainerOptions,
  type StepRunners,
} from '../../runners';
import { prepareScript, type ScriptShell } from './scripts';
import { abortError, processFailure } from './specFields';

/** One output variable: read `variable` from the script, publish it as `name`. */
export interface ScriptOutput {
  name: string;
  variable: string;
  secret: boolean;
}

/** What Run and ShellScript have in common once their specs are read. */
export interface ScriptStepInput {
  shell: ScriptShell;
  script: string;
  env: Record<string, string>;
  outputs: ScriptOutput[];
  failFast: boolean;
  container?: ContainerOptions;
}

/**
 * Runs a script with the runner the step calls for and publishes its
 * output variables. The scratch directory (script, wrapper, output files)
 * sits next to the stage workspace, not in it, so steps that commit the
 * workspace never see it; it is removed afterwards.
 */
export async function runScriptStep(
  ctx: StepContext<unknown>,
  runners: StepRunners,
  input: ScriptStepInput,
): Promise<void> {
  const choice = runners.select({
    container: input.container,
    useDefaultImage: true,
    logger: ctx.logger,
  });
  const scratch = await mkdtemp(join(dirname(ctx.workspace), '.step-'));
  try {
    const inContainer = choice.container !== undefined;
    const prepared = await prepareScript({
      scratch,
      visibleScratch: inContainer ? CONTAINER_SCRATCH : scratch,
      shell: input.shell,
      script: input.script,
      variables: input.outputs.map(o => o.variable),
      failFast: input.failFast,
      trace: !input.outputs.some(o => o.secret),
      shared: inContainer,
    });
    const result = await choice.runner.run(
      {
        argv: prepared.argv,
        env: input.env,
        scratch,
        container: choice.container,
        purpose: `shell ${input.shell}`,
      },
      {
        workspace: ctx.workspace,
        logger: ctx.logger,
        signal: ctx.signal,
        label: ctx.step.identifier,
      },
    );
    if (result.aborted || ctx.signal.aborted) throw abortError(ctx.signal);
    if (result.exitCode !== 0) {
      const hint =
        inContainer && result.exitCode === 127
          ? ` (does image ${choice.container?.image} have ${prepared.program}?)`
          : '';
      throw new Error(processFailure(`the script${hint}`, result));
    }
    const values = await prepared.readOutputs();
    input.outputs.forEach((output, i) => {
      const value = values.get(i);
      if (value === undefined) {
        ctx.logger.warn(
          `output variable ${output.name}: the script did not set ${output.variable}; its value is empty`,
        );
      }
      ctx.output(output.name, value ?? '', { secret: output.secret });
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

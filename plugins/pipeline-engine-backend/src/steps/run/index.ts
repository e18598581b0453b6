import type { Config } from '@backstage/config';
import type { StepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { readNetworkPolicy, type NetworkPolicy } from '../../network';
import {
  readRunnerSettings,
  StepRunners,
  type StepProcessTracker,
  type StepRunner,
} from '../../runners';
import { createCreateResourceStep } from './createResource';
import { createHttpStep } from './http';
import { createPluginStep } from './plugin';
import { createRunStep } from './run';
import { createShellScriptStep } from './shellScript';

export { createCreateResourceStep } from './createResource';
export type { CreateResourceSpec } from './createResource';
export { createHttpStep } from './http';
export type { HttpSpec } from './http';
export {
  createPluginStep,
  encodePluginSetting,
  pluginVariableName,
} from './plugin';
export type { PluginSpec } from './plugin';
export { createRunStep } from './run';
export type { RunSpec } from './run';
export { createShellScriptStep } from './shellScript';
export type { ShellScriptSpec } from './shellScript';

/** Options of {@link createRunSteps}. */
export interface RunStepsOptions {
  /** The root config; `pipelineEngine.runners` and `pipelineEngine.network` are read. */
  config: Config;
  /** Records step processes so that a restart after a crash can kill them. */
  processTracker?: StepProcessTracker;
  /** The network allow list; read from `config` when not given. */
  network?: NetworkPolicy;
  /** Warns about deprecated settings. */
  logger?: LoggerService;
  /** Replaces the docker runner (a module's, through pipelineEngineRunnersExtensionPoint). */
  containerRunner?: StepRunner;
}

/**
 * The script-like steps: Run, ShellScript, Plugin, CreateResource and Http,
 * with runners and the Http allow list from config. Throws at startup when
 * the config is malformed (a bad grace period or allow-list pattern).
 */
export function createRunSteps(options: RunStepsOptions): StepHandler[] {
  const runners = new StepRunners(
    readRunnerSettings(options.config),
    options.processTracker,
    options.containerRunner,
  );
  const network =
    options.network ??
    readNetworkPolicy(options.config, { logger: options.logger });
  return [
    createRunStep(runners),
    createShellScriptStep(runners),
    createPluginStep(runners),
    createCreateResourceStep(runners),
    createHttpStep({ network }),
  ];
}

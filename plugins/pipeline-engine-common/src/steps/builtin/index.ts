import type { StepDefinition } from '../defineStep';
import { harnessApprovalStepDefinition } from './approval';
import { queueStepDefinition } from './queue';
import {
  createCatalogStepDefinition,
  registerCatalogStepDefinition,
  updateCatalogPropertyStepDefinition,
} from './catalog';
import { cookieCutterStepDefinition } from './cookieCutter';
import {
  createRepoStepDefinition,
  directPushStepDefinition,
  gitCloneStepDefinition,
} from './git';
import { idpActionStepDefinition } from './idpAction';
import {
  createResourceStepDefinition,
  httpStepDefinition,
  pluginStepDefinition,
  runStepDefinition,
  shellScriptStepDefinition,
} from './run';
import { slackNotifyStepDefinition } from './slackNotify';
import { waitStepDefinition } from './wait';

export type { HarnessApprovalStepSpec } from './approval';
export type { QueueStepSpec } from './queue';
export type {
  CatalogPropertyMode,
  CreateCatalogStepSpec,
  RegisterCatalogStepSpec,
  UpdateCatalogPropertyStepSpec,
} from './catalog';
export type { CookieCutterStepSpec } from './cookieCutter';
export type {
  CreateRepoStepSpec,
  DirectPushStepSpec,
  GitCloneStepSpec,
  ScmRepositoryFields,
} from './git';
export type { IdpActionStepSpec } from './idpAction';
export type {
  ContainerStepFields,
  CreateResourceStepSpec,
  HttpStepSpec,
  PluginStepSpec,
  RunStepSpec,
  ShellScriptStepSpec,
} from './run';
export type { SlackNotifyStepSpec } from './slackNotify';
export type { WaitStepSpec } from './wait';

export {
  harnessApprovalStepDefinition,
  queueStepDefinition,
  createCatalogStepDefinition,
  registerCatalogStepDefinition,
  updateCatalogPropertyStepDefinition,
  cookieCutterStepDefinition,
  createRepoStepDefinition,
  directPushStepDefinition,
  gitCloneStepDefinition,
  idpActionStepDefinition,
  createResourceStepDefinition,
  httpStepDefinition,
  pluginStepDefinition,
  runStepDefinition,
  shellScriptStepDefinition,
  slackNotifyStepDefinition,
  waitStepDefinition,
};

/**
 * Every step type the engine ships (IDP, Custom and CI steps): the single
 * declaration of each, which the validator, the CLI and the backend's
 * handlers share.
 *
 * @public
 */
export const builtinStepDefinitions: ReadonlyArray<StepDefinition<any>> = [
  gitCloneStepDefinition,
  cookieCutterStepDefinition,
  createRepoStepDefinition,
  createCatalogStepDefinition,
  directPushStepDefinition,
  registerCatalogStepDefinition,
  slackNotifyStepDefinition,
  createResourceStepDefinition,
  updateCatalogPropertyStepDefinition,
  idpActionStepDefinition,
  runStepDefinition,
  pluginStepDefinition,
  shellScriptStepDefinition,
  httpStepDefinition,
  waitStepDefinition,
  harnessApprovalStepDefinition,
  queueStepDefinition,
];

export { createCookieCutterStep, createCookiecutterEngine, type CookieCutterStepOptions } from './step';
export { createBuiltinEngine } from './builtin/builtinEngine';
export { createCliEngine, type CliEngineOptions } from './cli/cliEngine';
export { CookiecutterTemplateError, PathEscapeError } from './errors';
export type {
  CookiecutterEngine,
  CookiecutterEngineName,
  CookiecutterRenderOptions,
  CookiecutterRenderResult,
} from './types';

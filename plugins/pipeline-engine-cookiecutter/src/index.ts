/**
 * Cookiecutter renderer of the pipeline engine: `builtin` (cookiecutter 1.7
 * generation with a Jinja2 3.1 emulation, in process, no Python) and `cli`
 * (the real cookiecutter program), behind one small interface.
 *
 * @packageDocumentation
 */

export { createCookiecutterEngine } from './createCookiecutterEngine';
export type { CookiecutterEngineOptions } from './createCookiecutterEngine';
export { createBuiltinEngine } from './builtin/builtinEngine';
export { createCliEngine } from './cli/cliEngine';
export type { CliEngineOptions } from './cli/cliEngine';
export { CookiecutterTemplateError, PathEscapeError } from './errors';
export { resolveInside, toPosix } from './paths';
export type {
  CookiecutterEngine,
  CookiecutterEngineName,
  CookiecutterPlan,
  CookiecutterRenderOptions,
  CookiecutterRenderResult,
} from './types';

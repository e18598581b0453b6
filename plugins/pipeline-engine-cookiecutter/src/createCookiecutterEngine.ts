import { InputError } from '@backstage/errors';
import { createBuiltinEngine } from './builtin/builtinEngine';
import { createCliEngine } from './cli/cliEngine';
import type { CookiecutterEngine, CookiecutterEngineName } from './types';

/**
 * Options of {@link createCookiecutterEngine}: `pipelineEngine.cookiecutter` config.
 *
 * @public
 */
export interface CookiecutterEngineOptions {
  /** `builtin` (default): in-process, no Python. `cli`: the real cookiecutter program, which also runs hooks. */
  engine?: CookiecutterEngineName;
  /** The cookiecutter program for the cli engine; default `cookiecutter` on PATH. */
  command?: string;
}

/**
 * The engine for a configuration. The cli engine checks rendered file
 * names with the builtin one before cookiecutter writes anything.
 *
 * @public
 */
export function createCookiecutterEngine(
  options: CookiecutterEngineOptions = {},
): CookiecutterEngine {
  const engine = options.engine ?? 'builtin';
  if (engine === 'cli') {
    return createCliEngine({
      command: options.command,
      planner: createBuiltinEngine(),
    });
  }
  if (engine !== 'builtin') {
    throw new InputError(
      `pipelineEngine.cookiecutter.engine must be builtin or cli, not "${engine}"`,
    );
  }
  return createBuiltinEngine();
}

import { builtinStepDefinitions } from './builtin';
import { StepSpecRegistry } from './registry';

/**
 * A registry seeded with every built-in step type (IDP, Run, Plugin,
 * ShellScript, Http, Wait, HarnessApproval, Queue).
 *
 * @public
 */
export function createDefaultStepSpecRegistry(): StepSpecRegistry {
  return new StepSpecRegistry(builtinStepDefinitions);
}

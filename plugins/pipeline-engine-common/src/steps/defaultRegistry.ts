import { idpStepSpecs } from './idpStepSpecs';
import { StepSpecRegistry } from './registry';
import { runStepSpecs } from './runStepSpecs';

/**
 * A registry seeded with every built-in step type (IDP, Run, Plugin, ShellScript, Http, Wait).
 *
 * @public
 */
export function createDefaultStepSpecRegistry(): StepSpecRegistry {
  return new StepSpecRegistry([...idpStepSpecs, ...runStepSpecs]);
}

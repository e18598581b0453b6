import { approvalStepSpecs } from './approvalStepSpecs';
import { idpStepSpecs } from './idpStepSpecs';
import { queueStepSpecs } from './queueStepSpecs';
import { StepSpecRegistry } from './registry';
import { runStepSpecs } from './runStepSpecs';

/** A registry seeded with every built-in step type (IDP, Run, Plugin, ShellScript, Http, Wait, HarnessApproval, Queue). */
export function createDefaultStepSpecRegistry(): StepSpecRegistry {
  return new StepSpecRegistry([...idpStepSpecs, ...runStepSpecs, ...approvalStepSpecs, ...queueStepSpecs]);
}

import {
  createStepHandler,
  StepParkRequest,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import { queueStepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
import { StepTimeoutError } from '../../engine/stepAttempt';

/**
 * `Queue`: executions with the same resolved key run the rest of the stage
 * or pipeline (`scope`) one at a time, in arrival order, across replicas.
 * While queued the execution is parked (ResourceWaiting, no worker slot,
 * no lease); its turn ends when the scope ends in any way.
 */
export function createQueueStep() {
  return createStepHandler({
    ...queueStepDefinition,
    async handler(ctx) {
      const wait = ctx.wait;
      if (wait?.status === 'Resolved') {
        ctx.logger.info(
          `holding '${ctx.spec.key}' until the ${ctx.spec.scope === 'Stage' ? 'stage' : 'pipeline'} ends`,
        );
        return;
      }
      if (wait?.status === 'Waiting' && wait.expired) {
        ctx.logger.error(`'${ctx.spec.key}' was not free before the timeout`);
        throw new StepTimeoutError(
          Date.parse(wait.deadlineAt!) - Date.parse(wait.createdAt),
        );
      }
      if (wait?.status !== 'Waiting')
        ctx.logger.info(
          `queued for '${ctx.spec.key}' (scope ${ctx.spec.scope})`,
        );
      throw new StepParkRequest('ResourceWaiting', 'queue', {
        key: ctx.spec.key,
        scope: ctx.spec.scope,
      });
    },
  });
}

import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { ExecutionStore, ExecutionWait } from '../database';
import { INTERVENTION_ACTIONS } from '../engine/executionRunner';

/** An action a person chooses for a step waiting for manual intervention. */
export type InterventionAction = (typeof INTERVENTION_ACTIONS)[number];

/** Options of {@link InterventionService}. */
export interface InterventionServiceOptions {
  executions: ExecutionStore;
  /** Resumes parked executions now (the worker's `wakeParked`). */
  wakeParked?: () => void;
}

/**
 * ManualIntervention: a person chooses what happens to a failed step that
 * waits (InterventionWaiting); the execution resumes on any replica.
 */
export class InterventionService {
  constructor(private readonly options: InterventionServiceOptions) {}

  /**
   * Resolves the open intervention of node `nodeId` (its FQN or node id)
   * with `action`. NotFoundError when the node does not wait for one;
   * ConflictError once decided or timed out.
   */
  async act(
    executionId: string,
    nodeId: string,
    action: string,
    userRef: string,
  ): Promise<ExecutionWait> {
    if (!(INTERVENTION_ACTIONS as readonly string[]).includes(action)) {
      throw new InputError(
        `action must be one of ${INTERVENTION_ACTIONS.join(', ')} (got ${JSON.stringify(action)})`,
      );
    }
    const waits = await this.options.executions.listWaits(executionId);
    let fqn = nodeId;
    if (!waits.some(w => w.nodeFqn === nodeId)) {
      const node = (await this.options.executions.listNodes(executionId)).find(
        n => n.id === nodeId,
      );
      if (node) fqn = node.fqn;
    }
    const wait = waits.find(
      w => w.kind === 'intervention' && w.nodeFqn === fqn,
    );
    if (!wait)
      throw new NotFoundError(
        `Node '${nodeId}' of execution '${executionId}' does not wait for manual intervention`,
      );
    if (wait.status !== 'Waiting')
      throw new ConflictError(
        `The intervention on '${fqn}' was already decided`,
      );
    const resolved = await this.options.executions.resolveWait(wait.id, {
      status: 'Resolved',
      resolution: { action, by: userRef },
    });
    this.options.wakeParked?.();
    return resolved;
  }
}

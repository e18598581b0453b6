import type { NodeStatus } from '../database';

/**
 * How a node ended, as far as its parent is concerned. `RolledBack` is a
 * stage whose failure its `StageRollback`/`PipelineRollback` strategy
 * handled; it is stored as `Failed`.
 */
export type Outcome =
  | 'Success'
  | 'Failed'
  | 'Expired'
  | 'IgnoreFailed'
  | 'RolledBack'
  | 'Skipped'
  | 'Aborted';

/** The stored status of a node that ended with `outcome`. */
export function statusOfOutcome(outcome: Outcome): NodeStatus {
  return outcome === 'RolledBack' ? 'Failed' : outcome;
}

/**
 * What happened so far among the nodes of one level: the stages before a
 * stage (its `when.pipelineStatus`), the steps and groups before a step in
 * the same stage section (`when.stageStatus`), the children of a group or
 * the iterations of a looped node (their parent's status).
 */
export class StatusSoFar {
  private failed = false;
  private expired = false;
  private ignored = false;
  private rolledBack = false;

  /** Records how one node ended. */
  note(outcome: Outcome): void {
    if (outcome === 'Failed') this.failed = true;
    else if (outcome === 'Expired') this.expired = true;
    else if (outcome === 'IgnoreFailed') this.ignored = true;
    else if (outcome === 'RolledBack') this.rolledBack = true;
  }

  /** A copy, so that nodes that start together (parallel stages) see the same past. */
  copy(): StatusSoFar {
    return Object.assign(new StatusSoFar(), this);
  }

  /** True after a failure no strategy handled (Failed or Expired). */
  get broken(): boolean {
    return this.failed || this.expired;
  }

  /**
   * Whether a node runs given `when.pipelineStatus`/`when.stageStatus`
   * (without `when`, Harness runs a node only while everything before it
   * succeeded).
   *
   * - A failure handled by `Ignore` counts as a failure for `Failure`, as
   *   Harness's conditional-execution docs say: with stage 1's failure
   *   strategy set to Ignore Failure "Rollback will not occur and stage 2's
   *   Conditional Execution is executed" (stage 2 runs only if the prior
   *   stage failed); and it does not stop the nodes that run on `Success`,
   *   as ignoring a failure lets the pipeline go on.
   * - A stage that was rolled back counts as neither: "If stage 1 has any
   *   error it is rolled back and so it is not considered a failure. Hence,
   *   stage 2's Conditional Execution is not executed" — and the pipeline
   *   did fail, so `Success` nodes do not run either; only `All` does.
   */
  allows(required: 'Success' | 'Failure' | 'All' | undefined): boolean {
    const want = required ?? 'Success';
    if (want === 'All') return true;
    if (want === 'Failure') return this.broken || this.ignored;
    return !this.broken && !this.rolledBack;
  }

  /**
   * How the level ended: Failed before Expired (a failure and a timeout
   * together read as a failure), then RolledBack, IgnoreFailed (Harness
   * shows a stage or pipeline whose failures were all ignored as
   * IgnoreFailed), else Success.
   */
  outcome(): Outcome {
    if (this.failed) return 'Failed';
    if (this.expired) return 'Expired';
    if (this.rolledBack) return 'RolledBack';
    if (this.ignored) return 'IgnoreFailed';
    return 'Success';
  }
}

/**
 * What a step that waits for a person or a queue turn learns about its wait
 * when the execution resumes.
 *
 * @public
 */
export interface StepWaitState {
  /** `Waiting` (resumed for another reason), `Approved`, `Rejected`, `Resolved` or `Released` (a queue turn whose scope ended). */
  status: 'Waiting' | 'Approved' | 'Rejected' | 'Resolved' | 'Released';
  /** True when still Waiting and its deadline (the step's timeout) passed. */
  expired: boolean;
  /** What the step recorded when it parked. */
  payload: Record<string, unknown>;
  /** How it was resolved (e.g. the approvers' inputs). */
  resolution?: Record<string, unknown>;
  /** When the wait started and when it times out (ISO 8601). */
  createdAt: string;
  deadlineAt?: string;
}

/**
 * Thrown by a step handler to park the execution: it gives its worker slot
 * and lease up and resumes (on any replica) when the wait is resolved or
 * the step's timeout passes; the handler then runs again with
 * `ctx.wait` set. Only for steps declared `idempotent`.
 *
 * @public
 */
export class StepParkRequest extends Error {
  constructor(
    /** Execution status while parked. */
    readonly waitStatus:
      'ApprovalWaiting' | 'InterventionWaiting' | 'ResourceWaiting',
    /** Kind of wait, e.g. `approval` or `queue`. */
    readonly kind: 'approval' | 'queue',
    /** JSON data the wait keeps (shown by the API, returned in `ctx.wait.payload`). */
    readonly payload: Record<string, unknown>,
  ) {
    super(`waiting (${kind})`);
    this.name = 'StepParkRequest';
  }
}

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
 * Options of a {@link StepParkRequest}.
 *
 * @public
 */
export interface StepParkOptions {
  /**
   * Called once the wait is stored, with its payload as stored: secrets
   * masked as in log lines. The place to tell people outside the engine
   * (notifications, chat messages), so they never see a secret in clear
   * and are told only about a wait that exists. Called when the park
   * creates the wait, not when the step parks again on a wait still open
   * (the execution was woken for another node). Not awaited: the park
   * never waits for it, and a throw or rejection is a warning in the
   * backend log.
   */
  onParked?: (payload: Readonly<Record<string, unknown>>) => unknown;
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
  /** Called once the wait is stored (see {@link StepParkOptions}). */
  readonly onParked: StepParkOptions['onParked'];

  constructor(
    /** Execution status while parked. */
    readonly waitStatus:
      'ApprovalWaiting' | 'InterventionWaiting' | 'ResourceWaiting',
    /** Kind of wait, e.g. `approval` or `queue`. */
    readonly kind: 'approval' | 'queue',
    /** JSON data the wait keeps (shown by the API, returned in `ctx.wait.payload`); secrets in it are masked before it is stored. */
    readonly payload: Record<string, unknown>,
    options: StepParkOptions = {},
  ) {
    super(`waiting (${kind})`);
    this.name = 'StepParkRequest';
    this.onParked = options.onParked;
  }
}

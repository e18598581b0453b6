import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import type {
  ApprovalActivityRequest,
  ApprovalView,
  PipelineRef,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import type {
  ActivityDecision,
  ApprovalActivity,
  ExecutionStore,
  ExecutionWait,
} from '../database';
import { isApprover } from '../steps/approval/approverGroups';
import type { ApprovalPayload } from '../steps/approval/harnessApproval';

/** The catalog groups (entity refs) a user is a member of. */
export type GroupMembership = (userRef: string) => Promise<string[]>;

/** Options of {@link ApprovalService}. */
export interface ApprovalServiceOptions {
  executions: ExecutionStore;
  /** Group membership from the catalog; without it only `_account_all_users` steps can be approved. */
  membership?: GroupMembership;
  /** Resumes parked executions now (the worker's `wakeParked`). */
  wakeParked?: () => void;
  /** Link to the page where an approval is given. */
  link?: (executionId: string) => string;
}

const MAX_COMMENT_CHARS = 4000;

/**
 * The approvals API: what a user may act on, the approvals of an
 * execution, and approve/reject activities. The decision (enough approvals,
 * or one rejection) resolves the step's wait and wakes the execution.
 */
export class ApprovalService {
  constructor(private readonly options: ApprovalServiceOptions) {}

  /** Open approvals `userRef` may act on; `mayRespond` checks the permission per pipeline. */
  async listWaiting(
    userRef: string,
    mayRespond: (ref: PipelineRef) => Promise<boolean>,
  ): Promise<ApprovalView[]> {
    const waits = (
      await this.options.executions.listWaitsByKind('approval', 'Waiting')
    ).filter(w => !w.expired);
    if (!waits.length) return [];
    const groups = await this.membershipOf(userRef);
    const allowed = new Map<string, Promise<boolean>>();
    const mine: ExecutionWait[] = [];
    for (const wait of waits) {
      const payload = payloadOf(wait);
      if (payload.disallowPipelineExecutor && payload.executor === userRef)
        continue;
      if (!isApprover(groups, payload.userGroups)) continue;
      const key = `${payload.orgIdentifier}:${payload.projectIdentifier}:${payload.pipelineIdentifier}`;
      if (!allowed.has(key)) allowed.set(key, mayRespond(refOf(payload)));
      if (await allowed.get(key)) mine.push(wait);
    }
    return this.views(mine);
  }

  /** Every approval of an execution, oldest first. */
  async listForExecution(executionId: string): Promise<ApprovalView[]> {
    const waits = (await this.options.executions.listWaits(executionId)).filter(
      w => w.kind === 'approval',
    );
    return this.views(waits);
  }

  /** The pipeline an approval belongs to (for the permission check); NotFoundError if none. */
  async pipelineOf(approvalId: string): Promise<PipelineRef> {
    return refOf(payloadOf(await this.approval(approvalId)));
  }

  /**
   * Records `userRef`'s approve or reject. NotAllowedError for the
   * pipeline's executor when `disallowPipelineExecutor` is set, and for
   * users outside the approver groups; ConflictError once decided.
   */
  async act(
    approvalId: string,
    userRef: string,
    request: ApprovalActivityRequest,
  ): Promise<ApprovalView> {
    const wait = await this.approval(approvalId);
    const payload = payloadOf(wait);
    const inputs = checkRequest(request, payload);
    if (payload.disallowPipelineExecutor && payload.executor === userRef) {
      throw new NotAllowedError(
        `${userRef} started this execution and the step sets approvers.disallowPipelineExecutor: someone else must approve it`,
      );
    }
    if (!isApprover(await this.membershipOf(userRef), payload.userGroups)) {
      throw new NotAllowedError(
        `${userRef} is not a member of the approver groups ${payload.userGroups.join(', ')}`,
      );
    }
    const { wait: after } = await this.options.executions.addActivity(
      approvalId,
      {
        userRef,
        action: request.action,
        comments: request.comments,
        approverInputs: inputs,
      },
      (_, activities) => decide(payload, activities),
    );
    if (after.status !== 'Waiting') {
      this.options.wakeParked?.();
      if (after.status === 'Approved' && payload.isAutoRejectEnabled)
        await this.autoRejectOlder(after, payload);
    }
    const [view] = await this.views([after]);
    return view;
  }

  /** `isAutoRejectEnabled`: earlier executions waiting on the same step are rejected once a later one is approved. */
  private async autoRejectOlder(
    approved: ExecutionWait,
    payload: ApprovalPayload,
  ): Promise<void> {
    const older = (
      await this.options.executions.listWaitsByKind('approval', 'Waiting')
    ).filter(w => {
      const p = payloadOf(w);
      return (
        w.createdAt < approved.createdAt &&
        p.orgIdentifier === payload.orgIdentifier &&
        p.projectIdentifier === payload.projectIdentifier &&
        p.pipelineIdentifier === payload.pipelineIdentifier &&
        w.nodeFqn === approved.nodeFqn
      );
    });
    for (const wait of older) {
      await this.options.executions
        .resolveWait(wait.id, {
          status: 'Rejected',
          resolution: {
            rejectedBy: 'auto-reject',
            comments: `a later execution (${approved.executionId}) was approved`,
          },
        })
        .catch(() => undefined); // decided meanwhile: nothing to do
    }
    if (older.length) this.options.wakeParked?.();
  }

  private async approval(approvalId: string): Promise<ExecutionWait> {
    const wait = await this.options.executions
      .getWait(approvalId)
      .catch(() => undefined);
    if (!wait || wait.kind !== 'approval')
      throw new NotFoundError(`Approval '${approvalId}' not found`);
    return wait;
  }

  private async membershipOf(userRef: string): Promise<string[]> {
    return this.options.membership ? this.options.membership(userRef) : [];
  }

  private async views(waits: ExecutionWait[]): Promise<ApprovalView[]> {
    const activities = await this.options.executions.listActivities(
      waits.map(w => w.id),
    );
    return waits.map(wait =>
      toView(
        wait,
        activities.filter(a => a.waitId === wait.id),
        this.options.link,
      ),
    );
  }
}

function payloadOf(wait: ExecutionWait): ApprovalPayload {
  return wait.payload as unknown as ApprovalPayload;
}

function refOf(payload: ApprovalPayload): PipelineRef {
  return {
    orgIdentifier: payload.orgIdentifier,
    projectIdentifier: payload.projectIdentifier,
    pipelineIdentifier: payload.pipelineIdentifier,
  };
}

/** Validates the request body; returns the approver inputs it sets. */
function checkRequest(
  request: ApprovalActivityRequest,
  payload: ApprovalPayload,
): Record<string, string> {
  if (request.action !== 'APPROVE' && request.action !== 'REJECT') {
    throw new InputError('action must be APPROVE or REJECT');
  }
  if (
    request.comments !== undefined &&
    (typeof request.comments !== 'string' ||
      request.comments.length > MAX_COMMENT_CHARS)
  ) {
    throw new InputError(
      `comments must be text of at most ${MAX_COMMENT_CHARS} characters`,
    );
  }
  const inputs = request.approverInputs ?? {};
  if (typeof inputs !== 'object' || Array.isArray(inputs)) {
    throw new InputError('approverInputs must be an object of name → text');
  }
  const known = new Set(payload.approverInputs.map(i => i.name));
  for (const [name, value] of Object.entries(inputs)) {
    if (!known.has(name)) {
      throw new InputError(
        `approverInputs.${name} is not an input of this approval; it has ${[...known].join(', ') || 'none'}`,
      );
    }
    if (typeof value !== 'string')
      throw new InputError(`approverInputs.${name} must be text`);
  }
  return inputs;
}

/** One rejection ends it; `minimumCount` approvals approve it, with the approvers' inputs (later ones win). */
function decide(
  payload: ApprovalPayload,
  activities: ApprovalActivity[],
): ActivityDecision {
  const rejection = activities.find(a => a.action === 'REJECT');
  if (rejection) {
    return {
      status: 'Rejected',
      resolution: {
        rejectedBy: rejection.userRef,
        ...(rejection.comments ? { comments: rejection.comments } : {}),
      },
    };
  }
  const approvals = activities.filter(a => a.action === 'APPROVE');
  if (approvals.length < payload.minimumCount) return undefined;
  const approverInputs: Record<string, string> = Object.fromEntries(
    payload.approverInputs.map(i => [i.name, i.defaultValue]),
  );
  for (const approval of approvals)
    Object.assign(approverInputs, approval.approverInputs);
  return {
    status: 'Approved',
    resolution: { approvedBy: approvals.map(a => a.userRef), approverInputs },
  };
}

function toView(
  wait: ExecutionWait,
  activities: ApprovalActivity[],
  link?: (id: string) => string,
): ApprovalView {
  const payload = payloadOf(wait);
  let status: ApprovalView['status'] = 'WAITING';
  if (wait.status === 'Approved') status = 'APPROVED';
  else if (wait.status === 'Rejected') status = 'REJECTED';
  else if (wait.expired) status = 'EXPIRED';
  return {
    id: wait.id,
    executionId: wait.executionId,
    ...refOf(payload),
    nodeFqn: wait.nodeFqn,
    stepIdentifier: payload.stepIdentifier,
    stepName: payload.stepName,
    status,
    approvalMessage: payload.approvalMessage,
    userGroups: payload.userGroups,
    minimumCount: payload.minimumCount,
    disallowPipelineExecutor: payload.disallowPipelineExecutor,
    approverInputs: payload.approverInputs,
    createdAt: wait.createdAt,
    ...(wait.deadlineAt ? { deadlineAt: wait.deadlineAt } : {}),
    activities: activities.map(a => ({
      user: a.userRef,
      action: a.action,
      ...(a.comments ? { comments: a.comments } : {}),
      approverInputs: a.approverInputs,
      createdAt: a.createdAt,
    })),
    ...(link ? { link: link(wait.executionId) } : {}),
  };
}

/** The groups of a user from its catalog entity's `memberOf` relations. */
export function catalogGroupMembership(
  getUser: (
    userRef: string,
  ) => Promise<
    { relations?: Array<{ type: string; targetRef: string }> } | undefined
  >,
): GroupMembership {
  return async userRef => {
    const entity = await getUser(userRef);
    return (entity?.relations ?? [])
      .filter(r => r.type === 'memberOf')
      .map(r => r.targetRef);
  };
}

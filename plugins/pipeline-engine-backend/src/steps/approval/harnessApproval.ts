import {
  createStepHandler,
  StepParkRequest,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import { harnessApprovalStepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
import { StepTimeoutError } from '../../engine/stepAttempt';
import { approverGroupRef } from './approverGroups';
import type { ApproverNotifier } from './approverNotifications';

/** A rejected approval: classified `ApprovalRejection` for failure strategies. */
export class ApprovalRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApprovalRejectedError';
  }
}

/** What the wait of a HarnessApproval step records (read by the approvals API). */
export interface ApprovalPayload {
  [key: string]: unknown;
  approvalMessage: string;
  userGroups: string[];
  minimumCount: number;
  disallowPipelineExecutor: boolean;
  approverInputs: Array<{ name: string; defaultValue: string }>;
  isAutoRejectEnabled: boolean;
  /** Who started the execution (`disallowPipelineExecutor`). */
  executor: string;
  orgIdentifier: string;
  projectIdentifier: string;
  pipelineIdentifier: string;
  stepIdentifier: string;
  stepName: string;
}

/** Options of {@link createHarnessApprovalStep}. */
export interface HarnessApprovalStepOptions {
  /** The page where the approval is given, for the log line. */
  approvalLink?: (executionId: string) => string;
  /** Tells the approvers when the step starts waiting (with `approvalLink`). */
  notifyApprovers?: ApproverNotifier;
}

/**
 * `HarnessApproval`: the execution parks (ApprovalWaiting, no worker slot,
 * no lease) until enough approvers of the user groups approve through the
 * approvals API, one rejects, or the step's timeout passes (Expired).
 * Approver inputs become outputs: `<+...steps.ID.output.approverInputs.NAME>`.
 */
export function createHarnessApprovalStep(
  options: HarnessApprovalStepOptions = {},
) {
  return createStepHandler({
    ...harnessApprovalStepDefinition,
    async handler(ctx) {
      const wait = ctx.wait;
      if (wait?.expired) {
        ctx.logger.error('no decision before the step timeout');
        throw new StepTimeoutError(
          Date.parse(wait.deadlineAt!) - Date.parse(wait.createdAt),
        );
      }
      if (wait?.status === 'Rejected') {
        const by = String(wait.resolution?.rejectedBy ?? 'an approver');
        const comments = wait.resolution?.comments
          ? `: ${String(wait.resolution.comments)}`
          : '';
        throw new ApprovalRejectedError(
          `approval rejected by ${by}${comments}`,
        );
      }
      if (wait?.status === 'Approved') {
        const inputs = (wait.resolution?.approverInputs ?? {}) as Record<
          string,
          string
        >;
        for (const [name, value] of Object.entries(inputs))
          ctx.output(name, String(value));
        ctx.logger.info(
          `approved by ${((wait.resolution?.approvedBy as string[]) ?? []).join(', ')}`,
        );
        return;
      }
      const spec = ctx.spec;
      const payload: ApprovalPayload = {
        approvalMessage: spec.approvalMessage ?? '',
        userGroups: [
          ...new Set(spec.approvers.userGroups.map(approverGroupRef)),
        ],
        minimumCount: spec.approvers.minimumCount,
        disallowPipelineExecutor: spec.approvers.disallowPipelineExecutor,
        approverInputs: (spec.approverInputs ?? []).map(i => ({
          name: i.name,
          defaultValue: i.defaultValue ?? '',
        })),
        isAutoRejectEnabled: spec.isAutoRejectEnabled ?? false,
        executor: ctx.execution.triggeredBy.identity,
        orgIdentifier: ctx.execution.orgIdentifier,
        projectIdentifier: ctx.execution.projectIdentifier,
        pipelineIdentifier: ctx.execution.pipelineIdentifier,
        stepIdentifier: ctx.step.identifier,
        stepName: ctx.step.name,
      };
      const link = options.approvalLink?.(ctx.execution.id);
      if (!wait)
        ctx.logger.info(
          `waiting for approval by ${payload.userGroups.join(', ')} (${payload.minimumCount} needed)${link ? `: ${link}` : ''}`,
        );
      const notify = options.notifyApprovers;
      throw new StepParkRequest(
        'ApprovalWaiting',
        'approval',
        payload,
        link && notify
          ? {
              // Told once the approval is stored (not when parking again on
              // it), from the stored payload: a secret in the message
              // reaches nobody in clear.
              onParked: stored => {
                const masked = stored as ApprovalPayload;
                return notify(
                  {
                    executionId: ctx.execution.id,
                    pipelineIdentifier: masked.pipelineIdentifier,
                    stepName: masked.stepName,
                    approvalMessage: masked.approvalMessage,
                    userGroups: masked.userGroups,
                    minimumCount: masked.minimumCount,
                    link,
                  },
                  { secrets: ctx.secrets },
                );
              },
            }
          : {},
      );
    },
  });
}

import type { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { StepSecrets } from '@idp-pipelines/plugin-pipeline-engine-node';
import { ALL_USERS_GROUP } from './approverGroups';

/** What approvers are told when a HarnessApproval step starts waiting. */
export interface ApprovalNotice {
  executionId: string;
  pipelineIdentifier: string;
  stepName: string;
  approvalMessage: string;
  /** Catalog group refs, or `_account_all_users`. */
  userGroups: string[];
  minimumCount: number;
  /** The page where the approval is given. */
  link: string;
}

/** What a notifier may use of the waiting step: its secrets (a Slack token reference). */
export interface ApproverNotifyContext {
  secrets: Pick<StepSecrets, 'get'>;
}

/** Tells the approvers of a waiting approval; never rejects. */
export type ApproverNotifier = (
  notice: ApprovalNotice,
  context?: ApproverNotifyContext,
) => Promise<void>;

/** One notifier that runs every given one (each never rejects). */
export function combineApproverNotifiers(
  notifiers: readonly ApproverNotifier[],
): ApproverNotifier {
  return async (notice, context) => {
    await Promise.all(notifiers.map(notify => notify(notice, context)));
  };
}

/**
 * Approver notifications through Backstage's notifications service: the
 * approver groups' members (or every user, for `_account_all_users`) get a
 * notification linking to the execution page. The approval works without
 * it: when the notifications backend is not installed or a send fails, the
 * first failure is logged as a warning and later ones at debug level.
 */
export function createApproverNotifier(options: {
  notifications: Pick<NotificationService, 'send'>;
  logger: LoggerService;
}): ApproverNotifier {
  const { notifications, logger } = options;
  let warned = false;
  return async notice => {
    const everyone = notice.userGroups.includes(ALL_USERS_GROUP);
    try {
      await notifications.send({
        recipients: everyone
          ? { type: 'broadcast' }
          : { type: 'entity', entityRef: notice.userGroups },
        payload: {
          title: `Approval needed: ${notice.pipelineIdentifier} — ${notice.stepName}`,
          description:
            notice.approvalMessage ||
            `${notice.minimumCount} approval(s) needed`,
          link: notice.link,
          severity: 'high',
          topic: 'pipeline-engine-approval',
          // One notification per approval, updated rather than repeated.
          scope: `pipeline-engine:approval:${notice.executionId}:${notice.stepName}`,
        },
      });
    } catch (error) {
      const message = `approver notification for execution ${notice.executionId} was not sent (is the notifications backend installed?): ${(error as Error).message}`;
      if (warned) {
        logger.debug(message);
      } else {
        warned = true;
        logger.warn(`${message}; later failures are logged at debug level`);
      }
    }
  };
}

import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { readNetworkPolicy } from '../../network';
import {
  combineApproverNotifiers,
  createApproverNotifier,
  type ApproverNotifier,
} from './approverNotifications';
import { createSlackApproverNotifier } from './slackApproverNotifier';

/**
 * The approver notifications `pipelineEngine.approvals.notifications`
 * configures: Backstage's notifications service, plus a Slack message when
 * `slack` is set.
 */
export function createApproverNotifiers(options: {
  config: Config;
  notifications: Pick<NotificationService, 'send'>;
  logger: LoggerService;
}): ApproverNotifier {
  const { config, notifications, logger } = options;
  const slack = createSlackApproverNotifier({
    config,
    // The steps' policy reports deprecated settings already; no second warning.
    network: readNetworkPolicy(config),
    logger,
  });
  const backstage = createApproverNotifier({ notifications, logger });
  return slack ? combineApproverNotifiers([backstage, slack]) : backstage;
}

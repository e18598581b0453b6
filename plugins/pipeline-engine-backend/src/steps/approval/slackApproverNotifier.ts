import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { LogLevel, WebClient, type Logger } from '@slack/web-api';
import type { NetworkPolicy } from '../../network';
import { secretOrLiteral } from '../catalog/secretValue';
import { describeSlackError } from '../slack/describeSlackError';
import { DEFAULT_SLACK_API_URL } from '../slack/slackNotify';
import { ALL_USERS_GROUP } from './approverGroups';
import type { ApproverNotifier } from './approverNotifications';

const CONFIG_KEY = 'pipelineEngine.approvals.notifications.slack';

/** The message approvers read in Slack (mrkdwn). */
export function slackApprovalText(
  notice: Parameters<ApproverNotifier>[0],
): string {
  const approvers = notice.userGroups.includes(ALL_USERS_GROUP)
    ? 'any signed-in user'
    : notice.userGroups.join(', ');
  return [
    `*Approval needed*: pipeline \`${notice.pipelineIdentifier}\`, step \`${notice.stepName}\``,
    ...(notice.approvalMessage ? [notice.approvalMessage] : []),
    `Approvers: ${approvers} (${notice.minimumCount} needed)`,
    `<${notice.link}|Open the execution to approve or reject>`,
  ].join('\n');
}

const silentSlackLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/**
 * Posts a message to `pipelineEngine.approvals.notifications.slack.channel`
 * when an approval starts waiting, through `chat.postMessage` at
 * `pipelineEngine.slack.apiUrl` (as the SlackNotify step). The API URL must
 * pass the network policy. Undefined when Slack is not configured. Never
 * rejects: the first failure is a warning, later ones are debug lines.
 */
export function createSlackApproverNotifier(options: {
  config: Config;
  network: NetworkPolicy;
  logger: LoggerService;
}): ApproverNotifier | undefined {
  const { config, network, logger } = options;
  const slack = config.getOptionalConfig(CONFIG_KEY);
  if (!slack) return undefined;
  const channel = slack.getString('channel');
  const token = slack.getString('token');
  const configured =
    config.getOptionalString('pipelineEngine.slack.apiUrl') ??
    DEFAULT_SLACK_API_URL;
  const apiUrl = configured.endsWith('/') ? configured : `${configured}/`;
  const source = {
    step: 'approver Slack message',
    field: 'pipelineEngine.slack.apiUrl',
  };
  let warned = false;

  return async (notice, context) => {
    try {
      const url = new URL('chat.postMessage', apiUrl);
      await network.check(url, source);
      // The token may name a secret of the pipeline's scope, as SlackNotify's.
      const secret = await secretOrLiteral(
        {
          secrets: {
            get: async reference => {
              if (!context) {
                throw new Error(
                  `${CONFIG_KEY}.token names the secret ${reference}, which only an execution can resolve`,
                );
              }
              return context.secrets.get(reference);
            },
            mask: () => {},
          },
        },
        token,
      );
      // Connect to the addresses the policy checked (no DNS change in between).
      const AgentClass = url.protocol === 'https:' ? HttpsAgent : HttpAgent;
      const agent = new AgentClass({
        lookup: network.socketLookup(
          `${source.step}: ${source.field}`,
        ) as never,
      });
      const client = new WebClient(secret, {
        slackApiUrl: apiUrl,
        agent,
        // Failures are reported once below; the client itself stays quiet.
        logger: silentSlackLogger,
        retryConfig: { retries: 0 },
        timeout: 30_000,
      });
      try {
        await client.chat.postMessage({
          channel,
          text: slackApprovalText(notice),
        });
      } finally {
        agent.destroy();
      }
    } catch (error) {
      const message = `Slack message to ${channel} for the approval of execution ${notice.executionId} was not sent: ${describeSlackError(error, channel)}`;
      if (warned) {
        logger.debug(message);
      } else {
        warned = true;
        logger.warn(`${message}; later failures are logged at debug level`);
      }
    }
  };
}

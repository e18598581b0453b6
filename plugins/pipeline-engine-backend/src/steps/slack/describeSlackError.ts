import { ErrorCode, type CodedError } from '@slack/web-api';

/**
 * What went wrong in a failed Slack Web API call, for SlackNotify's error
 * and the approver message's warning: Slack's own error code verbatim
 * first, with what it usually means; the HTTP status; rate limiting; or the
 * network failure. Never the request, which carries the token. `subject` is
 * the channel or email the call was about.
 */
export function describeSlackError(error: unknown, subject: string): string {
  const coded = error as CodedError & {
    data?: { error?: string; needed?: string; provided?: string };
    statusCode?: number;
    original?: Error;
    retryAfter?: number;
  };
  switch (coded?.code) {
    case ErrorCode.PlatformError: {
      const code = coded.data?.error ?? 'unknown_error';
      const hints: Record<string, string> = {
        users_not_found: `no Slack user has the email ${subject}`,
        channel_not_found: `the bot cannot see channel ${subject}; invite it or check the name`,
        not_in_channel: `the bot is not a member of ${subject}; invite it or grant chat:write.public`,
        invalid_auth: 'the token is not a valid Slack token',
        not_authed: 'no token was sent',
        account_inactive: "the token's user or app was deactivated",
        token_revoked: 'the token was revoked',
        missing_scope: `the token lacks the ${coded.data?.needed ?? 'needed'} scope${coded.data?.provided ? ` (it has ${coded.data.provided})` : ''}`,
        invalid_blocks: 'spec.blocks is not valid Block Kit',
      };
      return Object.prototype.hasOwnProperty.call(hints, code)
        ? `${code} (${hints[code]})`
        : code;
    }
    case ErrorCode.HTTPError:
      return `HTTP ${coded.statusCode}`;
    case ErrorCode.RateLimitedError:
      return `ratelimited (retry after ${coded.retryAfter}s)`;
    case ErrorCode.RequestError:
      return `request failed: ${coded.original?.message ?? coded.message}`;
    default:
      return coded?.message ?? String(error);
  }
}

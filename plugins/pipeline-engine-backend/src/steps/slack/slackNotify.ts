import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { slackNotifyStepDefinition } from '@idp-pipelines/plugin-pipeline-engine-common';
import {
  createStepHandler,
  type StepContext,
} from '@idp-pipelines/plugin-pipeline-engine-node';
import { LogLevel, WebClient, type Logger } from '@slack/web-api';
import { secretOrLiteral } from '../catalog/secretValue';
import { describeSlackError } from './describeSlackError';

/** Options of {@link createSlackNotifyStep}. */
export interface SlackNotifyStepOptions {
  /** Reads `pipelineEngine.slack.apiUrl` (default `https://slack.com/api/`). */
  config: Config;
}

/** Slack's Web API, unless `pipelineEngine.slack.apiUrl` says otherwise. */
export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

/**
 * The message text as Slack should show it. Harness's documented pipelines
 * write line breaks as `\\n` inside YAML double quotes, which leaves a
 * literal backslash-n; Harness embeds the text in a JSON payload, where
 * that reads as a line break, so it becomes one here too.
 */
export function slackText(message: string): string {
  return message.replace(/\\r\\n|\\n/g, '\n');
}

/** Block Kit blocks from a list, a JSON list, or a Block Kit Builder `{"blocks": [...]}`. */
function parseBlocks(blocks: string | unknown[]): unknown[] {
  let value: unknown = blocks;
  if (typeof blocks === 'string') {
    try {
      value = JSON.parse(blocks);
    } catch (error) {
      throw new InputError(
        `spec.blocks is not valid JSON: ${(error as Error).message}`,
      );
    }
  }
  if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Array.isArray((value as { blocks?: unknown }).blocks)
  ) {
    value = (value as { blocks: unknown[] }).blocks;
  }
  if (!Array.isArray(value)) {
    throw new InputError(
      'spec.blocks must be a list of Block Kit blocks (or {"blocks": [...]})',
    );
  }
  return value;
}

/** Forwards the Slack client's warnings to the step log. */
function stepLogger(ctx: StepContext<unknown>): Logger {
  let level = LogLevel.WARN;
  return {
    debug: () => {},
    info: () => {},
    warn: (...msgs) => ctx.logger.warn(`slack: ${msgs.map(String).join(' ')}`),
    error: (...msgs) =>
      ctx.logger.error(`slack: ${msgs.map(String).join(' ')}`),
    setLevel: l => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * `SlackNotify`: posts `messageContent` (mrkdwn) or `blocks` as a direct
 * message to the Slack user with `email`, or to `channel`. Outputs `ts` and
 * `channel` of the posted message (for replies through `threadTs`).
 */
export function createSlackNotifyStep(options: SlackNotifyStepOptions) {
  const configured =
    options.config.getOptionalString('pipelineEngine.slack.apiUrl') ??
    DEFAULT_SLACK_API_URL;
  const slackApiUrl = configured.endsWith('/') ? configured : `${configured}/`;

  return createStepHandler({
    // Not idempotent: a second run would post the message twice.
    ...slackNotifyStepDefinition,
    async handler(ctx) {
      const s = ctx.spec;
      const token = await secretOrLiteral(ctx, s.token);
      const client = new WebClient(token, {
        slackApiUrl,
        logger: stepLogger(ctx as StepContext<unknown>),
        logLevel: LogLevel.WARN,
        retryConfig: {
          retries: 2,
          factor: 2,
          minTimeout: 500,
          maxTimeout: 2000,
        },
        timeout: 30_000,
      });
      const call = <T>(
        method: string,
        subject: string,
        run: () => Promise<T>,
      ) =>
        abortable(run(), ctx.signal).catch(error => {
          if (ctx.signal.aborted) throw error;
          throw new Error(
            `Slack ${method} failed: ${describeSlackError(error, subject)}`,
          );
        });

      const userIds = new Map<string, string>();
      const lookup = async (email: string) => {
        const key = email.toLowerCase();
        if (!userIds.has(key)) {
          const result = await call('users.lookupByEmail', email, () =>
            client.users.lookupByEmail({ email }),
          );
          if (!result.user?.id)
            throw new Error(
              `Slack users.lookupByEmail returned no user for ${email}`,
            );
          userIds.set(key, result.user.id);
        }
        return userIds.get(key)!;
      };

      const email = s.email ?? s.emailId;
      let channel: string;
      if (s.channel) {
        channel = s.channel;
        if (email)
          ctx.logger.info(
            `posting to channel ${channel}; email ${email} is not messaged directly`,
          );
      } else {
        channel = await lookup(email!);
        ctx.logger.info(`sending a direct message to ${email}`);
      }

      let message =
        s.messageContent === undefined
          ? undefined
          : slackText(s.messageContent);
      if (message) {
        // `<@jane@example.com>` mentions nobody in Slack; mention the user instead.
        for (const m of [...message.matchAll(/<@([^<>@|\s]+@[^<>|\s]+)>/g)]) {
          try {
            message = message.replace(m[0], `<@${await lookup(m[1])}>`);
          } catch (error) {
            ctx.logger.warn(
              `left ${m[0]} as written: ${(error as Error).message}`,
            );
          }
        }
      }

      const result = await call('chat.postMessage', channel, () =>
        client.chat.postMessage({
          channel,
          ...(message !== undefined ? { text: message } : {}),
          ...(s.blocks !== undefined
            ? { blocks: parseBlocks(s.blocks) as never }
            : {}),
          ...(s.botUsername ? { username: s.botUsername } : {}),
          ...(s.botIconUrl ? { icon_url: s.botIconUrl } : {}),
          ...(s.threadTs ? { thread_ts: s.threadTs } : {}),
          ...(s.replyBroadcast !== undefined && s.threadTs
            ? { reply_broadcast: s.replyBroadcast }
            : {}),
        } as Parameters<typeof client.chat.postMessage>[0]),
      );
      ctx.logger.info(
        `posted message ${result.ts} to ${result.channel ?? channel}`,
      );
      if (result.ts) ctx.output('ts', result.ts);
      ctx.output('channel', result.channel ?? channel);
    },
  });
}

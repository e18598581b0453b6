import { z } from 'zod';
import { defineStep, type StepDefinition } from '../defineStep';
import { booleanValue, textValue } from '../fields';

/** Resolved spec of {@link slackNotifyStepDefinition}. @public */
export interface SlackNotifyStepSpec {
  token: string;
  email?: string;
  emailId?: string;
  channel?: string;
  messageContent?: string;
  blocks?: string | unknown[];
  botUsername?: string;
  botIconUrl?: string;
  threadTs?: string;
  replyBroadcast?: boolean;
}

/** `SlackNotify`: sends a Slack message. @public */
export const slackNotifyStepDefinition: StepDefinition<SlackNotifyStepSpec> =
  defineStep({
    type: 'SlackNotify',
    description: 'sends a Slack message',
    idempotent: false,
    spec: z
      .object({
        token: textValue,
        email: textValue.optional(),
        /** The document's snippet spells it `emailId`. */
        emailId: textValue.optional(),
        channel: textValue.optional(),
        messageContent: textValue.optional(),
        blocks: z.union([z.string(), z.array(z.unknown())]).optional(),
        botUsername: textValue.optional(),
        botIconUrl: textValue.optional(),
        threadTs: textValue.optional(),
        replyBroadcast: booleanValue.optional(),
      })
      .superRefine((s, ctx) => {
        if (!s.email && !s.emailId && !s.channel) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['email'],
            message:
              'SlackNotify needs a recipient: email (direct message) or channel',
          });
        }
        if (s.messageContent === undefined && s.blocks === undefined) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['messageContent'],
            message: 'SlackNotify needs messageContent or blocks',
          });
        }
      }),
    outputs: () => ['ts', 'channel'],
  });

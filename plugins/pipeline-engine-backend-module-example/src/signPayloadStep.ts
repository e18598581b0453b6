import { createHmac } from 'node:crypto';
import { z } from 'zod';
import {
  defineStep,
  textValue,
} from '@idp-pipelines/plugin-pipeline-engine-common';
import { createStepHandler } from '@idp-pipelines/plugin-pipeline-engine-node';

/**
 * The SignPayload step's declaration: what the validator, the CLI and the
 * handler share.
 *
 * @public
 */
export const signPayloadStepDefinition = defineStep({
  type: 'SignPayload',
  description:
    'signs a payload with HMAC-SHA256 and a secret key, e.g. for a webhook a later Http step calls',
  // Signing the same payload twice gives the same signature.
  idempotent: true,
  spec: z.object({
    /** The text to sign, usually built from expressions. */
    payload: textValue,
    /** Secret id of the key: `account.x`, `org.x` or `x`. */
    keySecret: textValue,
  }),
  outputs: () => ['signature'],
});

/**
 * SignPayload: outputs `signature`, the hex HMAC-SHA256 of `payload` with
 * the secret `keySecret`. The key comes from `ctx.secrets`, so it is masked
 * wherever it could show up.
 *
 * @public
 */
export const signPayloadStep = createStepHandler({
  ...signPayloadStepDefinition,
  async handler(ctx) {
    const key = await ctx.secrets.get(ctx.spec.keySecret);
    const signature = createHmac('sha256', key)
      .update(ctx.spec.payload)
      .digest('hex');
    ctx.logger.info(
      `signed ${Buffer.byteLength(ctx.spec.payload)} bytes with ${ctx.spec.keySecret}`,
    );
    ctx.output('signature', signature);
  },
});
